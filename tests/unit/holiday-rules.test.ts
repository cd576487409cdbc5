import Holidays from 'date-holidays';
import HolidaysParser from 'date-holidays-parser';
import { describe, expect, it } from 'vitest';
import { BusinessCalendarsConfig } from '../../functions/domain/business-calendars.js';
import { holidayRulesOf } from '../../lib/holiday-rules.js';

/*
 * The Lambda bundles count business days on date-holidays' parser over only the configured countries' rules
 * (lib/holiday-rules.ts): for every configured jurisdiction it must find exactly the public holidays date-holidays
 * finds, in every year a deadline could fall in; and a country no calendar names must not be known at all.
 */

const publicHolidays = (holidays: Holidays, year: number) => holidays.getHolidays(year).filter((holiday) => holiday.type === 'public').map((holiday) => `${holiday.date} ${holiday.name}`);

describe('holiday rules bundled for the configured calendars', () => {
  // The defaults (US federal, Belgium) and states, regions and countries with moving feasts, substitutes and equinoxes.
  const calendars = BusinessCalendarsConfig.parse({
    team: { holidays: 'DE-BY', timeZone: 'Europe/Berlin' },
    sec: { holidays: 'US', timeZone: 'America/New_York' },
    dora: { holidays: 'IE', timeZone: 'Europe/Dublin' },
    nis2: { holidays: 'JP', timeZone: 'Asia/Tokyo' },
    gdpr: { holidays: 'GB-SCT', timeZone: 'Europe/London' },
  });
  const rules = JSON.parse(holidayRulesOf(calendars)) as object;

  it('hold only the countries the calendars name', () => {
    expect(Object.keys(new HolidaysParser(rules).getCountries()).sort()).toEqual(['DE', 'GB', 'IE', 'JP', 'US']);
    expect(Object.keys(JSON.parse(holidayRulesOf(BusinessCalendarsConfig.parse({}))).holidays as object).sort()).toEqual(['BE', 'US']);
  });

  it('find the public holidays date-holidays finds, 1990 to 2080, for every configured jurisdiction', () => {
    for (const [country, region] of [['DE', 'BY'], ['US'], ['IE'], ['JP'], ['GB', 'SCT']] as const) {
      const options = { types: ['public' as const] };
      const full = region === undefined ? new Holidays(country, options) : new Holidays(country, region, options);
      const bundled = region === undefined ? new HolidaysParser(rules, country, options) : new HolidaysParser(rules, country, region, options);
      for (let year = 1990; year <= 2080; year += 1) expect(publicHolidays(bundled, year), `${country}${region ? `-${region}` : ''} ${year}`).toEqual(publicHolidays(full, year));
    }
  });

  it('know no country the calendars do not name', () => {
    expect(new HolidaysParser(rules, 'FR').getHolidays(2026)).toEqual([]);
    expect(new HolidaysParser(rules).getCountries().FR).toBeUndefined();
  });
});

import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { BusinessCalendarsConfig } from '../../functions/domain/business-calendars.js';
import { HOLIDAY_TABLE_YEARS, holidayTableReader, type HolidayTable } from '../../functions/domain/holiday-table.js';
import { holidayTableValueOf } from '../../lib/holiday-table-value.js';

/*
 * The Lambda bundles count business days on a table of the configured jurisdictions' public holidays made at synth
 * (lib/holiday-table-value.ts), not on date-holidays: for every configured jurisdiction it must hold exactly the public
 * holidays date-holidays finds, in every year it covers; it must know no other jurisdiction, and refuse a year it lacks.
 */

const fromDateHolidays = (code: string, year: number): string[] => {
  const [country, region] = code.split('-') as [string, string | undefined];
  const options = { types: ['public' as const] };
  const holidays = region === undefined ? new Holidays(country, options) : new Holidays(country, region, options);
  return [...new Set(holidays.getHolidays(year).filter((holiday) => holiday.type === 'public').map((holiday) => holiday.date.slice(0, 10)))].sort();
};

describe('the holiday table bundled for the configured calendars', () => {
  // States, regions and countries with moving feasts, substitutes and equinoxes.
  const calendars = BusinessCalendarsConfig.parse({
    team: { holidays: 'DE-BY', timeZone: 'Europe/Berlin' },
    sec: { holidays: 'US', timeZone: 'America/New_York' },
    dora: { holidays: 'IE', timeZone: 'Europe/Dublin' },
    nis2: { holidays: 'JP', timeZone: 'Asia/Tokyo' },
    gdpr: { holidays: 'GB-SCT', timeZone: 'Europe/London' },
  });
  const table = JSON.parse(holidayTableValueOf(calendars)) as HolidayTable;
  const reader = holidayTableReader(table);

  it(`holds the public holidays date-holidays finds, ${HOLIDAY_TABLE_YEARS.first} to ${HOLIDAY_TABLE_YEARS.last}, for every configured jurisdiction`, () => {
    for (const code of ['DE-BY', 'US', 'IE', 'JP', 'GB-SCT']) {
      for (let year = HOLIDAY_TABLE_YEARS.first; year <= HOLIDAY_TABLE_YEARS.last; year += 1) {
        expect([...reader.publicHolidays(code, year)].sort(), `${code} ${year}`).toEqual(fromDateHolidays(code, year));
      }
    }
    // Thanksgiving 2026 and Independence Day observed on Friday 3 July 2026; Bavaria's Epiphany, which Germany lacks.
    expect(['2026-11-26', '2026-07-03'].map((date) => reader.publicHolidays('US', 2026).has(date))).toEqual([true, true]);
    expect(reader.publicHolidays('DE-BY', 2026).has('2026-01-06')).toBe(true);
  });

  it('knows no jurisdiction the calendars do not name (a region is not its country), and refuses a year it does not hold', () => {
    expect(Object.keys(table.jurisdictions)).toEqual(['DE-BY', 'GB-SCT', 'IE', 'JP', 'US']);
    expect(reader.knows('DE')).toBe(false);
    expect(reader.knows('__proto__')).toBe(false);
    expect(() => reader.publicHolidays('FR', 2026)).toThrowError(/holds DE-BY, GB-SCT, IE, JP, US from 2000 to 2100, not FR in 2026/);
    expect(() => reader.publicHolidays('constructor', 2026)).toThrowError(RangeError);
    expect(() => reader.publicHolidays('US', HOLIDAY_TABLE_YEARS.last + 1)).toThrowError(/not US in 2101/);
    expect(() => reader.publicHolidays('US', HOLIDAY_TABLE_YEARS.first - 1)).toThrowError(/not US in 1999/);
  });

  it('is small enough to bundle as a value: the defaults (US, BE) in a few KB', () => {
    const defaults = holidayTableValueOf(BusinessCalendarsConfig.parse({}));
    expect(Object.keys((JSON.parse(defaults) as HolidayTable).jurisdictions)).toEqual(['BE', 'US']);
    expect(Buffer.byteLength(defaults)).toBeLessThan(16 * 1024);
    expect(Buffer.byteLength(JSON.stringify(table))).toBeLessThan(40 * 1024);
  });
});

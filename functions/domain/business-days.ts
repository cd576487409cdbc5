import Holidays from 'date-holidays';
import * as z from 'zod';
import { fromLocal, isoDate, isTimeZone, plusDays, toLocal, weekday, type LocalDateTime } from './zoned-time.js';

/*
 * Business days on a jurisdiction's calendar: Saturdays, Sundays and the jurisdiction's public holidays
 * (date-holidays, type `public`, substitute days included) are skipped, counted on the wall clock of its zone.
 */

/** A date-holidays country code, optionally with its state or region: `US`, `DE`, `DE-BY`. */
export const HolidayJurisdiction = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'a country code, optionally with a region, e.g. US, IE, DE-BY')
  .refine((code) => holidaysOf(code) !== undefined, { message: 'date-holidays knows no such country or region: use an ISO 3166 code it lists, e.g. US, IE, DE-BY' });

export const TimeZone = z.string().refine(isTimeZone, { message: 'an IANA time zone, e.g. America/New_York or Europe/Dublin' });

/** Where a business-day deadline is counted: whose holidays, on whose clock. */
export const BusinessCalendar = z.strictObject({
  holidays: HolidayJurisdiction,
  timeZone: TimeZone,
});
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** US federal holidays on Eastern time: the SEC's business days (EDGAR is in Washington, D.C.). */
export const usFederalCalendar: BusinessCalendar = { holidays: 'US', timeZone: 'America/New_York' };

const jurisdictions = new Map<string, Holidays | undefined>();

function holidaysOf(code: string): Holidays | undefined {
  if (!jurisdictions.has(code)) {
    const [country, region] = code.split('-') as [string, string | undefined];
    const catalog = new Holidays();
    const known = catalog.getCountries()[country] !== undefined && (region === undefined || catalog.getStates(country)?.[region] !== undefined);
    const options = { types: ['public' as const] };
    jurisdictions.set(code, !known ? undefined : region === undefined ? new Holidays(country, options) : new Holidays(country, region, options));
  }
  return jurisdictions.get(code);
}

const holidayDates = new Map<string, ReadonlySet<string>>();

/** The jurisdiction's public holidays in a year, as `YYYY-MM-DD` local dates. */
function publicHolidays(code: string, year: number): ReadonlySet<string> {
  const key = `${code}:${year}`;
  let dates = holidayDates.get(key);
  if (!dates) {
    const holidays = holidaysOf(code);
    if (!holidays) throw new RangeError(`no holiday calendar for ${code}`);
    dates = new Set(holidays.getHolidays(year).filter((holiday) => holiday.type === 'public').map((holiday) => holiday.date.slice(0, 10)));
    holidayDates.set(key, dates);
  }
  return dates;
}

/** Whether a local date is a business day: a weekday that is no public holiday of the calendar's jurisdiction. */
export function isBusinessDay(date: Pick<LocalDateTime, 'year' | 'month' | 'day'>, calendar: BusinessCalendar): boolean {
  const day = weekday(date);
  return day !== 0 && day !== 6 && !publicHolidays(calendar.holidays, date.year).has(isoDate(date));
}

/**
 * The instant `businessDays` business days after `from`, at the same local time of day: 4 business days from a
 * Thursday 15:00 before Thanksgiving end the Thursday after, 15:00. A start on a day off counts from the next
 * business day's 00:00 local, as if the clock started then.
 */
export function addBusinessDays(from: Date, businessDays: number, calendar: BusinessCalendar): Date {
  let cursor: LocalDateTime = toLocal(from, calendar.timeZone);
  if (!isBusinessDay(cursor, calendar)) {
    do cursor = plusDays(cursor, 1);
    while (!isBusinessDay(cursor, calendar));
    cursor = { ...cursor, hour: 0, minute: 0, second: 0, millisecond: 0 };
  }
  for (let left = businessDays; left > 0; ) {
    cursor = plusDays(cursor, 1);
    if (isBusinessDay(cursor, calendar)) left -= 1;
  }
  return fromLocal(cursor, calendar.timeZone);
}

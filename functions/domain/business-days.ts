import Holidays from 'date-holidays';
import type { BusinessCalendar, BusinessCalendarsConfig } from './business-calendars.js';
import { holidayTableReader, type HolidayTable } from './holiday-table.js';
import { fromLocal, isoDate, plusDays, toLocal, weekday, type LocalDateTime } from './zoned-time.js';

/*
 * Business days on a jurisdiction's calendar: Saturdays, Sundays and the jurisdiction's public holidays
 * (date-holidays, type `public`, substitute days included) are skipped, counted on the wall clock of its zone.
 * Run here (tests, the local stack, synth), date-holidays counts them; in the Lambda bundles, the table of the
 * configured jurisdictions' holidays it made at synth (IRDR_HOLIDAY_TABLE, functions/domain/holiday-table.ts), and no
 * bundle carries date-holidays (lib/functions.ts aliases it away). The CDK app and the local stack check that each
 * configured jurisdiction exists (below).
 */

/** In a Lambda bundle: the holiday table made at synth (an esbuild define). */
const bundledTable = process.env.IRDR_HOLIDAY_TABLE === undefined ? undefined : holidayTableReader(JSON.parse(process.env.IRDR_HOLIDAY_TABLE) as HolidayTable);

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

/** The jurisdiction's public holidays in a year, as `YYYY-MM-DD` local dates (what the bundles' table is made of). */
export function publicHolidays(code: string, year: number): ReadonlySet<string> {
  const key = `${code}:${year}`;
  let dates = holidayDates.get(key);
  if (!dates && bundledTable !== undefined) {
    dates = bundledTable.publicHolidays(code, year);
    holidayDates.set(key, dates);
  }
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

/** The configured calendars whose jurisdiction date-holidays does not know, each saying what to change. */
export function unknownHolidayJurisdictions(calendars: BusinessCalendarsConfig): string[] {
  return Object.entries(calendars)
    .filter(([, calendar]) => holidaysOf(calendar.holidays) === undefined)
    .map(([name, calendar]) => `businessCalendars.${name}.holidays: date-holidays knows no country or region "${calendar.holidays}"; use an ISO 3166 code it lists, e.g. US, IE, DE-BY`);
}

/** Refuses a configuration whose calendars cannot be counted: run where the stack is synthesized or started. */
export function requireKnownHolidayJurisdictions(calendars: BusinessCalendarsConfig): void {
  const problems = unknownHolidayJurisdictions(calendars);
  if (problems.length > 0) throw new Error(`config/irdr.config.json: ${problems.join('; ')}`);
}

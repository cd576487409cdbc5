import * as z from './zod.js';
import { isTimeZone } from './zoned-time.js';

/*
 * The calendars deadlines are counted on, by whose deadline it is: the team's own (the post-incident review and
 * runbook clocks that name none) and each regulator's (SEC Form 8-K; the EU competent authority, CSIRT and
 * supervisory authority, whose member state the deployment names).
 */

/** A date-holidays country code, optionally with its state or region: `US`, `DE`, `DE-BY` (that it exists is checked at synth and local start). */
export const HolidayJurisdiction = z.string().check(z.regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'a country code, optionally with a region, e.g. US, IE, DE-BY'));

export const TimeZone = z.string().check(z.refine(isTimeZone, { message: 'an IANA time zone, e.g. America/New_York or Europe/Dublin' }));

/** Where a business-day deadline is counted: whose holidays, on whose clock. */
export const BusinessCalendar = z.strictObject({
  holidays: HolidayJurisdiction,
  timeZone: TimeZone,
});
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** US federal holidays on Eastern time: the SEC's business days (EDGAR is in Washington, D.C.). */
export const usFederalCalendar: BusinessCalendar = { holidays: 'US', timeZone: 'America/New_York' };

export const calendarNames = ['team', 'sec', 'dora', 'nis2', 'gdpr'] as const;
export const CalendarName = z.enum(calendarNames);
export type CalendarName = z.infer<typeof CalendarName>;

/** Belgium on Brussels time until the deployment names its own member state's authority (docs/regulatory-stages.md). */
export const euDefaultCalendar: BusinessCalendar = { holidays: 'BE', timeZone: 'Europe/Brussels' };

export const BusinessCalendarsConfig = z.strictObject({
  /** The team's: the post-incident review's due date and the business-day clocks of runbooks that name no calendar. */
  team: z._default(BusinessCalendar, usFederalCalendar),
  /** Form 8-K's four business days: US federal holidays, Eastern time. */
  sec: z._default(BusinessCalendar, usFederalCalendar),
  /** The DORA competent authority's member state (months are counted on its clock). */
  dora: z._default(BusinessCalendar, euDefaultCalendar),
  /** The NIS2 CSIRT or competent authority's member state. */
  nis2: z._default(BusinessCalendar, euDefaultCalendar),
  /** The lead supervisory authority's member state (GDPR Art. 56). */
  gdpr: z._default(BusinessCalendar, euDefaultCalendar),
});
export type BusinessCalendarsConfig = z.infer<typeof BusinessCalendarsConfig>;

import * as z from 'zod';
import { BusinessCalendar, usFederalCalendar } from './business-days.js';

/*
 * The calendars deadlines are counted on, by whose deadline it is: the team's own (the post-incident review and
 * runbook clocks that name none) and each regulator's (SEC Form 8-K; the EU competent authority, CSIRT and
 * supervisory authority, whose member state the deployment names).
 */

export const calendarNames = ['team', 'sec', 'dora', 'nis2', 'gdpr'] as const;
export const CalendarName = z.enum(calendarNames);
export type CalendarName = z.infer<typeof CalendarName>;

/** Belgium on Brussels time until the deployment names its own member state's authority (docs/regulatory-stages.md). */
export const euDefaultCalendar: BusinessCalendar = { holidays: 'BE', timeZone: 'Europe/Brussels' };

export const BusinessCalendarsConfig = z.strictObject({
  /** The team's: the post-incident review's due date and the business-day clocks of runbooks that name no calendar. */
  team: BusinessCalendar.default(usFederalCalendar),
  /** Form 8-K's four business days: US federal holidays, Eastern time. */
  sec: BusinessCalendar.default(usFederalCalendar),
  /** The DORA competent authority's member state (months are counted on its clock). */
  dora: BusinessCalendar.default(euDefaultCalendar),
  /** The NIS2 CSIRT or competent authority's member state. */
  nis2: BusinessCalendar.default(euDefaultCalendar),
  /** The lead supervisory authority's member state (GDPR Art. 56). */
  gdpr: BusinessCalendar.default(euDefaultCalendar),
});
export type BusinessCalendarsConfig = z.infer<typeof BusinessCalendarsConfig>;

import type { BusinessCalendarsConfig } from '../functions/domain/business-calendars.js';
import { publicHolidays } from '../functions/domain/business-days.js';
import { holidayTableOf } from '../functions/domain/holiday-table.js';

/**
 * The public holidays of the jurisdictions the business calendars name, counted here by date-holidays, as the JSON
 * the Lambda bundles read (IRDR_HOLIDAY_TABLE): deadlines are only ever counted on a configured calendar, and the
 * config is bundled, so it cannot name another.
 */
export function holidayTableValueOf(calendars: BusinessCalendarsConfig): string {
  return JSON.stringify(holidayTableOf(Object.values(calendars).map((calendar) => calendar.holidays), publicHolidays));
}

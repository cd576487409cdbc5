import { data } from 'date-holidays/data';
import type { BusinessCalendarsConfig } from '../functions/domain/business-calendars.js';

/**
 * date-holidays' rules for only the countries the business calendars name, with the holiday names they share, as
 * JSON: the Lambda bundles read them (functions/aws/bundled-holidays.ts) instead of every country's (437 KB).
 * Deadlines are only ever counted on a configured calendar, and the config is bundled: it cannot name another.
 */
export function holidayRulesOf(calendars: BusinessCalendarsConfig): string {
  const countries = [...new Set(Object.values(calendars).map((calendar) => calendar.holidays.split('-')[0]!))].sort();
  return JSON.stringify({ ...data, holidays: Object.fromEntries(countries.map((country) => [country, data.holidays[country]])) });
}

import HolidaysParser from 'date-holidays-parser';

/**
 * date-holidays as the Lambda bundles hold it (lib/functions.ts aliases the package here): the same parser over only
 * the rules of the countries the config's calendars name (lib/holiday-rules.ts, made at synth), where date-holidays
 * holds every country's. Handlers run unbundled locally use date-holidays itself.
 */
const rules: object = JSON.parse(process.env.IRDR_HOLIDAY_RULES ?? '{"holidays":{},"names":{}}');

export default class Holidays extends HolidaysParser {
  constructor(...args: [country?: string, state?: string, region?: string, opts?: object]) {
    super(rules, ...args);
  }
}

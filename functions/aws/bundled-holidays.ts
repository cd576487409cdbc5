/**
 * What the Lambda bundles import in place of date-holidays (lib/functions.ts aliases the package here): nothing, for
 * they count business days on the holiday table made at synth (IRDR_HOLIDAY_TABLE, functions/domain/business-days.ts)
 * and never construct date-holidays. Were one to, it would fail saying so rather than find no holidays.
 */
export default class Holidays {
  constructor() {
    throw new Error('date-holidays is not bundled: business days are counted on the holiday table made at synth (IRDR_HOLIDAY_TABLE)');
  }
}

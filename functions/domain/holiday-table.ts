/*
 * The public holidays of the configured jurisdictions as a table of dates, made at synth from date-holidays
 * (lib/holiday-table-value.ts) and bundled as a value: the Lambda functions that count business days look dates up
 * in it instead of carrying date-holidays, its parser, moment-timezone with every zone and astronomia (~1.1 MB).
 */

/** The years the table holds: any deadline counted from an incident of this century's first hundred years. */
export const HOLIDAY_TABLE_YEARS = { first: 2000, last: 2100 } as const;

/** Per jurisdiction (`US`, `DE-BY`), per year from `first`: that year's public holidays as `MMDD`, comma-joined. */
export interface HolidayTable {
  readonly first: number;
  readonly jurisdictions: Readonly<Record<string, readonly string[]>>;
}

/** The table for these jurisdictions, from a source of each year's public holidays as `YYYY-MM-DD` dates. */
export function holidayTableOf(jurisdictions: readonly string[], publicHolidays: (jurisdiction: string, year: number) => Iterable<string>): HolidayTable {
  const years = Array.from({ length: HOLIDAY_TABLE_YEARS.last - HOLIDAY_TABLE_YEARS.first + 1 }, (_, index) => HOLIDAY_TABLE_YEARS.first + index);
  const rows = (jurisdiction: string) => years.map((year) => [...new Set([...publicHolidays(jurisdiction, year)].map((date) => date.slice(5, 7) + date.slice(8, 10)))].sort().join(','));
  return { first: HOLIDAY_TABLE_YEARS.first, jurisdictions: Object.fromEntries([...new Set(jurisdictions)].sort().map((jurisdiction) => [jurisdiction, rows(jurisdiction)])) };
}

/** Looks a jurisdiction's holidays up in a table: undefined for one it does not hold; a year outside it is refused. */
export function holidayTableReader(table: HolidayTable): { knows(jurisdiction: string): boolean; publicHolidays(jurisdiction: string, year: number): ReadonlySet<string> } {
  return {
    knows: (jurisdiction) => Object.hasOwn(table.jurisdictions, jurisdiction),
    publicHolidays(jurisdiction, year) {
      const row = Object.hasOwn(table.jurisdictions, jurisdiction) ? table.jurisdictions[jurisdiction]![year - table.first] : undefined;
      if (row === undefined) {
        throw new RangeError(`the holiday table bundled at synth holds ${Object.keys(table.jurisdictions).join(', ')} from ${table.first} to ${table.first + (Object.values(table.jurisdictions)[0]?.length ?? 0) - 1}, not ${jurisdiction} in ${year}`);
      }
      return new Set(row === '' ? [] : row.split(',').map((monthDay) => `${year}-${monthDay.slice(0, 2)}-${monthDay.slice(2)}`));
    },
  };
}

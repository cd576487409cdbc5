/** date-holidays' rule data (its `./data` export ships no types): what lib/holiday-rules.ts picks countries from. */
declare module 'date-holidays/data' {
  export const data: { readonly version: string; readonly license: string; readonly holidays: Readonly<Record<string, unknown>>; readonly names: Readonly<Record<string, unknown>> };
}

/** date-holidays-parser ships types its `exports` map does not point to: the class date-holidays extends, taking the rules first. */
declare module 'date-holidays-parser' {
  import type Holidays from 'date-holidays';
  const HolidaysParser: new (data: object, ...args: unknown[]) => Holidays;
  export default HolidaysParser;
}

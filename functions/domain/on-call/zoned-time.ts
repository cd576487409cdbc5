/** Wall-clock arithmetic in an IANA time zone with Intl alone (no Temporal in Node 24, no tz library in the bundle). */

/** A calendar date, as written in config (`2026-12-07`). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows this IANA zone (`Europe/Berlin`); a name it does not know would throw at every page. */
export function isTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `zone` at an instant, as if it were UTC (milliseconds dropped). */
function wallClockMs(zone: string, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instantMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at an instant, in milliseconds (+3,600,000 for CET). */
export function offsetMsAt(zone: string, instantMs: number): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallClockMs(zone, whole) - whole;
}

/** The calendar date on the wall in `zone` at an instant. */
export function localDateAt(zone: string, instantMs: number): CalendarDate {
  const wall = new Date(wallClockMs(zone, instantMs));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant the wall clock in `zone` shows `minutes` past midnight of `date`. Like Temporal's `compatible`: a time
 * skipped by a DST change (02:30 on a spring-forward night) is taken after the gap (03:30), a time shown twice
 * (02:30 on a fall-back night) is its first showing.
 */
export function instantAtLocal(zone: string, date: CalendarDate, minutes: number): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  const before = offsetMsAt(zone, wall - DAY_MS);
  const after = offsetMsAt(zone, wall + DAY_MS);
  const candidates = [...new Set([before, after])].map((offset) => wall - offset).filter((instant) => wallClockMs(zone, instant) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: read the wall time with the offset from before the change, which lands as far past the gap as it was into it.
  return wall - before;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS);
}

/** `date` moved by `days`. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** `2026-12-07` as a calendar date (the schema has checked its shape). */
export function parseCalendarDate(text: string): CalendarDate {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

/** `09:30` as minutes past midnight. */
export function minutesOfDay(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return hours! * 60 + minutes!;
}

import { instantOfWallClock, isKnownTimeZone, offsetAt, wallClockAt } from '../schedule/time-zone.js';

/** Calendar dates of on-call rotations in an IANA time zone (the conversions are schedule/time-zone.ts's). */

/** A calendar date, as written in config (`2026-12-07`). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY_MS = 86_400_000;

/** Whether the runtime knows this IANA zone (`Europe/Berlin`); a name it does not know would throw at every page. */
export const isTimeZone = (zone: string): boolean => isKnownTimeZone(zone);

/** The zone's offset from UTC at an instant, in milliseconds (+3,600,000 for CET). */
export const offsetMsAt = (zone: string, instantMs: number): number => offsetAt(instantMs, zone);

/** The calendar date on the wall in `zone` at an instant. */
export function localDateAt(zone: string, instantMs: number): CalendarDate {
  const wall = new Date(wallClockAt(instantMs, zone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant the wall clock in `zone` shows `minutes` past midnight of `date`. Like Temporal's `compatible`: a time
 * skipped by a DST change (02:30 on a spring-forward night) is taken after the gap (03:30), a time shown twice
 * (02:30 on a fall-back night) is its first showing.
 */
export const instantAtLocal = (zone: string, date: CalendarDate, minutes: number): number =>
  instantOfWallClock(Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000, zone);

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

import { instantOfWallClock, isKnownTimeZone, wallClockAt } from './schedule/time-zone.js';

/*
 * Wall-clock time in an IANA time zone (the conversions are schedule/time-zone.ts's): a deadline such as "4 business days" or "one month"
 * is counted on the calendar of the place it is owed in, so it lands on the same local time of day across DST.
 */

export interface LocalDateTime {
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** Whether Intl knows the zone by name (e.g. `America/New_York`, `UTC`). */
export const isTimeZone = (timeZone: string): boolean => isKnownTimeZone(timeZone);

/** The wall-clock reading of an instant in a zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const wall = new Date(wallClockAt(instant.getTime(), timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: instant.getUTCMilliseconds(),
  };
}

/**
 * The instant a wall-clock time names in a zone. A time that occurs twice (the hour DST ends) is its earlier
 * instant, the stricter deadline; a time that never occurs (the hour DST skips) is moved forward by the skip.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
  return new Date(instantOfWallClock(wall, timeZone));
}

/** `YYYY-MM-DD` of a local date. */
export const isoDate = (local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string =>
  `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;

/** The calendar date `days` after a local date (the time of day kept). */
export function plusDays<T extends Pick<LocalDateTime, 'year' | 'month' | 'day'>>(local: T, days: number): T {
  const moved = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** 0 = Sunday ... 6 = Saturday, of a local date. */
export const weekday = (local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): number => new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();

/**
 * The instant `months` calendar months after `from` in a zone, at the same local time; a day the target month
 * lacks (31 January + 1 month) is its last day, so the deadline never spills into the month after.
 */
export function addMonths(from: Date, months: number, timeZone: string): Date {
  const local = toLocal(from, timeZone);
  const monthIndex = local.month - 1 + months;
  const year = local.year + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return fromLocal({ ...local, year, month, day: Math.min(local.day, lastDay) }, timeZone);
}

/**
 * A deadline `months` calendar months after `from`: addMonths, but never later than addMonths of any later instant.
 * The clamp alone breaks that (28 Jan 10:00 + 1 month = 28 Feb 10:00, while 29 Jan 00:00 + 1 month = 28 Feb
 * 00:00), so a stage counted from an earlier anchor could fall due after one counted from a later one.
 */
export function monthsDeadline(from: Date, months: number, timeZone: string): Date {
  const local = toLocal(from, timeZone);
  const nextMidnight = fromLocal({ ...plusDays(local, 1), hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
  const same = addMonths(from, months, timeZone);
  const fromNextDay = addMonths(nextMidnight, months, timeZone);
  return fromNextDay < same ? fromNextDay : same;
}

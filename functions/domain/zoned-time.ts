/*
 * Wall-clock time in an IANA time zone, with nothing but Intl: a deadline such as "4 business days" or "one month"
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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether Intl knows the zone (e.g. `America/New_York`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of an instant in a zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']!,
    minute: parts['minute']!,
    second: parts['second']!,
    millisecond: instant.getUTCMilliseconds(),
  };
}

const asUtc = (local: LocalDateTime): number =>
  Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);

/** The zone's offset from UTC at an instant, in milliseconds (New York in winter: −5 h). */
const offsetAt = (instant: number, timeZone: string): number => asUtc(toLocal(new Date(instant), timeZone)) - instant;

const DAY_MS = 86_400_000;
const sameWallClock = (a: LocalDateTime, b: LocalDateTime): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;

/**
 * The instant a wall-clock time names in a zone. A time that occurs twice (the hour DST ends) is its earlier
 * instant, the stricter deadline; a time that never occurs (the hour DST skips) is moved forward by the skip.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const guess = asUtc(local);
  // No zone changes its offset twice within two days, so the offsets a day either side are the only candidates.
  const before = offsetAt(guess - DAY_MS, timeZone);
  const after = offsetAt(guess + DAY_MS, timeZone);
  const matching = [...new Set([before, after])].map((offset) => guess - offset).filter((instant) => sameWallClock(toLocal(new Date(instant), timeZone), local));
  if (matching.length > 0) return new Date(Math.min(...matching));
  return new Date(guess - before);
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

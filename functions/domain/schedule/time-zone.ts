/**
 * Wall-clock time in an IANA time zone, as plain numbers: a "wall" value is Date.UTC of the local
 * date and time, so calendar arithmetic on it needs no zone. Converting back is where daylight
 * saving time shows: a wall time can map to no instant (spring forward) or to two (fall back).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True for a time zone name this runtime knows (IANA names such as Europe/London, or UTC). */
export function isKnownTimeZone(timeZone: string): boolean {
  // Intl also takes offsets such as +01:00; EventBridge Scheduler wants a zone name.
  if (!/^[A-Za-z]/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at an instant, to the second. */
export function wallClockAt(instantMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  const year = parts['era'] === 'BC' || parts['era'] === 'B' ? 1 - Number(parts['year']) : Number(parts['year']);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts['month']) - 1, Number(parts['day']));
  wall.setUTCHours(Number(parts['hour']), Number(parts['minute']), Number(parts['second']), 0);
  return wall.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (wall clock minus UTC). */
export function offsetAt(instantMs: number, timeZone: string): number {
  return wallClockAt(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The instants at which the zone's clocks show a wall time, earliest first: none in a
 * spring-forward gap, two in a repeated fall-back hour, otherwise one.
 */
export function instantsOfWallClock(wallMs: number, timeZone: string): number[] {
  // Offsets change at most once in any two-day span, so the offsets a day either side cover every candidate.
  const offsets = new Set([offsetAt(wallMs - DAY_MS, timeZone), offsetAt(wallMs, timeZone), offsetAt(wallMs + DAY_MS, timeZone)]);
  const instants = new Set<number>();
  for (const offset of offsets) {
    const instant = wallMs - offset;
    if (offsetAt(instant, timeZone) === offset) instants.add(instant);
  }
  return [...instants].sort((a, b) => a - b);
}

/**
 * The instant a wall time names, for a one-off time: the earlier of a repeated time, and for a
 * time skipped by spring forward the instant it would have been on the old offset (02:30 becomes 03:30).
 */
export function instantOfWallClock(wallMs: number, timeZone: string): number {
  const [first] = instantsOfWallClock(wallMs, timeZone);
  return first ?? wallMs - offsetAt(wallMs - DAY_MS, timeZone);
}

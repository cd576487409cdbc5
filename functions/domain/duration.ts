/**
 * Durations as runbooks write them: ISO 8601 (`PT1H`, `P3D`, `P1DT12H`, `P2W`) or short forms
 * (`72h`, `15m`, `30s`, `2d`, `1w`, and runs of them such as `1h30m`). Months and years are refused:
 * their length depends on the calendar, and a deadline must mean the same thing every time.
 */

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const SHORT_DURATION = /^(?:\d+[wdhms])+$/;

export const DURATION_HINT = 'a duration such as PT1H, P3D, P1DT12H, 72h, 15m or 1h30m (no months or years)';

/** Seconds in a duration, or undefined when the text is not one (or is zero). */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  const iso = ISO_DURATION.exec(trimmed);
  if (iso && trimmed !== 'P' && !trimmed.endsWith('T')) {
    const [, weeks, days, hours, minutes, seconds] = iso;
    const total =
      Number(weeks ?? 0) * UNIT_SECONDS.w +
      Number(days ?? 0) * UNIT_SECONDS.d +
      Number(hours ?? 0) * UNIT_SECONDS.h +
      Number(minutes ?? 0) * UNIT_SECONDS.m +
      Number(seconds ?? 0);
    return total > 0 ? total : undefined;
  }
  if (SHORT_DURATION.test(trimmed)) {
    let total = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+)([wdhms])/g)) total += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
    return total > 0 ? total : undefined;
  }
  return undefined;
}

/** Like parseDurationSeconds, for text a schema has already accepted. */
export function durationSeconds(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new RangeError(`"${text}" is not ${DURATION_HINT}`);
  return seconds;
}

/** `3600` → `1h`, `5400` → `1h30m`: for emails and events. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of Object.entries(UNIT_SECONDS).filter(([unit]) => unit !== 'w')) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return parts.join('');
}

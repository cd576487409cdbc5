/** `2 h 05 m`, `4 m 09 s`, or `overdue by 3 m 00 s`: what a clock's countdown says at `now`. */
export function countdown(deadlineAt: string, now: number): string {
  const remaining = Date.parse(deadlineAt) - now;
  const text = duration(Math.abs(remaining));
  return remaining >= 0 ? text : `overdue by ${text}`;
}

export function duration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const pad = (value: number): string => String(value).padStart(2, '0');
  if (days > 0) return `${days} d ${pad(hours)} h`;
  if (hours > 0) return `${hours} h ${pad(minutes)} m`;
  return `${minutes} m ${pad(seconds % 60)} s`;
}

/** A time as people read it here: the browser's locale and zone, with the ISO time in the title. */
export const shortTime = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

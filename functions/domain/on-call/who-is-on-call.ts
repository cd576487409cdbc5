import type { OnCallLayer, OnCallSchedule } from './schedule-schema.js';
import { addDays, daysBetween, instantAtLocal, localDateAt, minutesOfDay, parseCalendarDate, type CalendarDate } from './zoned-time.js';

/** Where an on-call assignment comes from: a layer's shift (its number from the layer's start) or an override. */
export type OnCallSource =
  | { readonly kind: 'layer'; readonly layer: string; readonly shift: number }
  | { readonly kind: 'override'; readonly override: number; readonly reason?: string };

/** Who is on call at an instant, since when and until the answer next changes (none: it never does). */
export interface OnCallAssignment {
  /** The person's email, as the schedule names them. */
  readonly email: string;
  readonly source: OnCallSource;
  readonly since: Date;
  readonly until?: Date;
}

interface LayerShift {
  readonly email: string;
  readonly shift: number;
  readonly since: number;
  readonly until?: number;
}

function layerClock(layer: OnCallLayer) {
  const period = layer.handoff.every === 'day' ? 1 : 7;
  const start = parseCalendarDate(layer.start);
  const at = minutesOfDay(layer.handoff.at);
  const handoff = (shift: number): number => instantAtLocal(layer.handoff.timeZone, addDays(start, shift * period), at);
  const end = layer.end === undefined ? undefined : instantAtLocal(layer.handoff.timeZone, parseCalendarDate(layer.end), at);
  return { period, start, handoff, end };
}

/** The layer's shift at an instant: the last handoff at or before it (a handoff instant belongs to the incoming person). */
export function layerShiftAt(layer: OnCallLayer, instantMs: number): LayerShift | undefined {
  const clock = layerClock(layer);
  if (instantMs < clock.handoff(0) || (clock.end !== undefined && instantMs >= clock.end)) return undefined;
  const today: CalendarDate = localDateAt(layer.handoff.timeZone, instantMs);
  let shift = Math.floor(daysBetween(clock.start, today) / clock.period);
  if (instantMs < clock.handoff(shift)) shift -= 1;
  const next = clock.handoff(shift + 1);
  const until = clock.end === undefined ? next : Math.min(next, clock.end);
  return { email: layer.rotation[shift % layer.rotation.length]!, shift, since: clock.handoff(shift), until };
}

/** When a layer next starts having someone on call after an instant (its first handoff), if it has not yet. */
function layerStartsAfter(layer: OnCallLayer, instantMs: number): number | undefined {
  const first = layerClock(layer).handoff(0);
  return first > instantMs ? first : undefined;
}

/**
 * Who is on call at `at`: an override covering it, else the highest (last-listed) layer with someone on call; none
 * when neither does (before every layer starts, after they all end).
 */
export function whoIsOnCall(schedule: OnCallSchedule, at: Date): OnCallAssignment | undefined {
  const instant = at.getTime();
  const overrideStarts = schedule.overrides.map((override) => Date.parse(override.from)).filter((from) => from > instant);
  for (const [index, override] of schedule.overrides.entries()) {
    const from = Date.parse(override.from);
    const to = Date.parse(override.to);
    if (from <= instant && instant < to) {
      return { email: override.person, source: { kind: 'override', override: index, ...(override.reason !== undefined && { reason: override.reason }) }, since: new Date(from), until: new Date(to) };
    }
  }
  for (let index = schedule.layers.length - 1; index >= 0; index -= 1) {
    const layer = schedule.layers[index]!;
    const shift = layerShiftAt(layer, instant);
    if (!shift) continue;
    // The answer changes at the shift's end, when an override begins, or when a higher layer starts.
    const higherStarts = schedule.layers.slice(index + 1).flatMap((higher) => layerStartsAfter(higher, instant) ?? []);
    const changes = [...(shift.until !== undefined ? [shift.until] : []), ...overrideStarts, ...higherStarts];
    return {
      email: shift.email,
      source: { kind: 'layer', layer: layer.name, shift: shift.shift },
      since: new Date(shift.since),
      ...(changes.length > 0 && { until: new Date(Math.min(...changes)) }),
    };
  }
  return undefined;
}

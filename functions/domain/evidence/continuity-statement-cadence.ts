import { nextFireTimes, parseScheduleExpression } from '../schedule/expression.js';
import type { EvidencePeriod } from './exported-trail.js';

/*
 * A plan's cadence over a period: each due window (from one scheduled time to the next) must hold a drill run that
 * proved recovery. A window not yet closed when the statement is made is neither met nor a gap; a window that closed
 * without a passing run is a gap, stated with its dates. Consecutive missed windows are stated as one gap.
 */

export interface PlanSchedule {
  readonly expression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
}

export interface CadenceGap {
  readonly from: string;
  readonly to: string;
  /** How many due windows the gap spans. */
  readonly windows: number;
}

export interface Cadence {
  /** The cadence in words (`weekly`, `every 6 hours`); `none (run by hand)` when the plan has no enabled schedule. */
  readonly promised: string;
  readonly scheduled: boolean;
  /** Due windows that closed inside the period, and how many of them held a passing run. */
  readonly dueWindows: number;
  readonly metWindows: number;
  readonly gaps: readonly CadenceGap[];
  /** Met only when at least one window was due and every one held a passing run. */
  readonly met: boolean;
}

/** More windows than this in a year is a schedule tighter than a statement judges window by window (rate(1 minute)). */
const MAX_WINDOWS = 20_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function describeInterval(intervalMs: number): string {
  const days = intervalMs / DAY_MS;
  if (Math.abs(days - 1) < 0.05) return 'daily';
  if (Math.abs(days - 7) < 0.1) return 'weekly';
  if (days >= 28 && days <= 31) return 'monthly';
  if (days >= 89 && days <= 92) return 'quarterly';
  if (days >= 1) return `every ${Math.round(days * 10) / 10} days`;
  const hours = intervalMs / HOUR_MS;
  if (hours >= 1) return `every ${Math.round(hours * 10) / 10} hours`;
  return `every ${Math.round(intervalMs / 60_000)} minutes`;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * The boundaries of the due windows inside the period: a rate counts its intervals from the period's start (the schedule's own
 * start is not in the record, and any interval of that length must hold a pass); a cron's windows run from one fire to the next.
 */
function windowBoundaries(schedule: PlanSchedule, period: EvidencePeriod): { boundaries: number[]; intervalMs: number } | undefined {
  const parsed = parseScheduleExpression(schedule.expression);
  const fromMs = Date.parse(period.from);
  const toMs = Date.parse(period.to);
  if (parsed.kind === 'rate') {
    if ((toMs - fromMs) / parsed.intervalMs > MAX_WINDOWS) return undefined;
    const boundaries: number[] = [];
    for (let at = fromMs; at <= toMs; at += parsed.intervalMs) boundaries.push(at);
    return { boundaries, intervalMs: parsed.intervalMs };
  }
  if (parsed.kind !== 'cron') return undefined;
  // One more fire than MAX_WINDOWS tells a schedule too tight to judge; the fire after the period closes the last window.
  const inside = nextFireTimes(parsed, schedule.timeZone, new Date(fromMs - 1), MAX_WINDOWS + 1, { endDate: new Date(toMs) }).map((date) => date.getTime());
  if (inside.length > MAX_WINDOWS) return undefined;
  const after = nextFireTimes(parsed, schedule.timeZone, new Date(toMs - 1), 1)[0]?.getTime();
  const boundaries = after === undefined ? inside : [...inside, after];
  const gaps = boundaries.slice(1).map((at, index) => at - boundaries[index]!);
  return { boundaries, intervalMs: gaps.length > 0 ? median(gaps) : toMs - fromMs };
}

/**
 * The plan's cadence over the period against the start times of its runs that proved recovery (failed, unvalidated or
 * still-running runs are not passed in: they never meet a window). Windows closing after `closedBy` (now) are not judged.
 */
export function judgeCadence(schedule: PlanSchedule | undefined, period: EvidencePeriod, passingRunStarts: readonly string[], closedBy: string): Cadence {
  const unscheduled: Cadence = { promised: 'none (run by hand)', scheduled: false, dueWindows: 0, metWindows: 0, gaps: [], met: false };
  if (!schedule || !schedule.enabled) return unscheduled;
  const windows = windowBoundaries(schedule, period);
  if (!windows) return { ...unscheduled, promised: 'more often than a statement judges window by window', scheduled: true };
  const closedByMs = Math.min(Date.parse(closedBy), Date.parse(period.to));
  const passes = passingRunStarts.map(Date.parse).sort((a, b) => a - b);
  const gaps: CadenceGap[] = [];
  let dueWindows = 0;
  let metWindows = 0;
  let pass = 0;
  const { boundaries } = windows;
  for (let index = 0; index + 1 < boundaries.length; index += 1) {
    const start = boundaries[index]!;
    const end = boundaries[index + 1]!;
    if (end > closedByMs) break;
    while (pass < passes.length && passes[pass]! < start) pass += 1;
    dueWindows += 1;
    if (pass < passes.length && passes[pass]! < end) {
      metWindows += 1;
      continue;
    }
    const previous = gaps.at(-1);
    if (previous && Date.parse(previous.to) === start) gaps[gaps.length - 1] = { from: previous.from, to: new Date(end).toISOString(), windows: previous.windows + 1 };
    else gaps.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString(), windows: 1 });
  }
  return { promised: describeInterval(windows.intervalMs), scheduled: true, dueWindows, metWindows, gaps, met: dueWindows > 0 && metWindows === dueWindows };
}

/*
 * A count of the source taken at known times, for recovery points that record none (PITR; AWS Backup points of
 * tables kept as continuous backups): the canary writer counts the source on its schedule, a tick at a time, and a
 * drill holds the restored count to the newest count finished before its recovery point, stating how old it was.
 * A count older than the plan allows fails the check, named: a stale baseline is never counted as met.
 */
import { formatDuration } from '../duration.js';
import { itemCountVerdict, type CheckVerdict } from './check-verdicts.js';
import type { CountedSegment } from './source-count-segments.js';

/** A new count starts this long after the last one started, unless the plan says otherwise: daily. */
export const DEFAULT_COUNT_EVERY_MINUTES = 1440;

/** A count under way: where it stands, carried from one canary tick to the next (`invocations`: ticks so far). */
export interface RunningCount {
  readonly tableName: string;
  readonly startedAt: string;
  /** Every segment's count so far, summed. */
  readonly count: number;
  readonly pages: number;
  readonly invocations: number;
  /** A count kept before segments (one sequential scan): where it goes on. */
  readonly nextKey?: Record<string, unknown>;
  /** Parallel Scan segments (source-count-segments.ts), fixed when the count started. */
  readonly totalSegments?: number;
  readonly segments?: readonly CountedSegment[];
}

/** A finished count: every item the scan met between `startedAt` and `completedAt`. */
export interface RecordedCount {
  readonly tableName: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly count: number;
  readonly pages: number;
  readonly invocations: number;
  /** The parallel Scan segments it was read in (absent: one sequential scan). */
  readonly segments?: number;
}

/** What a canary tick does about the count: carry on with the one under way, start one (the last is due), or nothing. */
export function countTickAction(running: RunningCount | undefined, latest: RecordedCount | undefined, tableName: string, now: string, everyMinutes: number): 'continue' | 'start' | 'none' {
  // A count of another table (the plan's source was renamed) is not carried on: a count mixing two tables means nothing.
  if (running !== undefined && running.tableName === tableName) return 'continue';
  if (latest === undefined || latest.tableName !== tableName || Date.parse(now) - Date.parse(latest.startedAt) >= everyMinutes * 60_000) return 'start';
  return running !== undefined ? 'start' : 'none';
}

/** How old a count may be at the recovery point: the plan's, else twice its counting interval (one missed count allowed). */
export const maxBaselineAgeMinutesOf = (check: { readonly countEveryMinutes?: number | undefined; readonly maxBaselineAgeMinutes?: number | undefined }): number =>
  check.maxBaselineAgeMinutes ?? 2 * (check.countEveryMinutes ?? DEFAULT_COUNT_EVERY_MINUTES);

/** The count a drill is held to: the newest finished at or before the recovery point (one after it does not show the point). */
export function countBefore(counts: readonly RecordedCount[], recoveryPointAt: string, tableName: string): RecordedCount | undefined {
  const point = Date.parse(recoveryPointAt);
  return counts
    .filter((count) => count.tableName === tableName && Date.parse(count.completedAt) <= point)
    .sort((a, b) => Date.parse(b.completedAt) - Date.parse(a.completedAt))[0];
}

/**
 * The restored count against the recorded count nearest before the recovery point, its age stated in expected; a
 * count older than `maxAgeMinutes`, or none at all, fails the check and says so in actual.
 */
export function countedBaselineVerdict(input: { readonly actual: number; readonly baseline: RecordedCount | undefined; readonly recoveryPointAt: string; readonly maxAgeMinutes: number; readonly tolerancePercent: number; readonly read?: Readonly<Record<string, unknown>> }): CheckVerdict {
  const { actual, baseline, recoveryPointAt, maxAgeMinutes, tolerancePercent, read = {} } = input;
  if (baseline === undefined) {
    return {
      passed: false,
      expected: `the source's count recorded before the recovery point ${recoveryPointAt}`,
      actual: `${actual} ${actual === 1 ? 'item' : 'items'}; no count of the source finished before the recovery point: is the canary writer scheduled, and has it finished a count?`,
      details: { actual, basis: 'counted', recoveryPointAt, baselineMissing: true, maxBaselineAgeMinutes: maxAgeMinutes, ...read },
    };
  }
  const ageSeconds = Math.round((Date.parse(recoveryPointAt) - Date.parse(baseline.completedAt)) / 1000);
  const stale = ageSeconds > maxAgeMinutes * 60;
  const verdict = itemCountVerdict(actual, baseline.count, tolerancePercent, 'counted', read);
  const when = `counted ${baseline.startedAt} to ${baseline.completedAt}, ${formatDuration(ageSeconds)} before the recovery point`;
  return {
    passed: verdict.passed && !stale,
    expected: `${verdict.expected} (${when}; writes since are not in it)`,
    actual: stale ? `${verdict.actual}; the baseline is stale: ${formatDuration(ageSeconds)} old at the recovery point, more than the ${formatDuration(maxAgeMinutes * 60)} the plan allows` : verdict.actual,
    details: { ...verdict.details, baselineStartedAt: baseline.startedAt, baselineCompletedAt: baseline.completedAt, baselineAgeSeconds: ageSeconds, maxBaselineAgeMinutes: maxAgeMinutes, stale },
  };
}

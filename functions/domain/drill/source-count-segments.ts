/*
 * The canary writer's count of the source (baseline: counted) in parallel Scan segments: each tick reads every
 * unfinished segment at once for the tick's time and keeps each segment's LastEvaluatedKey and count. DynamoDB puts
 * every item in exactly one segment of a given TotalSegments, so the sum is exact only if the count keeps the layout it
 * started with and holds every segment 0…N-1 once: a running count that does not is started again, never recorded.
 */
import { MAX_SEGMENTS, SegmentCountsInvalid } from './scan-segments.js';
import type { RecordedCount, RunningCount } from './source-counts.js';

/** Segments a count of the source is read in unless the plan's item-count names `segments` (its own `segments: 1` is sequential). */
export const DEFAULT_SOURCE_COUNT_SEGMENTS = 8;

/** One segment of a running count: its items so far, and where it goes on (absent once done). */
export interface CountedSegment {
  readonly segment: number;
  readonly count: number;
  readonly pages: number;
  readonly done: boolean;
  readonly nextKey?: Record<string, unknown>;
}

/** A running count's layout: how many segments, and each one's progress. */
export interface SegmentedCount {
  readonly totalSegments: number;
  readonly segments: readonly CountedSegment[];
}

export const sourceCountSegmentsOf = (check: { readonly segments?: number | undefined }): number => Math.min(MAX_SEGMENTS, Math.max(1, Math.floor(check.segments ?? DEFAULT_SOURCE_COUNT_SEGMENTS)));

/** A count that starts now: every segment at its beginning. */
export function newRunningCount(tableName: string, startedAt: string, totalSegments: number): RunningCount {
  const segments = Array.from({ length: totalSegments }, (_, segment): CountedSegment => ({ segment, count: 0, pages: 0, done: false }));
  return { tableName, startedAt, count: 0, pages: 0, invocations: 0, totalSegments, segments };
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The segments of a running count, checked: 0…N-1 each once with a count, a finished one with nothing left to read, an
 * unfinished one with somewhere to go on from (after its first page). A count kept before segments (one sequential
 * scan) is its one segment. Anything else throws: summed, it would count an item twice or not at all.
 */
export function segmentsOfRunning(running: RunningCount): SegmentedCount {
  if (running.totalSegments === undefined && running.segments === undefined) {
    return { totalSegments: 1, segments: [{ segment: 0, count: running.count, pages: running.pages, done: false, ...(running.nextKey && { nextKey: running.nextKey }) }] };
  }
  const { totalSegments, segments } = running;
  if (!Number.isSafeInteger(totalSegments) || totalSegments! < 1 || totalSegments! > MAX_SEGMENTS || !Array.isArray(segments)) throw new SegmentCountsInvalid(`the count of ${running.tableName} under way has no segment layout`);
  const seen = new Set<number>();
  for (const entry of segments) {
    if (!Number.isSafeInteger(entry.segment) || entry.segment < 0 || entry.segment >= totalSegments!) throw new SegmentCountsInvalid(`the count of ${running.tableName} under way holds segment ${entry.segment}, not one of 0…${totalSegments! - 1}`);
    if (seen.has(entry.segment)) throw new SegmentCountsInvalid(`the count of ${running.tableName} under way holds segment ${entry.segment} twice`);
    if (!isCount(entry.count) || !isCount(entry.pages)) throw new SegmentCountsInvalid(`segment ${entry.segment} of the count of ${running.tableName} under way has no count`);
    if (entry.done ? entry.nextKey !== undefined : entry.pages > 0 && entry.nextKey === undefined) throw new SegmentCountsInvalid(`segment ${entry.segment} of the count of ${running.tableName} under way does not say where it stands`);
    seen.add(entry.segment);
  }
  if (seen.size !== totalSegments) throw new SegmentCountsInvalid(`the count of ${running.tableName} under way holds ${seen.size} of its ${totalSegments} segments`);
  return { totalSegments: totalSegments!, segments: [...segments].sort((a, b) => a.segment - b.segment) };
}

/** The running count after a tick: each segment's progress, their sum, one more tick. */
export function runningAfterTick(running: RunningCount, layout: SegmentedCount): RunningCount {
  const { nextKey: _sequential, ...rest } = running;
  return {
    ...rest,
    count: layout.segments.reduce((sum, entry) => sum + entry.count, 0),
    pages: layout.segments.reduce((sum, entry) => sum + entry.pages, 0),
    invocations: running.invocations + 1,
    totalSegments: layout.totalSegments,
    segments: layout.segments,
  };
}

/** The finished count, once every segment has read to its end; its window ends now, when the last segment ended. */
export function finishedCountOf(running: RunningCount, completedAt: string): RecordedCount | undefined {
  const layout = segmentsOfRunning(running);
  if (!layout.segments.every((entry) => entry.done)) return undefined;
  return { tableName: running.tableName, startedAt: running.startedAt, completedAt, count: running.count, pages: running.pages, invocations: running.invocations, segments: layout.totalSegments };
}

import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import { checkIdOf, sourceTableNameOf } from '../../domain/drill-plan-schema.js';
import { SegmentCountsInvalid } from '../../domain/drill/scan-segments.js';
import { finishedCountOf, newRunningCount, runningAfterTick, segmentsOfRunning, sourceCountSegmentsOf, type CountedSegment } from '../../domain/drill/source-count-segments.js';
import { DEFAULT_COUNT_EVERY_MINUTES, countTickAction, type RunningCount } from '../../domain/drill/source-counts.js';
import { countSegment } from './checks/segment-count.js';
import { keepRunningCount, latestCount, recordCount, runningCount } from './source-counts-store.js';
import { logger } from '../powertools.js';

/** Segments read at once in one tick: more wait for the tick's time left, or the next tick. */
const PARALLEL_SEGMENTS = 16;

/** What one tick did for one check's count. */
export interface CountTick {
  readonly checkId: string;
  readonly action: 'continue' | 'start' | 'none';
  readonly finished?: { readonly count: number; readonly startedAt: string; readonly completedAt: string };
  /** The count under way was not whole (a segment missing, twice, or of another layout): started again, not recorded. */
  readonly restarted?: string;
}

export interface SourceCountOptions {
  readonly now?: () => Date;
  /** Items per Scan page (DynamoDB's 1 MB unless given): smaller in tests, so that a small table takes many ticks. */
  readonly pageItems?: number;
}

/** Every unfinished segment read at once (PARALLEL_SEGMENTS at a time) until it ends or the tick's time is spent. */
async function countSegmentsFor(tableName: string, totalSegments: number, segments: readonly CountedSegment[], budgetMs: number, options: SourceCountOptions): Promise<CountedSegment[]> {
  const stopAt = Date.now() + budgetMs;
  const queue = segments.filter((entry) => !entry.done);
  const read = new Map<number, CountedSegment>();
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SEGMENTS, queue.length) }, async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      // A segment reached with no time left waits for the next tick (every segment read at least one page per tick while time lasts).
      if (read.size > 0 && Date.now() >= stopAt) return;
      const progress = await countSegment({ checkId: 'source-count', role: 'source', tableName, segment: entry.segment, totalSegments, count: entry.count, pages: entry.pages, invocations: 0, done: false, ...(entry.nextKey && { nextKey: entry.nextKey }) }, Math.max(0, stopAt - Date.now()), Date.now, options.pageItems);
      read.set(entry.segment, { segment: entry.segment, count: progress.count, pages: progress.pages, done: progress.done, ...(progress.nextKey && { nextKey: progress.nextKey }) });
    }
  }));
  return segments.map((entry) => read.get(entry.segment) ?? entry);
}

/**
 * A canary tick's share of counting the source, for each item-count with `baseline: counted`: carries on with the count
 * under way, or starts one when the last is due, reading its parallel Scan segments for at most `budgetMs`; a finished
 * count is recorded with its window (from its first tick to the end of its last segment).
 */
export async function countSourceTick(plan: DrillPlan, countsTable: string, budgetMs: number, options: SourceCountOptions = {}): Promise<CountTick[]> {
  const now = options.now ?? (() => new Date());
  const sourceTable = sourceTableNameOf(plan.source);
  const ticks: CountTick[] = [];
  for (const [index, check] of plan.checks.entries()) {
    if (check.type !== 'item-count' || check.baseline !== 'counted' || sourceTable === undefined) continue;
    const checkId = checkIdOf(plan.checks, index);
    const [running, latest] = await Promise.all([runningCount(countsTable, plan.id, checkId), latestCount(countsTable, plan.id, checkId)]);
    let action = countTickAction(running, latest, sourceTable, now().toISOString(), check.countEveryMinutes ?? DEFAULT_COUNT_EVERY_MINUTES);
    if (action === 'none') {
      ticks.push({ checkId, action });
      continue;
    }
    const started = () => newRunningCount(sourceTable, now().toISOString(), sourceCountSegmentsOf(check));
    let from: RunningCount = action === 'continue' ? running! : started();
    let layout;
    let restarted: string | undefined;
    try {
      // The layout the count started with, kept to its end: segments of another TotalSegments hold other items.
      layout = segmentsOfRunning(from);
    } catch (error) {
      if (!(error instanceof SegmentCountsInvalid)) throw error;
      restarted = error.message;
      logger.warn('drill source count restarted', { planId: plan.id, checkId, reason: restarted });
      action = 'start';
      from = started();
      layout = segmentsOfRunning(from);
    }
    const segments = await countSegmentsFor(sourceTable, layout.totalSegments, layout.segments, budgetMs, options);
    const after = runningAfterTick(from, { totalSegments: layout.totalSegments, segments });
    const finished = finishedCountOf(after, now().toISOString());
    if (finished) {
      await recordCount(countsTable, plan.id, checkId, finished);
      ticks.push({ checkId, action, finished: { count: finished.count, startedAt: finished.startedAt, completedAt: finished.completedAt }, ...(restarted && { restarted }) });
    } else {
      await keepRunningCount(countsTable, plan.id, checkId, after);
      ticks.push({ checkId, action, ...(restarted && { restarted }) });
    }
  }
  return ticks;
}

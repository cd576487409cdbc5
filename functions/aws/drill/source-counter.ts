import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import { checkIdOf, sourceTableNameOf } from '../../domain/drill-plan-schema.js';
import { DEFAULT_COUNT_EVERY_MINUTES, countTickAction, type RunningCount } from '../../domain/drill/source-counts.js';
import { countSegment } from './checks/segment-count.js';
import { keepRunningCount, latestCount, recordCount, runningCount } from './source-counts-store.js';

/** What one tick did for one check's count. */
export interface CountTick {
  readonly checkId: string;
  readonly action: 'continue' | 'start' | 'none';
  readonly finished?: { readonly count: number; readonly startedAt: string; readonly completedAt: string };
}

/**
 * A canary tick's share of counting the source, for each item-count with `baseline: counted`: carries on with the count
 * under way, or starts one when the last is due, for at most `budgetMs`; a finished count is recorded with its times.
 */
export async function countSourceTick(plan: DrillPlan, countsTable: string, budgetMs: number, now: () => Date = () => new Date()): Promise<CountTick[]> {
  const sourceTable = sourceTableNameOf(plan.source);
  const ticks: CountTick[] = [];
  for (const [index, check] of plan.checks.entries()) {
    if (check.type !== 'item-count' || check.baseline !== 'counted' || sourceTable === undefined) continue;
    const checkId = checkIdOf(plan.checks, index);
    const [running, latest] = await Promise.all([runningCount(countsTable, plan.id, checkId), latestCount(countsTable, plan.id, checkId)]);
    const action = countTickAction(running, latest, sourceTable, now().toISOString(), check.countEveryMinutes ?? DEFAULT_COUNT_EVERY_MINUTES);
    if (action === 'none') {
      ticks.push({ checkId, action });
      continue;
    }
    const from: RunningCount = action === 'continue' ? running! : { tableName: sourceTable, startedAt: now().toISOString(), count: 0, pages: 0, invocations: 0 };
    const progress = await countSegment({ checkId, role: 'source', tableName: sourceTable, segment: 0, totalSegments: 1, count: from.count, pages: from.pages, invocations: from.invocations, done: false, ...(from.nextKey && { nextKey: from.nextKey }) }, budgetMs);
    if (progress.done) {
      const finished = { tableName: sourceTable, startedAt: from.startedAt, completedAt: now().toISOString(), count: progress.count, pages: progress.pages, invocations: progress.invocations };
      await recordCount(countsTable, plan.id, checkId, finished);
      ticks.push({ checkId, action, finished: { count: finished.count, startedAt: finished.startedAt, completedAt: finished.completedAt } });
    } else {
      await keepRunningCount(countsTable, plan.id, checkId, { tableName: sourceTable, startedAt: from.startedAt, count: progress.count, pages: progress.pages, invocations: progress.invocations, ...(progress.nextKey && { nextKey: progress.nextKey }) });
      ticks.push({ checkId, action });
    }
  }
  return ticks;
}

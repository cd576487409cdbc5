import type { DrillExecutionState } from '../../domain/drill/run.js';
import { putRunStarted } from './drill-run-store.js';
import { recordDrillEvent } from './drill-step.js';

/**
 * Writes the run's record and its `drill.started` event unless they are there already. Prepare does it first; cleanup
 * and the outcome do it again, so a run whose Prepare failed before writing anything is still recorded, never lost.
 */
export async function ensureRunStarted(tableName: string, state: DrillExecutionState): Promise<void> {
  const { runId, input } = state;
  const firstWrite = await putRunStarted(tableName, {
    runId,
    planId: input.planId,
    trigger: input.trigger,
    ...(input.requestedBy !== undefined && { requestedBy: input.requestedBy }),
    executionArn: state.executionArn,
    status: 'running',
    startedAt: state.startedAt,
    updatedAt: new Date().toISOString(),
  });
  if (firstWrite) await recordDrillEvent(state, 'drill.started', { planId: input.planId, trigger: input.trigger, requestedBy: input.requestedBy });
}

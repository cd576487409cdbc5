import { eventWaitCapSeconds, pollIntervalSeconds } from '../domain/drill/polling.js';
import type { RestoreStep } from '../domain/drill/run.js';
import { requireEnvironment } from '../aws/environment.js';
import { updateRun } from '../aws/drill/drill-run-store.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { preparedRunOf } from '../aws/drill/prepared-run.js';
import { restoreDriverFor } from '../aws/drill/restore-drivers.js';
import { preparedResourcesOf } from '../domain/drill/run.js';

const tableName = requireEnvironment('TABLE_NAME');

/** Drill step 2: starts the restore into the run's own new resource, and plans the first wait (for the restore's end event, or a poll). */
export const handler = drillStepHandler('restore', async (state): Promise<RestoreStep> => {
  const { run, plan } = preparedRunOf(state);
  const { source, restoredName } = preparedResourcesOf(run);
  const driver = restoreDriverFor(plan, state.input);
  const handle = await driver.startRestore({ source, recoveryPoint: run.recoveryPoint, restoredName, claim: { runId: state.runId, planId: plan.id } });
  await updateRun(tableName, state.runId, { restore: { startedAt: handle.startedAt, looks: 0 }, updatedAt: handle.startedAt });
  await recordDrillEvent(state, 'drill.restore.started', {
    driver: handle.driver,
    ...(handle.restored.type === 'DynamoDB' && { targetTableName: handle.restored.name }),
    restored: handle.restored,
    recoveryPoint: handle.recoveryPoint,
    ...(handle.restoreMetadata !== undefined && { restoreMetadata: handle.restoreMetadata }),
    ...(handle.restoreJobId !== undefined && { restoreJobId: handle.restoreJobId }),
    ...(handle.createdBackupArn !== undefined && { createdBackupArn: handle.createdBackupArn }),
    polling: plan.polling,
    completionSignal: driver.completionSignal,
  });
  if (driver.completionSignal === 'end-event' && handle.awaited !== undefined) {
    const nextWaitSeconds = Math.max(1, Math.min(eventWaitCapSeconds(plan.targets.rtoMinutes), run.restoreTimeoutSeconds));
    return { state: 'IN_PROGRESS', handle, nextWaitSeconds, looks: 0, waitedSeconds: 0, signal: 'event' };
  }
  return { state: 'IN_PROGRESS', handle, nextWaitSeconds: pollIntervalSeconds(plan.polling, plan.targets.rtoMinutes, 0), looks: 0, waitedSeconds: 0, signal: 'poll' };
});

import { nextLook } from '../domain/drill/polling.js';
import { DrillRestoreError, readRestoreHandle } from '../domain/drill/restore.js';
import { preparedResourcesOf, type RestoreStep } from '../domain/drill/run.js';
import { requireEnvironment } from '../aws/environment.js';
import { updateRun } from '../aws/drill/drill-run-store.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { preparedRunOf } from '../aws/drill/prepared-run.js';
import { restoreDriverFor } from '../aws/drill/restore-drivers.js';

const tableName = requireEnvironment('TABLE_NAME');

export class DrillRestoreTimedOut extends Error {
  override name = 'DrillRestoreTimedOut';
}

/**
 * Drill step 3, after each wait: looks at the restore. Done: tags the new table as this run's (what cleanup requires)
 * and records how long it took. Still going: plans the next wait, or gives up at the plan's restore timeout.
 */
export const handler = drillStepHandler('restore', async (state): Promise<RestoreStep> => {
  const { run, plan } = preparedRunOf(state);
  const previous = state.restore;
  if (!previous) throw new Error('no restore to look at ($.restore)');
  const looks = previous.looks + 1;
  const waitedSeconds = previous.waitedSeconds + previous.nextWaitSeconds;
  const driver = restoreDriverFor(plan);
  const progress = await driver.describeRestore(readRestoreHandle(previous.handle));
  const { restoredName } = preparedResourcesOf(run);

  if (progress.state === 'FAILED') throw new DrillRestoreError(`the restore into ${restoredName} failed: ${progress.reason}`);
  if (progress.state === 'COMPLETED') {
    await driver.claimRestored(progress.handle, { runId: state.runId, planId: run.planId });
    const completedAt = new Date().toISOString();
    const resolutionSeconds = previous.nextWaitSeconds;
    await updateRun(tableName, state.runId, {
      restore: { startedAt: progress.handle.startedAt, completedAt, looks, resolutionSeconds },
      recoveryPoint: progress.handle.recoveryPoint,
      updatedAt: completedAt,
    });
    await recordDrillEvent(state, 'drill.restore.completed', {
      ...(progress.handle.restored.type === 'DynamoDB' && { targetTableName: progress.handle.restored.name }),
      restored: progress.handle.restored,
      recoveryPoint: progress.handle.recoveryPoint,
      restoreSeconds: Math.round((Date.parse(completedAt) - Date.parse(progress.handle.startedAt)) / 1000),
      looks,
      waitedSeconds,
      resolutionSeconds,
      tagged: true,
    });
    return { state: 'COMPLETED', handle: progress.handle, nextWaitSeconds: 0, looks, waitedSeconds, completedAt, resolutionSeconds };
  }

  const next = nextLook(plan.polling, plan.targets.rtoMinutes, looks, waitedSeconds, run.restoreTimeoutSeconds);
  if (next.kind === 'timed-out') {
    throw new DrillRestoreTimedOut(
      `the restore into ${restoredName} was not done after ${Math.round(waitedSeconds / 60)} min (${looks} looks); the plan waits ${run.restoreTimeoutSeconds / 60} min`,
    );
  }
  return { state: 'IN_PROGRESS', handle: progress.handle, nextWaitSeconds: next.seconds, looks, waitedSeconds };
});

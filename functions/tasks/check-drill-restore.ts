import { secondsBetween } from '../domain/drill/achieved.js';
import { nextEventWait, nextLook } from '../domain/drill/polling.js';
import { restoreCompletion } from '../domain/drill/restore-completion.js';
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
 * Drill step 3, after each wait (a Wait state, or a wait for the restore job's end event): looks at the restore. Done:
 * tags the new table as this run's (what cleanup requires) and records when it completed. Still going: plans the next
 * wait (for the event while the service will send one, else a poll), or gives up at the plan's restore timeout.
 */
export const handler = drillStepHandler('restore', async (state): Promise<RestoreStep> => {
  const { run, plan } = preparedRunOf(state);
  const previous = state.restore;
  if (!previous) throw new Error('no restore to look at ($.restore)');
  const looks = previous.looks + 1;
  const waitedSeconds = previous.waitedSeconds + previous.nextWaitSeconds;
  const driver = restoreDriverFor(plan, state.input);
  const progress = await driver.describeRestore(readRestoreHandle(previous.handle), { runId: state.runId, planId: run.planId });
  const { restoredName } = preparedResourcesOf(run);
  const wokenBy = previous.signal === 'event' ? wokenByOf((state as { restoreWait?: unknown }).restoreWait) : 'poll';

  if (progress.state === 'FAILED') throw new DrillRestoreError(`the restore into ${restoredName} failed: ${progress.reason}`);
  if (progress.state === 'COMPLETED') {
    await driver.claimRestored(progress.handle, { runId: state.runId, planId: run.planId });
    const seenAt = new Date().toISOString();
    const announcedAt = announcedAtOf((state as { restoreWait?: unknown }).restoreWait);
    const { completedAt, completedAtFrom, resolutionSeconds } = restoreCompletion({
      signal: previous.signal === 'event' ? 'event' : 'poll',
      ...(progress.completedAt !== undefined && { serviceCompletedAt: progress.completedAt }),
      wokenBy,
      ...(announcedAt !== undefined && { announcedAt }),
      lastWaitSeconds: previous.nextWaitSeconds,
      seenAt,
    });
    await updateRun(tableName, state.runId, {
      restore: { startedAt: progress.handle.startedAt, completedAt, looks, resolutionSeconds, completedAtFrom },
      recoveryPoint: progress.handle.recoveryPoint,
      updatedAt: seenAt,
    });
    await recordDrillEvent(state, 'drill.restore.completed', {
      ...(progress.handle.restored.type === 'DynamoDB' && { targetTableName: progress.handle.restored.name }),
      restored: progress.handle.restored,
      recoveryPoint: progress.handle.recoveryPoint,
      restoreSeconds: secondsBetween(progress.handle.startedAt, completedAt),
      completedAt,
      completedAtFrom,
      wokenBy,
      looks,
      waitedSeconds,
      resolutionSeconds,
      tagged: true,
    });
    return { state: 'COMPLETED', handle: progress.handle, nextWaitSeconds: 0, looks, waitedSeconds, completedAt, resolutionSeconds };
  }

  const byEvent = progress.awaiting === 'end-event' && progress.handle.awaited !== undefined;
  const next = byEvent
    ? nextEventWait(plan.targets.rtoMinutes, waitedSeconds, run.restoreTimeoutSeconds)
    : nextLook(plan.polling, plan.targets.rtoMinutes, looks, waitedSeconds, run.restoreTimeoutSeconds);
  if (next.kind === 'timed-out') {
    throw new DrillRestoreTimedOut(
      `the restore into ${restoredName} was not done after ${Math.round(waitedSeconds / 60)} min (${looks} looks); the plan waits ${run.restoreTimeoutSeconds / 60} min`,
    );
  }
  return { state: 'IN_PROGRESS', handle: progress.handle, nextWaitSeconds: next.seconds, looks, waitedSeconds, signal: byEvent ? 'event' : 'poll' };
});

/** When the end event that answered the wait says the service announced the end (absent for a look, a timeout, a failure). */
function announcedAtOf(restoreWait: unknown): string | undefined {
  const answered = (restoreWait ?? {}) as { seenBy?: unknown; announcedAt?: unknown };
  return answered.seenBy === 'event' && typeof answered.announcedAt === 'string' ? answered.announcedAt : undefined;
}

/** What ended the wait before this look: the job's end event, the waiting step's own look, the safety-net timeout, or a failed wait. */
function wokenByOf(restoreWait: unknown): string {
  const ended = (restoreWait ?? {}) as { seenBy?: unknown; Error?: unknown };
  if (ended.seenBy === 'event' || ended.seenBy === 'look') return ended.seenBy;
  if (ended.Error === 'States.Timeout') return 'timeout';
  return typeof ended.Error === 'string' ? `wait failed: ${ended.Error}` : 'unknown';
}

import { cleanupWaitSeconds } from '../domain/drill/polling.js';
import { renderCleanupAlert } from '../domain/drill/report-email.js';
import { readRestoreHandle, type RestoreHandle } from '../domain/drill/restore.js';
import { preparedResourcesOf, type CleanupStep, type DrillExecutionState } from '../domain/drill/run.js';
import { requireEnvironment } from '../aws/environment.js';
import { drillRecipients, sendAndRecordDrillEmail } from '../aws/drill/drill-mail.js';
import { updateRun } from '../aws/drill/drill-run-store.js';
import { ensureRunStarted } from '../aws/drill/run-start.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { drillPlan } from '../aws/drill/plans.js';
import { logger } from '../aws/powertools.js';
import { restoreDriverFor } from '../aws/drill/restore-drivers.js';

const tableName = requireEnvironment('TABLE_NAME');

/** Past this, a table still being created is reported CLEANUP_FAILED for a person to delete. */
const MAX_CLEANUP_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * Drill step 5, on every path: deletes the table this run restored, and only that (drill prefix and this run's tag,
 * see the cleanup guard), plus any backup the drill took. A refusal or a table that never becomes deletable is
 * recorded and emailed to the plan's people; it is never forced.
 */
export const handler = drillStepHandler('cleanup', async (state): Promise<CleanupStep> => {
  const now = new Date().toISOString();
  const previous = state.cleanup;
  const attempts = (previous?.attempts ?? 0) + 1;
  const firstAttemptAt = previous?.firstAttemptAt ?? now;
  const run = state.run;
  if (!run) {
    // Prepare creates nothing: a run that stopped there has nothing to delete.
    const step: CleanupStep = { status: 'NOTHING_CREATED', deletedExtras: [], attempts, firstAttemptAt };
    await finish(state, step);
    return step;
  }
  const plan = drillPlan(run.planId);
  const { source, restoredName } = preparedResourcesOf(run);
  const handle: RestoreHandle = state.restore?.handle
    ? readRestoreHandle(state.restore.handle)
    : {
        // The restore step failed: its resource may still have been made, under the run's name.
        driver: plan.driver.type,
        source,
        restored: { type: source.type, name: restoredName },
        startedAt: state.startedAt,
        phase: 'restoring',
        recoveryPoint: run.recoveryPoint,
      };
  const result = await restoreDriverFor(plan, state.input).cleanUp(handle, { runId: state.runId, planId: run.planId });
  // What earlier attempts deleted on the way (an EFS file system's mount targets) stays in the record.
  const deletedExtras = [...(previous?.deletedExtras ?? []), ...result.deletedExtras];

  if (result.status === 'WAITING') {
    if (Date.now() - Date.parse(firstAttemptAt) < MAX_CLEANUP_WAIT_MS) {
      return { status: 'WAITING', tableName: restoredName, ...(result.reason !== undefined && { reason: result.reason }), deletedExtras, nextWaitSeconds: cleanupWaitSeconds(attempts - 1), attempts, firstAttemptAt };
    }
    const step: CleanupStep = {
      status: 'CLEANUP_FAILED',
      tableName: restoredName,
      reason: `still not deletable after ${Math.round(MAX_CLEANUP_WAIT_MS / 3_600_000)} h (${result.reason ?? 'being created or deleted'})`,
      deletedExtras,
      attempts,
      firstAttemptAt,
    };
    await finish(state, step);
    return step;
  }
  if (result.status === 'REFUSED') {
    const step: CleanupStep = { status: 'CLEANUP_REFUSED', tableName: restoredName, reason: result.reason ?? 'refused', deletedExtras, attempts, firstAttemptAt };
    await finish(state, step);
    return step;
  }
  const step: CleanupStep = { status: result.status, tableName: restoredName, ...(result.reason !== undefined && { reason: result.reason }), deletedExtras, attempts, firstAttemptAt };
  await finish(state, step);
  return step;
});

/** Records the cleanup's end; refusals and failures are also emailed, as an alert. */
async function finish(state: DrillExecutionState, step: CleanupStep): Promise<void> {
  const alert = step.status === 'CLEANUP_REFUSED' || step.status === 'CLEANUP_FAILED';
  // First, so the alarm's metric filter (lib/alarms.ts, field cleanupStatus) sees it even if the writes below fail.
  logger[alert ? 'warn' : 'info']('drill cleanup finished', { cleanupStatus: step.status, attempts: step.attempts, ...(step.tableName !== undefined && { tableName: step.tableName }) });
  const cleanup = { status: step.status, ...(step.tableName !== undefined && { tableName: step.tableName }), ...(step.reason !== undefined && { reason: step.reason }), deletedExtras: step.deletedExtras };
  await ensureRunStarted(tableName, state);
  await updateRun(tableName, state.runId, { cleanup, updatedAt: new Date().toISOString() });
  await recordDrillEvent(state, alert ? `drill.cleanup.${step.status === 'CLEANUP_REFUSED' ? 'refused' : 'gave-up'}` : 'drill.cleanup.completed', {
    ...cleanup,
    attempts: step.attempts,
  });
  if (alert && state.run) {
    const plan = drillPlan(state.run.planId);
    await sendAndRecordDrillEmail(state, 'drill.alert', drillRecipients(plan), renderCleanupAlert({ runId: state.runId, planId: plan.id }, cleanup));
  }
}

import { judgeDrill } from '../domain/drill/outcome.js';
import type { OutcomeStep } from '../domain/drill/run.js';
import { requireEnvironment } from '../aws/environment.js';
import { updateRun } from '../aws/drill/drill-run-store.js';
import { ensureRunStarted } from '../aws/drill/run-start.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { openOrAddToFailureIncident, resolveFailureIncident } from '../aws/drill/failure-incidents.js';
import { bundledDrillPlans } from '../aws/drill/plans.js';
import { reportRestoreValidation } from '../aws/drill/restore-validation-report.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Drill step 6: judges the run against its plan (every check, RTO and RPO targets, cleanup), records the outcome,
 * and opens the failure runbook for a failed run, or resolves the plan's open failure incident for a passing one.
 */
export const handler = drillStepHandler('outcome', async (state): Promise<OutcomeStep> => {
  const verdict = judgeDrill(state);
  // A schedule naming a plan that is no longer deployed fails in Prepare; there is no runbook to open for it.
  const plan = bundledDrillPlans().find((candidate) => candidate.id === state.input.planId);
  const failureIncidentId = verdict.passed || !plan ? undefined : await openOrAddToFailureIncident(tableName, state, plan, verdict.reasons);
  const resolvedIncidentId = verdict.passed && plan ? await resolveFailureIncident(tableName, state, plan) : undefined;
  const endedAt = new Date().toISOString();
  await ensureRunStarted(tableName, state);
  await reportRestoreValidation(state);
  await updateRun(tableName, state.runId, {
    status: verdict.passed ? 'passed' : 'failed',
    endedAt,
    reasons: verdict.reasons,
    ...(failureIncidentId !== undefined && { failureIncidentId }),
    ...(resolvedIncidentId !== undefined && { resolvedIncidentId }),
    updatedAt: endedAt,
  });
  await recordDrillEvent(state, verdict.passed ? 'drill.passed' : 'drill.failed', {
    reasons: verdict.reasons,
    rtoAchieved: state.checks?.rtoSeconds !== undefined,
    rtoSeconds: state.checks?.rtoSeconds,
    rpoAchieved: state.checks?.rpo !== undefined,
    rpo: state.checks?.rpo,
    targets: state.run?.targets,
    cleanup: state.cleanup?.status ?? (state.cleanupFailure ? 'CLEANUP_ERRORED' : 'NOT_RUN'),
    ...(failureIncidentId !== undefined && { failureIncidentId }),
    ...(resolvedIncidentId !== undefined && { resolvedIncidentId }),
  });
  return {
    passed: verdict.passed,
    reasons: verdict.reasons,
    ...(failureIncidentId !== undefined && { failureIncidentId }),
    ...(resolvedIncidentId !== undefined && { resolvedIncidentId }),
  };
});

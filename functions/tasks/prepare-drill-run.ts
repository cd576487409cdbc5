import { DrillPreflightError } from '../domain/drill/restore.js';
import { drillPlanHash } from '../domain/drill/plan-hash.js';
import type { PreparedRun } from '../domain/drill/run.js';
import { chooseRecoveryPoint } from '../domain/drill/recovery-point-choice.js';
import { DRILL_RUN_ID_PATTERN, drillTableName } from '../domain/drill-naming.js';
import { restoreTimeoutMinutesOf } from '../domain/drill-plan-schema.js';
import { requireEnvironment } from '../aws/environment.js';
import { drillPlan } from '../aws/drill/plans.js';
import { updateRun } from '../aws/drill/drill-run-store.js';
import { ensureRunStarted } from '../aws/drill/run-start.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { restoreDriverFor } from '../aws/drill/restore-driver.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Drill step 1: records the run, then checks the source (it exists; PITR is on or backups are there) and picks the
 * recovery point the plan asks for. Nothing is created here, so a failed preflight leaves nothing to clean up.
 */
export const handler = drillStepHandler('preflight', async (state): Promise<PreparedRun> => {
  const { runId, input } = state;
  const now = new Date().toISOString();
  await ensureRunStarted(tableName, state);

  if (!DRILL_RUN_ID_PATTERN.test(runId)) {
    throw new DrillPreflightError(`run id "${runId}" (the execution name) must be letters, digits, - and _ only: it names the restored table`);
  }
  const plan = drillPlan(input.planId);
  const planHash = drillPlanHash(plan);
  const restoreTableName = drillTableName(plan.id, runId);
  await updateRun(tableName, runId, {
    planTitle: plan.title,
    planHash,
    controls: plan.controls,
    driver: plan.driver.type,
    sourceTableName: plan.source.tableName,
    restoreTableName,
    targets: plan.targets,
    updatedAt: now,
  });

  const { source, points } = await restoreDriverFor(plan.driver).preflight(plan.source.tableName);
  const recoveryPoint = chooseRecoveryPoint(plan.recoveryPoint, points, new Date(state.startedAt));
  const restorableWindow = points.kind === 'continuous' ? { earliest: points.earliest, latest: points.latest } : undefined;
  await updateRun(tableName, runId, { recoveryPoint, ...(restorableWindow && { restorableWindow }), updatedAt: new Date().toISOString() });
  await recordDrillEvent(state, 'drill.preflight.passed', {
    planHash,
    source,
    available: points.kind === 'discrete' ? { kind: 'discrete', count: points.points.length, newest: points.points[0]?.at } : points,
    recoveryPoint,
    restoreTableName,
    targets: plan.targets,
    controls: plan.controls,
  });
  return {
    planId: plan.id,
    planHash,
    sourceTableName: source.tableName,
    sourceTableArn: source.tableArn,
    restoreTableName,
    recoveryPoint,
    ...(restorableWindow && { restorableWindow }),
    holdSeconds: plan.holdMinutes * 60,
    restoreTimeoutSeconds: restoreTimeoutMinutesOf(plan) * 60,
    targets: plan.targets,
  };
});

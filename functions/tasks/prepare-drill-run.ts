import { DrillPreflightError } from '../domain/drill/restore.js';
import { drillPlanHash } from '../domain/drill/plan-hash.js';
import { checksRunInOf } from '../domain/drill/rds-plan.js';
import type { PreparedRun } from '../domain/drill/run.js';
import { chooseRecoveryPoint } from '../domain/drill/recovery-point-choice.js';
import { DRILL_RUN_ID_PATTERN } from '../domain/drill-naming.js';
import { restoredResourceName } from '../domain/drill/resource-types.js';
import { restoreTimeoutMinutesOf, sourceResourceTypeOf } from '../domain/drill-plan-schema.js';
import { requireEnvironment } from '../aws/environment.js';
import { drillPlan } from '../aws/drill/plans.js';
import { updateRun } from '../aws/drill/drill-run-store.js';
import { ensureRunStarted } from '../aws/drill/run-start.js';
import { drillStepHandler, recordDrillEvent } from '../aws/drill/drill-step.js';
import { restoreDriverFor } from '../aws/drill/restore-drivers.js';
import { restoredNameOf } from '../aws/drill/restore-testing-driver.js';

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
  const resourceType = sourceResourceTypeOf(plan.source);
  // A restore testing job named what it created itself; other runs restore into a drill-prefixed name of their own.
  const testingJob = input.restoreTestingJob;
  const restoredName = testingJob ? restoredNameOf(resourceType, testingJob.createdResourceArn) : restoredResourceName(resourceType, plan.id, runId);
  // Table drills keep recording the table names their records have always had.
  const tableNames = plan.source.type === 'dynamodb-table' ? { sourceTableName: plan.source.tableName, restoreTableName: restoredName } : {};
  await updateRun(tableName, runId, {
    planTitle: plan.title,
    planHash,
    controls: plan.controls,
    driver: plan.driver.type,
    ...tableNames,
    restoredName,
    targets: plan.targets,
    updatedAt: now,
  });

  const { source, points } = await restoreDriverFor(plan, input).preflight();
  const resource = { type: source.type, arn: source.arn, name: source.name };
  // AWS Backup chose the restore testing job's point (by the plan's window): it is the one point offered.
  const recoveryPoint = chooseRecoveryPoint(testingJob ? { type: 'latest' } : plan.recoveryPoint, points, new Date(state.startedAt));
  const restorableWindow = points.kind === 'continuous' ? { earliest: points.earliest, latest: points.latest } : undefined;
  await updateRun(tableName, runId, { source: resource, recoveryPoint, ...(restorableWindow && { restorableWindow }), updatedAt: new Date().toISOString() });
  await recordDrillEvent(state, 'drill.preflight.passed', {
    planHash,
    source,
    available: points.kind === 'discrete' ? { kind: 'discrete', count: points.points.length, newest: points.points[0]?.at } : points,
    recoveryPoint,
    restoredName,
    targets: plan.targets,
    controls: plan.controls,
  });
  return {
    planId: plan.id,
    planHash,
    source: resource,
    restoredName,
    ...(source.type === 'DynamoDB' && { sourceTableName: source.name, sourceTableArn: source.arn, restoreTableName: restoredName }),
    recoveryPoint,
    ...(restorableWindow && { restorableWindow }),
    holdSeconds: plan.holdMinutes * 60,
    restoreTimeoutSeconds: restoreTimeoutMinutesOf(plan) * 60,
    targets: plan.targets,
    ...(checksRunInOf(plan) && { checksIn: checksRunInOf(plan) }),
  };
});

import { checkIdOf } from '../../domain/drill-plan-schema.js';
import { achievedRpo, achievedRtoSeconds, secondsBetween } from '../../domain/drill/achieved.js';
import type { DrillCheckResult } from '../../domain/drill/check-result.js';
import { validationPassed } from '../../domain/drill/objectives.js';
import type { ChecksStep } from '../../domain/drill/run.js';
import { requireEnvironment } from '../environment.js';
import { checkContextOf } from './check-context.js';
import { runDrillCheck } from './checks/run-check.js';
import { updateRun } from './drill-run-store.js';
import { drillStepHandler, recordDrillEvent } from './drill-step.js';
import { preparedRunOf } from './prepared-run.js';
import type { SqlReach } from './sql/sql-reach.js';

/**
 * Drill step 4: runs the plan's checks on the restored table, recording each with expected vs actual, then measures
 * RTO (drill start to the restore's completion, plus validation) and RPO when every check passed. A check that finds bad data fails the drill (and
 * leaves RTO and RPO not achieved); one that cannot run throws. Two functions run it, each with its one way to a
 * database (sqlReach): RunDrillChecks (Data API, or none) and the validator in the drill VPC (RunDrillWireChecks, wire).
 */
export const drillChecksHandler = (sqlReach: SqlReach | undefined) => {
  const tableName = requireEnvironment('TABLE_NAME');
  return drillStepHandler('checks', async (state): Promise<ChecksStep> => {
    const { run, plan } = preparedRunOf(state);
    const context = checkContextOf(state, run, plan);
    // Fanned out: validation began when it was planned, and the Map's segment counts are summed here.
    const validationStartedAt = state.validation?.startedAt ?? new Date().toISOString();
    const fannedOut = state.validation ? { scans: state.validation.scans, counted: state.segmentCounts ?? [] } : undefined;
    const results: DrillCheckResult[] = [];
    for (const [index, check] of plan.checks.entries()) {
      const result = await runDrillCheck(check, checkIdOf(plan.checks, index), context, sqlReach, fannedOut);
      results.push(result);
      await recordDrillEvent(state, result.passed ? 'drill.check.passed' : 'drill.check.failed', { ...result });
    }
    const completedAt = new Date().toISOString();
    const elapsedSeconds = secondsBetween(state.startedAt, completedAt);
    const validationSeconds = secondsBetween(validationStartedAt, completedAt);
    // RTO ends when the restored data is validated: data that failed a check achieved neither RTO nor RPO.
    const validated = validationPassed(results);
    const rtoSeconds = achievedRtoSeconds({ drillStartedAt: state.input.restoreTestingJob?.createdAt ?? state.startedAt, restoreCompletedAt: state.restore?.completedAt, validationStartedAt, validationCompletedAt: completedAt });
    const achieved = validated ? { rtoSeconds, rpo: achievedRpo(results, context.recoveryPoint) } : {};
    const validation = { startedAt: validationStartedAt, completedAt, seconds: validationSeconds };
    await updateRun(tableName, state.runId, { checks: results, validation, ...achieved, updatedAt: completedAt });
    await recordDrillEvent(state, 'drill.validated', {
      passed: results.filter((result) => result.passed).length,
      failed: results.filter((result) => !result.passed).length,
      validated,
      elapsedSeconds,
      validationSeconds,
      rtoAchieved: validated,
      rpoAchieved: validated,
      ...achieved,
      targets: plan.targets,
    });
    return { results, completedAt, validated, elapsedSeconds, ...achieved };
  });
};

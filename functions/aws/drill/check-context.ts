import { sqlDialectOf, type DrillPlan } from '../../domain/drill-plan-schema.js';
import type { DrillCheckContext } from '../../domain/drill/check-result.js';
import { readRestoreHandle } from '../../domain/drill/restore.js';
import { preparedResourcesOf, type DrillExecutionState, type PreparedRun } from '../../domain/drill/run.js';

/** What every check of this run looks at: the source, the restored resource, the recovery point, the plan's targets. */
export function checkContextOf(state: DrillExecutionState, run: PreparedRun, plan: DrillPlan): DrillCheckContext {
  const { source, restoredName } = preparedResourcesOf(run);
  const handle = state.restore ? readRestoreHandle(state.restore.handle) : undefined;
  return {
    runId: state.runId,
    planId: plan.id,
    sourceTableName: run.sourceTableName ?? source.name,
    restoredTableName: run.restoreTableName ?? restoredName,
    source,
    restored: handle?.restored ?? { type: source.type, name: restoredName },
    ...(handle?.restoreMetadata !== undefined && { restoreMetadata: handle.restoreMetadata }),
    recoveryPoint: handle?.recoveryPoint ?? run.recoveryPoint,
    canaryKeys: plan.checks.flatMap((check) => (check.type === 'canary-object' ? [check.key] : [])),
    targets: plan.targets,
    ...(plan.sqlAccess && { sqlAccess: plan.sqlAccess, sqlDialect: sqlDialectOf(plan.source) }),
  };
}

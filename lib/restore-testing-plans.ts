import { Stack } from 'aws-cdk-lib';
import { CfnRestoreTestingPlan, CfnRestoreTestingSelection } from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import type { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import {
  isRestoreTestingPlan,
  restoreTestingPlanInputOf,
  restoreTestingPlanTagsOf,
  restoreTestingSelectionInputOf,
} from '../functions/domain/drill/restore-testing-plan.js';

/**
 * The AWS Backup restore testing plan and selection of each drill plan that restores through restore testing, from the
 * same mapping the local stack sends with the SDK (functions/domain/drill/restore-testing-plan.ts). A plan whose schedule
 * is disabled keeps its restore testing plan without a selection: nothing is restored.
 */
export class DrillRestoreTestingPlans extends Construct {
  public readonly plans: ReadonlyMap<string, CfnRestoreTestingPlan>;
  public readonly selections: ReadonlyMap<string, CfnRestoreTestingSelection>;

  constructor(scope: Construct, id: string, props: { readonly plans: readonly DrillPlan[] }) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = { partition: stack.partition, region: stack.region, account: stack.account };
    const plans = new Map<string, CfnRestoreTestingPlan>();
    const selections = new Map<string, CfnRestoreTestingSelection>();
    for (const plan of props.plans.filter(isRestoreTestingPlan)) {
      const input = restoreTestingPlanInputOf(plan, where);
      const selectionOf = input.RecoveryPointSelection;
      const restoreTestingPlan = new CfnRestoreTestingPlan(this, plan.id, {
        restoreTestingPlanName: input.RestoreTestingPlanName,
        scheduleExpression: input.ScheduleExpression,
        scheduleExpressionTimezone: input.ScheduleExpressionTimezone,
        ...(input.StartWindowHours !== undefined && { startWindowHours: input.StartWindowHours }),
        recoveryPointSelection: {
          algorithm: selectionOf.Algorithm,
          recoveryPointTypes: selectionOf.RecoveryPointTypes,
          includeVaults: selectionOf.IncludeVaults,
          ...(selectionOf.ExcludeVaults && { excludeVaults: selectionOf.ExcludeVaults }),
          selectionWindowDays: selectionOf.SelectionWindowDays,
        },
        tags: Object.entries(restoreTestingPlanTagsOf(plan)).map(([key, value]) => ({ key, value })),
      });
      plans.set(plan.id, restoreTestingPlan);
      if (!plan.schedule.enabled) continue;
      const selection = restoreTestingSelectionInputOf(plan, where);
      const restoreTestingSelection = new CfnRestoreTestingSelection(this, `${plan.id}-selection`, {
        restoreTestingPlanName: input.RestoreTestingPlanName,
        restoreTestingSelectionName: selection.RestoreTestingSelectionName,
        protectedResourceType: selection.ProtectedResourceType,
        iamRoleArn: selection.IamRoleArn,
        protectedResourceArns: selection.ProtectedResourceArns,
        ...(selection.RestoreMetadataOverrides && { restoreMetadataOverrides: selection.RestoreMetadataOverrides }),
        validationWindowHours: selection.ValidationWindowHours,
      });
      // The selection names its plan by name: it is created after the plan, deleted before it.
      restoreTestingSelection.addResourceDependency(restoreTestingPlan);
      selections.set(plan.id, restoreTestingSelection);
    }
    this.plans = plans;
    this.selections = selections;
  }
}

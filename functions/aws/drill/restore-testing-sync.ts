import {
  CreateRestoreTestingPlanCommand,
  CreateRestoreTestingSelectionCommand,
  DeleteRestoreTestingSelectionCommand,
  GetRestoreTestingPlanCommand,
  GetRestoreTestingSelectionCommand,
  UpdateRestoreTestingPlanCommand,
  UpdateRestoreTestingSelectionCommand,
  type BackupClient,
} from '@aws-sdk/client-backup';
import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import {
  isRestoreTestingPlan,
  restoreTestingPlanInputOf,
  restoreTestingPlanTagsOf,
  restoreTestingSelectionInputOf,
  type AwsLocation,
} from '../../domain/drill/restore-testing-plan.js';

export interface RestoreTestingSyncResult {
  readonly planId: string;
  readonly restoreTestingPlanArn: string;
  /** What was done to the plan and to its selection. */
  readonly plan: 'created' | 'updated';
  readonly selection: 'created' | 'updated' | 'replaced' | 'removed' | 'absent';
}

const notFound = (error: unknown): boolean => (error as Error).name === 'ResourceNotFoundException';

/**
 * Keeps the AWS Backup restore testing plan and selection of every plan that restores through restore testing in step
 * with it: created when missing, updated otherwise (a selection of another resource type is replaced: the type cannot
 * be updated). A plan whose schedule is disabled keeps its restore testing plan without a selection: nothing restores.
 */
export async function syncRestoreTestingPlans(backup: BackupClient, plans: readonly DrillPlan[], where: AwsLocation): Promise<RestoreTestingSyncResult[]> {
  const results: RestoreTestingSyncResult[] = [];
  for (const plan of plans.filter(isRestoreTestingPlan)) {
    const { RestoreTestingPlanName: name, ...update } = restoreTestingPlanInputOf(plan, where);
    let planArn: string;
    let planAction: RestoreTestingSyncResult['plan'];
    const existing = await backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: name })).catch((error: unknown) => {
      if (notFound(error)) return undefined;
      throw error;
    });
    if (existing) {
      planArn = (await backup.send(new UpdateRestoreTestingPlanCommand({ RestoreTestingPlanName: name, RestoreTestingPlan: update }))).RestoreTestingPlanArn!;
      planAction = 'updated';
    } else {
      const created = await backup.send(
        new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: { RestoreTestingPlanName: name, ...update }, Tags: restoreTestingPlanTagsOf(plan), CreatorRequestId: name }),
      );
      planArn = created.RestoreTestingPlanArn!;
      planAction = 'created';
    }

    const selection = restoreTestingSelectionInputOf(plan, where);
    const current = await backup
      .send(new GetRestoreTestingSelectionCommand({ RestoreTestingPlanName: name, RestoreTestingSelectionName: selection.RestoreTestingSelectionName }))
      .then((answer) => answer.RestoreTestingSelection)
      .catch((error: unknown) => {
        if (notFound(error)) return undefined;
        throw error;
      });
    const remove = () => backup.send(new DeleteRestoreTestingSelectionCommand({ RestoreTestingPlanName: name, RestoreTestingSelectionName: selection.RestoreTestingSelectionName }));
    const create = () => backup.send(new CreateRestoreTestingSelectionCommand({ RestoreTestingPlanName: name, RestoreTestingSelection: selection }));
    let selectionAction: RestoreTestingSyncResult['selection'];
    if (!plan.schedule.enabled) {
      if (current) await remove();
      selectionAction = current ? 'removed' : 'absent';
    } else if (!current) {
      await create();
      selectionAction = 'created';
    } else if (current.ProtectedResourceType !== selection.ProtectedResourceType) {
      await remove();
      await create();
      selectionAction = 'replaced';
    } else {
      const { RestoreTestingSelectionName, ProtectedResourceType, ...changes } = selection;
      // Overrides the plan no longer sets are cleared, not left behind.
      await backup.send(
        new UpdateRestoreTestingSelectionCommand({
          RestoreTestingPlanName: name,
          RestoreTestingSelectionName,
          RestoreTestingSelection: { ...changes, RestoreMetadataOverrides: changes.RestoreMetadataOverrides ?? {} },
        }),
      );
      selectionAction = 'updated';
    }
    results.push({ planId: plan.id, restoreTestingPlanArn: planArn, plan: planAction, selection: selectionAction });
  }
  return results;
}

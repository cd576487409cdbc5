import { DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { backupClient } from '../aws/backup-client.js';
import { bundledDrillPlans } from '../aws/drill/plans.js';
import { requireEnvironment } from '../aws/environment.js';
import { logger } from '../aws/powertools.js';
import { stepFunctions } from '../aws/sfn-client.js';
import { RestoreJobEndedEvent } from '../domain/drill/restore-job-event.js';
import { drillPlanOfRestoreTestingPlanArn, isRestoreTestingPlan, restoreTestingRunIdOf } from '../domain/drill/restore-testing-plan.js';
import type { DrillExecutionInput } from '../domain/drill/run.js';
import { parsePayload } from '../domain/schema-issues.js';

const drillStateMachineArn = requireEnvironment('DRILL_STATE_MACHINE_ARN');

export type RestoreTestingDrillOutcome =
  | { readonly outcome: 'started' | 'already-started'; readonly restoreJobId: string; readonly planId: string; readonly runId: string }
  | { readonly outcome: 'not-restore-testing' | 'not-irdr'; readonly restoreJobId: string };

/**
 * EventBridge target of the restore-testing-jobs-ended rule: a restore job ended. If an irdr plan's restore testing
 * plan started it (DescribeRestoreJob's CreatedBy: the event is only a wake-up), the plan's drill runs against what it
 * restored, validates it and reports its verdict back with PutRestoreValidationResult (RecordDrillOutcome).
 */
export const handler = async (payload: unknown, context: Context): Promise<RestoreTestingDrillOutcome> => {
  logger.addContext(context);
  const { detail } = parsePayload(RestoreJobEndedEvent, payload, 'an AWS Backup Restore Job State Change');
  const restoreJobId = detail.restoreJobId;
  // No plan restores through restore testing: no job can be one of irdr's (and the function holds no grant to look).
  const plans = bundledDrillPlans();
  if (!plans.some(isRestoreTestingPlan)) return { outcome: 'not-irdr', restoreJobId };
  const job = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  const planArn = job.CreatedBy?.RestoreTestingPlanArn;
  if (!planArn) return { outcome: 'not-restore-testing', restoreJobId };
  const plan = drillPlanOfRestoreTestingPlanArn(planArn, plans);
  if (!plan) {
    logger.info('restore testing job of a plan that is not irdr\'s', { restoreJobId, planArn });
    return { outcome: 'not-irdr', restoreJobId };
  }
  if (!job.RecoveryPointArn || !job.SourceResourceArn || !job.CreationDate) throw new Error(`restore job ${restoreJobId} is described without its recovery point, source or creation date`);
  const input: DrillExecutionInput = {
    planId: plan.id,
    trigger: 'restore-testing',
    requestedBy: planArn,
    restoreTestingJob: {
      restoreJobId,
      restoreTestingPlanArn: planArn,
      recoveryPointArn: job.RecoveryPointArn,
      recoveryPointCreatedAt: (job.RecoveryPointCreationDate ?? job.CreationDate).toISOString(),
      sourceResourceArn: job.SourceResourceArn,
      createdAt: job.CreationDate.toISOString(),
      ...(job.CreatedResourceArn !== undefined && { createdResourceArn: job.CreatedResourceArn }),
    },
  };
  const runId = restoreTestingRunIdOf(restoreJobId);
  try {
    await stepFunctions.send(new StartExecutionCommand({ stateMachineArn: drillStateMachineArn, name: runId, input: JSON.stringify(input) }));
  } catch (error) {
    // EventBridge delivers at least once: the job's drill already runs (or ran) under its name.
    if ((error as Error).name === 'ExecutionAlreadyExists') return { outcome: 'already-started', restoreJobId, planId: plan.id, runId };
    throw error;
  }
  logger.info('restore testing drill started', { restoreJobId, planId: plan.id, runId, status: detail.status });
  return { outcome: 'started', restoreJobId, planId: plan.id, runId };
};

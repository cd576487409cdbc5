import { DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { DrillPreflightError, type BackupResourceType, type RestoreHandle } from '../../domain/drill/restore.js';
import type { RestoreTestingJob } from '../../domain/drill/run.js';
import { drillPlanOfRestoreTestingPlanArn, type RestoreTestingDrillPlan } from '../../domain/drill/restore-testing-plan.js';
import { sourceResourceTypeOf } from '../../domain/drill-plan-schema.js';
import { backupClient } from '../backup-client.js';
import { awsBackupDriver, type AwsBackupDriverConfig } from './aws-backup-driver.js';
import { resourceIdOf } from './restored-resources/restored-resource.js';
import type { RestoreDriver } from './restore-driver.js';

/** A DynamoDB table ARN's name (a restore testing job names its table itself: `awsbackup-restore-test-...`). */
const tableNameOf = (arn: string): string => /:table\/([^/]+)$/.exec(arn)?.[1] ?? arn;

/** The name of what the job created, as the drill's checks reach it (a table by name, other types by ARN). */
export const restoredNameOf = (type: BackupResourceType, createdResourceArn: string | undefined): string =>
  createdResourceArn === undefined ? '(nothing: the restore testing job created no resource)' : type === 'DynamoDB' ? tableNameOf(createdResourceArn) : resourceIdOf(createdResourceArn);

/**
 * A run that validates a restore AWS Backup restore testing started (the plan's restore testing plan, on its cron):
 * nothing is restored here. Preflight proves the job is the plan's (its restore testing plan, its source) and takes its
 * recovery point; the restore is the job; the job is followed as the aws-backup driver follows one; the restored
 * resource is never tagged or deleted by irdr: AWS Backup deletes it when the selection's validation window ends.
 */
export function restoreTestingDriver(plan: RestoreTestingDrillPlan, config: AwsBackupDriverConfig, job: RestoreTestingJob): RestoreDriver {
  const inner = awsBackupDriver(plan.source, config);
  const type = sourceResourceTypeOf(plan.source) as BackupResourceType;
  return {
    completionSignal: 'end-event',

    async preflight() {
      if (drillPlanOfRestoreTestingPlanArn(job.restoreTestingPlanArn, [plan]) === undefined) {
        throw new DrillPreflightError(`restore job ${job.restoreJobId} was started by restore testing plan ${job.restoreTestingPlanArn}, not by plan ${plan.id}'s`);
      }
      // The source as the aws-backup driver finds it; the job must have restored exactly it.
      const { source } = await inner.preflight();
      if (source.arn !== job.sourceResourceArn) {
        throw new DrillPreflightError(`restore testing job ${job.restoreJobId} restored ${job.sourceResourceArn}, not the plan's source ${source.arn}`);
      }
      return { source, points: { kind: 'discrete', points: [{ id: job.recoveryPointArn, at: job.recoveryPointCreatedAt }] } };
    },

    async startRestore({ source, recoveryPoint }) {
      // AWS Backup started the restore when the job was created: that is when the recovery began.
      const handle: RestoreHandle = {
        driver: 'aws-backup',
        source: { type, arn: source.arn, name: source.name },
        restored: { type, name: restoredNameOf(type, job.createdResourceArn), ...(job.createdResourceArn !== undefined && { arn: job.createdResourceArn }) },
        startedAt: job.createdAt,
        phase: 'restoring',
        recoveryPoint,
        restoreJobId: job.restoreJobId,
        awaited: job.restoreJobId,
      };
      return handle;
    },

    describeRestore: (handle, claim) => inner.describeRestore(handle, claim),

    // Not tagged: irdr deletes nothing here, so there is no claim for the cleanup guard to read.
    claimRestored: async () => undefined,

    async cleanUp(handle) {
      const described = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: job.restoreJobId }));
      const created = described.CreatedResourceArn ?? handle.restored.arn;
      if (!created) return { status: 'NOT_FOUND', deletedExtras: [] };
      const deletion = described.DeletionStatus ? `DeletionStatus ${described.DeletionStatus}${described.DeletionStatusMessage ? `: ${described.DeletionStatusMessage}` : ''}` : 'no DeletionStatus yet';
      return {
        status: 'LEFT_TO_AWS_BACKUP',
        reason: `not deleted by irdr: AWS Backup deletes ${created} when restore testing job ${job.restoreJobId}'s validation window of ${plan.driver.restoreTesting.validationWindowHours} h ends (${deletion})`,
        deletedExtras: [],
      };
    },
  };
}

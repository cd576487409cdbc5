import {
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByResourceCommand,
  StartRestoreJobCommand,
  type RecoveryPointByResource,
} from '@aws-sdk/client-backup';
import { DrillPreflightError, DrillRestoreError, type RestoreHandle } from '../../domain/drill/restore.js';
import { backupClient } from '../backup-client.js';
import type { RestoreDriver } from './restore-driver.js';
import { sourceFactsOf } from './source-table.js';
import { awsErrorText, restoredTableProgress } from './target-table.js';

export interface AwsBackupDriverConfig {
  /** The role AWS Backup assumes to restore (the plan's restoreRoleArn). */
  readonly restoreRoleArn: string;
  /** Only recovery points in this vault. */
  readonly backupVaultName?: string;
}

/**
 * AWS Backup: restores a COMPLETED recovery point of the source into a new table with StartRestoreJob (as the
 * plan's restore role) and follows the job, then the table, until both are done.
 */
export function awsBackupDriver(config: AwsBackupDriverConfig): RestoreDriver {
  return {
    async preflight(sourceTableName) {
      const source = await sourceFactsOf(sourceTableName);
      const points = (await completedRecoveryPointsOf(source.tableArn, config.backupVaultName))
        .map((point) => ({ id: point.RecoveryPointArn!, at: point.CreationDate!.toISOString() }))
        .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
      if (points.length === 0) {
        const vault = config.backupVaultName ? ` in vault ${config.backupVaultName}` : '';
        throw new DrillPreflightError(`AWS Backup has no COMPLETED recovery point of ${sourceTableName}${vault}`);
      }
      return { source, points: { kind: 'discrete', points } };
    },

    async startRestore({ source, recoveryPoint, targetTableName }) {
      const recoveryPointArn = recoveryPoint.id;
      if (!recoveryPointArn) throw new DrillRestoreError('the recovery point names no AWS Backup recovery point');
      const startedAt = new Date().toISOString();
      let restoreJobId: string;
      try {
        const vaultName = config.backupVaultName ?? (await vaultOf(source.tableArn, recoveryPointArn));
        restoreJobId = await startRestoreJob(recoveryPointArn, vaultName, targetTableName, config.restoreRoleArn);
      } catch (error) {
        if (error instanceof DrillRestoreError) throw error;
        throw new DrillRestoreError(`AWS Backup restore of ${recoveryPointArn} into ${targetTableName} failed to start: ${awsErrorText(error)}`);
      }
      const handle: RestoreHandle = {
        driver: 'aws-backup',
        sourceTableName: source.tableName,
        sourceTableArn: source.tableArn,
        targetTableName,
        startedAt,
        phase: 'restoring',
        recoveryPoint,
        restoreJobId,
      };
      return handle;
    },

    async describeRestore(handle) {
      if (!handle.restoreJobId) return { state: 'FAILED', handle, reason: 'the handle names no AWS Backup restore job' };
      const job = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: handle.restoreJobId }));
      switch (job.Status) {
        case 'PENDING':
        case 'RUNNING':
          return { state: 'IN_PROGRESS', handle };
        case 'COMPLETED':
          // The job is done once the table exists; the drill needs the table ACTIVE.
          return restoredTableProgress(handle);
        default:
          return { state: 'FAILED', handle, reason: `AWS Backup restore job ${handle.restoreJobId} is ${job.Status ?? 'of unknown status'}: ${job.StatusMessage ?? 'no message'}` };
      }
    },

    // A restore job makes nothing but the table; the recovery point belongs to the backup plan.
    cleanUpExtras: async () => [],
  };
}

/** The source's COMPLETED recovery points (in the vault, if one is named). */
async function completedRecoveryPointsOf(resourceArn: string, backupVaultName: string | undefined): Promise<RecoveryPointByResource[]> {
  const points: RecoveryPointByResource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await backupClient.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: resourceArn, NextToken: nextToken }));
    points.push(...(page.RecoveryPoints ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return points.filter(
    (point) =>
      point.Status === 'COMPLETED' &&
      point.RecoveryPointArn !== undefined &&
      point.CreationDate !== undefined &&
      (backupVaultName === undefined || point.BackupVaultName === backupVaultName),
  );
}

/** The vault holding a recovery point (GetRecoveryPointRestoreMetadata needs it; the plan need not name one). */
async function vaultOf(resourceArn: string, recoveryPointArn: string): Promise<string> {
  const point = (await completedRecoveryPointsOf(resourceArn, undefined)).find((candidate) => candidate.RecoveryPointArn === recoveryPointArn);
  if (!point?.BackupVaultName) throw new DrillRestoreError(`recovery point ${recoveryPointArn} is no longer a COMPLETED recovery point of ${resourceArn}`);
  return point.BackupVaultName;
}

/** The restore as AWS Backup would do it for this point, into the drill's own table name. */
async function startRestoreJob(recoveryPointArn: string, backupVaultName: string, targetTableName: string, restoreRoleArn: string): Promise<string> {
  const { RestoreMetadata } = await backupClient.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: backupVaultName, RecoveryPointArn: recoveryPointArn }));
  const { RestoreJobId } = await backupClient.send(
    new StartRestoreJobCommand({
      RecoveryPointArn: recoveryPointArn,
      IamRoleArn: restoreRoleArn,
      ResourceType: 'DynamoDB',
      Metadata: { ...RestoreMetadata, targetTableName },
      // A retried start returns the same job instead of a second restore.
      IdempotencyToken: targetTableName,
    }),
  );
  if (!RestoreJobId) throw new DrillRestoreError(`StartRestoreJob for ${recoveryPointArn} returned no job id`);
  return RestoreJobId;
}

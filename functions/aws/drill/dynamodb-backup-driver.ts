import {
  CreateBackupCommand,
  DeleteBackupCommand,
  DescribeBackupCommand,
  ListBackupsCommand,
  RestoreTableFromBackupCommand,
  type BackupSummary,
} from '@aws-sdk/client-dynamodb';
import { DRILL_TABLE_PREFIX } from '../../domain/drill-naming.js';
import { DrillPreflightError, DrillRestoreError, type RecoveryPointRef, type RestoreHandle, type RestoreProgress } from '../../domain/drill/restore.js';
import { dynamodbClient } from '../dynamodb-client.js';
import type { RestoreDriver } from './restore-driver.js';
import { claimRestoredTable, cleanUpTableRestore } from './restored-table.js';
import { sourceFactsOf } from './source-table.js';
import { awsErrorText, describeTableIfExists, isAwsError, restoredTableProgress } from './target-table.js';

/** DynamoDB's limit on a backup name. */
const BACKUP_NAME_MAX_LENGTH = 255;

/**
 * DynamoDB on-demand backups: RestoreTableFromBackup into a new table. `latest` restores the newest AVAILABLE
 * backup the source has; `create` takes one when the restore starts, restores it once AVAILABLE, and deletes it at cleanup.
 */
export function dynamodbBackupDriver(sourceTableName: string, backup: 'latest' | 'create'): RestoreDriver {
  return {
    // DynamoDB announces no restore's end: the drill polls (adaptive, or the plan's fixed interval).
    completionSignal: 'poll',
    async preflight() {
      const source = await sourceFactsOf(sourceTableName);
      if (backup === 'create') return { source, points: { kind: 'create' } };
      const points = await availableBackupsOf(sourceTableName);
      if (points.length === 0) {
        throw new DrillPreflightError(`${sourceTableName} has no AVAILABLE on-demand backup to restore: take one (CreateBackup), or use backup: create`);
      }
      return { source, points: { kind: 'discrete', points } };
    },

    async startRestore({ source, recoveryPoint, restoredName: targetTableName }) {
      const startedAt = new Date().toISOString();
      const base = {
        driver: 'dynamodb-backup',
        source: { type: 'DynamoDB', arn: source.arn, name: source.name },
        restored: { type: 'DynamoDB', name: targetTableName },
        startedAt,
      } as const;
      if (backup === 'create') {
        const details = await dynamodbClient
          .send(new CreateBackupCommand({ TableName: source.name, BackupName: drillBackupName(targetTableName) }))
          .then((created) => created.BackupDetails)
          .catch((error: unknown) => {
            throw new DrillRestoreError(`CreateBackup of ${source.name} failed: ${awsErrorText(error)}`);
          });
        if (!details?.BackupArn) throw new DrillRestoreError(`CreateBackup of ${source.name} returned no backup ARN`);
        const at = details.BackupCreationDateTime?.toISOString() ?? recoveryPoint.at;
        return { ...base, phase: 'backing-up', createdBackupArn: details.BackupArn, recoveryPoint: { ...recoveryPoint, at, id: details.BackupArn } };
      }
      if (!recoveryPoint.id) throw new DrillRestoreError('the recovery point names no backup to restore');
      await restoreFromBackup(recoveryPoint.id, targetTableName);
      return { ...base, phase: 'restoring', recoveryPoint };
    },

    async describeRestore(handle) {
      if (handle.phase === 'restoring') return restoredTableProgress(handle);
      return continueBackingUp(handle);
    },

    claimRestored: (handle, { runId, planId }) => claimRestoredTable({ handle, runId, planId }),

    cleanUp: (handle, { runId }) => cleanUpTableRestore(handle, runId, deleteDrillBackup),
  };
}

/** Deletes the on-demand backup the drill took (handle.createdBackupArn), and only it. */
async function deleteDrillBackup(handle: RestoreHandle): Promise<string[]> {
  if (!handle.createdBackupArn) return [];
  try {
    await dynamodbClient.send(new DeleteBackupCommand({ BackupArn: handle.createdBackupArn }));
    return [handle.createdBackupArn];
  } catch (error) {
    if (isAwsError(error, 'BackupNotFoundException')) return [];
    throw error;
  }
}

/** The drill's own backup: once AVAILABLE, its restore starts (and the handle moves on to `restoring`). */
async function continueBackingUp(handle: RestoreHandle): Promise<RestoreProgress> {
  const backupArn = handle.createdBackupArn;
  if (!backupArn) return { state: 'FAILED', handle, reason: 'the handle is backing up but names no backup' };
  const description = await dynamodbClient.send(new DescribeBackupCommand({ BackupArn: backupArn })).catch((error: unknown) => {
    if (isAwsError(error, 'BackupNotFoundException')) return undefined;
    throw error;
  });
  const details = description?.BackupDescription?.BackupDetails;
  if (!details) return { state: 'FAILED', handle, reason: `the drill's backup ${backupArn} is gone` };
  if (details.BackupStatus === 'CREATING') return { state: 'IN_PROGRESS', handle };
  if (details.BackupStatus !== 'AVAILABLE') return { state: 'FAILED', handle, reason: `the drill's backup ${backupArn} is ${details.BackupStatus ?? 'of unknown status'}` };

  const at = details.BackupCreationDateTime?.toISOString() ?? handle.recoveryPoint.at;
  const restoring: RestoreHandle = { ...handle, phase: 'restoring', recoveryPoint: { ...handle.recoveryPoint, at, id: backupArn } };
  try {
    await restoreFromBackup(backupArn, handle.restored.name);
  } catch (error) {
    // A look repeated after its restore already started finds the table made from this very backup.
    const existing = await describeTableIfExists(handle.restored.name);
    if (existing?.RestoreSummary?.SourceBackupArn !== backupArn) throw error;
  }
  return { state: 'IN_PROGRESS', handle: restoring };
}

async function restoreFromBackup(backupArn: string, targetTableName: string): Promise<void> {
  try {
    await dynamodbClient.send(new RestoreTableFromBackupCommand({ BackupArn: backupArn, TargetTableName: targetTableName }));
  } catch (error) {
    throw new DrillRestoreError(`RestoreTableFromBackup of ${backupArn} into ${targetTableName} failed: ${awsErrorText(error)}`);
  }
}

/** The source's AVAILABLE on-demand (USER) backups, newest first. */
async function availableBackupsOf(tableName: string): Promise<RecoveryPointRef[]> {
  const summaries: BackupSummary[] = [];
  let exclusiveStartBackupArn: string | undefined;
  do {
    const page = await dynamodbClient.send(new ListBackupsCommand({ TableName: tableName, BackupType: 'USER', ExclusiveStartBackupArn: exclusiveStartBackupArn }));
    summaries.push(...(page.BackupSummaries ?? []));
    exclusiveStartBackupArn = page.LastEvaluatedBackupArn;
  } while (exclusiveStartBackupArn);
  return summaries
    .filter((summary) => summary.BackupStatus === 'AVAILABLE' && summary.BackupArn && summary.BackupCreationDateTime)
    .map((summary) => ({ id: summary.BackupArn!, at: summary.BackupCreationDateTime!.toISOString() }))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** `irdr-drill-<plan>-<run>` for the backup of that target: DynamoDB backup names are 3-255 of [A-Za-z0-9_.-]. */
export function drillBackupName(targetTableName: string): string {
  const suffix = targetTableName.startsWith(DRILL_TABLE_PREFIX) ? targetTableName.slice(DRILL_TABLE_PREFIX.length) : targetTableName;
  return `${DRILL_TABLE_PREFIX}${suffix}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, BACKUP_NAME_MAX_LENGTH);
}

import type { DrillDriver } from '../../domain/drill-plan-schema.js';
import type { AvailableRecoveryPoints, ChosenRecoveryPoint, RestoreHandle, RestoreProgress, SourceFacts } from '../../domain/drill/restore.js';
import { awsBackupDriver } from './aws-backup-driver.js';
import { dynamodbBackupDriver } from './dynamodb-backup-driver.js';
import { dynamodbPitrDriver } from './dynamodb-pitr-driver.js';

export interface RestoreRequest {
  readonly source: SourceFacts;
  readonly recoveryPoint: ChosenRecoveryPoint;
  readonly targetTableName: string;
}

/** One restore service, as a drill uses it: check the source, start a restore, follow it, undo what it made. */
export interface RestoreDriver {
  /** The source and what it can be restored from; DrillPreflightError if it cannot be. Creates nothing. */
  preflight(sourceTableName: string): Promise<{ source: SourceFacts; points: AvailableRecoveryPoints }>;
  /** Starts the restore into targetTableName (a new table); DrillRestoreError if the service refuses. */
  startRestore(request: RestoreRequest): Promise<RestoreHandle>;
  /** Where the restore is; the handle returned replaces the one given (it may move on a phase). */
  describeRestore(handle: RestoreHandle): Promise<RestoreProgress>;
  /** Deletes only what the driver itself made besides the table (e.g. handle.createdBackupArn); returns what it deleted. */
  cleanUpExtras(handle: RestoreHandle): Promise<string[]>;
}

export function restoreDriverFor(driver: DrillDriver): RestoreDriver {
  switch (driver.type) {
    case 'dynamodb-pitr':
      return dynamodbPitrDriver();
    case 'dynamodb-backup':
      return dynamodbBackupDriver(driver.backup);
    case 'aws-backup':
      return awsBackupDriver({ restoreRoleArn: driver.restoreRoleArn, ...(driver.backupVaultName !== undefined && { backupVaultName: driver.backupVaultName }) });
  }
}

/** What a restore driver reports and keeps, whichever service restores (no AWS types here). */

/** Driver names, as plans give them. */
export type RestoreDriverType = 'dynamodb-pitr' | 'dynamodb-backup' | 'aws-backup';

/** A recovery point that exists: a backup, or an AWS Backup recovery point. */
export interface RecoveryPointRef {
  /** Backup ARN or recovery point ARN. */
  readonly id: string;
  /** ISO 8601: when the data was captured. */
  readonly at: string;
}

/** What a source can be restored from right now. */
export type AvailableRecoveryPoints =
  /** Point-in-time recovery: any second in [earliest, latest]. */
  | { readonly kind: 'continuous'; readonly earliest: string; readonly latest: string }
  /** Backups, newest first. `create`: the driver will take one when the restore starts (none needed beforehand). */
  | { readonly kind: 'discrete'; readonly points: readonly RecoveryPointRef[] }
  | { readonly kind: 'create' };

/** The source table as preflight found it. */
export interface SourceFacts {
  readonly tableName: string;
  readonly tableArn: string;
  /** DynamoDB's approximate ItemCount (updated about every six hours in AWS). */
  readonly approximateItemCount?: number;
  readonly sizeBytes?: number;
}

/** The recovery point a run restores. */
export interface ChosenRecoveryPoint {
  /** ISO 8601: the moment whose data the restore holds (a backup's creation time, or the PITR time). */
  readonly at: string;
  /** ISO 8601: the moment the plan asked for (drill start for `latest`); achieved RPO is measured against it. */
  readonly requestedAt: string;
  /** The backup or recovery point ARN, for discrete points. */
  readonly id?: string;
}

/** Everything later steps need to follow and undo one restore; stored in the execution's state. */
export interface RestoreHandle {
  readonly driver: RestoreDriverType;
  readonly sourceTableName: string;
  readonly sourceTableArn: string;
  readonly targetTableName: string;
  /** ISO 8601: when the restore was asked for. */
  readonly startedAt: string;
  /** `backing-up`: a backup the driver took is not AVAILABLE yet; the restore starts once it is. */
  readonly phase: 'backing-up' | 'restoring';
  readonly recoveryPoint: ChosenRecoveryPoint;
  /** AWS Backup's restore job. */
  readonly restoreJobId?: string;
  /** An on-demand backup the driver took for this run (cleanup deletes it, and only it). */
  readonly createdBackupArn?: string;
}

export type RestoreProgress =
  | { readonly state: 'IN_PROGRESS'; readonly handle: RestoreHandle }
  | { readonly state: 'COMPLETED'; readonly handle: RestoreHandle }
  | { readonly state: 'FAILED'; readonly handle: RestoreHandle; readonly reason: string };

/** A drill cannot start: the source, its backups or the recovery point asked for are not there. Nothing was created. */
export class DrillPreflightError extends Error {
  override name = 'DrillPreflightError';
}

/** The restore service refused or failed the restore. */
export class DrillRestoreError extends Error {
  override name = 'DrillRestoreError';
}

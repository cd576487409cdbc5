/** What a restore driver reports and keeps, whichever service restores and whatever it restores (no AWS types here). */

/** Driver names, as plans give them. */
export type RestoreDriverType = 'dynamodb-pitr' | 'dynamodb-backup' | 'aws-backup' | 'rds-pitr' | 'rds-snapshot';

/** Resource types as AWS Backup names them (StartRestoreJob's ResourceType) that restore testing restores. */
export const BACKUP_RESOURCE_TYPES = ['DynamoDB', 'S3', 'EFS', 'EBS', 'EC2', 'FSx', 'DocumentDB', 'Neptune', 'RDS', 'Aurora'] as const;
export type BackupResourceType = (typeof BACKUP_RESOURCE_TYPES)[number];

/** The resource a drill proves can be restored. */
export interface SourceResource {
  readonly type: BackupResourceType;
  readonly arn: string;
  /** Its name or id as its service names it (table name, bucket, fs-..., vol-..., i-..., cluster identifier). */
  readonly name: string;
}

/** The new resource a restore makes; `arn` once known (AWS Backup's CreatedResourceArn, DescribeTable's TableArn). */
export interface RestoredResource {
  readonly type: BackupResourceType;
  /** Always drill-prefixed: the resource's own name, or its `Name` tag where the service names by id (EFS, EBS, EC2). */
  readonly name: string;
  readonly arn?: string;
}

/** A recovery point that exists: a backup, or an AWS Backup recovery point. */
export interface RecoveryPointRef {
  /** Backup ARN or recovery point ARN. */
  readonly id: string;
  /** ISO 8601: when the data was captured. */
  readonly at: string;
  /** The AWS Backup vault that holds it. */
  readonly vault?: string;
}

/** What a source can be restored from right now. */
export type AvailableRecoveryPoints =
  /** Point-in-time recovery: any second in [earliest, latest]. */
  | { readonly kind: 'continuous'; readonly earliest: string; readonly latest: string }
  /** Backups, newest first. `create`: the driver will take one when the restore starts (none needed beforehand). */
  | { readonly kind: 'discrete'; readonly points: readonly RecoveryPointRef[] }
  | { readonly kind: 'create' };

/** The source as preflight found it. */
export interface SourceFacts extends SourceResource {
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
  /** The AWS Backup vault holding it. */
  readonly vault?: string;
}

/** Everything later steps need to follow and undo one restore; stored in the execution's state. */
export interface RestoreHandle {
  readonly driver: RestoreDriverType;
  readonly source: SourceResource;
  readonly restored: RestoredResource;
  /** ISO 8601: when the restore was asked for. */
  readonly startedAt: string;
  /** `backing-up`: a backup the driver took is not AVAILABLE yet; the restore starts once it is. */
  readonly phase: 'backing-up' | 'restoring';
  readonly recoveryPoint: ChosenRecoveryPoint;
  /** AWS Backup's restore job. */
  readonly restoreJobId?: string;
  /**
   * What the restore's end event will name, while the drill waits for it: the AWS Backup restore job id, or the ARN
   * of the RDS instance or cluster being made (a restored cluster's instance once the drill added it).
   */
  readonly awaited?: string;
  /** The metadata StartRestoreJob was given (what the custom check receives and the record shows). */
  readonly restoreMetadata?: Readonly<Record<string, string>>;
  /** An on-demand backup the driver took for this run (cleanup deletes it, and only it). */
  readonly createdBackupArn?: string;
}

/** A handle as drills wrote it before resource types (DynamoDB tables only): still in running executions' state. */
export interface TableRestoreHandle extends Omit<RestoreHandle, 'source' | 'restored'> {
  readonly sourceTableName: string;
  readonly sourceTableArn: string;
  readonly targetTableName: string;
}

/** A handle of either shape, as the current one: an old table handle names a DynamoDB source and restored table. */
export function readRestoreHandle(stored: RestoreHandle | TableRestoreHandle): RestoreHandle {
  if ('source' in stored && 'restored' in stored) return stored;
  const { sourceTableName, sourceTableArn, targetTableName, ...rest } = stored;
  return { ...rest, source: { type: 'DynamoDB', arn: sourceTableArn, name: sourceTableName }, restored: { type: 'DynamoDB', name: targetTableName } };
}

/** What a drill waiting by event waits on (handles written before `awaited` name only their restore job). */
export function awaitedOf(stored: RestoreHandle | TableRestoreHandle): string | undefined {
  return stored.awaited ?? stored.restoreJobId;
}

export type RestoreProgress =
  /** `awaiting: 'end-event'`: the restore service will announce the end of what `handle.awaited` names (AWS Backup's job state change, RDS's events). */
  | { readonly state: 'IN_PROGRESS'; readonly handle: RestoreHandle; readonly awaiting?: 'end-event' }
  /** `completedAt`: when the service says the restore completed (AWS Backup's CompletionDate), if it says. */
  | { readonly state: 'COMPLETED'; readonly handle: RestoreHandle; readonly completedAt?: string }
  | { readonly state: 'FAILED'; readonly handle: RestoreHandle; readonly reason: string };

/** What cleanup did with the restored resource: WAITING means look again later; REFUSED is the guard's, never forced. */
export interface RestoredCleanupResult {
  /** `LEFT_TO_AWS_BACKUP`: a restore testing job's resource, which AWS Backup deletes after the validation window. */
  readonly status: 'DELETED' | 'NOT_FOUND' | 'WAITING' | 'REFUSED' | 'LEFT_TO_AWS_BACKUP';
  readonly reason?: string;
  /** Other things deleted (the backup the drill took, an EC2 restore's AMI and snapshots). */
  readonly deletedExtras: readonly string[];
}

/** A drill cannot start: the source, its backups or the recovery point asked for are not there. Nothing was created. */
export class DrillPreflightError extends Error {
  override name = 'DrillPreflightError';
}

/** The restore service refused or failed the restore. */
export class DrillRestoreError extends Error {
  override name = 'DrillRestoreError';
}

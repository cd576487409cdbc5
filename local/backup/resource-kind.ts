/*
 * What the local AWS Backup needs of one resource type (DynamoDB today; S3 and RDS slot in beside it, one file each):
 * take a backup through the type's own service, say where it is, name the restore metadata, restore, say where that is.
 */

/** Where a backup or a restore the type's own service runs has got to. */
export type NativeProgress =
  | { readonly state: 'RUNNING' }
  | { readonly state: 'COMPLETED'; readonly sizeBytes?: number }
  | { readonly state: 'FAILED'; readonly message: string };

/** A recovery point as the resource type sees it: its own backup behind AWS Backup's recovery point. */
export interface NativeRecoveryPoint {
  readonly resourceArn: string;
  /** The type's own backup (a DynamoDB backup ARN). */
  readonly nativeId: string;
}

export interface BackupResourceKind {
  /** AWS Backup's name for the type (ResourceType): `DynamoDB`, `S3`, `RDS`, ... */
  readonly resourceType: string;
  /** Whether this type backs up the resource the ARN names. */
  owns(resourceArn: string): boolean;
  /** ResourceName as AWS Backup lists it. */
  resourceName(resourceArn: string): string;
  /** Starts a backup of the resource; a message (the job FAILS with it) when the resource cannot be backed up. */
  startBackup(resourceArn: string, backupName: string): Promise<{ readonly nativeId: string } | { readonly failed: string }>;
  backupProgress(nativeId: string): Promise<NativeProgress>;
  /** GetRecoveryPointRestoreMetadata's RestoreMetadata for a point of this type. */
  restoreMetadata(point: NativeRecoveryPoint): Record<string, string>;
  /** Why StartRestoreJob's Metadata cannot restore this type (InvalidParameterValueException), or undefined. */
  metadataProblem(metadata: Readonly<Record<string, string>>): string | undefined;
  /** Starts the restore; the new resource's ARN, or a message (the job FAILS with it). */
  startRestore(point: NativeRecoveryPoint, metadata: Readonly<Record<string, string>>): Promise<{ readonly createdResourceArn: string } | { readonly failed: string }>;
  restoreProgress(createdResourceArn: string): Promise<NativeProgress>;
  /** The metadata a restore testing job infers for a point: a new resource named `name`, the type's secure defaults. */
  restoreTestingMetadata(point: NativeRecoveryPoint, name: string): Record<string, string>;
  /** Deletes what a restore testing job created, once its validation window has passed. */
  deleteRestored(createdResourceArn: string): Promise<void>;
}

import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../dynamodb/files.js';

/** What the local AWS Backup keeps: plain records, epoch ms for every date. */

export interface BackupVault {
  readonly name: string;
  readonly arn: string;
  readonly creationDate: number;
}

export type RecoveryPointStatus = 'CREATING' | 'COMPLETED' | 'EXPIRED';

export interface RecoveryPoint {
  readonly recoveryPointArn: string;
  readonly backupVaultName: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly iamRoleArn: string;
  /** The resource type's own backup behind the point (a DynamoDB backup ARN). */
  readonly nativeId?: string;
  status: RecoveryPointStatus;
  /** When the data was captured (the backup's creation). */
  readonly creationDate: number;
  completionDate?: number;
  backupSizeInBytes?: number;
}

export type BackupJobState = 'CREATED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface BackupJob {
  readonly backupJobId: string;
  readonly backupVaultName: string;
  readonly backupVaultArn: string;
  readonly recoveryPointArn: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly iamRoleArn: string;
  readonly creationDate: number;
  readonly startBy: number;
  readonly idempotencyToken?: string;
  state: BackupJobState;
  statusMessage?: string;
  completionDate?: number;
  backupSizeInBytes?: number;
}

export type RestoreJobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';
export type ValidationStatus = 'FAILED' | 'SUCCESSFUL' | 'TIMED_OUT' | 'VALIDATING';
export type RestoreDeletionStatus = 'DELETING' | 'FAILED' | 'SUCCESSFUL';

/** RestoreTestingRecoveryPointSelection, as CreateRestoreTestingPlan takes it. */
export interface RestoreTestingPointSelection {
  readonly algorithm: 'LATEST_WITHIN_WINDOW' | 'RANDOM_WITHIN_WINDOW';
  readonly recoveryPointTypes: readonly ('SNAPSHOT' | 'CONTINUOUS')[];
  /** `*` or backup vault ARNs. */
  readonly includeVaults: readonly string[];
  readonly excludeVaults: readonly string[];
  readonly selectionWindowDays: number;
}

export interface RestoreTestingPlan {
  readonly name: string;
  readonly arn: string;
  readonly creationTime: number;
  readonly creatorRequestId?: string;
  recoveryPointSelection: RestoreTestingPointSelection;
  scheduleExpression: string;
  scheduleExpressionTimezone: string;
  startWindowHours: number;
  lastExecutionTime?: number;
  lastUpdateTime?: number;
}

export interface RestoreTestingSelection {
  readonly planName: string;
  readonly name: string;
  readonly creationTime: number;
  readonly creatorRequestId?: string;
  readonly protectedResourceType: string;
  iamRoleArn: string;
  protectedResourceArns: readonly string[];
  restoreMetadataOverrides: Readonly<Record<string, string>>;
  validationWindowHours: number;
}

export interface RestoreJob {
  readonly restoreJobId: string;
  readonly recoveryPointArn: string;
  readonly recoveryPointCreationDate: number;
  readonly backupVaultArn: string;
  readonly sourceResourceArn: string;
  readonly resourceType: string;
  readonly iamRoleArn?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly creationDate: number;
  readonly idempotencyToken?: string;
  /** Set only for jobs a restore testing plan started (StartRestoreJob cannot set it). */
  readonly restoreTestingPlanArn?: string;
  /** A restore testing job's: how long its resource is kept for validation before AWS Backup deletes it. */
  readonly validationWindowHours?: number;
  /** A restore testing job's: where the deletion of what it created has got to (RestoreDeletionStatus). */
  deletionStatus?: RestoreDeletionStatus;
  deletionStatusMessage?: string;
  status: RestoreJobStatus;
  statusMessage?: string;
  completionDate?: number;
  createdResourceArn?: string;
  backupSizeInBytes?: number;
  validationStatus?: ValidationStatus;
  validationStatusMessage?: string;
}

interface CatalogFile {
  readonly vaults: BackupVault[];
  readonly recoveryPoints: RecoveryPoint[];
  readonly backupJobs: BackupJob[];
  readonly restoreJobs: RestoreJob[];
  readonly restoreTestingPlans?: RestoreTestingPlan[];
  readonly restoreTestingSelections?: RestoreTestingSelection[];
}

/** The records, in memory and, when `file` is given, in one JSON file rewritten on each change. */
export class BackupCatalog implements CatalogFile {
  readonly vaults: BackupVault[] = [];
  readonly recoveryPoints: RecoveryPoint[] = [];
  readonly backupJobs: BackupJob[] = [];
  readonly restoreJobs: RestoreJob[] = [];
  readonly restoreTestingPlans: RestoreTestingPlan[] = [];
  readonly restoreTestingSelections: RestoreTestingSelection[] = [];
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly file?: string) {
    if (!file) return;
    let stored: CatalogFile | undefined;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as CatalogFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (!stored) return;
    this.vaults.push(...stored.vaults);
    this.recoveryPoints.push(...stored.recoveryPoints);
    this.backupJobs.push(...stored.backupJobs);
    this.restoreJobs.push(...stored.restoreJobs);
    // Catalogs written before restore testing have none.
    this.restoreTestingPlans.push(...(stored.restoreTestingPlans ?? []));
    this.restoreTestingSelections.push(...(stored.restoreTestingSelections ?? []));
    // Jobs are followed by this process: one a previous process left running will never finish.
    const stoppedAt = Date.now();
    for (const job of this.backupJobs.filter((candidate) => !['COMPLETED', 'FAILED'].includes(candidate.state))) {
      Object.assign(job, { state: 'FAILED', statusMessage: 'the local stack stopped while the backup job ran', completionDate: stoppedAt });
      const point = this.recoveryPoints.find((candidate) => candidate.recoveryPointArn === job.recoveryPointArn);
      if (point?.status === 'CREATING') point.status = 'EXPIRED';
    }
    for (const job of this.restoreJobs.filter((candidate) => !['COMPLETED', 'FAILED'].includes(candidate.status))) {
      Object.assign(job, { status: 'FAILED', statusMessage: 'the local stack stopped while the restore job ran', completionDate: stoppedAt });
    }
  }

  save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const snapshot = JSON.stringify({
      vaults: this.vaults,
      recoveryPoints: this.recoveryPoints,
      backupJobs: this.backupJobs,
      restoreJobs: this.restoreJobs,
      restoreTestingPlans: this.restoreTestingPlans,
      restoreTestingSelections: this.restoreTestingSelections,
    });
    this.saving = this.saving.then(() => writeFileAtomic(file, snapshot)).catch(() => undefined);
    return this.saving;
  }
}

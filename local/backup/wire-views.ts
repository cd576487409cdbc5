import type { BackupJob, RecoveryPoint, RestoreJob } from './catalog.js';
import { seconds } from './request-fields.js';

/** Jobs and recovery points as AWS Backup's responses shape them (the API reference's members; dates in epoch seconds). */

export const vaultArnOf = (where: { region: string; account: string }, name: string): string => `arn:aws:backup:${where.region}:${where.account}:backup-vault:${name}`;

export function wireViews(context: { readonly account: string; readonly region: string; readonly resourceName: (resourceArn: string) => string }) {
  const vaultArn = (name: string) => vaultArnOf(context, name);
  const restoreJob = (job: RestoreJob) => ({
    AccountId: context.account,
    RestoreJobId: job.restoreJobId,
    RecoveryPointArn: job.recoveryPointArn,
    SourceResourceArn: job.sourceResourceArn,
    BackupVaultArn: job.backupVaultArn,
    CreationDate: seconds(job.creationDate),
    CompletionDate: seconds(job.completionDate),
    Status: job.status,
    StatusMessage: job.statusMessage,
    PercentDone: job.status === 'COMPLETED' ? '100.0' : '0.0',
    BackupSizeInBytes: job.backupSizeInBytes,
    IamRoleArn: job.iamRoleArn,
    CreatedResourceArn: job.createdResourceArn,
    ResourceType: job.resourceType,
    RecoveryPointCreationDate: seconds(job.recoveryPointCreationDate),
    ...(job.restoreTestingPlanArn !== undefined && { CreatedBy: { RestoreTestingPlanArn: job.restoreTestingPlanArn } }),
    ValidationStatus: job.validationStatus,
    ValidationStatusMessage: job.validationStatusMessage,
    DeletionStatus: job.deletionStatus,
    DeletionStatusMessage: job.deletionStatusMessage,
    IsParent: false,
  });

  const backupJob = (job: BackupJob) => ({
    AccountId: context.account,
    BackupJobId: job.backupJobId,
    BackupVaultName: job.backupVaultName,
    BackupVaultArn: job.backupVaultArn,
    VaultType: 'BACKUP_VAULT',
    RecoveryPointArn: job.recoveryPointArn,
    ResourceArn: job.resourceArn,
    ResourceName: context.resourceName(job.resourceArn),
    ResourceType: job.resourceType,
    CreationDate: seconds(job.creationDate),
    CompletionDate: seconds(job.completionDate),
    State: job.state,
    StatusMessage: job.statusMessage,
    PercentDone: job.state === 'COMPLETED' ? '100.0' : '0.0',
    BackupSizeInBytes: job.backupSizeInBytes,
    IamRoleArn: job.iamRoleArn,
    StartBy: seconds(job.startBy),
    BackupType: 'FULL',
    IsParent: false,
    InitiationDate: seconds(job.creationDate),
  });

  const pointByResource = (point: RecoveryPoint) => ({
    RecoveryPointArn: point.recoveryPointArn,
    CreationDate: seconds(point.creationDate),
    Status: point.status,
    BackupSizeBytes: point.backupSizeInBytes,
    BackupVaultName: point.backupVaultName,
    IsParent: false,
    ResourceName: context.resourceName(point.resourceArn),
    VaultType: 'BACKUP_VAULT',
  });

  const pointByVault = (point: RecoveryPoint) => ({
    RecoveryPointArn: point.recoveryPointArn,
    BackupVaultName: point.backupVaultName,
    BackupVaultArn: vaultArn(point.backupVaultName),
    ResourceArn: point.resourceArn,
    ResourceType: point.resourceType,
    IamRoleArn: point.iamRoleArn,
    Status: point.status,
    CreationDate: seconds(point.creationDate),
    CompletionDate: seconds(point.completionDate),
    BackupSizeInBytes: point.backupSizeInBytes,
    IsEncrypted: true,
    IsParent: false,
    ResourceName: context.resourceName(point.resourceArn),
    VaultType: 'BACKUP_VAULT',
  });

  return { restoreJobView: restoreJob, backupJobView: backupJob, pointByResource, pointByVault };
}

import { randomUUID } from 'node:crypto';
import type { BackupCatalog, BackupJob, BackupVault, RecoveryPoint, RestoreJob, ValidationStatus } from './catalog.js';
import type { JobRunner } from './jobs.js';
import type { BackupResourceKind } from './resource-kind.js';
import { invalidValue, notFound, optionalString, page, requiredString, seconds, stringMap } from './request-fields.js';
import { BackupServiceError, type BackupResponse, type BackupRoute } from './rest-json.js';
import { vaultArnOf, wireViews } from './wire-views.js';

/*
 * The AWS Backup operations irdr and its operators use, with the paths, fields, statuses and errors of the AWS Backup
 * API reference (backup-2018-11-15). Dates leave as epoch seconds, as restJson1 sends timestamps.
 */

export interface BackupOperationsContext {
  readonly catalog: BackupCatalog;
  readonly kinds: readonly BackupResourceKind[];
  readonly jobs: JobRunner;
  readonly account: string;
  readonly region: string;
  readonly now: () => number;
  /** A validation result was put on a job (restore testing deletes what the job made then). */
  readonly onValidationResult?: (job: RestoreJob) => void;
}

const VAULT_NAME = /^[a-zA-Z0-9\-_]{2,50}$/;
const VALIDATION_STATUSES: readonly ValidationStatus[] = ['FAILED', 'SUCCESSFUL', 'TIMED_OUT', 'VALIDATING'];
/** IdempotencyToken: the same token within an hour starts one job (StartBackupJob, StartRestoreJob). */
const IDEMPOTENCY_MS = 60 * 60 * 1000;
/** StartBackupJob's default StartWindowMinutes (8 hours). */
const DEFAULT_START_WINDOW_MINUTES = 480;

const ok = (body: unknown): BackupResponse => ({ status: 200, body });

export function backupRoutes(context: BackupOperationsContext): BackupRoute[] {
  const { catalog } = context;
  const vaultArn = (name: string) => vaultArnOf(context, name);
  const vaultNamed = (name: string): BackupVault => {
    const vault = catalog.vaults.find((candidate) => candidate.name === name);
    if (!vault) throw notFound(`Backup vault ${name} does not exist`);
    return vault;
  };
  const kindFor = (resourceArn: string): BackupResourceKind => {
    const kind = context.kinds.find((candidate) => candidate.owns(resourceArn));
    if (!kind) throw invalidValue(`The local AWS Backup backs up ${context.kinds.map((candidate) => candidate.resourceType).join(', ')} resources; ${resourceArn} is none of them`);
    return kind;
  };
  const pointNamed = (recoveryPointArn: string): RecoveryPoint => {
    const point = catalog.recoveryPoints.find((candidate) => candidate.recoveryPointArn === recoveryPointArn);
    if (!point) throw notFound(`Recovery point ${recoveryPointArn} does not exist`);
    return point;
  };
  const restoreJobNamed = (restoreJobId: string): RestoreJob => {
    const job = catalog.restoreJobs.find((candidate) => candidate.restoreJobId === restoreJobId);
    if (!job) throw notFound(`Restore job ${restoreJobId} does not exist`);
    return job;
  };
  const recent = (creationDate: number) => context.now() - creationDate < IDEMPOTENCY_MS;

  const { restoreJobView, backupJobView, pointByResource, pointByVault } = wireViews({
    account: context.account,
    region: context.region,
    resourceName: (resourceArn) => kindFor(resourceArn).resourceName(resourceArn),
  });

  const newestFirst = <T extends { creationDate: number }>(items: readonly T[]): T[] => [...items].sort((a, b) => b.creationDate - a.creationDate);

  return [
    {
      method: 'PUT',
      path: '/backup-vaults/{BackupVaultName}',
      operation: 'CreateBackupVault',
      handle: async ({ params }) => {
        const name = params['BackupVaultName']!;
        if (!VAULT_NAME.test(name)) throw invalidValue(`Backup vault name ${name} must be 2-50 of a-z, A-Z, 0-9, '-', '_'`);
        if (catalog.vaults.some((vault) => vault.name === name)) throw new BackupServiceError('AlreadyExistsException', `Backup vault with the same name ${name} already exists`);
        const vault: BackupVault = { name, arn: vaultArn(name), creationDate: context.now() };
        catalog.vaults.push(vault);
        await catalog.save();
        return ok({ BackupVaultName: vault.name, BackupVaultArn: vault.arn, CreationDate: seconds(vault.creationDate) });
      },
    },
    {
      method: 'GET',
      path: '/backup-vaults',
      operation: 'ListBackupVaults',
      handle: async ({ query }) => {
        const { items, NextToken } = page(catalog.vaults, query);
        return ok({
          BackupVaultList: items.map((vault) => ({
            BackupVaultName: vault.name,
            BackupVaultArn: vault.arn,
            VaultType: 'BACKUP_VAULT',
            VaultState: 'AVAILABLE',
            CreationDate: seconds(vault.creationDate),
            NumberOfRecoveryPoints: catalog.recoveryPoints.filter((point) => point.backupVaultName === vault.name).length,
            Locked: false,
          })),
          NextToken,
        });
      },
    },
    {
      method: 'PUT',
      path: '/backup-jobs',
      operation: 'StartBackupJob',
      handle: async ({ body }) => {
        const vault = vaultNamed(requiredString(body, 'BackupVaultName'));
        const resourceArn = requiredString(body, 'ResourceArn');
        const iamRoleArn = requiredString(body, 'IamRoleArn');
        const kind = kindFor(resourceArn);
        const token = optionalString(body, 'IdempotencyToken');
        const repeated = token === undefined ? undefined : catalog.backupJobs.find((job) => job.idempotencyToken === token && recent(job.creationDate));
        if (repeated) return ok({ BackupJobId: repeated.backupJobId, RecoveryPointArn: repeated.recoveryPointArn, CreationDate: seconds(repeated.creationDate), IsParent: false });
        const windowMinutes = body['StartWindowMinutes'] === undefined ? DEFAULT_START_WINDOW_MINUTES : Number(body['StartWindowMinutes']);
        if (!Number.isInteger(windowMinutes) || windowMinutes < 60) throw invalidValue('StartWindowMinutes must be at least 60');
        const creationDate = context.now();
        const job: BackupJob = {
          backupJobId: randomUUID().toUpperCase(),
          backupVaultName: vault.name,
          backupVaultArn: vault.arn,
          recoveryPointArn: `arn:aws:backup:${context.region}:${context.account}:recovery-point:${randomUUID()}`,
          resourceArn,
          resourceType: kind.resourceType,
          iamRoleArn,
          creationDate,
          startBy: creationDate + windowMinutes * 60_000,
          ...(token !== undefined && { idempotencyToken: token }),
          state: 'CREATED',
        };
        catalog.backupJobs.push(job);
        catalog.recoveryPoints.push({ recoveryPointArn: job.recoveryPointArn, backupVaultName: vault.name, resourceArn, resourceType: kind.resourceType, iamRoleArn, status: 'CREATING', creationDate });
        await catalog.save();
        void context.jobs.runBackup(job);
        return ok({ BackupJobId: job.backupJobId, RecoveryPointArn: job.recoveryPointArn, CreationDate: seconds(creationDate), IsParent: false });
      },
    },
    {
      method: 'GET',
      path: '/backup-jobs/{BackupJobId}',
      operation: 'DescribeBackupJob',
      handle: async ({ params }) => {
        const job = catalog.backupJobs.find((candidate) => candidate.backupJobId === params['BackupJobId']);
        if (!job) throw notFound(`Backup job ${params['BackupJobId']} does not exist`);
        return ok(backupJobView(job));
      },
    },
    {
      method: 'GET',
      path: '/resources/{ResourceArn}',
      operation: 'DescribeProtectedResource',
      handle: async ({ params }) => {
        const resourceArn = params['ResourceArn']!;
        // Protected once it has a completed recovery point; the newest describes it (as ListProtectedResources).
        const point = newestFirst(catalog.recoveryPoints.filter((candidate) => candidate.resourceArn === resourceArn && candidate.status === 'COMPLETED'))[0];
        if (!point) throw notFound(`Resource ${resourceArn} is not protected by AWS Backup: it has no completed recovery point`);
        return ok({
          ResourceArn: point.resourceArn,
          ResourceType: point.resourceType,
          ResourceName: kindFor(point.resourceArn).resourceName(point.resourceArn),
          LastBackupTime: seconds(point.creationDate),
          LastBackupVaultArn: vaultArn(point.backupVaultName),
          LastRecoveryPointArn: point.recoveryPointArn,
        });
      },
    },
    {
      method: 'GET',
      path: '/resources/{ResourceArn}/recovery-points',
      operation: 'ListRecoveryPointsByResource',
      handle: async ({ params, query }) => {
        const resourceArn = params['ResourceArn']!;
        const points = newestFirst(catalog.recoveryPoints.filter((point) => point.resourceArn === resourceArn));
        const { items, NextToken } = page(points, query);
        return ok({ RecoveryPoints: items.map(pointByResource), NextToken });
      },
    },
    {
      method: 'GET',
      path: '/backup-vaults/{BackupVaultName}/recovery-points',
      operation: 'ListRecoveryPointsByBackupVault',
      handle: async ({ params, query }) => {
        const vault = vaultNamed(params['BackupVaultName']!);
        const resourceArn = query.get('resourceArn');
        const resourceType = query.get('resourceType');
        const points = newestFirst(
          catalog.recoveryPoints.filter(
            (point) => point.backupVaultName === vault.name && (resourceArn === null || point.resourceArn === resourceArn) && (resourceType === null || point.resourceType === resourceType),
          ),
        );
        const { items, NextToken } = page(points, query);
        return ok({ RecoveryPoints: items.map(pointByVault), NextToken });
      },
    },
    {
      method: 'GET',
      path: '/backup-vaults/{BackupVaultName}/recovery-points/{RecoveryPointArn}/restore-metadata',
      operation: 'GetRecoveryPointRestoreMetadata',
      handle: async ({ params }) => {
        const vault = vaultNamed(params['BackupVaultName']!);
        const point = pointNamed(params['RecoveryPointArn']!);
        if (point.backupVaultName !== vault.name) throw notFound(`Recovery point ${point.recoveryPointArn} is not in backup vault ${vault.name}`);
        const restoreMetadata = point.nativeId ? kindFor(point.resourceArn).restoreMetadata({ resourceArn: point.resourceArn, nativeId: point.nativeId }) : {};
        return ok({ BackupVaultArn: vault.arn, RecoveryPointArn: point.recoveryPointArn, RestoreMetadata: restoreMetadata, ResourceType: point.resourceType });
      },
    },
    {
      method: 'PUT',
      path: '/restore-jobs',
      operation: 'StartRestoreJob',
      handle: async ({ body }) => {
        const recoveryPointArn = requiredString(body, 'RecoveryPointArn');
        const metadata = stringMap(body, 'Metadata');
        const token = optionalString(body, 'IdempotencyToken');
        const repeated = token === undefined ? undefined : catalog.restoreJobs.find((job) => job.idempotencyToken === token && recent(job.creationDate));
        if (repeated) return ok({ RestoreJobId: repeated.restoreJobId });
        const point = pointNamed(recoveryPointArn);
        if (point.status !== 'COMPLETED') throw new BackupServiceError('InvalidRequestException', `Recovery point ${recoveryPointArn} is ${point.status}; only a COMPLETED recovery point can be restored`);
        const resourceType = optionalString(body, 'ResourceType');
        if (resourceType !== undefined && resourceType !== point.resourceType) throw invalidValue(`ResourceType ${resourceType} does not match the recovery point's resource type ${point.resourceType}`);
        const problem = kindFor(point.resourceArn).metadataProblem(metadata);
        if (problem) throw invalidValue(problem);
        const iamRoleArn = optionalString(body, 'IamRoleArn');
        const job: RestoreJob = {
          restoreJobId: randomUUID().toUpperCase(),
          recoveryPointArn,
          recoveryPointCreationDate: point.creationDate,
          backupVaultArn: vaultArn(point.backupVaultName),
          sourceResourceArn: point.resourceArn,
          resourceType: point.resourceType,
          ...(iamRoleArn !== undefined && { iamRoleArn }),
          metadata,
          creationDate: context.now(),
          ...(token !== undefined && { idempotencyToken: token }),
          status: 'PENDING',
          ...(point.backupSizeInBytes !== undefined && { backupSizeInBytes: point.backupSizeInBytes }),
        };
        catalog.restoreJobs.push(job);
        await catalog.save();
        void context.jobs.runRestore(job);
        return ok({ RestoreJobId: job.restoreJobId });
      },
    },
    {
      method: 'GET',
      path: '/restore-jobs/{RestoreJobId}',
      operation: 'DescribeRestoreJob',
      handle: async ({ params }) => ok(restoreJobView(restoreJobNamed(params['RestoreJobId']!))),
    },
    {
      method: 'GET',
      path: '/restore-jobs/{RestoreJobId}/metadata',
      operation: 'GetRestoreJobMetadata',
      handle: async ({ params }) => {
        const job = restoreJobNamed(params['RestoreJobId']!);
        return ok({ RestoreJobId: job.restoreJobId, Metadata: job.metadata });
      },
    },
    {
      method: 'PUT',
      path: '/restore-jobs/{RestoreJobId}/validations',
      operation: 'PutRestoreValidationResult',
      handle: async ({ params, body }) => {
        const job = restoreJobNamed(params['RestoreJobId']!);
        const status = requiredString(body, 'ValidationStatus');
        if (!(VALIDATION_STATUSES as readonly string[]).includes(status)) throw invalidValue(`ValidationStatus ${status} must be one of ${VALIDATION_STATUSES.join(', ')}`);
        const message = optionalString(body, 'ValidationStatusMessage');
        // The API takes "independent self-run restore test validation results": a restore testing job's, not StartRestoreJob's.
        if (job.restoreTestingPlanArn === undefined) {
          throw new BackupServiceError('InvalidRequestException', `Restore job ${job.restoreJobId} was not created by a restore testing plan; validation results are accepted only for restore testing jobs`);
        }
        if (job.status !== 'COMPLETED') throw new BackupServiceError('InvalidRequestException', `Restore job ${job.restoreJobId} is ${job.status}; validate it once it is COMPLETED`);
        job.validationStatus = status as ValidationStatus;
        if (message !== undefined) job.validationStatusMessage = message;
        await catalog.save();
        context.onValidationResult?.(job);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/restore-jobs',
      operation: 'ListRestoreJobs',
      handle: async ({ query }) => {
        const status = query.get('status');
        const resourceType = query.get('resourceType');
        const accountId = query.get('accountId');
        const jobs = newestFirst(
          catalog.restoreJobs.filter(
            (job) => (status === null || job.status === status) && (resourceType === null || job.resourceType === resourceType) && (accountId === null || accountId === context.account),
          ),
        );
        const { items, NextToken } = page(jobs, query);
        return ok({ RestoreJobs: items.map(restoreJobView), NextToken });
      },
    },
    {
      method: 'GET',
      path: '/resources',
      operation: 'ListProtectedResources',
      handle: async ({ query }) => {
        // A resource is protected once it has a recovery point; the newest completed one describes it.
        const newest = new Map<string, RecoveryPoint>();
        for (const point of newestFirst(catalog.recoveryPoints.filter((candidate) => candidate.status === 'COMPLETED'))) {
          if (!newest.has(point.resourceArn)) newest.set(point.resourceArn, point);
        }
        const { items, NextToken } = page([...newest.values()], query);
        return ok({
          Results: items.map((point) => ({
            ResourceArn: point.resourceArn,
            ResourceType: point.resourceType,
            LastBackupTime: seconds(point.creationDate),
            ResourceName: kindFor(point.resourceArn).resourceName(point.resourceArn),
            LastBackupVaultArn: vaultArn(point.backupVaultName),
            LastRecoveryPointArn: point.recoveryPointArn,
          })),
          NextToken,
        });
      },
    },
  ];
}


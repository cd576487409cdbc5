import {
  DescribeProtectedResourceCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByResourceCommand,
  StartRestoreJobCommand,
  type RecoveryPointByResource,
} from '@aws-sdk/client-backup';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG } from '../../domain/drill-naming.js';
import type { DrillSource as AnyDrillSource } from '../../domain/drill-plan-schema.js';
import type { DrillDatabaseNetwork } from '../../domain/drill/rds-plan.js';

/** The sources AWS Backup restores here (an rds-database has native drivers; as aws-backup-resource it comes here). */
type DrillSource = Exclude<AnyDrillSource, { type: 'rds-database' }>;
import { RESOURCE_TYPE_PROFILES } from '../../domain/drill/resource-types.js';
import { isolatedRestoreMetadata } from '../../domain/drill/restore-metadata.js';
import {
  DrillPreflightError,
  DrillRestoreError,
  type BackupResourceType,
  type RecoveryPointRef,
  type RestoreHandle,
  type RestoreProgress,
  type RestoredCleanupResult,
  type SourceFacts,
} from '../../domain/drill/restore.js';
import { EnableHttpEndpointCommand } from '@aws-sdk/client-rds';
import { backupClient } from '../backup-client.js';
import { rdsClient } from '../rds-client.js';
import { DrillClaimRefused, type RestoreDriver, type RunClaim } from './restore-driver.js';
import { addClusterInstance, clusterInstanceArn, clusterOf, instanceOf } from './restored-resources/rds.js';
import { claimRestoredTable, cleanUpTableRestore } from './restored-table.js';
import { cleanupGuardFor, resourceIdOf } from './restored-resources/restored-resource.js';
import { restoredResourceOps } from './restored-resources/ops-by-type.js';
import { sourceFactsOf } from './source-table.js';
import { taggedArns } from './tagged-resources.js';
import { awsErrorText, isAwsError, restoredTableProgress } from './target-table.js';

export interface AwsBackupDriverConfig {
  /** The role AWS Backup assumes to restore (the plan's restoreRoleArn). */
  readonly restoreRoleArn: string;
  /** Only recovery points in this vault (plans written before `vaults`). */
  readonly backupVaultName?: string;
  readonly vaults?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
  /** @default both */
  readonly recoveryPointTypes?: readonly ('snapshot' | 'continuous')[];
  /** RDS and Aurora: the drill network from config (drills.database); a database restore without it is refused. */
  readonly network?: DrillDatabaseNetwork;
  /** Aurora: turn on the restored cluster's Data API (the plan's checks reach it that way). */
  readonly enableDataApi?: boolean;
}

/**
 * AWS Backup, for any type it restores: finds the source (by ARN, by table name, or among the type's protected
 * resources carrying the plan's tags), lists its COMPLETED recovery points in the plan's vaults, restores one with
 * StartRestoreJob (as the plan's restore role, with isolated metadata) into a new drill-named resource, and follows
 * the job, then the resource, until it is described as available. `random` picks among tag-selected sources.
 */
export function awsBackupDriver(planSource: AnyDrillSource, config: AwsBackupDriverConfig, random: () => number = Math.random): RestoreDriver {
  if (planSource.type === 'rds-database') throw new Error('an rds-database source is restored by the rds-pitr or rds-snapshot driver (as aws-backup-resource, through AWS Backup)');
  const source: DrillSource = planSource;
  const type: BackupResourceType = source.type === 'dynamodb-table' ? 'DynamoDB' : source.resourceType;
  const overrides = source.type === 'aws-backup-resource' ? source.restoreMetadata : {};
  /** Tags the restored resource as this run's, once AWS Backup's job names it as what it created. */
  const claim: RestoreDriver['claimRestored'] = async (handle, { runId, planId }) => {
    if (type === 'DynamoDB') return claimRestoredTable({ handle, runId, planId });
    const arn = await createdResourceArnOf(handle);
    if (!arn) throw new DrillClaimRefused(`AWS Backup restore job ${handle.restoreJobId ?? '(none)'} names no resource it created`);
    if (arn === handle.source.arn) throw new DrillClaimRefused(`restore job ${handle.restoreJobId ?? ''} names the source ${arn} as what it created`);
    // A database is named by the restore (dbInstanceIdentifier / dbClusterIdentifier): the job's must be the run's.
    if ((type === 'RDS' || type === 'Aurora') && resourceIdOf(arn) !== handle.restored.name) {
      throw new DrillClaimRefused(`restore job ${handle.restoreJobId ?? ''} created ${arn}, not the run's ${handle.restored.name}`);
    }
    // Types named by id get the drill name as their Name tag: the guard reads it back.
    const profile = RESOURCE_TYPE_PROFILES[type];
    const name: Record<string, string> = profile.drillable && profile.naming === 'name-tag' ? { Name: handle.restored.name } : {};
    await (await restoredResourceOps(type)).tag(arn, { ...name, [DRILL_RUN_TAG]: runId, [DRILL_PLAN_TAG]: planId });
  };
  return {
    completionSignal: 'end-event',
    async preflight() {
      const facts = await sourceOf(source, random);
      const points = (await completedRecoveryPointsOf(facts.arn)).filter((point) => inPlanVaults(point, config) && ofPlanPointType(point, config));
      if (points.length === 0) throw new DrillPreflightError(`AWS Backup has no COMPLETED recovery point of ${facts.name}${vaultText(config)}`);
      const refs: RecoveryPointRef[] = points
        .map((point) => ({ id: point.RecoveryPointArn!, at: point.CreationDate!.toISOString(), ...(point.BackupVaultName !== undefined && { vault: point.BackupVaultName }) }))
        .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
      return { source: facts, points: { kind: 'discrete', points: refs } };
    },

    async startRestore({ source: facts, recoveryPoint, restoredName }) {
      const recoveryPointArn = recoveryPoint.id;
      if (!recoveryPointArn) throw new DrillRestoreError('the recovery point names no AWS Backup recovery point');
      const startedAt = new Date().toISOString();
      let restoreJobId: string;
      let metadata: Record<string, string>;
      try {
        const vault = recoveryPoint.vault ?? config.backupVaultName ?? (await vaultOf(facts.arn, recoveryPointArn));
        const { RestoreMetadata = {} } = await backupClient.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: vault, RecoveryPointArn: recoveryPointArn }));
        metadata = isolatedRestoreMetadata({ type, recoveryPointMetadata: RestoreMetadata, restoredName, overrides, ...(config.network !== undefined && { network: config.network }) });
        const { RestoreJobId } = await backupClient.send(
          new StartRestoreJobCommand({
            RecoveryPointArn: recoveryPointArn,
            IamRoleArn: config.restoreRoleArn,
            ResourceType: type,
            Metadata: metadata,
            // A retried start returns the same job instead of a second restore.
            IdempotencyToken: restoredName,
          }),
        );
        if (!RestoreJobId) throw new DrillRestoreError(`StartRestoreJob for ${recoveryPointArn} returned no job id`);
        restoreJobId = RestoreJobId;
      } catch (error) {
        if (error instanceof DrillRestoreError) throw error;
        throw new DrillRestoreError(`AWS Backup restore of ${recoveryPointArn} into ${restoredName} failed to start: ${awsErrorText(error)}`);
      }
      const handle: RestoreHandle = {
        driver: 'aws-backup',
        source: { type, arn: facts.arn, name: facts.name },
        restored: { type, name: restoredName },
        startedAt,
        phase: 'restoring',
        recoveryPoint,
        restoreJobId,
        awaited: restoreJobId,
        restoreMetadata: metadata,
      };
      return handle;
    },

    async describeRestore(handle, runClaim) {
      if (!handle.restoreJobId) return { state: 'FAILED', handle, reason: 'the handle names no AWS Backup restore job' };
      const job = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: handle.restoreJobId }));
      switch (job.Status) {
        case 'PENDING':
        case 'RUNNING':
          // AWS Backup puts "Restore Job State Change" on the bus when the job ends: the drill waits for it.
          return { state: 'IN_PROGRESS', handle: { ...handle, awaited: handle.restoreJobId }, awaiting: 'end-event' };
        case 'COMPLETED': {
          const withArn: RestoreHandle = job.CreatedResourceArn ? { ...handle, restored: { ...handle.restored, arn: job.CreatedResourceArn } } : handle;
          if (type === 'Aurora' && withArn.restored.arn) {
            const added = await withClusterInstance(withArn, withArn.restored.arn, runClaim, claim);
            if (added) return added;
          }
          const progress = await restoredResourceProgress(withArn);
          if (type === 'Aurora' && progress.state === 'COMPLETED' && config.enableDataApi && withArn.restored.arn) await enableDataApi(withArn.restored.arn);
          return progress.state === 'COMPLETED' && job.CompletionDate ? { ...progress, completedAt: job.CompletionDate.toISOString() } : progress;
        }
        default:
          return { state: 'FAILED', handle, reason: `AWS Backup restore job ${handle.restoreJobId} is ${job.Status ?? 'of unknown status'}: ${job.StatusMessage ?? 'no message'}` };
      }
    },

    claimRestored: claim,

    async cleanUp(handle, { runId, planId }) {
      if (type === 'DynamoDB') return cleanUpTableRestore(handle, runId);
      const found = await restoredArnForCleanup(handle);
      // A failed database restore can leave the database it began (RDS: failed, incompatible-restore) while the job names
      // none: it is found by the identifier the run's restore metadata gave it, which no other run or source carries.
      const leftBehind = found.status === 'NONE' && found.result.status === 'NOT_FOUND' && (type === 'RDS' || type === 'Aurora') ? await databaseNamed(type, handle.restored.name) : undefined;
      if (found.status !== 'FOUND' && leftBehind === undefined) return found.result;
      const arn = found.status === 'FOUND' ? found.arn : leftBehind!;
      const ops = await restoredResourceOps(type);
      // A restore that completed after the drill stopped waiting is claimed now, if provably the job's, then cleaned up.
      if (!handle.restored.arn) {
        try {
          await claim({ ...handle, restored: { ...handle.restored, arn } }, { runId, planId });
        } catch (error) {
          if (error instanceof DrillClaimRefused) return { status: 'REFUSED', reason: error.message, deletedExtras: [] };
          throw error;
        }
      }
      return ops.cleanUp(arn, cleanupGuardFor(handle, runId), runId);
    },
  };
}

/** The source as AWS Backup protects it: a table by name, a resource by ARN, or one chosen among those with the plan's tags. */
async function sourceOf(source: DrillSource, random: () => number): Promise<SourceFacts> {
  if (source.type === 'dynamodb-table') return sourceFactsOf(source.tableName);
  const arn = source.resourceArn ?? (await chooseByTags(source.resourceType, source.selection?.tags ?? {}, random));
  try {
    const described = await backupClient.send(new DescribeProtectedResourceCommand({ ResourceArn: arn }));
    if (described.ResourceType !== undefined && described.ResourceType !== source.resourceType) {
      throw new DrillPreflightError(`${arn} is protected by AWS Backup as ${described.ResourceType}, not ${source.resourceType}`);
    }
    return { type: source.resourceType, arn, name: described.ResourceName || resourceIdOf(arn) };
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) throw new DrillPreflightError(`AWS Backup protects no resource ${arn}: no backup of it was ever completed`);
    throw error;
  }
}

/** One of the type's protected resources carrying every tag asked for, at random (as restore testing selects). */
async function chooseByTags(type: BackupResourceType, tags: Readonly<Record<string, string>>, random: () => number): Promise<string> {
  const protectedArns = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await backupClient.send(new ListProtectedResourcesCommand({ NextToken: nextToken }));
    for (const resource of page.Results ?? []) if (resource.ResourceType === type && resource.ResourceArn) protectedArns.add(resource.ResourceArn);
    nextToken = page.NextToken;
  } while (nextToken);

  // Only in functions bundled for plans that select by tags (lib/ bundles the flag; see drillBundleFlags).
  const findTagged = process.env.DRILL_SELECTS_BY_TAGS !== 'false' ? taggedArns : undefined;
  if (!findTagged) throw new DrillPreflightError('this function was bundled for plans that select no source by tags');
  const tagged = (await findTagged(type, tags)).filter((arn) => protectedArns.has(arn));
  const tagText = Object.entries(tags).map(([key, value]) => `${key}=${value}`).join(', ');
  const chosen = [...tagged].sort()[Math.min(Math.floor(random() * tagged.length), tagged.length - 1)];
  if (!chosen) throw new DrillPreflightError(`AWS Backup protects no ${type} resource tagged ${tagText} (${protectedArns.size} ${type} resources are protected)`);
  return chosen;
}

/** The source's COMPLETED recovery points, every vault. */
async function completedRecoveryPointsOf(resourceArn: string): Promise<RecoveryPointByResource[]> {
  const points: RecoveryPointByResource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await backupClient.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: resourceArn, NextToken: nextToken }));
    points.push(...(page.RecoveryPoints ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return points.filter((point) => point.Status === 'COMPLETED' && point.RecoveryPointArn !== undefined && point.CreationDate !== undefined);
}

function inPlanVaults(point: RecoveryPointByResource, config: AwsBackupDriverConfig): boolean {
  const vault = point.BackupVaultName ?? '';
  if (config.backupVaultName !== undefined && vault !== config.backupVaultName) return false;
  if (config.vaults?.include && !config.vaults.include.includes(vault)) return false;
  return !config.vaults?.exclude?.includes(vault);
}

/** AWS Backup names continuous recovery points `recovery-point:continuous:...` (S3, RDS, Aurora; SAP HANA). */
const isContinuous = (point: RecoveryPointByResource): boolean => /:recovery-point:continuous:/.test(point.RecoveryPointArn ?? '');

function ofPlanPointType(point: RecoveryPointByResource, config: AwsBackupDriverConfig): boolean {
  const types = config.recoveryPointTypes ?? ['snapshot', 'continuous'];
  return types.includes(isContinuous(point) ? 'continuous' : 'snapshot');
}

function vaultText(config: AwsBackupDriverConfig): string {
  const parts = [
    config.backupVaultName !== undefined ? ` in vault ${config.backupVaultName}` : '',
    config.vaults?.include ? ` in vaults ${config.vaults.include.join(', ')}` : '',
    config.vaults?.exclude ? ` outside vaults ${config.vaults.exclude.join(', ')}` : '',
    config.recoveryPointTypes && config.recoveryPointTypes.length === 1 ? ` of type ${config.recoveryPointTypes[0]}` : '',
  ];
  return parts.join('');
}

/** The vault holding a recovery point (GetRecoveryPointRestoreMetadata needs it; the plan need not name one). */
async function vaultOf(resourceArn: string, recoveryPointArn: string): Promise<string> {
  const point = (await completedRecoveryPointsOf(resourceArn)).find((candidate) => candidate.RecoveryPointArn === recoveryPointArn);
  if (!point?.BackupVaultName) throw new DrillRestoreError(`recovery point ${recoveryPointArn} is no longer a COMPLETED recovery point of ${resourceArn}`);
  return point.BackupVaultName;
}

/** What the restore job says it created: the proof a resource is this restore's (undefined while it created nothing). */
async function createdResourceArnOf(handle: RestoreHandle): Promise<string | undefined> {
  if (handle.restored.arn) return handle.restored.arn;
  if (!handle.restoreJobId) return undefined;
  const job = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: handle.restoreJobId }));
  return job.Status === 'COMPLETED' ? job.CreatedResourceArn : undefined;
}

/**
 * What cleanup deletes: the resource the job created (one look at the job); a job still running may make one (look
 * again); one that ended without one made nothing.
 */
async function restoredArnForCleanup(
  handle: RestoreHandle,
): Promise<{ readonly status: 'FOUND'; readonly arn: string } | { readonly status: 'NONE'; readonly result: RestoredCleanupResult }> {
  if (handle.restored.arn) return { status: 'FOUND', arn: handle.restored.arn };
  const nothing = { status: 'NONE', result: { status: 'NOT_FOUND', deletedExtras: [] } } as const;
  if (!handle.restoreJobId) return nothing;
  const job = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: handle.restoreJobId })).catch((error: unknown) => {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  });
  if (job?.Status === 'PENDING' || job?.Status === 'RUNNING') {
    return { status: 'NONE', result: { status: 'WAITING', reason: `restore job ${handle.restoreJobId} is ${job.Status}`, deletedExtras: [] } };
  }
  if (job?.Status === 'COMPLETED' && job.CreatedResourceArn) return { status: 'FOUND', arn: job.CreatedResourceArn };
  return nothing;
}

/**
 * AWS Backup restores an Aurora cluster without an instance (restoring-aur): once the cluster is available, the drill
 * claims it (the run's tags, which the instance's creation must carry) and adds the one instance, then waits for that
 * instance's RDS event. Undefined when the cluster has its instance already (or is not available yet).
 */
async function withClusterInstance(handle: RestoreHandle, clusterArn: string, runClaim: RunClaim | undefined, claim: RestoreDriver['claimRestored']): Promise<RestoreProgress | undefined> {
  const cluster = await clusterOf(resourceIdOf(clusterArn));
  // Still being made: its own event (DB cluster created) ends the wait, not the instance's, which does not exist yet.
  if (cluster?.Status === 'creating') return { state: 'IN_PROGRESS', handle: { ...handle, awaited: clusterArn }, awaiting: 'end-event' };
  if (cluster?.Status !== 'available' || (cluster.DBClusterMembers ?? []).length > 0) return undefined;
  if (!runClaim) return { state: 'FAILED', handle, reason: `cluster ${handle.restored.name} needs an instance, and this look names no run to tag it with` };
  try {
    await claim(handle, runClaim);
  } catch (error) {
    if (error instanceof DrillClaimRefused) return { state: 'FAILED', handle, reason: error.message };
    throw error;
  }
  await addClusterInstance(handle.restored.name, {
    engine: cluster.Engine ?? 'aurora-postgresql',
    // A Serverless v2 cluster takes db.serverless instances; otherwise the default class (reading the source's would need grants on it).
    ...(cluster.ServerlessV2ScalingConfiguration !== undefined && { dbInstanceClass: 'db.serverless' }),
    tags: { [DRILL_RUN_TAG]: runClaim.runId, [DRILL_PLAN_TAG]: runClaim.planId },
  });
  return { state: 'IN_PROGRESS', handle: { ...handle, awaited: clusterInstanceArn(clusterArn) }, awaiting: 'end-event' };
}

/** The ARN of the drill database of this name, if RDS has it (an instance for RDS, a cluster for Aurora). */
async function databaseNamed(type: 'RDS' | 'Aurora', name: string): Promise<string | undefined> {
  return type === 'Aurora' ? (await clusterOf(name))?.DBClusterArn : (await instanceOf(name))?.DBInstanceArn;
}

/** The restored cluster's Data API, on (once; a restore does not carry the source's setting over). */
async function enableDataApi(clusterArn: string): Promise<void> {
  if ((await clusterOf(resourceIdOf(clusterArn)))?.HttpEndpointEnabled === true) return;
  await rdsClient.send(new EnableHttpEndpointCommand({ ResourceArn: clusterArn }));
}

/** After the job completed: the restored resource as its service describes it. */
async function restoredResourceProgress(handle: RestoreHandle): Promise<RestoreProgress> {
  if (handle.restored.type === 'DynamoDB') return restoredTableProgress(handle);
  const arn = handle.restored.arn;
  if (!arn) return { state: 'FAILED', handle, reason: `AWS Backup restore job ${handle.restoreJobId ?? ''} completed without naming the resource it created` };
  const availability = await (await restoredResourceOps(handle.restored.type)).availability(arn);
  switch (availability.state) {
    case 'available':
      return { state: 'COMPLETED', handle };
    case 'pending': {
      // A database being made announces its end on the bus (RDS events): the instance, or a cluster's one instance.
      if (handle.restored.type === 'RDS' || handle.restored.type === 'Aurora') {
        const awaited = handle.restored.type === 'Aurora' ? clusterInstanceArn(arn) : arn;
        return { state: 'IN_PROGRESS', handle: { ...handle, awaited }, awaiting: 'end-event' };
      }
      return { state: 'IN_PROGRESS', handle };
    }
    case 'gone':
      return { state: 'FAILED', handle, reason: `${arn}, which the restore created, no longer exists` };
    case 'failed':
      return { state: 'FAILED', handle, reason: availability.reason };
  }
}

import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG } from '../../../domain/drill-naming.js';
import { DrillRestoreError, type RestoredCleanupResult } from '../../../domain/drill/restore.js';
import { rdsClient } from '../../rds-client.js';
import { awsErrorText, isAwsError } from '../target-table.js';
import { refused, resourceIdOf, tagList, tagRecord, waiting, type Availability, type CleanupGuard, type RestoredResourceOps } from './restored-resource.js';

/*
 * A restored RDS DB instance or Aurora DB cluster, by ARN (`...:db:<id>` or `...:cluster:<id>`): whether it is
 * available, its tags, and cleanup through the one guard: a cluster's instances first, then the cluster, each
 * deleted with no final snapshot and its automated backups deleted with it.
 */

/** The one instance a drill adds to a restored cluster (RDS and AWS Backup restore an Aurora cluster without one). */
export const clusterInstanceName = (clusterName: string): string => `${clusterName}-1`;
/** Its ARN, from the cluster's (`...:cluster:<name>` -> `...:db:<name>-1`). */
export const clusterInstanceArn = (clusterArn: string): string => clusterArn.replace(/:cluster:([^:]+)$/, (_, name: string) => `:db:${clusterInstanceName(name)}`);
/** The class of the instance a drill adds when neither the plan nor the source says. */
const DEFAULT_CLUSTER_INSTANCE_CLASS = 'db.r6g.large';

/** The instance that makes a restored cluster usable: never publicly accessible, tagged with the drill tags the cluster carries. */
export async function addClusterInstance(clusterName: string, options: { readonly engine: string; readonly dbInstanceClass?: string; readonly tags: Readonly<Record<string, string>> }): Promise<void> {
  const tags = [DRILL_RUN_TAG, DRILL_PLAN_TAG].flatMap((key) => (options.tags[key] !== undefined ? [{ Key: key, Value: options.tags[key] }] : []));
  try {
    await rdsClient.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: clusterInstanceName(clusterName),
        DBClusterIdentifier: clusterName,
        Engine: options.engine,
        DBInstanceClass: options.dbInstanceClass ?? DEFAULT_CLUSTER_INSTANCE_CLASS,
        PubliclyAccessible: false,
        ...(tags.length > 0 && { Tags: tags }),
      }),
    );
  } catch (error) {
    // A look after a lost answer: the instance is there already.
    if (!isAwsError(error, 'DBInstanceAlreadyExists', 'DBInstanceAlreadyExistsFault')) throw new DrillRestoreError(`adding an instance to ${clusterName} failed: ${awsErrorText(error)}`);
  }
}

export const isClusterArn = (arn: string): boolean => /:cluster:[^:]+$/.test(arn);

export async function instanceOf(identifier: string): Promise<DBInstance | undefined> {
  try {
    return (await rdsClient.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];
  } catch (error) {
    if (isAwsError(error, 'DBInstanceNotFound', 'DBInstanceNotFoundFault')) return undefined;
    throw error;
  }
}

export async function clusterOf(identifier: string): Promise<DBCluster | undefined> {
  try {
    return (await rdsClient.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }))).DBClusters?.[0];
  } catch (error) {
    if (isAwsError(error, 'DBClusterNotFoundFault', 'DBClusterNotFound')) return undefined;
    throw error;
  }
}

/** RDS statuses a database passes through on its way to available (anything else before it is a failed restore). */
const ON_THE_WAY = new Set(['creating', 'backing-up', 'modifying', 'configuring-enhanced-monitoring', 'configuring-iam-database-auth', 'configuring-log-exports', 'rebooting', 'resetting-master-credentials', 'renaming', 'upgrading', 'storage-optimization']);

export function availabilityOfStatus(kind: string, identifier: string, status: string | undefined): Availability {
  if (status === undefined) return { state: 'gone' };
  if (status === 'available') return { state: 'available' };
  if (status === 'deleting') return { state: 'gone' };
  if (ON_THE_WAY.has(status)) return { state: 'pending', detail: `${kind} ${identifier} is ${status}` };
  return { state: 'failed', reason: `${kind} ${identifier} is ${status}` };
}

/**
 * Whether the restore of the awaited instance or cluster (by ARN) has ended, by its own status alone (a cluster's
 * instance is awaited separately): available, COMPLETED; failed or gone, FAILED; on its way, not yet.
 */
export async function restoredDatabaseEnd(arn: string): Promise<'COMPLETED' | 'FAILED' | undefined> {
  const identifier = resourceIdOf(arn);
  const status = isClusterArn(arn) ? (await clusterOf(identifier))?.Status : (await instanceOf(identifier))?.DBInstanceStatus;
  const state = availabilityOfStatus(isClusterArn(arn) ? 'cluster' : 'instance', identifier, status).state;
  return state === 'available' ? 'COMPLETED' : state === 'pending' ? undefined : 'FAILED';
}

/** Deletes one instance if the guard allows it: no final snapshot, automated backups deleted (they would outlive it). */
async function deleteInstance(instance: DBInstance, guard: CleanupGuard): Promise<RestoredCleanupResult | 'deleting' | 'deleted'> {
  const identifier = instance.DBInstanceIdentifier ?? '';
  const refusal = guard({ arn: instance.DBInstanceArn ?? identifier, name: identifier, tags: tagRecord(instance.TagList) });
  if (refusal) return refused(refusal);
  if (instance.DBInstanceStatus === 'deleting') return 'deleting';
  try {
    await rdsClient.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
  } catch (error) {
    if (isAwsError(error, 'DBInstanceNotFound', 'DBInstanceNotFoundFault')) return 'deleting';
    if (isAwsError(error, 'InvalidDBInstanceState', 'InvalidDBInstanceStateFault')) return waiting(`instance ${identifier} cannot be deleted yet: ${(error as Error).message}`);
    throw error;
  }
  return 'deleted';
}

export const rdsOps: RestoredResourceOps = {
  async availability(arn) {
    const identifier = resourceIdOf(arn);
    if (!isClusterArn(arn)) return availabilityOfStatus('instance', identifier, (await instanceOf(identifier))?.DBInstanceStatus);
    const cluster = await clusterOf(identifier);
    const state = availabilityOfStatus('cluster', identifier, cluster?.Status);
    if (state.state !== 'available') return state;
    // A cluster is usable through an instance: the restore adds one, and the cluster is available once it is.
    const members = cluster?.DBClusterMembers ?? [];
    if (members.length === 0) return { state: 'pending', detail: `cluster ${identifier} has no instance yet` };
    const statuses = await Promise.all(members.map(async (member) => availabilityOfStatus('instance', member.DBInstanceIdentifier ?? '', (await instanceOf(member.DBInstanceIdentifier ?? ''))?.DBInstanceStatus)));
    return statuses.find((status) => status.state === 'failed') ?? statuses.find((status) => status.state === 'available') ?? statuses[0]!;
  },

  async tag(arn, tags) {
    await rdsClient.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagList(tags) }));
    if (!isClusterArn(arn)) return;
    for (const member of (await clusterOf(resourceIdOf(arn)))?.DBClusterMembers ?? []) {
      const instance = member.DBInstanceIdentifier ? await instanceOf(member.DBInstanceIdentifier) : undefined;
      if (instance?.DBInstanceArn) await rdsClient.send(new AddTagsToResourceCommand({ ResourceName: instance.DBInstanceArn, Tags: tagList(tags) }));
    }
  },

  async cleanUp(arn, guard) {
    const identifier = resourceIdOf(arn);
    if (!isClusterArn(arn)) {
      const instance = await instanceOf(identifier);
      if (!instance) return { status: 'NOT_FOUND', deletedExtras: [] };
      const result = await deleteInstance(instance, guard);
      if (result === 'deleted') return { status: 'DELETED', deletedExtras: [] };
      return result === 'deleting' ? waiting(`instance ${identifier} is being deleted`) : result;
    }
    const cluster = await clusterOf(identifier);
    if (!cluster) return { status: 'NOT_FOUND', deletedExtras: [] };
    // The guard judges the cluster before anything in it is touched: an instance of someone else's cluster is never deleted.
    const clusterRefusal = guard({ arn: cluster.DBClusterArn ?? arn, name: cluster.DBClusterIdentifier, tags: tagRecord(cluster.TagList) });
    if (clusterRefusal) return refused(clusterRefusal);
    const members = (await Promise.all((cluster.DBClusterMembers ?? []).map((member) => (member.DBInstanceIdentifier ? instanceOf(member.DBInstanceIdentifier) : undefined)))).filter((instance) => instance !== undefined);
    // Every instance judged before any is deleted: a cluster holding one the guard refuses is left whole.
    for (const instance of members) {
      const refusal = guard({ arn: instance.DBInstanceArn ?? '', name: instance.DBInstanceIdentifier, tags: tagRecord(instance.TagList) });
      if (refusal) return refused(`cluster ${identifier} holds an instance cleanup may not delete: ${refusal}`);
    }
    const deletedExtras: string[] = [];
    let inFlight = 0;
    for (const instance of members) {
      const result = await deleteInstance(instance, guard);
      if (result !== 'deleting' && result !== 'deleted') return { ...result, deletedExtras };
      if (result === 'deleted') deletedExtras.push(`DB instance ${instance.DBInstanceIdentifier ?? ''}`);
      inFlight += 1;
    }
    if (inFlight > 0) return { status: 'WAITING', reason: `the instances of cluster ${identifier} are being deleted`, deletedExtras };
    if (cluster.Status === 'deleting') return waiting(`cluster ${identifier} is being deleted`);
    try {
      await rdsClient.send(new DeleteDBClusterCommand({ DBClusterIdentifier: identifier, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
    } catch (error) {
      if (isAwsError(error, 'DBClusterNotFoundFault')) return { status: 'NOT_FOUND', deletedExtras };
      if (isAwsError(error, 'InvalidDBClusterStateFault')) return waiting(`cluster ${identifier} cannot be deleted yet: ${(error as Error).message}`);
      throw error;
    }
    return { status: 'DELETED', deletedExtras };
  },
};

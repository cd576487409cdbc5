import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  EnableHttpEndpointCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type Tag,
} from '@aws-sdk/client-rds';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../../domain/drill-naming.js';
import type { DrillDatabaseNetwork, RdsDatabaseSource } from '../../domain/drill/rds-plan.js';
import { isAuroraEngine } from '../../domain/drill/rds-plan.js';
import { DrillPreflightError, DrillRestoreError, type AvailableRecoveryPoints, type RecoveryPointRef, type RestoreHandle, type RestoreProgress, type SourceFacts } from '../../domain/drill/restore.js';
import { rdsClient } from '../rds-client.js';
import { DrillClaimRefused, type RestoreDriver, type RunClaim } from './restore-driver.js';
import { addClusterInstance, clusterInstanceArn, clusterOf, instanceOf, rdsOps } from './restored-resources/rds.js';
import { cleanupGuardFor, tagRecord } from './restored-resources/restored-resource.js';
import { awsErrorText } from './target-table.js';

/*
 * RDS and Aurora restored natively: an instance to a point in time (RestoreDBInstanceToPointInTime) or from a
 * snapshot (RestoreDBInstanceFromDBSnapshot); a cluster likewise (RestoreDBClusterToPointInTime /
 * RestoreDBClusterFromSnapshot) plus the one instance that makes it usable (CreateDBInstance), and its Data API
 * turned on when the checks use it. Isolated from the start, in the restore call itself: the drill-prefixed
 * identifier, the run's tags, not publicly accessible, the drill subnet group and security groups from config,
 * deletion protection off. The drill waits for RDS's own events (rds-restore-event.ts) on what is being made — the
 * instance, or the cluster and then the instance the drill adds to it — and looks only as a safety net.
 */

export interface RdsDriverOptions {
  readonly kind: 'pitr' | 'snapshot';
  /** rds-snapshot: only manual or only automated snapshots. */
  readonly snapshotType?: 'manual' | 'automated';
  /** Where restores go (config drills.database); none refuses the restore: isolation is not optional. */
  readonly network: DrillDatabaseNetwork | undefined;
  /** Turn on the restored cluster's Data API (the checks reach it that way). */
  readonly enableDataApi: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function rdsDriver(source: RdsDatabaseSource, options: RdsDriverOptions): RestoreDriver {
  const aurora = isAuroraEngine(source.engine);
  const type = aurora ? 'Aurora' : 'RDS';
  const isolation = (claim: RunClaim | undefined) => {
    if (!options.network) throw new DrillRestoreError('no drill network in config (drills.database): a database is restored only into the drill subnet group');
    if (!claim) throw new DrillRestoreError('a database restore is tagged with its run when it is made: the restore request names no run');
    const tags: Tag[] = [
      { Key: DRILL_RUN_TAG, Value: claim.runId },
      { Key: DRILL_PLAN_TAG, Value: claim.planId },
    ];
    return { DBSubnetGroupName: options.network.dbSubnetGroupName, VpcSecurityGroupIds: [...options.network.vpcSecurityGroupIds], DeletionProtection: false, Tags: tags };
  };

  return {
    completionSignal: 'end-event',
    async preflight() {
      const facts = aurora ? await clusterFacts(source) : await instanceFacts(source);
      const points = options.kind === 'pitr' ? facts.window : await snapshotsOf(source, aurora, options.snapshotType);
      return { source: facts.source, points };
    },

    async startRestore({ source: facts, recoveryPoint, restoredName, claim }) {
      if (!restoredName.startsWith(DRILL_TABLE_PREFIX)) throw new DrillRestoreError(`${restoredName} does not start with the drill prefix`);
      const startedAt = new Date().toISOString();
      const isolated = isolation(claim);
      const snapshot = recoveryPoint.id;
      // The ARN RDS answers with: what its events about the new database name (SourceArn), so what the drill waits on.
      let restoredArn: string | undefined;
      try {
        if (aurora && options.kind === 'pitr') {
          const { DBCluster } = await rdsClient.send(new RestoreDBClusterToPointInTimeCommand({ ...isolated, DBClusterIdentifier: restoredName, SourceDBClusterIdentifier: facts.name, RestoreType: 'full-copy', RestoreToTime: new Date(recoveryPoint.at) }));
          restoredArn = DBCluster?.DBClusterArn;
        } else if (aurora) {
          const { DBCluster } = await rdsClient.send(new RestoreDBClusterFromSnapshotCommand({ ...isolated, DBClusterIdentifier: restoredName, SnapshotIdentifier: snapshotIdOf(snapshot), Engine: source.engine }));
          restoredArn = DBCluster?.DBClusterArn;
        } else if (options.kind === 'pitr') {
          const { DBInstance } = await rdsClient.send(
            new RestoreDBInstanceToPointInTimeCommand({ ...isolated, TargetDBInstanceIdentifier: restoredName, SourceDBInstanceIdentifier: facts.name, RestoreTime: new Date(recoveryPoint.at), PubliclyAccessible: false, ...instanceClass(source) }),
          );
          restoredArn = DBInstance?.DBInstanceArn;
        } else {
          const { DBInstance } = await rdsClient.send(new RestoreDBInstanceFromDBSnapshotCommand({ ...isolated, DBInstanceIdentifier: restoredName, DBSnapshotIdentifier: snapshotIdOf(snapshot), PubliclyAccessible: false, ...instanceClass(source) }));
          restoredArn = DBInstance?.DBInstanceArn;
        }
      } catch (error) {
        throw new DrillRestoreError(`restoring ${facts.name} (${recoveryPoint.id ?? recoveryPoint.at}) into ${restoredName} failed: ${awsErrorText(error)}`);
      }
      const handle: RestoreHandle = {
        driver: options.kind === 'pitr' ? 'rds-pitr' : 'rds-snapshot',
        source: { type, arn: facts.arn, name: facts.name },
        restored: { type, name: restoredName },
        startedAt,
        phase: 'restoring',
        recoveryPoint,
        ...(restoredArn !== undefined && { awaited: restoredArn }),
      };
      return handle;
    },

    async describeRestore(handle) {
      const name = handle.restored.name;
      if (!aurora) {
        const instance = await instanceOf(name);
        const arn = instance?.DBInstanceArn;
        const withArn: RestoreHandle = arn ? { ...handle, restored: { ...handle.restored, arn }, awaited: arn } : handle;
        return progressOf(withArn, await rdsOps.availability(arn ?? `arn:aws:rds:::db:${name}`));
      }
      const cluster = await clusterOf(name);
      const arn = cluster?.DBClusterArn;
      if (!cluster || !arn) return { state: 'FAILED', handle, reason: `cluster ${name} does not exist` };
      // While the cluster is made, its own event ends the wait; once it is, the event of the instance the drill adds.
      const clusterMade = cluster.Status === 'available';
      const withArn: RestoreHandle = { ...handle, restored: { ...handle.restored, arn }, awaited: clusterMade ? clusterInstanceArn(arn) : arn };
      if (clusterMade && (cluster.DBClusterMembers ?? []).length === 0) {
        await addClusterInstance(name, { engine: source.engine, ...(source.restore?.dbInstanceClass !== undefined && { dbInstanceClass: source.restore.dbInstanceClass }), tags: tagRecord(cluster.TagList) });
        return { state: 'IN_PROGRESS', handle: withArn, awaiting: 'end-event' };
      }
      const progress = progressOf(withArn, await rdsOps.availability(arn));
      if (progress.state === 'COMPLETED' && options.enableDataApi && cluster.HttpEndpointEnabled !== true) {
        await rdsClient.send(new EnableHttpEndpointCommand({ ResourceArn: arn }));
      }
      return progress;
    },

    async claimRestored(handle, claim) {
      // Tagged when made; the claim proves the restored database is this run's before anything reads it.
      const arn = handle.restored.arn;
      const described = aurora ? await clusterOf(handle.restored.name) : await instanceOf(handle.restored.name);
      const tags = tagRecord(described?.TagList);
      if (!arn || !described) throw new DrillClaimRefused(`${handle.restored.name} does not exist`);
      if (tags[DRILL_RUN_TAG] !== claim.runId) throw new DrillClaimRefused(`${handle.restored.name} is tagged ${DRILL_RUN_TAG}=${tags[DRILL_RUN_TAG] ?? '(none)'}, not this run (${claim.runId})`);
      // The instance a drill adds to a cluster carries the cluster's tags; put them on any that lacks them.
      if (aurora) await rdsOps.tag(arn, { [DRILL_RUN_TAG]: claim.runId, [DRILL_PLAN_TAG]: claim.planId });
    },

    async cleanUp(handle, { runId }) {
      const name = handle.restored.name;
      const described = aurora ? (await clusterOf(name))?.DBClusterArn : (await instanceOf(name))?.DBInstanceArn;
      if (!described) return { status: 'NOT_FOUND', deletedExtras: [] };
      return rdsOps.cleanUp(described, cleanupGuardFor(handle, runId), runId);
    },
  };
}

const instanceClass = (source: RdsDatabaseSource) => (source.restore?.dbInstanceClass ? { DBInstanceClass: source.restore.dbInstanceClass } : {});

/** A point's id is the snapshot's ARN; the restore call takes its identifier (an automated one's has a colon: `rds:...`). */
function snapshotIdOf(arn: string | undefined): string {
  if (!arn) throw new DrillRestoreError('a snapshot restore needs the snapshot chosen at preflight');
  const match = /:(?:cluster-)?snapshot:(.+)$/.exec(arn);
  return match ? match[1]! : arn;
}

function progressOf(handle: RestoreHandle, availability: Awaited<ReturnType<typeof rdsOps.availability>>): RestoreProgress {
  switch (availability.state) {
    case 'available':
      return { state: 'COMPLETED', handle } as const;
    case 'pending':
      // RDS announces the end of what is being made (rds-restore-event.ts): the drill waits for it.
      return { state: 'IN_PROGRESS', handle, ...(handle.awaited !== undefined && { awaiting: 'end-event' as const }) };
    case 'gone':
      return { state: 'FAILED', handle, reason: `${handle.restored.name} is gone` } as const;
    case 'failed':
      return { state: 'FAILED', handle, reason: availability.reason } as const;
  }
}

async function instanceFacts(source: RdsDatabaseSource): Promise<{ source: SourceFacts; window: AvailableRecoveryPoints }> {
  const instance = await instanceOf(source.identifier);
  if (!instance?.DBInstanceArn) throw new DrillPreflightError(`source DB instance ${source.identifier} does not exist`);
  if (instance.Engine !== source.engine) throw new DrillPreflightError(`${source.identifier} runs ${instance.Engine ?? 'an unknown engine'}, not ${source.engine} as the plan says`);
  if (instance.DBClusterIdentifier) throw new DrillPreflightError(`${source.identifier} is an instance of cluster ${instance.DBClusterIdentifier}: drill the cluster (an aurora-* engine)`);
  const facts: SourceFacts = { type: 'RDS', arn: instance.DBInstanceArn, name: source.identifier, ...(instance.AllocatedStorage !== undefined && { sizeBytes: instance.AllocatedStorage * 1024 ** 3 }) };
  return { source: facts, window: continuousWindow(source.identifier, instance.BackupRetentionPeriod, instance.InstanceCreateTime, undefined, instance.LatestRestorableTime) };
}

async function clusterFacts(source: RdsDatabaseSource): Promise<{ source: SourceFacts; window: AvailableRecoveryPoints }> {
  const cluster = await clusterOf(source.identifier);
  if (!cluster?.DBClusterArn) throw new DrillPreflightError(`source DB cluster ${source.identifier} does not exist`);
  if (cluster.Engine !== source.engine) throw new DrillPreflightError(`${source.identifier} runs ${cluster.Engine ?? 'an unknown engine'}, not ${source.engine} as the plan says`);
  const facts: SourceFacts = { type: 'Aurora', arn: cluster.DBClusterArn, name: source.identifier };
  return { source: facts, window: continuousWindow(source.identifier, cluster.BackupRetentionPeriod, cluster.ClusterCreateTime, cluster.EarliestRestorableTime, cluster.LatestRestorableTime) };
}

/** The restorable window: AWS's earliest (clusters), else the retention period back from now (never before creation). */
function continuousWindow(name: string, retentionDays: number | undefined, createdAt: Date | undefined, earliest: Date | undefined, latest: Date | undefined): AvailableRecoveryPoints {
  if (!retentionDays || !latest) throw new DrillPreflightError(`${name} has no automated backups to restore to a point in time (BackupRetentionPeriod ${retentionDays ?? 0}): turn them on, or drill it with rds-snapshot`);
  const fromRetention = Date.now() - retentionDays * DAY_MS;
  const earliestMs = earliest?.getTime() ?? Math.max(fromRetention, createdAt?.getTime() ?? fromRetention);
  return { kind: 'continuous', earliest: new Date(Math.min(earliestMs, latest.getTime())).toISOString(), latest: latest.toISOString() };
}

/** Available snapshots of the source, newest first (the recovery point chooser takes the newest at or before the point). */
async function snapshotsOf(source: RdsDatabaseSource, aurora: boolean, snapshotType: 'manual' | 'automated' | undefined): Promise<AvailableRecoveryPoints> {
  const points: RecoveryPointRef[] = [];
  if (aurora) {
    const { DBClusterSnapshots = [] } = await rdsClient.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: source.identifier, ...(snapshotType && { SnapshotType: snapshotType }) }));
    for (const snapshot of DBClusterSnapshots) {
      if (snapshot.Status === 'available' && snapshot.DBClusterSnapshotArn && snapshot.SnapshotCreateTime) points.push({ id: snapshot.DBClusterSnapshotArn, at: snapshot.SnapshotCreateTime.toISOString() });
    }
  } else {
    const { DBSnapshots = [] } = await rdsClient.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: source.identifier, ...(snapshotType && { SnapshotType: snapshotType }) }));
    for (const snapshot of DBSnapshots) {
      if (snapshot.Status === 'available' && snapshot.DBSnapshotArn && snapshot.SnapshotCreateTime) points.push({ id: snapshot.DBSnapshotArn, at: snapshot.SnapshotCreateTime.toISOString() });
    }
  }
  if (points.length === 0) throw new DrillPreflightError(`${source.identifier} has no available ${snapshotType ? `${snapshotType} ` : ''}snapshot to restore`);
  return { kind: 'discrete', points: points.sort((a, b) => b.at.localeCompare(a.at)) };
}

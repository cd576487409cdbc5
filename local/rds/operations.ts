import { randomBytes } from 'node:crypto';
import { LocalRdsCatalog, type LocalDbCluster, type LocalDbClusterSnapshot, type LocalDbInstance, type LocalDbSnapshot, type NetworkPlacement, type Tag } from './catalog.js';
import { PostgresEngine } from './postgres-engine.js';
import type { DataDirSnapshot } from './data-dir-snapshot.js';
import { RdsError, type QueryOperation, type QueryValue } from './query-protocol.js';
import { filtersOf, flag, identifier, integer, list, mergeTags, required, tagsOf, text, time } from './query-input.js';
import { rdsBusEvent, type RdsBusEvent, type RdsEventKind } from './rds-events.js';
import type { RdsFaults } from './rds-faults.js';
import { clusterSnapshotXml, clusterXml, instanceXml, snapshotXml, tagListXml } from './rds-xml.js';

/*
 * The RDS operations the drills and the AWS CLI use, over local engines: creating, restoring (to a point in time,
 * from a snapshot), snapshotting, describing, tagging and deleting clusters and instances, with AWS's status
 * transitions (creating -> available, deleting -> gone) and its documented error codes.
 */

export interface RdsOperationsOptions {
  readonly host: string;
  readonly region: string;
  readonly accountId: string;
  /** How often each engine's WAL position is read for continuous backups (the PITR granularity). */
  readonly backupIntervalMs: number;
  /** Extra time a new or restored database stays `creating` after its engine is up (simulated restore time). */
  readonly createDelayMs: number;
  /** How long a deleted database stays `deleting` before it is gone. */
  readonly deleteDelayMs: number;
  readonly log: (line: string) => void;
  /** Where RDS's events go (the default event bus). */
  readonly emit: (event: RdsBusEvent) => void;
  readonly faults: RdsFaults;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const POSTGRES_ENGINES = new Set(['postgres', 'aurora-postgresql']);
/** What PGlite 0.5.14 runs (SELECT version(): PostgreSQL 18.6), as RDS names an engine version. */
const ENGINE_VERSION = '18.6';
const resourceId = (prefix: string): string => `${prefix}-${randomBytes(13).toString('base64url').replace(/[^A-Za-z0-9]/g, 'X').toUpperCase()}`;

export function rdsOperations(catalog: LocalRdsCatalog, options: RdsOperationsOptions): Record<string, QueryOperation> {
  const arn = (kind: 'db' | 'cluster' | 'snapshot' | 'cluster-snapshot', id: string): string => `arn:aws:rds:${options.region}:${options.accountId}:${kind}:${id}`;
  const instanceNamed = (id: string): LocalDbInstance => {
    const instance = catalog.instances.get(id.toLowerCase());
    if (!instance) throw new RdsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
    return instance;
  };
  const clusterNamed = (id: string): LocalDbCluster => {
    const cluster = catalog.clusters.get(id.toLowerCase());
    if (!cluster) throw new RdsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
    return cluster;
  };
  const snapshotNamed = (id: string): LocalDbSnapshot => {
    const snapshot = catalog.snapshots.get(id.toLowerCase());
    if (!snapshot) throw new RdsError('DBSnapshotNotFound', `DBSnapshot ${id} not found.`, 404);
    return snapshot;
  };
  const postgresEngine = (input: Record<string, QueryValue>, fallback?: string): string => {
    const engine = text(input, 'Engine') ?? fallback;
    if (engine === undefined) throw new RdsError('MissingParameter', 'The request must contain the parameter Engine');
    if (!POSTGRES_ENGINES.has(engine)) {
      throw new RdsError('InvalidParameterValue', `The local RDS runs PostgreSQL only (PGlite): engine ${JSON.stringify(engine)} has no embedded engine here; use postgres or aurora-postgresql`);
    }
    return engine;
  };
  const networkOf = (input: Record<string, QueryValue>, fallback?: NetworkPlacement): NetworkPlacement => ({
    subnetGroupName: text(input, 'DBSubnetGroupName') ?? fallback?.subnetGroupName ?? 'default',
    securityGroupIds: list(input, 'VpcSecurityGroupIds').length > 0 ? list(input, 'VpcSecurityGroupIds') : (fallback?.securityGroupIds ?? []),
    publiclyAccessible: flag(input, 'PubliclyAccessible', fallback?.publiclyAccessible ?? false),
  });
  const ensureInstanceFree = (id: string): void => {
    if (catalog.instances.has(id)) throw new RdsError('DBInstanceAlreadyExists', 'DB instance already exists');
  };
  const ensureClusterFree = (id: string): void => {
    if (catalog.clusters.has(id)) throw new RdsError('DBClusterAlreadyExistsFault', 'DB Cluster already exists');
  };
  const emit = (kind: RdsEventKind, source: { arn: string; identifier: string; tags: Tag[] }, subject?: string): void => options.emit(rdsBusEvent(kind, source, options, new Date(), subject));
  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

  /** Starts an engine in the background; the database turns available once it is up (and createDelayMs passed). */
  const bring = (
    database: { arn: string; identifier: string; tags: Tag[]; status: string; postgres?: PostgresEngine; failure?: string; backupRetentionDays: number },
    event: RdsEventKind,
    restoreFrom?: DataDirSnapshot,
    subject?: string,
  ): Promise<void> =>
    (async () => {
      // A database that never became available says so on the bus, as RDS does (a drill waiting on it wakes).
      const failed = (reason: string): void => emit(database.arn.includes(':cluster:') ? 'clusterFailed' : 'instanceFailed', database, reason);
      const failedOnPurpose = (): void => {
        if (database.status !== 'creating') return;
        database.status = database.arn.includes(':cluster:') ? 'failed' : 'incompatible-restore';
        database.failure = 'a restore fault was set (faults.rds.failRestores)';
        failed(database.failure);
      };
      const restoreDelayMs = options.createDelayMs + (restoreFrom !== undefined ? options.faults.restoreHoldMs : 0);
      try {
        // A restore begun under the fault ends failed whatever its engine would do: none is started for it (~0.2 CPU-s).
        if (restoreFrom !== undefined && options.faults.restoreFails) {
          await delay(restoreDelayMs);
          failedOnPurpose();
          return;
        }
        const started = await PostgresEngine.start({
          host: options.host,
          ...(restoreFrom && { restoreFrom }),
          backupIntervalMs: database.backupRetentionDays > 0 ? options.backupIntervalMs : 0,
          retentionMs: database.backupRetentionDays * DAY_MS,
          log: options.log,
        });
        await delay(restoreDelayMs);
        // The fault set while the engine started fails the restore too.
        if (database.status !== 'creating' || (restoreFrom !== undefined && options.faults.restoreFails)) {
          await started.stop();
          if (restoreFrom !== undefined && options.faults.restoreFails) failedOnPurpose();
          return;
        }
        database.postgres = started;
        database.status = 'available';
        emit(event, database, subject);
      } catch (error) {
        database.status = 'failed';
        database.failure = (error as Error).message;
        options.log(`local RDS: an engine failed to start: ${database.failure}`);
        failed(database.failure);
      }
    })();

  /** An instance in a cluster shares the cluster's engine: it turns available once the cluster is. */
  const joinCluster = (instance: LocalDbInstance, cluster: LocalDbCluster): void => {
    cluster.members.push(instance.identifier);
    void (async () => {
      while (cluster.status === 'creating' && instance.status === 'creating') await delay(20);
      await delay(options.createDelayMs);
      if (instance.status !== 'creating') return;
      if (cluster.status === 'available' && cluster.postgres) {
        instance.postgres = cluster.postgres;
        instance.status = 'available';
        emit('instanceCreated', instance);
      } else {
        instance.status = 'failed';
        emit('instanceFailed', instance, `cluster ${cluster.identifier} is ${cluster.status}`);
      }
    })();
  };

  const newInstance = (input: Record<string, QueryValue>, id: string, base: Partial<LocalDbInstance> & Pick<LocalDbInstance, 'engine' | 'masterUsername' | 'masterPassword'>, cluster?: LocalDbCluster): LocalDbInstance => ({
    identifier: id,
    arn: arn('db', id),
    resourceId: resourceId('db'),
    instanceClass: text(input, 'DBInstanceClass') ?? base.instanceClass ?? 'db.t4g.micro',
    engine: base.engine,
    engineVersion: ENGINE_VERSION,
    masterUsername: base.masterUsername,
    masterPassword: base.masterPassword,
    dbName: text(input, 'DBName') ?? base.dbName,
    allocatedStorage: integer(input, 'AllocatedStorage', base.allocatedStorage ?? 20),
    backupRetentionDays: cluster ? cluster.backupRetentionDays : integer(input, 'BackupRetentionPeriod', base.backupRetentionDays ?? 1),
    createdAt: new Date(),
    network: networkOf(input, base.network),
    clusterIdentifier: cluster?.identifier,
    status: 'creating',
    deletionProtection: flag(input, 'DeletionProtection', false),
    tags: tagsOf(input),
  });

  const newCluster = (input: Record<string, QueryValue>, id: string, base: Pick<LocalDbCluster, 'engine' | 'masterUsername' | 'masterPassword' | 'databaseName'> & Partial<LocalDbCluster>): LocalDbCluster => ({
    identifier: id,
    arn: arn('cluster', id),
    resourceId: resourceId('cluster'),
    engine: base.engine,
    engineVersion: ENGINE_VERSION,
    masterUsername: base.masterUsername,
    masterPassword: base.masterPassword,
    databaseName: base.databaseName,
    backupRetentionDays: integer(input, 'BackupRetentionPeriod', base.backupRetentionDays ?? 1),
    createdAt: new Date(),
    network: networkOf(input, base.network),
    status: 'creating',
    httpEndpointEnabled: flag(input, 'EnableHttpEndpoint', false),
    deletionProtection: flag(input, 'DeletionProtection', false),
    tags: tagsOf(input),
    members: [],
  });

  /** The dump for a point-in-time restore of `engine`, or the error AWS gives for a time outside the window. */
  const pointInTime = (engine: PostgresEngine | undefined, source: string, restoreTime: string | undefined, useLatest: boolean): DataDirSnapshot => {
    if (!engine || engine.latestRestorableAt === undefined || engine.earliestRestorableAt === undefined) {
      throw new RdsError('InvalidRestoreFault', `Source ${source} has no restorable time yet`);
    }
    if ((restoreTime === undefined) === !useLatest) throw new RdsError('InvalidParameterCombination', 'Specify either RestoreTime/RestoreToTime or UseLatestRestorableTime, not both and not neither');
    const at = useLatest ? engine.latestRestorableAt : time(restoreTime!, 'RestoreTime');
    if (at < engine.earliestRestorableAt || at > engine.latestRestorableAt) {
      throw new RdsError(
        'InvalidRestoreFault',
        `The restore time ${new Date(at).toISOString()} is outside the restorable window of ${source}: ${new Date(engine.earliestRestorableAt).toISOString()} to ${new Date(engine.latestRestorableAt).toISOString()}`,
      );
    }
    return engine.stateAt(at)!.data;
  };

  const describeInstances = (input: Record<string, QueryValue>) => {
    const id = text(input, 'DBInstanceIdentifier');
    const filters = filtersOf(input);
    const instances = id !== undefined ? [instanceNamed(id)] : [...catalog.instances.values()];
    const matching = instances.filter(
      (instance) =>
        (!filters['db-instance-id'] || filters['db-instance-id'].some((value) => value === instance.identifier || value === instance.arn)) &&
        (!filters['db-cluster-id'] || filters['db-cluster-id'].some((value) => value === instance.clusterIdentifier || value === arn('cluster', instance.clusterIdentifier ?? ''))) &&
        (!filters['engine'] || filters['engine'].includes(instance.engine)),
    );
    return { DBInstances: { member: 'DBInstance', items: matching.map((instance) => instanceXml(instance)) } };
  };

  return {
    CreateDBCluster: (input) => {
      const id = identifier(input, 'DBClusterIdentifier');
      ensureClusterFree(id);
      const engine = postgresEngine(input);
      if (!engine.startsWith('aurora')) throw new RdsError('InvalidParameterValue', `A DB cluster's engine is aurora-postgresql here (${engine} is an instance engine)`);
      const cluster = newCluster(input, id, { engine, masterUsername: required(input, 'MasterUsername'), masterPassword: text(input, 'MasterUserPassword'), databaseName: text(input, 'DatabaseName') });
      catalog.clusters.set(id, cluster);
      void bring(cluster, 'clusterCreated');
      return { DBCluster: clusterXml(cluster) };
    },

    CreateDBInstance: (input) => {
      const id = identifier(input, 'DBInstanceIdentifier');
      ensureInstanceFree(id);
      const clusterId = text(input, 'DBClusterIdentifier');
      if (clusterId !== undefined) {
        const cluster = clusterNamed(clusterId);
        if (cluster.status === 'deleting') throw new RdsError('InvalidDBClusterStateFault', `DB cluster ${cluster.identifier} is being deleted`);
        const instance = newInstance(input, id, { engine: postgresEngine(input, cluster.engine), masterUsername: cluster.masterUsername, masterPassword: cluster.masterPassword, network: cluster.network }, cluster);
        catalog.instances.set(id, instance);
        joinCluster(instance, cluster);
        return { DBInstance: instanceXml(instance) };
      }
      const engine = postgresEngine(input);
      if (engine.startsWith('aurora')) throw new RdsError('InvalidParameterCombination', 'An Aurora instance is created in a cluster: give DBClusterIdentifier');
      const instance = newInstance(input, id, { engine, masterUsername: required(input, 'MasterUsername'), masterPassword: text(input, 'MasterUserPassword') });
      catalog.instances.set(id, instance);
      void bring(instance, 'instanceCreated');
      return { DBInstance: instanceXml(instance) };
    },

    DescribeDBInstances: describeInstances,

    DescribeDBClusters: (input) => {
      const id = text(input, 'DBClusterIdentifier');
      const filters = filtersOf(input);
      const clusters = (id !== undefined ? [clusterNamed(id)] : [...catalog.clusters.values()]).filter(
        (cluster) => !filters['db-cluster-id'] || filters['db-cluster-id'].some((value) => value === cluster.identifier || value === cluster.arn),
      );
      return { DBClusters: { member: 'DBCluster', items: clusters.map((cluster) => clusterXml(cluster)) } };
    },

    ModifyDBCluster: (input) => {
      const cluster = clusterNamed(required(input, 'DBClusterIdentifier'));
      if (text(input, 'EnableHttpEndpoint') !== undefined) cluster.httpEndpointEnabled = flag(input, 'EnableHttpEndpoint', false);
      if (text(input, 'DeletionProtection') !== undefined) cluster.deletionProtection = flag(input, 'DeletionProtection', false);
      return { DBCluster: clusterXml(cluster) };
    },

    EnableHttpEndpoint: (input) => {
      const resourceArn = required(input, 'ResourceArn');
      const cluster = catalog.clusterByArn(resourceArn);
      if (!cluster) throw new RdsError('DBClusterNotFoundFault', `DBCluster ${resourceArn} not found.`, 404);
      cluster.httpEndpointEnabled = true;
      return { ResourceArn: cluster.arn, HttpEndpointEnabled: true };
    },

    CreateDBSnapshot: (input) => {
      const id = identifier(input, 'DBSnapshotIdentifier');
      const instance = instanceNamed(required(input, 'DBInstanceIdentifier'));
      if (catalog.snapshots.has(id)) throw new RdsError('DBSnapshotAlreadyExists', `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
      if (instance.clusterIdentifier !== undefined) throw new RdsError('InvalidParameterValue', 'An Aurora instance is snapshotted through its cluster (CreateDBClusterSnapshot)');
      if (instance.status !== 'available' || !instance.postgres) throw new RdsError('InvalidDBInstanceState', `Instance ${instance.identifier} is not in available state.`);
      const snapshot: LocalDbSnapshot = {
        identifier: id,
        arn: arn('snapshot', id),
        instanceIdentifier: instance.identifier,
        engine: instance.engine,
        engineVersion: instance.engineVersion,
        masterUsername: instance.masterUsername,
        masterPassword: instance.masterPassword,
        dbName: instance.dbName,
        allocatedStorage: instance.allocatedStorage,
        instanceCreatedAt: instance.createdAt,
        type: 'manual',
        createdAt: undefined,
        status: 'creating',
        tags: tagsOf(input),
      };
      catalog.snapshots.set(id, snapshot);
      const engine = instance.postgres;
      void engine
        .dumpNow()
        .then((data) => {
          snapshot.data = data;
          snapshot.createdAt = new Date();
          snapshot.status = 'available';
          emit('snapshotCreated', snapshot);
        })
        .catch((error: unknown) => {
          snapshot.status = 'failed';
          options.log(`local RDS: snapshot ${id} failed: ${(error as Error).message}`);
        });
      return { DBSnapshot: snapshotXml(snapshot) };
    },

    DescribeDBSnapshots: (input) => {
      const id = text(input, 'DBSnapshotIdentifier');
      const instanceId = text(input, 'DBInstanceIdentifier')?.toLowerCase();
      const type = text(input, 'SnapshotType');
      const snapshots = (id !== undefined ? [snapshotNamed(id)] : [...catalog.snapshots.values()]).filter(
        (snapshot) => (instanceId === undefined || snapshot.instanceIdentifier === instanceId) && (type === undefined || snapshot.type === type),
      );
      return { DBSnapshots: { member: 'DBSnapshot', items: snapshots.map((snapshot) => snapshotXml(snapshot)) } };
    },

    DeleteDBSnapshot: (input) => {
      const snapshot = snapshotNamed(required(input, 'DBSnapshotIdentifier'));
      if (snapshot.status === 'creating') throw new RdsError('InvalidDBSnapshotState', `Cannot delete the snapshot ${snapshot.identifier} while it is being created`);
      catalog.snapshots.delete(snapshot.identifier);
      return { DBSnapshot: { ...snapshotXml(snapshot), Status: 'deleted' } };
    },

    RestoreDBInstanceToPointInTime: (input) => {
      const targetId = identifier(input, 'TargetDBInstanceIdentifier');
      const sourceId = text(input, 'SourceDBInstanceIdentifier');
      const source = sourceId !== undefined ? instanceNamed(sourceId) : [...catalog.instances.values()].find((instance) => instance.resourceId === text(input, 'SourceDbiResourceId'));
      if (!source) throw new RdsError('DBInstanceNotFound', `DBInstance ${text(input, 'SourceDbiResourceId') ?? '(none)'} not found.`, 404);
      if (source.clusterIdentifier !== undefined) throw new RdsError('InvalidParameterValue', 'An Aurora instance restores through its cluster (RestoreDBClusterToPointInTime)');
      if (source.backupRetentionDays === 0) throw new RdsError('PointInTimeRestoreNotEnabled', `Source database ${source.identifier} does not have automated backups enabled (BackupRetentionPeriod 0)`);
      ensureInstanceFree(targetId);
      const data = pointInTime(source.postgres, source.identifier, text(input, 'RestoreTime'), flag(input, 'UseLatestRestorableTime', false));
      const instance = newInstance(input, targetId, { ...source, network: networkOf({}, source.network), backupRetentionDays: integer(input, 'BackupRetentionPeriod', source.backupRetentionDays) });
      catalog.instances.set(targetId, instance);
      void bring(instance, 'instanceRestoredToPointInTime', data);
      return { DBInstance: instanceXml(instance) };
    },

    RestoreDBInstanceFromDBSnapshot: (input) => {
      const targetId = identifier(input, 'DBInstanceIdentifier');
      const snapshot = snapshotNamed(required(input, 'DBSnapshotIdentifier'));
      if (snapshot.status !== 'available' || !snapshot.data) throw new RdsError('InvalidDBSnapshotState', `Snapshot ${snapshot.identifier} is not available (${snapshot.status})`);
      ensureInstanceFree(targetId);
      const instance = newInstance(input, targetId, { ...snapshot, network: networkOf({}) });
      catalog.instances.set(targetId, instance);
      void bring(instance, 'instanceRestoredFromSnapshot', snapshot.data, snapshot.identifier);
      return { DBInstance: instanceXml(instance) };
    },

    CreateDBClusterSnapshot: (input) => {
      const id = identifier(input, 'DBClusterSnapshotIdentifier');
      const cluster = clusterNamed(required(input, 'DBClusterIdentifier'));
      if (catalog.clusterSnapshots.has(id)) throw new RdsError('DBClusterSnapshotAlreadyExistsFault', `Cannot create the cluster snapshot because one with the identifier ${id} already exists.`);
      if (cluster.status !== 'available' || !cluster.postgres) throw new RdsError('InvalidDBClusterStateFault', `Cluster ${cluster.identifier} is not in available state.`);
      const snapshot: LocalDbClusterSnapshot = {
        identifier: id,
        arn: arn('cluster-snapshot', id),
        clusterIdentifier: cluster.identifier,
        engine: cluster.engine,
        engineVersion: cluster.engineVersion,
        masterUsername: cluster.masterUsername,
        masterPassword: cluster.masterPassword,
        databaseName: cluster.databaseName,
        clusterCreatedAt: cluster.createdAt,
        type: 'manual',
        createdAt: undefined,
        status: 'creating',
        tags: tagsOf(input),
      };
      catalog.clusterSnapshots.set(id, snapshot);
      void cluster.postgres
        .dumpNow()
        .then((data) => {
          snapshot.data = data;
          snapshot.createdAt = new Date();
          snapshot.status = 'available';
        })
        .catch((error: unknown) => {
          snapshot.status = 'failed';
          options.log(`local RDS: cluster snapshot ${id} failed: ${(error as Error).message}`);
        });
      return { DBClusterSnapshot: clusterSnapshotXml(snapshot) };
    },

    DescribeDBClusterSnapshots: (input) => {
      const id = text(input, 'DBClusterSnapshotIdentifier')?.toLowerCase();
      const clusterId = text(input, 'DBClusterIdentifier')?.toLowerCase();
      const type = text(input, 'SnapshotType');
      if (id !== undefined && !catalog.clusterSnapshots.has(id)) throw new RdsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404);
      const snapshots = [...catalog.clusterSnapshots.values()].filter(
        (snapshot) => (id === undefined || snapshot.identifier === id) && (clusterId === undefined || snapshot.clusterIdentifier === clusterId) && (type === undefined || snapshot.type === type),
      );
      return { DBClusterSnapshots: { member: 'DBClusterSnapshot', items: snapshots.map((snapshot) => clusterSnapshotXml(snapshot)) } };
    },

    RestoreDBClusterFromSnapshot: (input) => {
      const targetId = identifier(input, 'DBClusterIdentifier');
      const snapshotId = required(input, 'SnapshotIdentifier');
      const snapshot = catalog.clusterSnapshots.get((/:cluster-snapshot:(.+)$/.exec(snapshotId)?.[1] ?? snapshotId).toLowerCase());
      if (!snapshot) throw new RdsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${snapshotId} not found.`, 404);
      if (snapshot.status !== 'available' || !snapshot.data) throw new RdsError('InvalidDBClusterSnapshotStateFault', `Cluster snapshot ${snapshot.identifier} is not available (${snapshot.status})`);
      const engine = postgresEngine(input, snapshot.engine);
      ensureClusterFree(targetId);
      const cluster = newCluster(input, targetId, { engine, masterUsername: snapshot.masterUsername, masterPassword: snapshot.masterPassword, databaseName: snapshot.databaseName });
      catalog.clusters.set(targetId, cluster);
      void bring(cluster, 'clusterCreated', snapshot.data);
      return { DBCluster: clusterXml(cluster) };
    },

    RestoreDBClusterToPointInTime: (input) => {
      const targetId = identifier(input, 'DBClusterIdentifier');
      const source = clusterNamed(required(input, 'SourceDBClusterIdentifier'));
      ensureClusterFree(targetId);
      if ((text(input, 'RestoreType') ?? 'full-copy') !== 'full-copy') throw new RdsError('InvalidParameterValue', 'The local RDS restores full copies only (RestoreType full-copy)');
      const data = pointInTime(source.postgres, source.identifier, text(input, 'RestoreToTime'), flag(input, 'UseLatestRestorableTime', false));
      const cluster = newCluster(input, targetId, { ...source, network: networkOf({}, source.network), backupRetentionDays: integer(input, 'BackupRetentionPeriod', source.backupRetentionDays) });
      catalog.clusters.set(targetId, cluster);
      void bring(cluster, 'clusterCreated', data);
      return { DBCluster: clusterXml(cluster) };
    },

    DeleteDBInstance: (input) => {
      const instance = instanceNamed(required(input, 'DBInstanceIdentifier'));
      if (options.faults.deleteRefused) throw new RdsError('InvalidDBInstanceState', `Instance ${instance.identifier} is not in available state. (a delete fault was set: faults.rds.refuseDeletes)`);
      if (instance.deletionProtection) throw new RdsError('InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
      if (instance.status === 'deleting') throw new RdsError('InvalidDBInstanceState', `Instance ${instance.identifier} is already being deleted.`);
      if (instance.status === 'creating') throw new RdsError('InvalidDBInstanceState', `Instance ${instance.identifier} is not in available state.`);
      const skip = flag(input, 'SkipFinalSnapshot', false);
      if (instance.clusterIdentifier === undefined && !skip && text(input, 'FinalDBSnapshotIdentifier') === undefined) {
        throw new RdsError('InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
      }
      if (instance.clusterIdentifier === undefined && !skip) throw new RdsError('InvalidParameterValue', 'The local RDS takes no final snapshot: pass SkipFinalSnapshot');
      instance.status = 'deleting';
      const answer = { DBInstance: instanceXml(instance) };
      void delay(options.deleteDelayMs).then(async () => {
        catalog.instances.delete(instance.identifier);
        const cluster = instance.clusterIdentifier === undefined ? undefined : catalog.clusters.get(instance.clusterIdentifier);
        if (cluster) cluster.members = cluster.members.filter((member) => member !== instance.identifier);
        // A cluster's engine belongs to the cluster: only a standalone instance's stops with it.
        if (instance.clusterIdentifier === undefined) await instance.postgres?.stop();
        emit('instanceDeleted', instance);
      });
      return answer;
    },

    DeleteDBCluster: (input) => {
      const cluster = clusterNamed(required(input, 'DBClusterIdentifier'));
      if (options.faults.deleteRefused) throw new RdsError('InvalidDBClusterStateFault', `Cluster ${cluster.identifier} is not in available state. (a delete fault was set: faults.rds.refuseDeletes)`);
      if (cluster.deletionProtection) throw new RdsError('InvalidParameterCombination', 'Cannot delete protected Cluster, please disable deletion protection and try again.');
      if (cluster.status === 'deleting') throw new RdsError('InvalidDBClusterStateFault', `Cluster ${cluster.identifier} is already being deleted.`);
      if (cluster.members.some((member) => catalog.instances.get(member)?.status !== 'deleting')) {
        throw new RdsError('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.');
      }
      if (!flag(input, 'SkipFinalSnapshot', false)) {
        throw new RdsError('InvalidParameterCombination', text(input, 'FinalDBSnapshotIdentifier') === undefined ? 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.' : 'The local RDS takes no final snapshot: pass SkipFinalSnapshot');
      }
      const wasCreating = cluster.status === 'creating';
      cluster.status = 'deleting';
      const answer = { DBCluster: clusterXml(cluster) };
      void delay(options.deleteDelayMs).then(async () => {
        while (cluster.members.length > 0) await delay(20);
        catalog.clusters.delete(cluster.identifier);
        if (!wasCreating) await cluster.postgres?.stop();
        emit('clusterDeleted', cluster);
      });
      return answer;
    },

    AddTagsToResource: (input) => {
      const target = taggable(required(input, 'ResourceName'));
      target.tags = mergeTags(target.tags, tagsOf(input));
      return undefined;
    },

    RemoveTagsFromResource: (input) => {
      const target = taggable(required(input, 'ResourceName'));
      const keys = list(input, 'TagKeys');
      target.tags = target.tags.filter((tag) => !keys.includes(tag.Key));
      return undefined;
    },

    ListTagsForResource: (input) => ({ TagList: tagListXml(taggable(required(input, 'ResourceName')).tags) }),
  };

  function taggable(resourceName: string): { tags: Tag[] } {
    const match = /^arn:aws:rds:[^:]+:\d{12}:(db|cluster|snapshot):(.+)$/.exec(resourceName);
    if (!match) throw new RdsError('InvalidParameterValue', `${JSON.stringify(resourceName)} is not an RDS resource ARN`);
    const [, kind, id] = match;
    if (kind === 'db') return instanceNamed(id!);
    if (kind === 'cluster') return clusterNamed(id!);
    return snapshotNamed(id!);
  }
}

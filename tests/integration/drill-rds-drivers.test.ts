import {
  AddTagsToResourceCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestoreDriver } from '../../functions/aws/drill/restore-driver.js';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import type { RdsDatabaseSource } from '../../functions/domain/drill/rds-plan.js';
import { restoredResourceName } from '../../functions/domain/drill/resource-types.js';
import type { ChosenRecoveryPoint, RestoreHandle, RestoredCleanupResult } from '../../functions/domain/drill/restore.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { startLocalRdsForTests, waitFor, type RdsTestBed } from './support/local-rds-bed.js';

/*
 * The RDS restore drivers against the local RDS: an Aurora cluster and an RDS instance, each restored to a point in
 * time (and the instance from a snapshot) into the drill network, tagged with the run in the restore call, the
 * cluster given its one instance and its Data API; then cleanup through the guard, which refuses another run's
 * database, a cluster holding someone else's instance, and the source, deleting nothing it refuses.
 */

const NETWORK = { dbSubnetGroupName: 'drill-isolated', vpcSecurityGroupIds: ['sg-0d1e2a3b4c5d6e7f8'] };
const aurora: RdsDatabaseSource = { type: 'rds-database', engine: 'aurora-postgresql', identifier: 'orders' };
const standalone: RdsDatabaseSource = { type: 'rds-database', engine: 'postgres', identifier: 'ledger-db', restore: { dbInstanceClass: 'db.t4g.medium' } };

describe('RDS restore drivers on the local RDS', () => {
  let bed: RdsTestBed;
  let rds: RDSClient;
  let rdsDriver: typeof import('../../functions/aws/drill/rds-driver.js').rdsDriver;
  const saved = { ...process.env };

  beforeAll(async () => {
    bed = await startLocalRdsForTests();
    // The driver's client is the functions' own (no endpoint in code): it reads these, as in a deployed function.
    Object.assign(process.env, { AWS_ENDPOINT_URL_RDS: bed.endpoint, AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey });
    ({ rdsDriver } = await import('../../functions/aws/drill/rds-driver.js'));
    rds = bed.rdsClient();
    await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', MasterUsername: bed.masterUsername, MasterUserPassword: bed.masterPassword }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-1', DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'ledger-db', Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', MasterUsername: bed.masterUsername, MasterUserPassword: bed.masterPassword }));
    await bed.waitForInstance('orders-1');
    await bed.waitForInstance('ledger-db');
    await bed.waitForRestorable('orders', Date.now());
    await bed.waitForRestorable('ledger-db', Date.now(), 'instance');
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    rds?.destroy();
    await bed?.stop();
  });

  const restoreAndWait = async (driver: RestoreDriver, planId: string, runId: string, pick: (points: Awaited<ReturnType<RestoreDriver['preflight']>>['points']) => ChosenRecoveryPoint) => {
    const { source, points } = await driver.preflight();
    const restoredName = restoredResourceName(source.type, planId, runId);
    let handle = await driver.startRestore({ source, recoveryPoint: pick(points), restoredName, claim: { runId, planId } });
    await waitFor(async () => {
      const progress = await driver.describeRestore(handle);
      if (progress.state === 'FAILED') throw new Error(progress.reason);
      handle = progress.handle;
      return progress.state === 'COMPLETED';
    });
    return handle;
  };
  const latestOf = (points: Awaited<ReturnType<RestoreDriver['preflight']>>['points']): ChosenRecoveryPoint => {
    if (points.kind !== 'continuous') throw new Error(`expected a window, got ${points.kind}`);
    return { at: points.latest, requestedAt: points.latest };
  };
  const cleanUntilDone = async (driver: RestoreDriver, handle: RestoreHandle, runId: string): Promise<RestoredCleanupResult[]> => {
    const results: RestoredCleanupResult[] = [];
    await waitFor(async () => {
      const result = await driver.cleanUp(handle, { runId, planId: 'x' });
      results.push(result);
      if (result.status === 'REFUSED') throw new Error(result.reason);
      return result.status === 'NOT_FOUND';
    });
    return results;
  };
  const clusterNamed = async (id: string) => (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters![0]!;
  const instanceNamed = async (id: string) => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  const exists = async (kind: 'cluster' | 'instance', id: string) => (kind === 'cluster' ? clusterNamed(id) : instanceNamed(id)).then(() => true, () => false);
  const tagsOf = (list: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((list ?? []).map((tag) => [tag.Key, tag.Value]));

  it('restores an Aurora cluster to a point in time into the drill network, adds its instance and Data API, and cleans up instance then cluster', async () => {
    const driver = rdsDriver(aurora, { kind: 'pitr', network: NETWORK, enableDataApi: true });
    const handle = await restoreAndWait(driver, 'orders-aurora', 'run-a1', latestOf);
    expect(handle).toMatchObject({ driver: 'rds-pitr', source: { type: 'Aurora', name: 'orders' }, restored: { type: 'Aurora', name: 'irdr-drill-orders-aurora-run-a1' } });
    const cluster = await clusterNamed('irdr-drill-orders-aurora-run-a1');
    expect(cluster).toMatchObject({ DBSubnetGroup: 'drill-isolated', DeletionProtection: false, HttpEndpointEnabled: true, Status: 'available' });
    expect(cluster.VpcSecurityGroups?.map((group) => group.VpcSecurityGroupId)).toEqual(NETWORK.vpcSecurityGroupIds);
    expect(tagsOf(cluster.TagList)).toMatchObject({ [DRILL_RUN_TAG]: 'run-a1', [DRILL_PLAN_TAG]: 'orders-aurora' });
    const instance = await instanceNamed('irdr-drill-orders-aurora-run-a1-1');
    expect(instance).toMatchObject({ PubliclyAccessible: false, DBClusterIdentifier: 'irdr-drill-orders-aurora-run-a1', DBInstanceStatus: 'available' });
    expect(tagsOf(instance.TagList)).toMatchObject({ [DRILL_RUN_TAG]: 'run-a1' });

    await driver.claimRestored(handle, { runId: 'run-a1', planId: 'orders-aurora' });
    await expect(driver.claimRestored(handle, { runId: 'run-other', planId: 'orders-aurora' })).rejects.toThrow(/tagged irdr:drill-run=run-a1, not this run \(run-other\)/);
    // Another run's cleanup is refused, and deletes nothing.
    expect(await driver.cleanUp(handle, { runId: 'run-other', planId: 'orders-aurora' })).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('not this run (run-other)') });
    expect(await exists('instance', 'irdr-drill-orders-aurora-run-a1-1')).toBe(true);

    const results = await cleanUntilDone(driver, handle, 'run-a1');
    expect(results.map((result) => result.status)).toContain('DELETED');
    expect(results[0]).toMatchObject({ status: 'WAITING', deletedExtras: ['DB instance irdr-drill-orders-aurora-run-a1-1'] });
    expect(await exists('cluster', 'irdr-drill-orders-aurora-run-a1')).toBe(false);
    expect(await exists('instance', 'irdr-drill-orders-aurora-run-a1-1')).toBe(false);
    expect(await exists('cluster', 'orders')).toBe(true);
    expect(await exists('instance', 'orders-1')).toBe(true);
  }, 60_000);

  it('restores an RDS instance to a point in time and from a manual snapshot, not publicly accessible, in the drill subnet group, and deletes each', async () => {
    const pitr = rdsDriver(standalone, { kind: 'pitr', network: NETWORK, enableDataApi: false });
    const restored = await restoreAndWait(pitr, 'ledger', 'run-r1', latestOf);
    const instance = await instanceNamed(restored.restored.name);
    expect(instance).toMatchObject({ PubliclyAccessible: false, DeletionProtection: false, DBInstanceClass: 'db.t4g.medium', DBSubnetGroup: { DBSubnetGroupName: 'drill-isolated' } });
    expect(tagsOf(instance.TagList)).toMatchObject({ [DRILL_RUN_TAG]: 'run-r1', [DRILL_PLAN_TAG]: 'ledger' });
    expect(restored.restored.arn).toBe(instance.DBInstanceArn);
    expect((await cleanUntilDone(pitr, restored, 'run-r1'))[0]).toMatchObject({ status: 'DELETED' });
    expect(await exists('instance', restored.restored.name)).toBe(false);

    await rds.send(new CreateDBSnapshotCommand({ DBSnapshotIdentifier: 'ledger-db-manual-1', DBInstanceIdentifier: 'ledger-db' }));
    await waitFor(async () => (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'ledger-db-manual-1' }))).DBSnapshots![0]!.Status === 'available');
    const fromSnapshot = rdsDriver(standalone, { kind: 'snapshot', snapshotType: 'manual', network: NETWORK, enableDataApi: false });
    const snapshotHandle = await restoreAndWait(fromSnapshot, 'ledger', 'run-s1', (points) => {
      if (points.kind !== 'discrete') throw new Error('expected snapshots');
      expect(points.points[0]!.id).toMatch(/:snapshot:ledger-db-manual-1$/);
      return { at: points.points[0]!.at, requestedAt: points.points[0]!.at, id: points.points[0]!.id };
    });
    expect(snapshotHandle).toMatchObject({ driver: 'rds-snapshot', recoveryPoint: { id: expect.stringContaining('ledger-db-manual-1') } });
    expect(await instanceNamed('irdr-drill-ledger-run-s1')).toMatchObject({ PubliclyAccessible: false, DBSubnetGroup: { DBSubnetGroupName: 'drill-isolated' } });
    await cleanUntilDone(fromSnapshot, snapshotHandle, 'run-s1');
    expect(await exists('instance', 'irdr-drill-ledger-run-s1')).toBe(false);
    expect(await exists('instance', 'ledger-db')).toBe(true);
  }, 60_000);

  it('restores an Aurora cluster from a manual cluster snapshot (RestoreDBClusterFromSnapshot + its instance) and deletes both', async () => {
    await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 'orders-manual-1', DBClusterIdentifier: 'orders' }));
    await waitFor(async () => (await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'orders-manual-1' }))).DBClusterSnapshots![0]!.Status === 'available');
    const driver = rdsDriver(aurora, { kind: 'snapshot', snapshotType: 'manual', network: NETWORK, enableDataApi: false });
    const handle = await restoreAndWait(driver, 'orders-aurora', 'run-cs1', (points) => {
      if (points.kind !== 'discrete') throw new Error('expected snapshots');
      expect(points.points[0]!.id).toMatch(/:cluster-snapshot:orders-manual-1$/);
      return { at: points.points[0]!.at, requestedAt: points.points[0]!.at, id: points.points[0]!.id };
    });
    const cluster = await clusterNamed('irdr-drill-orders-aurora-run-cs1');
    expect(cluster).toMatchObject({ DBSubnetGroup: 'drill-isolated', DeletionProtection: false, HttpEndpointEnabled: false });
    expect(tagsOf(cluster.TagList)).toMatchObject({ [DRILL_RUN_TAG]: 'run-cs1' });
    expect(await instanceNamed('irdr-drill-orders-aurora-run-cs1-1')).toMatchObject({ PubliclyAccessible: false, DBInstanceStatus: 'available' });
    await cleanUntilDone(driver, handle, 'run-cs1');
    expect(await exists('cluster', 'irdr-drill-orders-aurora-run-cs1')).toBe(false);
    expect(await exists('cluster', 'orders')).toBe(true);
  }, 60_000);

  it('refuses a restore with no drill network, no run to tag with, or a name without the drill prefix: nothing is made', async () => {
    const source = (await rdsDriver(standalone, { kind: 'pitr', network: NETWORK, enableDataApi: false }).preflight()).source;
    const point = { at: new Date(Date.now() - 500).toISOString(), requestedAt: new Date().toISOString() };
    await expect(rdsDriver(standalone, { kind: 'pitr', network: undefined, enableDataApi: false }).startRestore({ source, recoveryPoint: point, restoredName: 'irdr-drill-x-1', claim: { runId: '1', planId: 'x' } })).rejects.toThrow(/no drill network in config/);
    await expect(rdsDriver(standalone, { kind: 'pitr', network: NETWORK, enableDataApi: false }).startRestore({ source, recoveryPoint: point, restoredName: 'irdr-drill-x-1' })).rejects.toThrow(/names no run/);
    await expect(rdsDriver(standalone, { kind: 'pitr', network: NETWORK, enableDataApi: false }).startRestore({ source, recoveryPoint: point, restoredName: 'ledger-copy', claim: { runId: '1', planId: 'x' } })).rejects.toThrow(/drill prefix/);
    for (const id of ['irdr-drill-x-1', 'ledger-copy']) expect(await exists('instance', id)).toBe(false);
    await expect(rdsDriver({ ...standalone, engine: 'mysql' }, { kind: 'pitr', network: NETWORK, enableDataApi: false }).preflight()).rejects.toThrow(/runs postgres, not mysql/);
    await expect(rdsDriver({ ...aurora, identifier: 'nope' }, { kind: 'pitr', network: NETWORK, enableDataApi: false }).preflight()).rejects.toThrow(/source DB cluster nope does not exist/);
  }, 30_000);

  it('cleanup refuses the source, an untagged look-alike, and a drill cluster holding an instance of another run, deleting none of them', async () => {
    const driver = rdsDriver(standalone, { kind: 'pitr', network: NETWORK, enableDataApi: false });
    const { source } = await driver.preflight();
    const handleFor = (name: string, type: 'RDS' | 'Aurora' = 'RDS'): RestoreHandle => ({ driver: 'rds-pitr', source, restored: { type, name }, startedAt: new Date().toISOString(), phase: 'restoring', recoveryPoint: { at: '', requestedAt: '' } });
    expect(await driver.cleanUp(handleFor('ledger-db'), { runId: 'run-z', planId: 'x' })).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining("the drill's source") });
    // A drill-prefixed instance someone made by hand, untagged: not this run's.
    await rds.send(new RestoreDBInstanceToPointInTimeCommand({ TargetDBInstanceIdentifier: 'irdr-drill-by-hand', SourceDBInstanceIdentifier: 'ledger-db', UseLatestRestorableTime: true }));
    await bed.waitForInstance('irdr-drill-by-hand');
    expect(await driver.cleanUp(handleFor('irdr-drill-by-hand'), { runId: 'run-z', planId: 'x' })).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('has no irdr:drill-run tag') });
    expect(await exists('instance', 'irdr-drill-by-hand')).toBe(true);

    // A drill's cluster into which someone put an instance of another run: the cluster's cleanup deletes none of it.
    const clusterDriver = rdsDriver(aurora, { kind: 'pitr', network: NETWORK, enableDataApi: false });
    const handle = await restoreAndWait(clusterDriver, 'orders-aurora', 'run-c1', latestOf);
    const intruder = 'irdr-drill-orders-aurora-run-c1-2';
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: intruder, DBClusterIdentifier: handle.restored.name, Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', Tags: [{ Key: DRILL_RUN_TAG, Value: 'run-other' }] }));
    await bed.waitForInstance(intruder);
    expect(await clusterDriver.cleanUp(handle, { runId: 'run-c1', planId: 'orders-aurora' })).toMatchObject({
      status: 'REFUSED',
      reason: expect.stringContaining(`holds an instance cleanup may not delete: ${intruder} is tagged irdr:drill-run=run-other`),
      deletedExtras: [],
    });
    expect(await exists('instance', intruder)).toBe(true);
    expect(await exists('instance', `${handle.restored.name}-1`)).toBe(true);
    expect(await exists('cluster', handle.restored.name)).toBe(true);
    // Once the intruder is claimed for the run (a person decides), cleanup finishes.
    await rds.send(new AddTagsToResourceCommand({ ResourceName: (await instanceNamed(intruder)).DBInstanceArn!, Tags: [{ Key: DRILL_RUN_TAG, Value: 'run-c1' }] }));
    await cleanUntilDone(clusterDriver, handle, 'run-c1');
    expect(await exists('cluster', handle.restored.name)).toBe(false);
  }, 60_000);
});

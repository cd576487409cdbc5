import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterCommand,
  AddTagsToResourceCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { BeginTransactionCommand, CommitTransactionCommand, ExecuteStatementCommand, BatchExecuteStatementCommand, RDSDataClient, RollbackTransactionCommand } from '@aws-sdk/client-rds-data';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRdsForTests, waitFor, type RdsTestBed } from './support/local-rds-bed.js';

const run = promisify(execFile);

describe('the local RDS and Data API: real Postgres engines behind the AWS wire protocols', () => {
  let bed: RdsTestBed;
  let rds: RDSClient;
  let data: RDSDataClient;
  let clusterArn: string;
  const execute = (sql: string, extra: Record<string, unknown> = {}, resourceArn = clusterArn) =>
    data.send(new ExecuteStatementCommand({ resourceArn, secretArn: bed.secretArn, sql, ...extra }));

  beforeAll(async () => {
    bed = await startLocalRdsForTests();
    rds = bed.rdsClient();
    data = bed.dataClient();
    const created = await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'orders',
        Engine: 'aurora-postgresql',
        MasterUsername: bed.masterUsername,
        MasterUserPassword: bed.masterPassword,
        EnableHttpEndpoint: true,
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    expect(created.DBCluster?.Status).toBe('creating');
    clusterArn = created.DBCluster!.DBClusterArn!;
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-writer', DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    await bed.waitForInstance('orders-writer');
  });

  afterAll(async () => {
    rds?.destroy();
    data?.destroy();
    await bed?.stop();
  });

  it('describes clusters and instances as AWS does: creating, then available with an endpoint a Postgres client connects to', async () => {
    const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders' }))).DBClusters![0]!;
    expect(cluster).toMatchObject({ Status: 'available', Engine: 'aurora-postgresql', HttpEndpointEnabled: true, DBClusterMembers: [{ DBInstanceIdentifier: 'orders-writer', IsClusterWriter: true }] });
    expect(cluster.TagList).toEqual([{ Key: 'team', Value: 'payments' }]);
    const instance = (await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['orders'] }] }))).DBInstances!;
    expect(instance.map((one) => one.DBInstanceIdentifier)).toEqual(['orders-writer']);
    expect(instance[0]!.Endpoint?.Port).toBe(cluster.Port);
    const client = new pg.Client({ host: instance[0]!.Endpoint!.Address, port: instance[0]!.Endpoint!.Port, user: bed.masterUsername, password: bed.masterPassword, database: 'postgres' });
    await client.connect();
    try {
      expect((await client.query<{ version: string }>('SELECT version()')).rows[0]!.version).toMatch(/^PostgreSQL/);
    } finally {
      await client.end();
    }
  });

  it('answers the errors AWS documents, with their codes', async () => {
    await expect(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault', $metadata: { httpStatusCode: 404 } });
    await expect(rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', MasterUsername: 'x' }))).rejects.toMatchObject({ name: 'DBClusterAlreadyExistsFault' });
    await expect(rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'orders', SkipFinalSnapshot: true }))).rejects.toMatchObject({ name: 'InvalidDBClusterStateFault' });
    await expect(rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'my-sql', Engine: 'mysql', MasterUsername: 'x', DBInstanceClass: 'db.t4g.micro' }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/PostgreSQL only/),
    });
    await expect(rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'bad--name', Engine: 'postgres', MasterUsername: 'x', DBInstanceClass: 'db.t4g.micro' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('answers malformed requests with a 4xx that names the problem, never a 5xx, and changes nothing', async () => {
    const form = (body: string) => fetch(bed.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const json = (path: string, body: string) => fetch(`${bed.dataApiEndpoint}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const before = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((instance) => instance.DBInstanceIdentifier);
    const rdsRequests = [
      'Action=',
      'Action=constructor',
      'Action=DescribeDBInstances&DBInstanceIdentifier=%00',
      'Action=CreateDBInstance&DBInstanceIdentifier=x1&Engine=postgres&MasterUsername=a&AllocatedStorage=lots',
      'Action=CreateDBInstance&DBInstanceIdentifier=x2&Engine=postgres',
      'Action=CreateDBInstance&DBInstanceIdentifier=x3&Engine=aurora-postgresql&DBClusterIdentifier=nope',
      'Action=RestoreDBClusterToPointInTime&DBClusterIdentifier=x4&SourceDBClusterIdentifier=orders&RestoreToTime=yesterday',
      'Action=RestoreDBClusterToPointInTime&DBClusterIdentifier=x5&SourceDBClusterIdentifier=orders',
      'Action=RestoreDBInstanceToPointInTime&TargetDBInstanceIdentifier=x6&SourceDBInstanceIdentifier=orders-writer&UseLatestRestorableTime=true',
      'Action=AddTagsToResource&ResourceName=arn:aws:rds:us-east-1:000000000000:db:nope&Tags.Tag.1.Key=k',
      'Action=AddTagsToResource&ResourceName=not-an-arn',
      'Action=DeleteDBInstance&DBInstanceIdentifier=orders-writer&DeleteAutomatedBackups=maybe&SkipFinalSnapshot=true&DBInstanceIdentifier=',
      'Action=CreateDBCluster&DBClusterIdentifier=x7&Engine=aurora-postgresql&MasterUsername=a&Tags.Tag.1=oops&Tags.Tag.2.Key.Deeper=1',
    ];
    for (const body of rdsRequests) {
      const answer = await form(body);
      const text = await answer.text();
      expect({ body, clientError: answer.status >= 400 && answer.status < 500 }).toEqual({ body, clientError: true });
      expect(text).toMatch(/<Code>\w+<\/Code><Message>.+<\/Message>/);
    }
    const dataRequests: Array<[string, string]> = [
      ['/Execute', 'not json'],
      ['/Execute', '[]'],
      ['/Execute', '{}'],
      ['/Execute', JSON.stringify({ resourceArn: 7, secretArn: [], sql: 'SELECT 1' })],
      ['/Execute', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn })],
      ['/Execute', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn, sql: 'SELECT :a', parameters: [{ name: 'a' }] })],
      ['/Execute', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn, sql: 'SELECT :a', parameters: [{ name: 'a', value: { arrayValue: {} } }] })],
      ['/Execute', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn, sql: 'SELECT :a', parameters: 'a' })],
      ['/Execute', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn, sql: 'SELECT 1', transactionId: { __proto__: 1 } })],
      ['/BatchExecute', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn, sql: 'SELECT :a', parameterSets: [[{ name: 'a', value: null }]] })],
      ['/CommitTransaction', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn })],
      ['/RollbackTransaction', JSON.stringify({ resourceArn: clusterArn, secretArn: bed.secretArn, transactionId: 'forged' })],
      ['/constructor', '{}'],
    ];
    for (const [path, body] of dataRequests) {
      const answer = await json(path, body);
      const parsed = (await answer.json()) as { message?: string };
      expect({ path, body, status: answer.status >= 400 && answer.status < 500 }).toEqual({ path, body, status: true });
      expect(parsed.message).toBeTruthy();
    }
    expect((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((instance) => instance.DBInstanceIdentifier)).toEqual(before);
    expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters!.map((cluster) => cluster.DBClusterIdentifier)).toEqual(['orders']);
  });

  it('runs statements through the Data API: parameters, JSON records, batches, and transactions that commit or roll back', async () => {
    await execute('CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2), placed_at timestamptz DEFAULT now())');
    const inserted = await execute('INSERT INTO orders (id, customer, amount) VALUES (:id, :customer, :amount::numeric)', {
      parameters: [
        { name: 'id', value: { longValue: 1 } },
        { name: 'customer', value: { stringValue: "O'Brien; DROP TABLE orders" } },
        { name: 'amount', value: { stringValue: '12.50' } },
      ],
    });
    expect(inserted.numberOfRecordsUpdated).toBe(1);
    await data.send(
      new BatchExecuteStatementCommand({
        resourceArn: clusterArn,
        secretArn: bed.secretArn,
        sql: 'INSERT INTO orders (id, customer, amount) VALUES (:id, :customer, 5)',
        parameterSets: [2, 3].map((id) => [{ name: 'id', value: { longValue: id } }, { name: 'customer', value: { stringValue: `c${id}` } }]),
      }),
    );
    const records = await execute('SELECT id, customer, amount FROM orders WHERE id = :id', { parameters: [{ name: 'id', value: { longValue: 1 } }], includeResultMetadata: true });
    expect(records.records).toEqual([[{ longValue: 1 }, { stringValue: "O'Brien; DROP TABLE orders" }, { stringValue: '12.50' }]]);
    expect(records.columnMetadata?.map((column) => column.name)).toEqual(['id', 'customer', 'amount']);
    const json = await execute('SELECT id, amount FROM orders ORDER BY id', { formatRecordsAs: 'JSON' });
    expect(JSON.parse(json.formattedRecords!)).toEqual([{ id: 1, amount: '12.50' }, { id: 2, amount: '5.00' }, { id: 3, amount: '5.00' }]);

    const rolledBack = await data.send(new BeginTransactionCommand({ resourceArn: clusterArn, secretArn: bed.secretArn }));
    await execute('DELETE FROM orders', { transactionId: rolledBack.transactionId });
    await data.send(new RollbackTransactionCommand({ resourceArn: clusterArn, secretArn: bed.secretArn, transactionId: rolledBack.transactionId! }));
    const committed = await data.send(new BeginTransactionCommand({ resourceArn: clusterArn, secretArn: bed.secretArn }));
    await execute("INSERT INTO orders (id, customer, amount) VALUES (4, 'c4', 1)", { transactionId: committed.transactionId });
    await data.send(new CommitTransactionCommand({ resourceArn: clusterArn, secretArn: bed.secretArn, transactionId: committed.transactionId! }));
    expect((await execute('SELECT count(*) FROM orders')).records).toEqual([[{ longValue: 4 }]]);
    await expect(data.send(new CommitTransactionCommand({ resourceArn: clusterArn, secretArn: bed.secretArn, transactionId: committed.transactionId! }))).rejects.toMatchObject({ name: 'TransactionNotFoundException' });
  });

  it('refuses a secret that is not the cluster’s, an unknown cluster, and reports SQL errors as the engine words them', async () => {
    await expect(data.send(new ExecuteStatementCommand({ resourceArn: clusterArn, secretArn: bed.otherSecretArn, sql: 'SELECT 1' }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringMatching(/password authentication failed/),
    });
    await expect(data.send(new ExecuteStatementCommand({ resourceArn: clusterArn, secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:nope', sql: 'SELECT 1' }))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(execute('SELECT 1', {}, clusterArn.replace('orders', 'other'))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(execute('SELECT * FROM missing_table')).rejects.toMatchObject({ name: 'DatabaseErrorException', message: expect.stringMatching(/relation "missing_table" does not exist/) });
  });

  it('restores a cluster to a point in time: a row deleted after the point is back in the copy, and not in the source', async () => {
    // The point follows a look at the WAL that saw every write so far (PITR's granularity is that look's interval).
    await bed.waitForRestorable('orders', Date.now());
    const point = new Date();
    await bed.waitForRestorable('orders', point.getTime());
    await execute('DELETE FROM orders WHERE id = 2');
    const deletedBy = Date.now();
    await bed.waitForRestorable('orders', Date.now());
    const restored = await rds.send(new RestoreDBClusterToPointInTimeCommand({ DBClusterIdentifier: 'orders-drill', SourceDBClusterIdentifier: 'orders', RestoreToTime: point, Tags: [{ Key: 'irdr:drill-run', Value: 'r1' }] }));
    expect(restored.DBCluster).toMatchObject({ Status: 'creating', HttpEndpointEnabled: false });
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-drill-1', DBClusterIdentifier: 'orders-drill', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    await bed.waitForInstance('orders-drill-1');
    await run('aws', ['rds', 'modify-db-cluster', '--db-cluster-identifier', 'orders-drill', '--enable-http-endpoint', '--endpoint-url', bed.endpoint], { env: bed.cliEnvironment() });
    const drillArn = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-drill' }))).DBClusters![0]!.DBClusterArn!;
    expect((await execute('SELECT id FROM orders ORDER BY id', {}, drillArn)).records).toEqual([[{ longValue: 1 }], [{ longValue: 2 }], [{ longValue: 3 }], [{ longValue: 4 }]]);
    expect((await execute('SELECT id FROM orders ORDER BY id')).records).toEqual([[{ longValue: 1 }], [{ longValue: 3 }], [{ longValue: 4 }]]);
    // A point after the delete ended but before the look that saw it (a whole second rounded down, say) has it too.
    await rds.send(new RestoreDBClusterToPointInTimeCommand({ DBClusterIdentifier: 'orders-after', SourceDBClusterIdentifier: 'orders', RestoreToTime: new Date(deletedBy + 1) }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-after-1', DBClusterIdentifier: 'orders-after', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    await bed.waitForInstance('orders-after-1');
    await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'orders-after', EnableHttpEndpoint: true }));
    const afterArn = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-after' }))).DBClusters![0]!.DBClusterArn!;
    expect((await execute('SELECT id FROM orders ORDER BY id', {}, afterArn)).records).toEqual([[{ longValue: 1 }], [{ longValue: 3 }], [{ longValue: 4 }]]);
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'orders-after-1' }));
    await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'orders-after', SkipFinalSnapshot: true }));
    // A point before the cluster had any backup, or after the latest restorable time, is refused as AWS refuses it.
    await expect(rds.send(new RestoreDBClusterToPointInTimeCommand({ DBClusterIdentifier: 'too-early', SourceDBClusterIdentifier: 'orders', RestoreToTime: new Date(Date.now() - 86_400_000) }))).rejects.toMatchObject({ name: 'InvalidRestoreFault' });
    expect((await rds.send(new ListTagsForResourceCommand({ ResourceName: drillArn }))).TagList).toEqual([{ Key: 'irdr:drill-run', Value: 'r1' }]);

    // Cleanup in AWS's order: the instance first, then the cluster; both go.
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'orders-drill-1' }));
    await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'orders-drill', SkipFinalSnapshot: true }));
    await waitFor(async () => (await rds.send(new DescribeDBClustersCommand({}))).DBClusters!.every((cluster) => cluster.DBClusterIdentifier !== 'orders-drill'));

    // Each step was on the event bus as RDS puts it there, so a drill can wait by event: created, then deleted.
    const drillEvents = bed.events.filter((event) => event.detail['SourceIdentifier'] === 'orders-drill' || event.detail['SourceIdentifier'] === 'orders-drill-1');
    expect(drillEvents.map((event) => [event['detail-type'], event.detail['SourceIdentifier'], event.detail['EventID']])).toEqual([
      ['RDS DB Cluster Event', 'orders-drill', 'RDS-EVENT-0170'],
      ['RDS DB Instance Event', 'orders-drill-1', 'RDS-EVENT-0005'],
      ['RDS DB Instance Event', 'orders-drill-1', 'RDS-EVENT-0003'],
      ['RDS DB Cluster Event', 'orders-drill', 'RDS-EVENT-0171'],
    ]);
    expect(drillEvents[0]).toMatchObject({ source: 'aws.rds', resources: [drillArn], detail: { SourceType: 'CLUSTER', SourceArn: drillArn, EventCategories: ['creation'], Tags: { 'irdr:drill-run': 'r1' } } });
  });

  it('snapshots and restores a standalone RDS instance, to a snapshot and to a point in time; the AWS CLI sees them', async () => {
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'ledger', Engine: 'postgres', MasterUsername: bed.masterUsername, MasterUserPassword: bed.masterPassword, DBInstanceClass: 'db.t4g.micro' }));
    const ledger = await bed.waitForInstance('ledger');
    const client = new pg.Client({ host: ledger.Endpoint!.Address, port: ledger.Endpoint!.Port, user: bed.masterUsername, password: bed.masterPassword, database: 'postgres' });
    await client.connect();
    await client.query('CREATE TABLE entries (id int PRIMARY KEY, amount numeric)');
    await client.query('INSERT INTO entries SELECT g, g * 10 FROM generate_series(1, 5) AS g');
    await rds.send(new CreateDBSnapshotCommand({ DBSnapshotIdentifier: 'ledger-closed', DBInstanceIdentifier: 'ledger' }));
    await waitFor(async () => (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'ledger-closed' }))).DBSnapshots![0]!.Status === 'available');
    await client.query('UPDATE entries SET amount = 0 WHERE id = 1');
    // A write is restorable from the engine's first look at its WAL after it (docs/local-rds.md: PITR granularity).
    await bed.waitForRestorable('ledger', Date.now(), 'instance');
    await client.end();

    await rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'ledger-from-snapshot', DBSnapshotIdentifier: 'ledger-closed' }));
    await rds.send(new RestoreDBInstanceToPointInTimeCommand({ TargetDBInstanceIdentifier: 'ledger-pitr', SourceDBInstanceIdentifier: 'ledger', UseLatestRestorableTime: true }));
    const amountOf = async (instance: DBInstance): Promise<string> => {
      const reader = new pg.Client({ host: instance.Endpoint!.Address, port: instance.Endpoint!.Port, user: bed.masterUsername, password: bed.masterPassword, database: 'postgres' });
      await reader.connect();
      try {
        return (await reader.query<{ amount: string }>('SELECT amount::text FROM entries WHERE id = 1')).rows[0]!.amount;
      } finally {
        await reader.end();
      }
    };
    expect(await amountOf(await bed.waitForInstance('ledger-from-snapshot'))).toBe('10');
    expect(await amountOf(await bed.waitForInstance('ledger-pitr'))).toBe('0');
    expect(bed.events.filter((event) => event.detail['EventCategories'] !== undefined && (event.detail['EventCategories'] as string[])[0] === 'restoration').map((event) => [event.detail['SourceIdentifier'], event.detail['EventID']])).toEqual(
      expect.arrayContaining([['ledger-from-snapshot', 'RDS-EVENT-0043'], ['ledger-pitr', 'RDS-EVENT-0019']]),
    );
    expect(bed.events.find((event) => event['detail-type'] === 'RDS DB Snapshot Event')?.detail).toMatchObject({ SourceIdentifier: 'ledger-closed', EventID: 'RDS-EVENT-0042' });

    const { stdout } = await run('aws', ['rds', 'describe-db-instances', '--endpoint-url', bed.endpoint, '--output', 'json'], { env: bed.cliEnvironment() });
    const seen = (JSON.parse(stdout) as { DBInstances: DBInstance[] }).DBInstances.map((instance) => instance.DBInstanceIdentifier);
    expect(seen).toEqual(expect.arrayContaining(['ledger', 'ledger-from-snapshot', 'ledger-pitr', 'orders-writer']));
    const snapshots = JSON.parse((await run('aws', ['rds', 'describe-db-snapshots', '--endpoint-url', bed.endpoint, '--output', 'json'], { env: bed.cliEnvironment() })).stdout) as { DBSnapshots: { DBSnapshotIdentifier: string }[] };
    expect(snapshots.DBSnapshots.map((snapshot) => snapshot.DBSnapshotIdentifier)).toEqual(['ledger-closed']);

    await rds.send(new AddTagsToResourceCommand({ ResourceName: ledger.DBInstanceArn!, Tags: [{ Key: 'k', Value: 'v' }] }));
    expect((await rds.send(new ListTagsForResourceCommand({ ResourceName: ledger.DBInstanceArn! }))).TagList).toEqual([{ Key: 'k', Value: 'v' }]);
    await expect(rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'ledger-pitr' }))).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    const deleting = await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'ledger-pitr', SkipFinalSnapshot: true }));
    expect(deleting.DBInstance?.DBInstanceStatus).toBe('deleting');
    await expect(rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'ledger-pitr', SkipFinalSnapshot: true }))).rejects.toMatchObject({ name: /InvalidDBInstanceState|DBInstanceNotFound/ });
  });

  it('fails restores and refuses deletes on demand (the drills\' reliability faults), and a failed restore can still be deleted', async () => {
    bed.faults.failRestores(true);
    try {
      await rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'ledger-doomed', DBSnapshotIdentifier: 'ledger-closed' }));
      await waitFor(async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-doomed' }))).DBInstances![0]!.DBInstanceStatus === 'incompatible-restore');
    } finally {
      bed.faults.failRestores(false);
    }
    // Said on the bus as RDS says it (a drill waiting on the restore wakes): the failure event, never a restored one.
    const doomed = bed.events.filter((event) => event.detail['SourceIdentifier'] === 'ledger-doomed');
    expect(doomed.map((event) => [event['detail-type'], event.detail['EventID'], event.detail['EventCategories']])).toEqual([['RDS DB Instance Event', 'RDS-EVENT-0031', ['failure']]]);
    expect(doomed[0]!.detail['Message']).toMatch(/^The DB instance has failed due to an incompatible configuration or an underlying storage issue\./);
    bed.faults.refuseDeletes(true);
    try {
      await expect(rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'ledger-doomed', SkipFinalSnapshot: true }))).rejects.toMatchObject({ name: 'InvalidDBInstanceStateFault' });
    } finally {
      bed.faults.refuseDeletes(false);
    }
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'ledger-doomed', SkipFinalSnapshot: true }));
    await waitFor(async () => (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.every((instance) => instance.DBInstanceIdentifier !== 'ledger-doomed'));
    await expect(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-doomed' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });
  });
});

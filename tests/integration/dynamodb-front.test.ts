import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { crc32 } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  type ListBackupsCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbFront, type DynamoDbFrontOptions, type RunningDynamoDbFront } from '../../local/dynamodb/front.js';
import { startDynamoDb, type RunningDynamoDb } from '../../local/dynamodb/servers.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const MINUTE = 60_000;

/** The front's clock: real time plus a skew the tests move forward, so "6 minutes later" takes no time. */
let skewMs = 0;
const clock = (): Date => new Date(Date.now() + skewMs);
const advance = (ms: number): void => {
  skewMs += ms;
};

let backend: RunningDynamoDb;
let front: RunningDynamoDbFront;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tableCount = 0;

/** A front as the stack starts it (dynalite's handler called in-process); given another endpoint, over HTTP to it. */
async function startFront(options: Partial<DynamoDbFrontOptions> = {}): Promise<RunningDynamoDbFront> {
  return startDynamoDbFront({
    backendEndpoint: backend.endpoint,
    ...(options.backendEndpoint === undefined && { backendHandler: backend.handler }),
    region: REGION,
    accountId: ACCOUNT,
    restoreDuration: { baseMs: 150, perItemMs: 5 },
    backupDuration: { baseMs: 100, perItemMs: 0 },
    now: clock,
    log: () => undefined,
    ...options,
  });
}

function clientOf(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

beforeAll(async () => {
  backend = await startDynamoDb({ backend: 'embedded', host: '127.0.0.1', port: 0 });
  front = await startFront();
  client = clientOf(front.endpoint);
  documents = DynamoDBDocumentClient.from(client);
});

afterAll(async () => {
  client?.destroy();
  await front?.stop();
  await backend?.stop();
});

/** A fresh table keyed PK/SK with a GSI on GSI1PK/GSI1SK. */
async function createTable(prefix: string): Promise<string> {
  const name = `${prefix}-${++tableCount}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK'].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitForStatus(name, 'ACTIVE');
  return name;
}

async function tableDescription(name: string, through = client): Promise<TableDescription> {
  const { Table } = await through.send(new DescribeTableCommand({ TableName: name }));
  return Table!;
}

async function waitForStatus(name: string, status: string, seen: string[] = [], through = client): Promise<TableDescription> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const table = await tableDescription(name, through);
    if (seen.at(-1) !== table.TableStatus) seen.push(table.TableStatus!);
    if (table.TableStatus === status) return table;
    if (Date.now() > deadline) throw new Error(`${name} stayed ${table.TableStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function waitForBackup(backupArn: string, through = client): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await through.send(new DescribeBackupCommand({ BackupArn: backupArn }))).BackupDescription?.BackupDetails?.BackupStatus !== 'AVAILABLE') {
    if (Date.now() > deadline) throw new Error(`backup ${backupArn} never became AVAILABLE`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every item of a table, as plain objects, in key order. */
async function itemsOf(name: string, through = documents): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await through.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => `${a['PK']}|${a['SK']}`.localeCompare(`${b['PK']}|${b['SK']}`));
}

const item = (pk: string, sk: string, extra: Record<string, unknown> = {}) => ({ PK: pk, SK: sk, GSI1PK: `K#${pk}`, GSI1SK: sk, ...extra });

async function enablePitr(name: string): Promise<void> {
  await client.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('DynamoDB front: forwarding to the backend', () => {
  it('passes item CRUD, conditions, batches, Query and GSI queries through unchanged', async () => {
    const table = await createTable('forward');
    await documents.send(new PutCommand({ TableName: table, Item: item('a', '1', { n: 1 }) }));
    await documents.send(new PutCommand({ TableName: table, Item: item('a', '2', { n: 2 }) }));
    await documents.send(new UpdateCommand({ TableName: table, Key: { PK: 'a', SK: '1' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } }));
    expect((await documents.send(new GetCommand({ TableName: table, Key: { PK: 'a', SK: '1' } }))).Item).toMatchObject({ n: 2 });

    const conditional = await errorOf(
      documents.send(new PutCommand({ TableName: table, Item: item('a', '1'), ConditionExpression: 'attribute_not_exists(SK)' })),
    );
    expect(conditional).toMatchObject({ name: 'ConditionalCheckFailedException', status: 400 });

    await documents.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: item('b', '1') } }, { DeleteRequest: { Key: { PK: 'a', SK: '2' } } }] } }));
    const batch = await documents.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [{ PK: 'a', SK: '1' }, { PK: 'b', SK: '1' }] } } }));
    expect(batch.Responses?.[table]).toHaveLength(2);

    const query = await documents.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'a' } }));
    expect(query.Items?.map((found) => found['SK'])).toEqual(['1']);
    const byIndex = await documents.send(
      new QueryCommand({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': 'K#b' } }),
    );
    expect(byIndex.Items).toEqual([item('b', '1')]);
    await documents.send(new DeleteCommand({ TableName: table, Key: { PK: 'b', SK: '1' } }));
    expect(await itemsOf(table)).toEqual([item('a', '1', { n: 2 })]);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toContain(table);
  });

  it('counts the item writes the backend applied: puts, updates, deletes and batches, with or without PITR (transactions and PartiQL: over DynamoDB Local); not reads, nor writes refused', async () => {
    const plain = await createTable('counted');
    const journaled = await createTable('counted-pitr');
    await enablePitr(journaled);
    const applied = front.itemWritesApplied();
    const counted = () => front.itemWritesApplied() - applied;
    // What a waiter on the table wakes on: the next applied write, not a read before it.
    let woken = false;
    const nextWrite = front.nextItemWrite().then(() => (woken = true));
    await documents.send(new GetCommand({ TableName: plain, Key: { PK: 'a', SK: '1' } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woken).toBe(false);
    await documents.send(new PutCommand({ TableName: plain, Item: item('a', '1') }));
    await nextWrite;
    expect(counted()).toBe(1);
    await documents.send(new PutCommand({ TableName: journaled, Item: item('a', '1') }));
    // Rewriting an item as it was is a write all the same.
    await documents.send(new PutCommand({ TableName: journaled, Item: item('a', '1') }));
    await documents.send(new UpdateCommand({ TableName: plain, Key: { PK: 'a', SK: '1' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [plain]: [{ PutRequest: { Item: item('b', '1') } }], [journaled]: [{ DeleteRequest: { Key: { PK: 'a', SK: '1' } } }] } }));
    await documents.send(new DeleteCommand({ TableName: plain, Key: { PK: 'b', SK: '1' } }));
    expect(counted()).toBe(6);
    // Reads, and writes DynamoDB refused, are not.
    await documents.send(new GetCommand({ TableName: plain, Key: { PK: 'a', SK: '1' } }));
    await itemsOf(plain);
    await errorOf(documents.send(new PutCommand({ TableName: plain, Item: item('a', '1'), ConditionExpression: 'attribute_not_exists(SK)' })));
    await errorOf(documents.send(new PutCommand({ TableName: journaled, Item: item('z', '1'), ConditionExpression: 'attribute_exists(SK)' })));
    expect(counted()).toBe(6);
  });

  it('passes the backend\'s own errors through (unknown table, unknown operation)', async () => {
    expect(await errorOf(documents.send(new GetCommand({ TableName: 'no-such-table', Key: { PK: 'x', SK: 'y' } })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const response = await fetch(front.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.NoSuchOperation' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: expect.stringContaining('UnknownOperationException') });
  });
});

describe('DynamoDB front: dynalite in this process', () => {
  it('hands every kind of request to dynalite\'s handler with no HTTP hop (its endpoint is dead here), the wire to clients as before', async () => {
    // Port 9 (discard) has no listener: anything still sent over HTTP would come back a 500 from the front.
    const inProcess = await startFront({ backendHandler: backend.handler, backendEndpoint: 'http://127.0.0.1:9' });
    const direct = clientOf(inProcess.endpoint);
    const directDocuments = DynamoDBDocumentClient.from(direct);
    try {
      const table = await createTable('in-process');
      await enablePitr(table);
      // A journaled write (exchanged), a streamed read (the client's own request handed over), a DescribeTable (inspected).
      await directDocuments.send(new PutCommand({ TableName: table, Item: item('a', '1', { text: 'é ✓ \u0000' }) }));
      const query = await directDocuments.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'a' } }));
      expect(query.Items).toEqual([item('a', '1', { text: 'é ✓ \u0000' })]);
      expect((await tableDescription(table, direct)).ItemCount).toBe(1);
      // The front's own calls (a backup scans the table through call()).
      const backupArn = (await direct.send(new CreateBackupCommand({ TableName: table, BackupName: 'in-process' }))).BackupDetails!.BackupArn!;
      await waitForBackup(backupArn, direct);
      expect(inProcess.itemWritesApplied()).toBe(1);

      // On the wire: dynalite's headers, a CRC32 of the very bytes sent, its errors for a malformed body and an empty one.
      const raw = (target: string, body: string) =>
        fetch(inProcess.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}`, authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0', 'x-amz-date': '20260101T000000Z' },
          body,
        });
      const read = await raw('GetItem', JSON.stringify({ TableName: table, Key: { PK: { S: 'a' }, SK: { S: '1' } } }));
      const bytes = Buffer.from(await read.arrayBuffer());
      expect(read.status).toBe(200);
      expect(read.headers.get('x-amz-crc32')).toBe(String(crc32(bytes)));
      expect(read.headers.get('x-amzn-requestid')).toMatch(/^[A-Z0-9]{52}$/);
      expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ Item: { text: { S: 'é ✓ \u0000' } } });
      const malformed = await raw('PutItem', `{"TableName": "${table}", "Item": `);
      expect([malformed.status, await malformed.json()]).toEqual([400, { __type: 'com.amazon.coral.service#SerializationException' }]);
      const empty = await raw('Query', '');
      expect([empty.status, await empty.json()]).toEqual([400, { __type: 'com.amazon.coral.service#SerializationException' }]);
      const refused = await raw('Query', JSON.stringify({ TableName: table, KeyConditionExpression: 'PK = :pk' }));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ __type: 'com.amazon.coral.validate#ValidationException', message: expect.stringContaining(':pk') });
    } finally {
      direct.destroy();
      await inProcess.stop();
    }
  });
});

describe('DynamoDB front: on-demand backups', () => {
  it('restores a backup to exactly the contents the table had when it was taken, with its indexes and without its tags', async () => {
    const table = await createTable('orders');
    for (let index = 0; index < 30; index += 1) await documents.send(new PutCommand({ TableName: table, Item: item(`o${index % 3}`, `s${index}`, { index }) }));
    const tableArn = (await tableDescription(table)).TableArn!;
    await client.send(new TagResourceCommand({ ResourceArn: tableArn, Tags: [{ Key: 'team', Value: 'sec' }] }));
    const atBackup = await itemsOf(table);

    const { BackupDetails: created } = await client.send(new CreateBackupCommand({ TableName: table, BackupName: 'before-change' }));
    expect(created).toMatchObject({ BackupName: 'before-change', BackupStatus: 'CREATING', BackupType: 'USER' });
    expect(created!.BackupArn).toMatch(new RegExp(`^arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/backup/\\d{13}-[0-9a-f]{8}$`));
    expect(await errorOf(client.send(new RestoreTableFromBackupCommand({ BackupArn: created!.BackupArn, TargetTableName: `${table}-early` })))).toMatchObject({
      name: 'BackupInUseException',
    });
    await waitForBackup(created!.BackupArn!);
    const { BackupDescription: described } = await client.send(new DescribeBackupCommand({ BackupArn: created!.BackupArn }));
    expect(described?.SourceTableDetails).toMatchObject({ TableName: table, TableArn: tableArn, ItemCount: 30, BillingMode: 'PAY_PER_REQUEST' });
    expect(described?.SourceTableDetails?.TableSizeBytes).toBeGreaterThan(0);
    expect(described?.SourceTableFeatureDetails?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['GSI1']);

    await documents.send(new DeleteCommand({ TableName: table, Key: { PK: 'o0', SK: 's0' } }));
    await documents.send(new UpdateCommand({ TableName: table, Key: { PK: 'o1', SK: 's1' }, UpdateExpression: 'SET changed = :yes', ExpressionAttributeValues: { ':yes': true } }));
    await documents.send(new PutCommand({ TableName: table, Item: item('new', 'later') }));

    const target = `${table}-restored`;
    const { TableDescription: restoring } = await client.send(new RestoreTableFromBackupCommand({ BackupArn: created!.BackupArn, TargetTableName: target }));
    expect(restoring).toMatchObject({ TableName: target, TableStatus: 'CREATING', RestoreSummary: { SourceBackupArn: created!.BackupArn, SourceTableArn: tableArn, RestoreInProgress: true } });
    const active = await waitForStatus(target, 'ACTIVE');
    expect(active.RestoreSummary).toMatchObject({ SourceBackupArn: created!.BackupArn, RestoreInProgress: false });
    expect(await itemsOf(target)).toEqual(atBackup);
    const byIndex = await documents.send(
      new QueryCommand({ TableName: target, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': 'K#o1' } }),
    );
    expect(byIndex.Items).toHaveLength(10);
    expect((await client.send(new ListTagsOfResourceCommand({ ResourceArn: active.TableArn }))).Tags ?? []).toEqual([]);
    expect(await errorOf(client.send(new RestoreTableFromBackupCommand({ BackupArn: created!.BackupArn, TargetTableName: target })))).toMatchObject({
      name: 'TableAlreadyExistsException',
      status: 400,
    });
  });

  it('lists backups by table, type and time range, page by page, and deletes them', async () => {
    const table = await createTable('listed');
    const other = await createTable('listed-other');
    await documents.send(new PutCommand({ TableName: table, Item: item('a', 'b') }));
    const first = (await client.send(new CreateBackupCommand({ TableName: table, BackupName: 'first' }))).BackupDetails!;
    advance(MINUTE);
    const second = (await client.send(new CreateBackupCommand({ TableName: table, BackupName: 'second' }))).BackupDetails!;
    advance(MINUTE);
    const third = (await client.send(new CreateBackupCommand({ TableName: table, BackupName: 'third' }))).BackupDetails!;
    await client.send(new CreateBackupCommand({ TableName: other, BackupName: 'elsewhere' }));

    const names = async (input: ListBackupsCommandInput) =>
      ((await client.send(new ListBackupsCommand(input))).BackupSummaries ?? []).map((summary) => summary.BackupName);
    expect(await names({ TableName: table })).toEqual(['first', 'second', 'third']);
    // Lower bound inclusive, upper bound exclusive.
    expect(await names({ TableName: table, TimeRangeLowerBound: second.BackupCreationDateTime, TimeRangeUpperBound: third.BackupCreationDateTime })).toEqual(['second']);
    expect(await names({ TableName: table, BackupType: 'SYSTEM' })).toEqual([]);

    const page = await client.send(new ListBackupsCommand({ TableName: table, Limit: 2 }));
    expect(page.BackupSummaries?.map((summary) => summary.BackupName)).toEqual(['first', 'second']);
    expect(page.BackupSummaries?.[0]).toMatchObject({ TableName: table, BackupArn: first.BackupArn, BackupType: 'USER', BackupSizeBytes: expect.any(Number) });
    expect(page.LastEvaluatedBackupArn).toBe(second.BackupArn);
    const next = await client.send(new ListBackupsCommand({ TableName: table, Limit: 2, ExclusiveStartBackupArn: page.LastEvaluatedBackupArn }));
    expect(next.BackupSummaries?.map((summary) => summary.BackupName)).toEqual(['third']);
    expect(next.LastEvaluatedBackupArn).toBeUndefined();

    await waitForBackup(first.BackupArn!);
    const deleted = await client.send(new DeleteBackupCommand({ BackupArn: first.BackupArn }));
    expect(deleted.BackupDescription?.BackupDetails?.BackupStatus).toBe('DELETED');
    expect(await errorOf(client.send(new DescribeBackupCommand({ BackupArn: first.BackupArn })))).toMatchObject({ name: 'BackupNotFoundException', status: 400 });
    expect(await names({ TableName: table })).toEqual(['second', 'third']);
    expect(await errorOf(client.send(new CreateBackupCommand({ TableName: 'no-such-table', BackupName: 'x-backup' })))).toMatchObject({ name: 'TableNotFoundException' });
  });
});

describe('DynamoDB front: point-in-time recovery', () => {
  it('restores to T exactly the items of T: later writes absent, earlier deletes absent, later updates at their earlier image', async () => {
    const table = await createTable('pitr');
    await documents.send(new PutCommand({ TableName: table, Item: item('a', '1', { v: 1 }) }));
    await documents.send(new PutCommand({ TableName: table, Item: item('b', '1', { v: 1 }) }));
    await documents.send(new PutCommand({ TableName: table, Item: item('c', '1', { v: 1 }) }));
    await enablePitr(table);
    const enabled = (await client.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription!;
    expect(enabled.ContinuousBackupsStatus).toBe('ENABLED');
    expect(enabled.PointInTimeRecoveryDescription).toMatchObject({ PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 35 });
    const earliest = enabled.PointInTimeRecoveryDescription!.EarliestRestorableDateTime!;

    advance(MINUTE); // before T
    await documents.send(new UpdateCommand({ TableName: table, Key: { PK: 'a', SK: '1' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 2 } }));
    await documents.send(new DeleteCommand({ TableName: table, Key: { PK: 'c', SK: '1' } }));
    await documents.send(new PutCommand({ TableName: table, Item: item('d', '1', { v: 1 }) }));
    advance(MINUTE);
    const restorePoint = clock();
    advance(MINUTE); // after T
    await documents.send(new UpdateCommand({ TableName: table, Key: { PK: 'a', SK: '1' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 3 } }));
    await documents.send(new DeleteCommand({ TableName: table, Key: { PK: 'b', SK: '1' } }));
    await documents.send(new PutCommand({ TableName: table, Item: item('e', '1', { v: 1 }) }));
    await documents.send(new PutCommand({ TableName: table, Item: item('d', '1', { v: 2 }) }));
    const now = await itemsOf(table);

    // T is not restorable yet: it is less than 5 minutes old.
    const tooRecent = await errorOf(client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: `${table}-early`, RestoreDateTime: restorePoint })));
    expect(tooRecent).toMatchObject({ name: 'InvalidRestoreTimeException', status: 400 });
    advance(6 * MINUTE);
    const tooOld = await errorOf(
      client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: `${table}-old`, RestoreDateTime: new Date(earliest.getTime() - 1000) })),
    );
    expect(tooOld.name).toBe('InvalidRestoreTimeException');
    const window = (await client.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription!.PointInTimeRecoveryDescription!;
    expect(window.EarliestRestorableDateTime).toEqual(earliest);
    expect(Math.abs(window.LatestRestorableDateTime!.getTime() - (clock().getTime() - 5 * MINUTE))).toBeLessThan(2_000);

    const atT = `${table}-at-t`;
    const { TableDescription: restoring } = await client.send(
      new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: atT, RestoreDateTime: restorePoint }),
    );
    expect(restoring).toMatchObject({ TableStatus: 'CREATING', RestoreSummary: { SourceTableArn: (await tableDescription(table)).TableArn, RestoreInProgress: true } });
    expect(restoring!.RestoreSummary!.RestoreDateTime!.getTime()).toBe(restorePoint.getTime());
    // While CREATING, the table answers no data call (as in AWS) and cannot be deleted.
    expect(await errorOf(documents.send(new GetCommand({ TableName: atT, Key: { PK: 'a', SK: '1' } })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await errorOf(client.send(new DeleteTableCommand({ TableName: atT })))).toMatchObject({ name: 'ResourceInUseException' });
    const statuses: string[] = [];
    const active = await waitForStatus(atT, 'ACTIVE', statuses);
    expect(statuses).toEqual(['CREATING', 'ACTIVE']);
    expect(active.RestoreSummary?.RestoreInProgress).toBe(false);

    expect(await itemsOf(atT)).toEqual([item('a', '1', { v: 2 }), item('b', '1', { v: 1 }), item('d', '1', { v: 1 })]);
    // A restored table does not carry PITR over.
    expect((await client.send(new DescribeContinuousBackupsCommand({ TableName: atT }))).ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('DISABLED');

    const latest = `${table}-latest`;
    await client.send(new RestoreTableToPointInTimeCommand({ SourceTableArn: (await tableDescription(table)).TableArn, TargetTableName: latest, UseLatestRestorableTime: true }));
    await waitForStatus(latest, 'ACTIVE');
    expect(await itemsOf(latest)).toEqual(now);
  });

  it('answers with the errors AWS gives', async () => {
    const table = await createTable('pitr-errors');
    expect(await errorOf(client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: `${table}-x`, UseLatestRestorableTime: true })))).toMatchObject({
      name: 'PointInTimeRecoveryUnavailableException',
      status: 400,
    });
    expect(await errorOf(client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'no-such-table', TargetTableName: `${table}-x`, UseLatestRestorableTime: true })))).toMatchObject({
      name: 'TableNotFoundException',
    });
    expect(await errorOf(client.send(new DescribeContinuousBackupsCommand({ TableName: 'no-such-table' })))).toMatchObject({ name: 'TableNotFoundException' });
    await enablePitr(table);
    expect(
      await errorOf(client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: `${table}-x`, UseLatestRestorableTime: true, RestoreDateTime: new Date() }))),
    ).toMatchObject({ name: 'ValidationException' });
    expect(await errorOf(client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: table, UseLatestRestorableTime: true })))).toMatchObject({
      name: 'TableAlreadyExistsException',
    });
    expect(
      await errorOf(client.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 36 } }))),
    ).toMatchObject({ name: 'ValidationException' });
    await client.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 } }));
    expect((await client.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.RecoveryPeriodInDays).toBe(7);
    await client.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }));
    expect(await errorOf(client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: `${table}-x`, UseLatestRestorableTime: true })))).toMatchObject({
      name: 'PointInTimeRecoveryUnavailableException',
    });
  });

  it('journals concurrent writes to one key in the order the backend applied them, even when the backend answers out of order', async () => {
    // Between the front and dynalite, a proxy that lets answers overtake each other, as a multi-threaded backend
    // (DynamoDB Local) may: the order answers arrive in is not the order the writes were applied in.
    const reordering = await startReorderingProxy(backend.endpoint);
    const racingFront = await startFront({ backendEndpoint: reordering.endpoint });
    const racing = clientOf(racingFront.endpoint);
    const racingDocuments = DynamoDBDocumentClient.from(racing);
    try {
      const table = await createTable('pitr-race');
      await racing.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      // Three rounds of racing writes; after each, the clock moves a minute and the table as it then is is noted.
      const rounds: Array<{ at: Date; items: Record<string, unknown>[] }> = [];
      for (let round = 0; round < 3; round += 1) {
        const writes: Promise<unknown>[] = [];
        for (let index = 0; index < 8; index += 1) {
          const counterKey = { PK: { S: 'counter' }, SK: { S: 'x' } };
          writes.push(racing.send(new UpdateItemCommand({ TableName: table, Key: counterKey, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } })));
          for (let key = 0; key < 4; key += 1) {
            writes.push(racingDocuments.send(new PutCommand({ TableName: table, Item: item(`last-put-${key}`, 'x', { writer: `${round}-${index}` }) })));
          }
          writes.push(racingDocuments.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: item('batch', String(index % 3), { writer: `${round}-${index}` }) } }] } })));
        }
        await Promise.all(writes);
        rounds.push({ at: clock(), items: await itemsOf(table) });
        advance(MINUTE);
      }
      expect(rounds.at(-1)!.items.find((found) => found['PK'] === 'counter')).toMatchObject({ n: 24 });
      advance(6 * MINUTE);
      for (const [index, round] of rounds.entries()) {
        const restored = `${table}-round-${index}`;
        await racing.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: restored, RestoreDateTime: round.at }));
        await waitForStatus(restored, 'ACTIVE', [], racing);
        expect(await itemsOf(restored)).toEqual(round.items);
      }
    } finally {
      racing.destroy();
      await racingFront.stop();
      await reordering.stop();
    }
  });

  it('keeps a SYSTEM backup of a deleted PITR-enabled table and ends its PITR history', async () => {
    const table = await createTable('pitr-deleted');
    await documents.send(new PutCommand({ TableName: table, Item: item('kept', '1') }));
    await enablePitr(table);
    await documents.send(new PutCommand({ TableName: table, Item: item('kept', '2') }));
    await client.send(new DeleteTableCommand({ TableName: table }));

    const { BackupSummaries: system } = await client.send(new ListBackupsCommand({ TableName: table, BackupType: 'SYSTEM' }));
    expect(system).toEqual([expect.objectContaining({ BackupName: `${table}$DeletedTableBackup`, BackupType: 'SYSTEM', BackupExpiryDateTime: expect.any(Date) })]);
    expect((await client.send(new ListBackupsCommand({ TableName: table }))).BackupSummaries).toEqual([]);
    expect((await client.send(new ListBackupsCommand({ TableName: table, BackupType: 'ALL' }))).BackupSummaries).toHaveLength(1);

    // A new table of the same name starts without PITR.
    await createTableNamed(table);
    expect((await client.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('DISABLED');

    await waitForBackup(system![0]!.BackupArn!);
    await client.send(new RestoreTableFromBackupCommand({ BackupArn: system![0]!.BackupArn, TargetTableName: `${table}-undeleted` }));
    await waitForStatus(`${table}-undeleted`, 'ACTIVE');
    expect(await itemsOf(`${table}-undeleted`)).toEqual([item('kept', '1'), item('kept', '2')]);
  });
});

/** An HTTP proxy that holds every other answer back 15 ms, so answers overtake each other: they arrive in another order than the writes were applied. */
async function startReorderingProxy(target: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  let requests = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const held = (requests += 1) % 2 === 1;
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !['host', 'connection', 'content-length'].includes(entry[0])),
      );
      const reply = await fetch(target, { method: request.method, headers, body: Buffer.concat(chunks) });
      const body = Buffer.from(await reply.arrayBuffer());
      if (held) await new Promise((resolve) => setTimeout(resolve, 15));
      response.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/x-amz-json-1.0', 'content-length': body.length });
      response.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function createTableNamed(name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitForStatus(name, 'ACTIVE');
}

describe('DynamoDB front: persistence', () => {
  it('keeps backups, PITR journals and restore records across a stop and start with a data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'irdr-dynamodb-front-'));
    try {
      let persistent = await startFront({ dataDir });
      let persistentClient = clientOf(persistent.endpoint);
      let persistentDocuments = DynamoDBDocumentClient.from(persistentClient);
      const table = await createTable('persisted');
      await persistentDocuments.send(new PutCommand({ TableName: table, Item: item('a', '1', { v: 1 }) }));
      await persistentClient.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      const backupArn = (await persistentClient.send(new CreateBackupCommand({ TableName: table, BackupName: 'persisted-backup' }))).BackupDetails!.BackupArn!;
      advance(MINUTE);
      await persistentDocuments.send(new UpdateCommand({ TableName: table, Key: { PK: 'a', SK: '1' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 2 } }));
      await persistentDocuments.send(new PutCommand({ TableName: table, Item: item('b', '1') }));
      advance(MINUTE);
      const restorePoint = clock();
      advance(MINUTE);
      await persistentDocuments.send(new DeleteCommand({ TableName: table, Key: { PK: 'a', SK: '1' } }));
      const before = (await persistentClient.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription!.PointInTimeRecoveryDescription!;
      persistentClient.destroy();
      await persistent.stop();

      persistent = await startFront({ dataDir });
      persistentClient = clientOf(persistent.endpoint);
      persistentDocuments = DynamoDBDocumentClient.from(persistentClient);
      const after = (await persistentClient.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription!.PointInTimeRecoveryDescription!;
      expect(after.PointInTimeRecoveryStatus).toBe('ENABLED');
      expect(after.EarliestRestorableDateTime).toEqual(before.EarliestRestorableDateTime);
      expect((await persistentClient.send(new ListBackupsCommand({ TableName: table }))).BackupSummaries?.map((summary) => summary.BackupArn)).toEqual([backupArn]);

      advance(6 * MINUTE);
      const target = `${table}-restored`;
      await persistentClient.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: target, RestoreDateTime: restorePoint }));
      persistentClient.destroy();
      await persistent.stop();

      persistent = await startFront({ dataDir });
      persistentClient = clientOf(persistent.endpoint);
      persistentDocuments = DynamoDBDocumentClient.from(persistentClient);
      const { Table: restored } = await persistentClient.send(new DescribeTableCommand({ TableName: target }));
      expect(restored?.RestoreSummary?.RestoreDateTime?.getTime()).toBe(restorePoint.getTime());
      await waitForStatus(target, 'ACTIVE', [], persistentClient);
      expect(await itemsOf(target, persistentDocuments)).toEqual([item('a', '1', { v: 2 }), item('b', '1')]);
      const restoredFromBackup = `${table}-from-backup`;
      await persistentClient.send(new RestoreTableFromBackupCommand({ BackupArn: backupArn, TargetTableName: restoredFromBackup }));
      await waitForStatus(restoredFromBackup, 'ACTIVE', [], persistentClient);
      expect(await itemsOf(restoredFromBackup, persistentDocuments)).toEqual([item('a', '1', { v: 1 })]);
      persistentClient.destroy();
      await persistent.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

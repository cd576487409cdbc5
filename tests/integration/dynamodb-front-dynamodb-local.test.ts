import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ListTablesCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbFront, type RunningDynamoDbFront } from '../../local/dynamodb/front.js';
import { PortTakenError, startDynamoDb } from '../../local/dynamodb/servers.js';
import { sharedDynamoDbLocal } from './support/shared-dynamodb-local.js';
import { createServer } from 'node:http';
import { freePort } from '../../local/free-port.js';

const REGION = 'us-east-1';
const MINUTE = 60_000;
let skewMs = 0;
const clock = (): Date => new Date(Date.now() + skewMs);

let front: RunningDynamoDbFront;
let client: DynamoDBClient;

async function waitUntilActive(name: string): Promise<void> {
  while ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== 'ACTIVE') {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function idsOf(name: string): Promise<string[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
  return Items.map((item) => `${item['id']?.S}:${item['v']?.N ?? '-'}`).sort();
}

// AWS's DynamoDB Local has transactions and PartiQL (dynalite has neither): the front journals those writes too.
describe('DynamoDB front over DynamoDB Local', () => {
  beforeAll(async () => {
    // The run's one DynamoDB Local, in a database of this front's own.
    const shared = await sharedDynamoDbLocal();
    front = await startDynamoDbFront({
      backendEndpoint: shared.endpoint,
      backendDatabase: shared.database,
      region: REGION,
      accountId: '000000000000',
      restoreDuration: { baseMs: 50, perItemMs: 0 },
      backupDuration: { baseMs: 0, perItemMs: 0 },
      now: clock,
      log: () => undefined,
    });
    client = new DynamoDBClient({ endpoint: front.endpoint, region: REGION, credentials: { accessKeyId: 'localtest', secretAccessKey: 'localtest' } });
    await client.send(
      new CreateTableCommand({
        TableName: 'ledger',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await waitUntilActive('ledger');
  });
  afterAll(async () => {
    client?.destroy();
    await front?.stop();
  });

  it('restores to T the effects of TransactWriteItems and PartiQL statements made before T, and none after; counts each applied write', async () => {
    const applied = front.itemWritesApplied();
    await client.send(new PutItemCommand({ TableName: 'ledger', Item: { id: { S: 'a' }, v: { N: '1' } } }));
    await client.send(new PutItemCommand({ TableName: 'ledger', Item: { id: { S: 'b' }, v: { N: '1' } } }));
    await client.send(new UpdateContinuousBackupsCommand({ TableName: 'ledger', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));

    skewMs += MINUTE;
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'ledger', Item: { id: { S: 'c' }, v: { N: '1' } } } },
          { Update: { TableName: 'ledger', Key: { id: { S: 'a' } }, UpdateExpression: 'SET v = v + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
          { Delete: { TableName: 'ledger', Key: { id: { S: 'b' } } } },
        ],
      }),
    );
    // A cancelled transaction writes nothing, and nothing is journaled.
    await expect(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'ledger', Item: { id: { S: 'never' } } } },
            { ConditionCheck: { TableName: 'ledger', Key: { id: { S: 'a' } }, ConditionExpression: 'v = :zero', ExpressionAttributeValues: { ':zero': { N: '0' } } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    await client.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "ledger" VALUE {'id': 'd', 'v': 1}` }));
    await client.send(new ExecuteStatementCommand({ Statement: `UPDATE "ledger" SET v = 5 WHERE id = 'c'` }));
    skewMs += MINUTE;
    const restorePoint = clock();
    const atT = await idsOf('ledger');
    expect(atT).toEqual(['a:2', 'c:5', 'd:1']);
    // Two puts, a transaction, two PartiQL writes; not the cancelled transaction, nor a PartiQL read.
    await client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "ledger" WHERE id = 'a'` }));
    expect(front.itemWritesApplied() - applied).toBe(5);

    skewMs += MINUTE;
    await client.send(new ExecuteStatementCommand({ Statement: `DELETE FROM "ledger" WHERE id = 'd'` }));
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'ledger', Item: { id: { S: 'e' }, v: { N: '1' } } } }] }));
    skewMs += 6 * MINUTE;

    await client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'ledger', TargetTableName: 'ledger-at-t', RestoreDateTime: restorePoint }));
    await waitUntilActive('ledger-at-t');
    expect(await idsOf('ledger-at-t')).toEqual(atT);

    const { BackupDetails } = await client.send(new CreateBackupCommand({ TableName: 'ledger', BackupName: 'ledger-now' }));
    expect((await client.send(new DescribeBackupCommand({ BackupArn: BackupDetails!.BackupArn }))).BackupDescription?.BackupDetails?.BackupStatus).toBe('AVAILABLE');
    await client.send(new RestoreTableFromBackupCommand({ BackupArn: BackupDetails!.BackupArn, TargetTableName: 'ledger-now' }));
    await waitUntilActive('ledger-now');
    expect(await idsOf('ledger-now')).toEqual(['a:2', 'c:5', 'e:1']);
  });
});

describe('fronts sharing one DynamoDB Local', () => {
  it("each sees only its own tables: its database is its requests' access key, prefixed", async () => {
    const started = await Promise.all([1, 2].map(async () => {
      const shared = await sharedDynamoDbLocal();
      const sharing = await startDynamoDbFront({ backendEndpoint: shared.endpoint, backendDatabase: shared.database, region: REGION, accountId: '000000000000', log: () => undefined });
      return { front: sharing, client: new DynamoDBClient({ endpoint: sharing.endpoint, region: REGION, credentials: { accessKeyId: 'localtest', secretAccessKey: 'localtest' } }) };
    }));
    const table = (name: string) => new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }] });
    try {
      const [first, second] = started;
      // The same table name and the same caller's key in both: no ResourceInUse, and neither lists the other's.
      await first!.client.send(table('ledger'));
      await second!.client.send(table('ledger'));
      await second!.client.send(table('only-second'));
      await first!.client.send(new PutItemCommand({ TableName: 'ledger', Item: { k: { S: 'first' } } }));
      expect((await first!.client.send(new ListTablesCommand({}))).TableNames).toEqual(['ledger']);
      expect((await second!.client.send(new ListTablesCommand({}))).TableNames).toEqual(['ledger', 'only-second']);
      expect((await second!.client.send(new ScanCommand({ TableName: 'ledger' }))).Items).toEqual([]);
    } finally {
      for (const { front: sharing, client: sharingClient } of started) {
        sharingClient.destroy();
        await sharing.stop();
      }
    }
  });
});

describe('DynamoDB Local on a port another server took after it was picked', () => {
  it('is not mistaken for that server: the start fails as PortTaken (the front then picks another port), never answering with a stranger', async () => {
    const stranger = createServer((_request, response) => response.writeHead(400, { 'content-type': 'application/json' }).end('{"__type":"UnknownOperationException"}'));
    const port = await freePort('127.0.0.1');
    await new Promise<void>((resolve) => stranger.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startDynamoDb({ backend: 'local', host: '127.0.0.1', port })).rejects.toBeInstanceOf(PortTakenError);
    } finally {
      await new Promise((resolve) => stranger.close(resolve));
    }
  }, 90_000);
});

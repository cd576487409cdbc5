import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsFunction } from '../../local/aws-call-recorder.js';
import { meterDynamoDbCapacity, sumOfUnits, type MeteredDynamoDbCall } from '../../local/dynamodb-capacity-meter.js';
import { startDynamoDbFront, type RunningDynamoDbFront } from '../../local/dynamodb/front.js';
import { createTableInput } from '../../local/dynamodb/table-definition.js';
import { startDynamoDbOnFreePort, type DynamoDbBackend, type RunningDynamoDb } from '../../local/dynamodb/servers.js';
import { sharedDynamoDbLocal } from './support/shared-dynamodb-local.js';

const REGION = 'us-east-1';
const KB = 1024;
const TABLE = 'capacity';

/**
 * An item of exactly `bytes` as DynamoDB sizes it (UTF-8 attribute names plus values): PK (2+1), SK (2+SK's
 * length), body (4+n); with `inIndex` also GSI1PK/GSI1SK (6+1 each), so the item is projected into GSI1.
 */
function itemOf(bytes: number, pk: string, sk: string, inIndex = false): Record<string, AttributeValue> {
  const keys: Record<string, AttributeValue> = { PK: { S: pk }, SK: { S: sk }, ...(inIndex && { GSI1PK: { S: 'g' }, GSI1SK: { S: 's' } }) };
  const keyBytes = Object.entries(keys).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value.S!), 0);
  return { ...keys, body: { S: 'x'.repeat(bytes - keyBytes - 'body'.length) } };
}

/** A DynamoDB front over `backend`, reporting consumed capacity, with a client that calls it as one function. */
async function meteredDynamoDb(backend: DynamoDbBackend) {
  // DynamoDB Local: the run's one, in a database of this front's own; dynalite: one of its own, called in-process as the stack does.
  const shared = backend === 'local' ? await sharedDynamoDbLocal() : undefined;
  const server: RunningDynamoDb = shared ? { backend, endpoint: shared.endpoint, stop: async () => undefined } : await startDynamoDbOnFreePort({ backend, host: '127.0.0.1' });
  const front: RunningDynamoDbFront = await startDynamoDbFront({
    backendEndpoint: server.endpoint,
    ...(shared && { backendDatabase: shared.database }),
    ...(server.handler && { backendHandler: server.handler }),
    region: REGION,
    accountId: '000000000000',
    reportConsumedCapacity: true,
    log: () => undefined,
  });
  const client = new DynamoDBClient({ endpoint: front.endpoint, region: REGION, credentials: { accessKeyId: 'capacity', secretAccessKey: 'capacity' } });
  // The project's own table design: PK/SK, and GSI1 on GSI1PK/GSI1SK projecting every attribute.
  await client.send(new CreateTableCommand(createTableInput(TABLE)));
  return {
    client,
    /** The calls `work` makes as the function CapacityProbe, each with the units the front reported. */
    async metered(work: () => Promise<unknown>): Promise<MeteredDynamoDbCall[]> {
      const meter = meterDynamoDbCapacity();
      try {
        await runAsFunction('CapacityProbe', work);
        return meter.calls();
      } finally {
        meter.stop();
      }
    },
    async stop() {
      client.destroy();
      await front.stop();
      await server.stop();
    },
  };
}

describe('DynamoDB capacity meter over dynalite', () => {
  let dynamodb: Awaited<ReturnType<typeof meteredDynamoDb>>;
  beforeAll(async () => {
    dynamodb = await meteredDynamoDb('embedded');
  });
  afterAll(() => dynamodb?.stop());

  it('counts a write per started KB of the item: 3 KB is 3 WRU, one byte more is 4', async () => {
    const calls = await dynamodb.metered(async () => {
      await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(3 * KB, 'w', '1') }));
      await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(3 * KB + 1, 'w', '2') }));
    });
    expect(calls).toEqual([
      { functionName: 'CapacityProbe', action: 'dynamodb:PutItem', consumed: { readUnits: 0, writeUnits: 3, indexWriteUnits: 0 } },
      { functionName: 'CapacityProbe', action: 'dynamodb:PutItem', consumed: { readUnits: 0, writeUnits: 4, indexWriteUnits: 0 } },
    ]);
  });

  it('counts a query per started 4 KB of all it read: 9 KB is 3 RRU strongly consistent, 1.5 eventually', async () => {
    await dynamodb.client.send(
      new BatchWriteItemCommand({ RequestItems: { [TABLE]: ['1', '2', '3'].map((sk) => ({ PutRequest: { Item: itemOf(3 * KB, 'q', sk) } })) } }),
    );
    const query = (ConsistentRead: boolean) =>
      dynamodb.client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'q' } }, ConsistentRead }));
    const calls = await dynamodb.metered(async () => {
      expect((await query(true)).Count).toBe(3);
      await query(false);
    });
    expect(calls.map((call) => call.consumed?.readUnits)).toEqual([3, 1.5]);
  });

  it('counts a get per 4 KB, a missing item as one, an update as the larger item, and a batch item by item', async () => {
    const calls = await dynamodb.metered(async () => {
      await dynamodb.client.send(new GetItemCommand({ TableName: TABLE, Key: { PK: { S: 'w' }, SK: { S: '2' } }, ConsistentRead: true }));
      await dynamodb.client.send(new GetItemCommand({ TableName: TABLE, Key: { PK: { S: 'none' }, SK: { S: '0' } }, ConsistentRead: true }));
      // 3 KB before, 3 KB + 13 bytes after: the larger rounds up to 4 KB.
      await dynamodb.client.send(
        new UpdateItemCommand({ TableName: TABLE, Key: { PK: { S: 'w' }, SK: { S: '1' } }, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': { S: 'ninebytes' } } }),
      );
      await dynamodb.client.send(
        new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: itemOf(1_500, 'b', '1') } }, { PutRequest: { Item: itemOf(100, 'b', '2') } }] } }),
      );
    });
    expect(calls.map(({ action, consumed }) => [action, consumed?.readUnits, consumed?.writeUnits])).toEqual([
      ['dynamodb:GetItem', 1, 0],
      ['dynamodb:GetItem', 1, 0],
      ['dynamodb:UpdateItem', 0, 4],
      ['dynamodb:BatchWriteItem', 0, 2 + 1],
    ]);
    expect(sumOfUnits(calls)).toEqual({ readUnits: 2, writeUnits: 7, indexWriteUnits: 0 });
  });

  it('leaves the caller its response as asked for, and names a write its condition refused (AWS bills it, reports no units)', async () => {
    let unasked: unknown = 'not read';
    let asked: unknown;
    const calls = await dynamodb.metered(async () => {
      unasked = (await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(100, 'c', '1') }))).ConsumedCapacity;
      asked = (await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(100, 'c', '2'), ReturnConsumedCapacity: 'TOTAL' }))).ConsumedCapacity;
      const refused = dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(100, 'c', '1'), ConditionExpression: 'attribute_not_exists(PK)' }));
      await expect(refused).rejects.toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    });
    expect(unasked).toBeUndefined();
    expect(asked).toEqual({ TableName: TABLE, CapacityUnits: 1 });
    expect(calls.map(({ consumed, refusedBy }) => [consumed?.writeUnits, refusedBy])).toEqual([
      [1, undefined],
      [1, undefined],
      [0, 'ConditionalCheckFailedException'],
    ]);
  });

  it('under-reports a write to an item in a global secondary index: the index units are missing', async () => {
    const [call] = await dynamodb.metered(() => dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(2 * KB, 'i', '1', true) })));
    expect(call!.consumed).toEqual({ readUnits: 0, writeUnits: 2, indexWriteUnits: 0 });
  });
});

// DynamoDB Local reports index upkeep as AWS bills it, so the run-cost bench measures on it.
describe('DynamoDB capacity meter over DynamoDB Local', () => {
  let dynamodb: Awaited<ReturnType<typeof meteredDynamoDb>>;
  beforeAll(async () => {
    dynamodb = await meteredDynamoDb('local');
  });
  afterAll(() => dynamodb?.stop());

  it('counts a write to an item projected into a global secondary index twice: the table and the index', async () => {
    const calls = await dynamodb.metered(async () => {
      await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(3 * KB, 'i', '1', true) }));
      await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(3 * KB, 'i', '2') }));
    });
    expect(calls.map((call) => call.consumed)).toEqual([
      { readUnits: 0, writeUnits: 3 + 3, indexWriteUnits: 3 },
      { readUnits: 0, writeUnits: 3, indexWriteUnits: 0 },
    ]);
  });
});

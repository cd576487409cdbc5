/**
 * What reading trails by BatchGetItem would cost, against one Query per trail (docs/export-year-7.md, candidate (c)):
 * 400 trails of 50 events in the local DynamoDB (front and dynalite in this process), 8 readers. BatchGetItem takes
 * 100 keys (two trails), and each trail then needs a Query from its recorded length: without it, an event written past
 * a length an insider lowered would never be read. Prints CPU per trail (both sides, one process) and wall time, per round.
 * Run alone: `npx tsx bench/export-year-batch-read.ts`.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import { loadavg } from 'node:os';
import { startDynamoDbWithRecovery } from '../local/dynamodb/front.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/stack-config.js';
import { eventSk } from '../functions/domain/keys.js';

const TABLE = 'trails';
const TRAILS = 400;
const EVENTS = 50;
const READERS = 8;
const ROUNDS = 3;

const dynamodb = await startDynamoDbWithRecovery({ backend: 'embedded', host: '127.0.0.1', port: 0, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, log: () => undefined });
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }));
const pk = (trail: number): string => `INC#${trail}`;

async function seed(): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
  }));
  const items = [];
  for (let trail = 0; trail < TRAILS; trail += 1) {
    for (let seq = 1; seq <= EVENTS; seq += 1) {
      items.push({ PK: pk(trail), SK: eventSk(seq), type: 'step.completed', at: new Date().toISOString(), actor: 'states:arn:aws:states:us-east-1:000000000000:execution:synthetic', stepId: `step-${seq}`, detail: { note: 'synthetic' }, seq, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) });
    }
  }
  for (let at = 0; at < items.length; at += 25) await client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })) } }));
}

/** The trail's events, or (given a length) those after it: the confirming read. */
const query = (trail: number, after?: number) =>
  client.send(new QueryCommand({
    TableName: TABLE,
    KeyConditionExpression: after === undefined ? 'PK = :pk' : 'PK = :pk AND SK > :from',
    ExpressionAttributeValues: after === undefined ? { ':pk': pk(trail) } : { ':pk': pk(trail), ':from': eventSk(after) },
  }));

async function byQuery(reader: number): Promise<void> {
  for (let trail = reader; trail < TRAILS; trail += READERS) await query(trail);
}

async function byBatchGet(reader: number): Promise<void> {
  for (let first = reader * 2; first < TRAILS; first += READERS * 2) {
    const pair = [first, first + 1];
    let requestItems: BatchGetCommandInput['RequestItems'] = { [TABLE]: { Keys: pair.flatMap((trail) => Array.from({ length: EVENTS }, (_, index) => ({ PK: pk(trail), SK: eventSk(index + 1) }))) } };
    while (requestItems && Object.keys(requestItems).length > 0) requestItems = (await client.send(new BatchGetCommand({ RequestItems: requestItems }))).UnprocessedKeys;
    for (const trail of pair) await query(trail, EVENTS);
  }
}

async function measured(read: (reader: number) => Promise<void>): Promise<string> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: READERS }, (_, reader) => read(reader)));
  const used = process.cpuUsage(cpu);
  return `${((used.user + used.system) / 1000 / TRAILS).toFixed(2)} ms CPU/trail, ${(performance.now() - started).toFixed(0)} ms wall`;
}

try {
  await seed();
  for (let round = 1; round <= ROUNDS; round += 1) {
    const queried = await measured(byQuery);
    const batched = await measured(byBatchGet);
    console.log(`round ${round}, load ${loadavg()[0]!.toFixed(1)}: one Query per trail ${queried}; BatchGetItem + confirming Query ${batched}`);
  }
} finally {
  client.destroy();
  await dynamodb.stop();
}

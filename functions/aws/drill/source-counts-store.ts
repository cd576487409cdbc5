import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SOURCE_COUNT_RUNNING_SK, SOURCE_COUNT_SK_PREFIX, sourceCountPk, sourceCountSk } from '../../domain/keys.js';
import type { RecordedCount, RunningCount } from '../../domain/drill/source-counts.js';
import { deduplicationTableDesign } from '../../domain/table-design.js';
import { dynamodb } from '../dynamodb-client.js';

// In the deduplication table (DEDUPLICATION_TABLE_NAME): operational state; the drill's check records the count it used.
const { partitionKey: PK, sortKey: SK } = deduplicationTableDesign;

const recordedOf = (item: Record<string, unknown>): RecordedCount => {
  const { tableName, startedAt, completedAt, count, pages, invocations, segments } = item as unknown as RecordedCount;
  return { tableName, startedAt, completedAt, count, pages, invocations, ...(segments !== undefined && { segments }) };
};

/** The count under way for a plan's check, if any. */
export async function runningCount(tableName: string, planId: string, checkId: string): Promise<RunningCount | undefined> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: sourceCountPk(planId, checkId), [SK]: SOURCE_COUNT_RUNNING_SK }, ConsistentRead: true }));
  if (!Item) return undefined;
  const { [PK]: _pk, [SK]: _sk, ...running } = Item;
  return running as unknown as RunningCount;
}

export async function keepRunningCount(tableName: string, planId: string, checkId: string, running: RunningCount): Promise<void> {
  await dynamodb.send(new PutCommand({ TableName: tableName, Item: { [PK]: sourceCountPk(planId, checkId), [SK]: SOURCE_COUNT_RUNNING_SK, ...running } }));
}

/** Records a finished count (once: a tick run twice does not rewrite it), and ends the one under way. */
export async function recordCount(tableName: string, planId: string, checkId: string, count: RecordedCount): Promise<void> {
  await dynamodb
    .send(new PutCommand({ TableName: tableName, Item: { [PK]: sourceCountPk(planId, checkId), [SK]: sourceCountSk(count.completedAt), ...count }, ConditionExpression: 'attribute_not_exists(#sk)', ExpressionAttributeNames: { '#sk': SK } }))
    .catch((error: { name?: string }) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
  await dynamodb.send(new DeleteCommand({ TableName: tableName, Key: { [PK]: sourceCountPk(planId, checkId), [SK]: SOURCE_COUNT_RUNNING_SK } }));
}

/** The newest finished count (to decide whether another is due). */
export async function latestCount(tableName: string, planId: string, checkId: string): Promise<RecordedCount | undefined> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :at)', ExpressionAttributeNames: { '#pk': PK, '#sk': SK }, ExpressionAttributeValues: { ':pk': sourceCountPk(planId, checkId), ':at': SOURCE_COUNT_SK_PREFIX }, ScanIndexForward: false, Limit: 1 }),
  );
  return Items[0] ? recordedOf(Items[0]) : undefined;
}

/** The newest count finished at or before `at` (ISO 8601, so the sort key orders by time). */
export async function countFinishedBy(tableName: string, planId: string, checkId: string, at: string): Promise<RecordedCount | undefined> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': sourceCountPk(planId, checkId), ':from': SOURCE_COUNT_SK_PREFIX, ':to': sourceCountSk(new Date(at).toISOString()) },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  return Items[0] ? recordedOf(Items[0]) : undefined;
}

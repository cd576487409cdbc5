import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredTrailEvent } from '../domain/chain-verify.js';
import type { EvidencePeriod } from '../domain/evidence/exported-trail.js';
import { trailEventsPartitions, wholeIndexedTrails } from '../domain/evidence/indexed-trails.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { readInOrder } from '../domain/read-in-order.js';
import { listStoredEvents } from './event-trail.js';

const [byMonth] = tableDesign.globalIndexes;
/**
 * Trails read at once: each is a Query (or a few pages) that mostly waits on DynamoDB, so one at a time left the reader
 * idle (in AWS ~10 ms a Query: a month of 833 incidents took 8 s alone); 16 keeps well inside on-demand's limits.
 */
export const TRAIL_READ_CONCURRENCY = 16;
/** Month partitions read at once: each is a few 1 MB pages, one after another. */
const MONTHS_READ_AT_ONCE = 4;

/** Every item of one events partition, page by page (1 MB each): a Query on GSI1, never a Scan. */
async function readEventsPartition(tableName: string, partition: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: byMonth.indexName,
        KeyConditionExpression: '#events = :events',
        ExpressionAttributeNames: { '#events': byMonth.partitionKey },
        ExpressionAttributeValues: { ':events': partition },
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return items;
}

/**
 * The trails of a period's records, by partition key: read from GSI1's events partitions of the period's months (a
 * page holds the events of dozens of trails), and by a Query of its own for each trail not found whole there.
 * `readTrail` is called for each partition key (with its index in `partitionKeys`) once its events are known.
 */
export async function readPeriodTrails<Result>(
  tableName: string,
  kind: 'INCIDENT' | 'DRILLRUN',
  period: EvidencePeriod,
  partitionKeys: readonly string[],
  concurrency: number,
  readTrail: (partitionKey: string, events: StoredTrailEvent[], index: number) => Promise<Result> | Result,
  onEach: (done: number) => void,
  /** Whether a trail as the index holds it may stand for the table's (a verifier's: not shorter than a digest recorded it). */
  acceptIndexed: (partitionKey: string, events: readonly StoredTrailEvent[]) => boolean = () => true,
): Promise<Result[]> {
  if (partitionKeys.length === 0) return [];
  const partitions = await readInOrder(trailEventsPartitions(kind, period), MONTHS_READ_AT_ONCE, (partition) => readEventsPartition(tableName, partition), () => undefined);
  const indexed = wholeIndexedTrails(partitions.flat(), new Set(partitionKeys));
  const eventsOf = async (partitionKey: string): Promise<StoredTrailEvent[]> => {
    const fromIndex = indexed.get(partitionKey);
    return fromIndex && acceptIndexed(partitionKey, fromIndex) ? fromIndex : listStoredEvents(tableName, partitionKey);
  };
  return readInOrder(
    partitionKeys.map((partitionKey, index) => ({ partitionKey, index })),
    concurrency,
    async ({ partitionKey, index }) => readTrail(partitionKey, await eventsOf(partitionKey), index),
    onEach,
  );
}

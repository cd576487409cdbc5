import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredTrailEvent } from '../domain/chain-verify.js';
import type { EvidencePeriod } from '../domain/evidence/exported-trail.js';
import { trailEventsPartitions, trailRuns, wholeIndexedTrails } from '../domain/evidence/indexed-trails.js';
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

/** The items of one events partition, a page (1 MB) at a time: a Query on GSI1, never a Scan. */
async function* eventsPartitionPages(tableName: string, partition: string): AsyncGenerator<Record<string, unknown>[]> {
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
    yield page.Items ?? [];
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
}

/**
 * The trails of a period's records, by partition key: read from GSI1's events partitions of the period's months (a
 * page holds the events of dozens of trails), and by a Query of its own for each trail not found whole there.
 * `readTrail` is called for each partition key (with its index in `partitionKeys`) once its events are known: each
 * trail as soon as the page after it is read, while other months are read (a trail's events are all in its first
 * event's month, together), then the rest. Results in the order of `partitionKeys`; `onEach` as each one ends.
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
  const wanted = new Set(partitionKeys);
  const indexOf = new Map(partitionKeys.map((partitionKey, index) => [partitionKey, index]));
  const results = new Array<Result>(partitionKeys.length);
  const read = new Array<boolean>(partitionKeys.length).fill(false);
  let done = 0;
  const finish = async ({ partitionKey, index, events }: { partitionKey: string; index: number; events: StoredTrailEvent[] }): Promise<void> => {
    read[index] = true;
    results[index] = await readTrail(partitionKey, events, index);
    done += 1;
    onEach(done);
  };
  await readInOrder(
    trailEventsPartitions(kind, period),
    MONTHS_READ_AT_ONCE,
    async (partition) => {
      for await (const run of trailRuns(eventsPartitionPages(tableName, partition))) {
        const whole = [...wholeIndexedTrails(run, wanted)]
          .map(([partitionKey, events]) => ({ partitionKey, index: indexOf.get(partitionKey)!, events }))
          .filter(({ partitionKey, index, events }) => !read[index] && acceptIndexed(partitionKey, events));
        await readInOrder(whole, concurrency, finish, () => undefined);
      }
    },
    () => undefined,
  );
  const rest = partitionKeys.flatMap((partitionKey, index) => (read[index] ? [] : [{ partitionKey, index }]));
  await readInOrder(rest, concurrency, async ({ partitionKey, index }) => finish({ partitionKey, index, events: await listStoredEvents(tableName, partitionKey) }), () => undefined);
  return results;
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { nextLink, type ChainLink } from '../domain/hash-chain.js';
import { EVENT_SK_PREFIX, eventSk, LAST_EVENT_SK, trailEventsPartition } from '../domain/keys.js';
import { storedTrailEventOf, trailEventItem } from '../domain/trail-event-item.js';
import type { StoredTrailEvent } from '../domain/chain-verify.js';
import type { TrailEvent, TrailEventBody } from '../domain/trail-event.js';
import { TrailBusyError } from '../domain/trail-busy.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
// Dozens of writers racing on one trail: each round one wins, the losers back off and retry for as long as this
// budget lasts (a count would run out sooner on a slow table), inside the shortest function timeout (10 s).
const APPEND_BUDGET_MS = 8_000;
const BASE_BACKOFF_MS = 10;
const MAX_BACKOFF_MS = 500;

/** Full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog): losers spread out instead of colliding again. */
const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt)));

/** The events of one trail, oldest first unless the caller reverses it. */
function trailQuery(tableName: string, pk: string): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
    ExpressionAttributeValues: { ':pk': pk, ':prefix': EVENT_SK_PREFIX },
  };
}

/** The newest event of a trail, or undefined for an empty one. */
export async function latestEvent(tableName: string, pk: string): Promise<ChainLink | undefined> {
  return (await latestStoredEvent(tableName, pk))?.link;
}

/** The newest event's link and the events partition it was indexed in (the next event goes there too). */
async function latestStoredEvent(tableName: string, pk: string): Promise<{ link: ChainLink; eventsPartition?: string } | undefined> {
  const result = await dynamodb.send(
    new QueryCommand({ ...trailQuery(tableName, pk), ScanIndexForward: false, Limit: 1, ConsistentRead: true }),
  );
  const item = result.Items?.[0];
  if (!item) return undefined;
  const { event, eventsPartition } = storedTrailEventOf(item);
  return { link: { seq: event.seq as number, prevHash: event.prevHash as string, hash: event.hash as string }, ...(eventsPartition && { eventsPartition }) };
}

/**
 * Appends one event to a hash-chained trail. The put is conditional on the slot being empty,
 * so two writers racing for one seq cannot fork the chain: the loser re-reads and tries again, for `budgetMs`,
 * then gives up with TrailBusyError (a 503 to an API caller, not a fault).
 */
export async function appendEvent(tableName: string, pk: string, body: TrailEventBody, budgetMs = APPEND_BUDGET_MS): Promise<TrailEvent> {
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const latest = await latestStoredEvent(tableName, pk);
    const link = nextLink(body, latest?.link);
    const event: TrailEvent = { ...body, ...link };
    // A trail's events share its first event's partition; a trail begun before events were indexed stays unindexed.
    const eventsPartition = latest ? latest.eventsPartition : trailEventsPartition(pk, body.at);
    try {
      await dynamodb.send(
        new PutCommand({
          TableName: tableName,
          Item: trailEventItem(pk, event, eventsPartition),
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': SK },
        }),
      );
      return event;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (Date.now() - startedAt >= budgetMs) throw new TrailBusyError(`another writer took the next place in the trail on each of ${attempt} attempts: nothing was recorded; try again in a moment`);
      await backoff(attempt);
    }
  }
}

/** Every event of a trail in order, each with the sort key that names its item (for verification). */
export async function listStoredEvents(tableName: string, pk: string): Promise<StoredTrailEvent[]> {
  return readStoredEvents(trailQuery(tableName, pk));
}

/** The events of a trail from seq on, in order: what a digest writer reads to see that a recorded head still holds. */
export async function listStoredEventsFrom(tableName: string, pk: string, seq: number): Promise<StoredTrailEvent[]> {
  return readStoredEvents({
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :last',
    ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
    ExpressionAttributeValues: { ':pk': pk, ':from': eventSk(seq), ':last': LAST_EVENT_SK },
    ConsistentRead: true,
  });
}

async function readStoredEvents(query: QueryCommandInput): Promise<StoredTrailEvent[]> {
  const events: StoredTrailEvent[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(new QueryCommand({ ...query, ExclusiveStartKey: exclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const { sortKey, event } = storedTrailEventOf(item);
      events.push({ sortKey, event });
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return events;
}

/** Every event of a trail in order. */
export async function listEvents(tableName: string, pk: string): Promise<TrailEvent[]> {
  return (await listStoredEvents(tableName, pk)).map(({ event }) => event as TrailEvent);
}

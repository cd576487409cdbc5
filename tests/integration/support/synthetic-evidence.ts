import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nextLink, type ChainLink } from '../../../functions/domain/hash-chain.js';
import { META_SK, drillPlanPk, drillRunPk, incidentPk, monthPartition, timeOrderedSk, trailEventsPartition } from '../../../functions/domain/keys.js';
import { trailEventItem } from '../../../functions/domain/trail-event-item.js';
import { tableDesign } from '../../../functions/domain/table-design.js';

/*
 * Synthetic evidence written straight into the table with BatchWriteItem: copies of a real incident's or drill
 * run's META item (the template) spread over a period, each with an intact hash-chained trail. For benches and for
 * tests that need more records than running that many runbooks would allow.
 */

const { partitionKey: PK, sortKey: SK } = tableDesign;
const [byMonth, byDrill] = tableDesign.globalIndexes;

/**
 * `count` chained events, a minute apart from startMs; `noteBytes` pads each event's detail (bulk for size limits).
 * Indexed in GSI1 as the appender indexes them, unless `unindexed` (a trail begun before events were indexed).
 */
function trailItems(partitionKey: string, count: number, startMs: number, noteBytes: number, unindexed = false): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  let previous: ChainLink | undefined;
  const note = noteBytes > 0 ? 'synthetic '.repeat(Math.ceil(noteBytes / 10)).slice(0, noteBytes) : 'synthetic';
  let eventsPartition: string | undefined;
  for (let seq = 1; seq <= count; seq += 1) {
    const body = { type: seq === 1 ? 'incident.opened' : 'step.completed', at: new Date(startMs + seq * 60_000).toISOString(), actor: 'states:arn:aws:states:us-east-1:000000000000:execution:synthetic', stepId: `step-${seq}`, detail: { note } };
    if (seq === 1 && !unindexed) eventsPartition = trailEventsPartition(partitionKey, body.at);
    previous = nextLink(body, previous);
    items.push(trailEventItem(partitionKey, { ...body, ...previous }, eventsPartition));
  }
  return items;
}

export interface SyntheticEvidence {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Records start evenly spread over [startMs, startMs + spanMs). */
  readonly startMs: number;
  readonly spanMs: number;
}

/** Writes items 25 to a BatchWriteItem, 8 batches at a time. */
function batchWriter(documents: DynamoDBDocumentClient, tableName: string) {
  const pending: Record<string, unknown>[] = [];
  const inFlight: Promise<unknown>[] = [];
  const flush = async (force = false): Promise<void> => {
    while (pending.length >= 25 || (force && pending.length > 0)) {
      const batch = pending.splice(0, 25);
      inFlight.push(documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } })));
      if (inFlight.length >= 8) await Promise.all(inFlight.splice(0));
    }
    if (force) await Promise.all(inFlight.splice(0));
  };
  return {
    add: async (items: readonly Record<string, unknown>[]) => {
      pending.push(...items);
      await flush();
    },
    finish: () => flush(true),
  };
}

/** `count` incidents copied from the template's META item, each with `events` chained events. */
export async function seedSyntheticIncidents(
  target: SyntheticEvidence,
  template: Record<string, unknown>,
  options: { count: number; events: number; noteBytes?: number; unindexed?: boolean },
): Promise<void> {
  const writer = batchWriter(target.documents, target.tableName);
  for (let index = 0; index < options.count; index += 1) {
    const incidentId = randomUUID();
    const openedAt = new Date(target.startMs + Math.floor((index * target.spanMs) / options.count)).toISOString();
    const partitionKey = incidentPk(incidentId);
    await writer.add([
      { ...template, [PK]: partitionKey, [SK]: META_SK, [byMonth.partitionKey]: monthPartition('INCIDENT', openedAt), [byMonth.sortKey]: timeOrderedSk(openedAt, incidentId), incidentId, openedAt, title: `Synthetic incident ${index}` },
      ...trailItems(partitionKey, options.events, Date.parse(openedAt), options.noteBytes ?? 0, options.unindexed),
    ]);
  }
  await writer.finish();
}

/** `count` runs of the template's plan, copied from its META item, each with `events` chained events. */
export async function seedSyntheticDrillRuns(
  target: SyntheticEvidence,
  template: Record<string, unknown>,
  options: { count: number; events: number; planId: string; offsetMs?: number; unindexed?: boolean },
): Promise<void> {
  const writer = batchWriter(target.documents, target.tableName);
  for (let index = 0; index < options.count; index += 1) {
    const runId = randomUUID();
    const startedAt = new Date(target.startMs + Math.floor((index * target.spanMs) / options.count) + (options.offsetMs ?? 0)).toISOString();
    const partitionKey = drillRunPk(runId);
    await writer.add([
      {
        ...template,
        [PK]: partitionKey,
        [SK]: META_SK,
        [byMonth.partitionKey]: monthPartition('DRILLRUN', startedAt),
        [byMonth.sortKey]: timeOrderedSk(startedAt, runId),
        [byDrill.partitionKey]: drillPlanPk(options.planId),
        [byDrill.sortKey]: timeOrderedSk(startedAt, runId),
        runId,
        startedAt,
      },
      ...trailItems(partitionKey, options.events, Date.parse(startedAt), 0, options.unindexed),
    ]);
  }
  await writer.finish();
}

import type { StoredTrailEvent } from '../chain-verify.js';
import { EVENT_SK_PREFIX, eventSk, eventsPartitionOf, monthPartitionsNewestFirst } from '../keys.js';
import { tableDesign } from '../table-design.js';
import { storedTrailEventOf } from '../trail-event-item.js';
import type { EvidencePeriod } from './exported-trail.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;

/**
 * The events partitions (GSI1) a period's trails were indexed in: one per month the period touches, `to` exclusive. A
 * trail whose first event fell in another month than its record (opened as a month ended) is not found there, and is
 * read by its own Query.
 */
export function trailEventsPartitions(kind: 'INCIDENT' | 'DRILLRUN', period: EvidencePeriod): string[] {
  // The months of the records' own index, oldest first, to the last instant before `to`.
  const lastInstant = new Date(Date.parse(period.to) - 1).toISOString();
  return monthPartitionsNewestFirst(kind, period.from, lastInstant).reverse().map(eventsPartitionOf);
}

/**
 * The wanted trails found whole in items read from the events partitions: each trail's events (its own partition key,
 * an event sort key) in order, kept only when they run from seq 1 with none missing. Any other trail (begun before
 * events were indexed, its first event in another month, an event's index keys removed, or not yet indexed: GSIs are
 * eventually consistent) is left out, to be read by its own Query. Items of other trails, or not events, are ignored.
 */
export function wholeIndexedTrails(items: Iterable<Record<string, unknown>>, wanted: ReadonlySet<string>): Map<string, StoredTrailEvent[]> {
  const byTrail = new Map<string, StoredTrailEvent[]>();
  for (const item of items) {
    const pk = item[PK];
    const sk = item[SK];
    if (typeof pk !== 'string' || !wanted.has(pk) || typeof sk !== 'string' || !sk.startsWith(EVENT_SK_PREFIX)) continue;
    const { sortKey, event } = storedTrailEventOf(item);
    const events = byTrail.get(pk);
    if (events) events.push({ sortKey, event });
    else byTrail.set(pk, [{ sortKey, event }]);
  }
  const whole = new Map<string, StoredTrailEvent[]>();
  for (const [pk, events] of byTrail) {
    events.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    if (events.every((stored, index) => stored.sortKey === eventSk(index + 1))) whole.set(pk, events);
  }
  return whole;
}

/**
 * An events partition's items in runs that end with a trail: a trail's events sort together (`<PK>#<SK>`), so all of a
 * page but its last trail is whole, and that one is handed on with the next page.
 */
export async function* trailRuns(pages: AsyncIterable<Record<string, unknown>[]>): AsyncGenerator<Record<string, unknown>[]> {
  let carried: Record<string, unknown>[] = [];
  for await (const page of pages) {
    const items = carried.length > 0 ? [...carried, ...page] : page;
    const lastTrail = items.at(-1)?.[PK];
    let cut = items.length;
    while (cut > 0 && items[cut - 1]![PK] === lastTrail) cut -= 1;
    carried = items.slice(cut);
    if (cut > 0) yield items.slice(0, cut);
  }
  if (carried.length > 0) yield carried;
}

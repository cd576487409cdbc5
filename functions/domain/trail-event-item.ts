import type { StoredTrailEvent } from './chain-verify.js';
import { eventSk, trailEventIndexSk } from './keys.js';
import { tableDesign } from './table-design.js';
import type { TrailEvent } from './trail-event.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
const [byMonth] = tableDesign.globalIndexes;

/**
 * A trail event's item: its keys, the event, and (for an indexed trail) its place in GSI1's events partition. The
 * index keys are not part of the event: they are left out of its hash and stripped when it is read back.
 */
export function trailEventItem(pk: string, event: TrailEvent, eventsPartition: string | undefined): Record<string, unknown> {
  const sk = eventSk(event.seq);
  return { [PK]: pk, [SK]: sk, ...event, ...(eventsPartition && { [byMonth.partitionKey]: eventsPartition, [byMonth.sortKey]: trailEventIndexSk(pk, sk) }) };
}

/** A stored event item read back: the event as it was hashed, its sort key, and the events partition it was indexed in. */
export function storedTrailEventOf(item: Record<string, unknown>): StoredTrailEvent & { readonly eventsPartition?: string } {
  const { [PK]: _pk, [SK]: sortKey, [byMonth.partitionKey]: eventsPartition, [byMonth.sortKey]: _indexSk, ...event } = item;
  return { sortKey: String(sortKey), event, ...(typeof eventsPartition === 'string' && { eventsPartition }) };
}

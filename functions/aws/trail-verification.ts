import { verifyChain, verifyChainFrom, type ChainVerdict, type TrustedHead, type VerifiedCheckpoint } from '../domain/chain-verify.js';
import { drillRunPk, incidentPk } from '../domain/keys.js';
import { listRunIdsStartedIn } from './drill/drill-run-store.js';
import { listStoredEvents, listStoredEventsFrom } from './event-trail.js';
import { listIncidentsOpenedIn } from './incident-store.js';
import { readInOrder } from '../domain/read-in-order.js';
import { readPeriodTrails, TRAIL_READ_CONCURRENCY } from './indexed-trail-reader.js';

export interface TrailVerification extends ChainVerdict {
  /** The trail's partition key, e.g. INC#<id>: with each problem's sort key it names the item. */
  readonly partitionKey: string;
  /** Events read and re-hashed in this run. */
  readonly verifiedFresh: number;
  /** The checkpoint the events before it were held to instead of being read (incremental verify only). */
  readonly heldTo?: { readonly seq: number; readonly hash: string; readonly digest: string };
}

export interface VerificationPeriod {
  /** Inclusive ISO time. */
  readonly from: string;
  /** Exclusive ISO time. */
  readonly to: string;
}

/** Every head the write-once digests recorded, by partition key: a trail must still hold each one (a truncated tail, a rewrite re-hashed between digests). */
export type TrustedHeads = ReadonlyMap<string, readonly TrustedHead[]>;

/** Where an earlier full verification left each trail (see docs/verify-performance.md for what that relies on). */
export type Checkpoints = ReadonlyMap<string, VerifiedCheckpoint>;

async function verifyTrail(tableName: string, partitionKey: string, trustedHeads: TrustedHeads | undefined, checkpoints: Checkpoints | undefined): Promise<TrailVerification> {
  const heads = trustedHeads?.get(partitionKey) ?? [];
  const checkpoint = checkpoints?.get(partitionKey);
  if (checkpoint) {
    // From the checkpoint's sort key on: one Query, not the whole partition. Undefined sends the trail to a full verify.
    const incremental = verifyChainFrom(await listStoredEventsFrom(tableName, partitionKey, checkpoint.seq), checkpoint, heads);
    if (incremental) return { partitionKey, ...incremental };
  }
  const verdict = verifyChain(await listStoredEvents(tableName, partitionKey), heads);
  return { partitionKey, ...verdict, verifiedFresh: verdict.length };
}

/**
 * Each trail's verdict, in the order given: with checkpoints, each from its checkpoint on (a Query of the new events
 * alone); without, the period's trails from GSI1's events partitions (indexed-trail-reader.ts), each trail the index
 * holds shorter than a digest recorded it read again by its own Query, so index lag or an index key removed never
 * stands for the table. `onTrail` as each verdict is made.
 */
async function verifyTrails(
  tableName: string,
  kind: 'INCIDENT' | 'DRILLRUN',
  period: VerificationPeriod,
  partitionKeys: readonly string[],
  onTrail: (verification: TrailVerification) => void,
  trustedHeads: TrustedHeads | undefined,
  checkpoints: Checkpoints | undefined,
): Promise<TrailVerification[]> {
  const verified = (verification: TrailVerification): TrailVerification => {
    onTrail(verification);
    return verification;
  };
  if (checkpoints) return readInOrder(partitionKeys, TRAIL_READ_CONCURRENCY, async (partitionKey) => verified(await verifyTrail(tableName, partitionKey, trustedHeads, checkpoints)), () => undefined);
  const recordedLength = (partitionKey: string) => Math.max(0, ...(trustedHeads?.get(partitionKey) ?? []).map((head) => head.seq));
  return readPeriodTrails(
    tableName,
    kind,
    period,
    partitionKeys,
    TRAIL_READ_CONCURRENCY,
    (partitionKey, events) => {
      const verdict = verifyChain(events, trustedHeads?.get(partitionKey) ?? []);
      return verified({ partitionKey, ...verdict, verifiedFresh: verdict.length });
    },
    () => undefined,
    (partitionKey, events) => events.length >= recordedLength(partitionKey),
  );
}

/** Recomputes the hash chain of every incident opened in the period: incidents from the month index (a Query per month, never a Scan). */
export async function verifyIncidentTrails(
  tableName: string,
  period: VerificationPeriod,
  onTrail: (verification: TrailVerification) => void = () => undefined,
  trustedHeads?: TrustedHeads,
  checkpoints?: Checkpoints,
): Promise<TrailVerification[]> {
  const partitionKeys = (await listIncidentsOpenedIn(tableName, period)).map((incident) => incidentPk(incident.incidentId));
  return verifyTrails(tableName, 'INCIDENT', period, partitionKeys, onTrail, trustedHeads, checkpoints);
}

/** Recomputes the hash chain of every drill run started in the period (month index, then the runs' trails). */
export async function verifyDrillRunTrails(
  tableName: string,
  period: VerificationPeriod,
  onTrail: (verification: TrailVerification) => void = () => undefined,
  trustedHeads?: TrustedHeads,
  checkpoints?: Checkpoints,
): Promise<TrailVerification[]> {
  const partitionKeys = (await listRunIdsStartedIn(tableName, period)).map((runId) => drillRunPk(runId));
  return verifyTrails(tableName, 'DRILLRUN', period, partitionKeys, onTrail, trustedHeads, checkpoints);
}

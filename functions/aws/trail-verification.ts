import { verifyChain, verifyChainFrom, type ChainVerdict, type TrustedHead, type VerifiedCheckpoint } from '../domain/chain-verify.js';
import { drillRunPk, incidentPk } from '../domain/keys.js';
import { listRunIdsStartedIn } from './drill/drill-run-store.js';
import { listStoredEvents, listStoredEventsFrom } from './event-trail.js';
import { listIncidents } from './incident-store.js';

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
 * Recomputes the hash chain of every incident opened in the period: incidents come from the
 * month index (a Query per month, never a Scan), each trail from its own partition.
 */
export async function verifyIncidentTrails(
  tableName: string,
  period: VerificationPeriod,
  onTrail: (verification: TrailVerification) => void = () => undefined,
  trustedHeads?: TrustedHeads,
  checkpoints?: Checkpoints,
): Promise<TrailVerification[]> {
  const verifications: TrailVerification[] = [];
  let position: Parameters<typeof listIncidents>[2];
  do {
    const page = await listIncidents(tableName, { from: period.from, to: period.to }, position, 100);
    for (const incident of page.incidents) {
      const verification = await verifyTrail(tableName, incidentPk(incident.incidentId), trustedHeads, checkpoints);
      verifications.push(verification);
      onTrail(verification);
    }
    position = page.next;
  } while (position);
  return verifications;
}

/** Recomputes the hash chain of every drill run started in the period (month index, then each run's partition). */
export async function verifyDrillRunTrails(
  tableName: string,
  period: VerificationPeriod,
  onTrail: (verification: TrailVerification) => void = () => undefined,
  trustedHeads?: TrustedHeads,
  checkpoints?: Checkpoints,
): Promise<TrailVerification[]> {
  const verifications: TrailVerification[] = [];
  for (const runId of await listRunIdsStartedIn(tableName, period)) {
    const verification = await verifyTrail(tableName, drillRunPk(runId), trustedHeads, checkpoints);
    verifications.push(verification);
    onTrail(verification);
  }
  return verifications;
}

import type { ChainProblem, VerifiedCheckpoint } from '../domain/chain-verify.js';
import type { DigestProblem } from '../domain/evidence/digest.js';
import type { KeyObject } from 'node:crypto';
import type { DigestStore } from './digest-store.js';
import { readDigestsFor } from './evidence-digests.js';
import { verifyDrillRunTrails, verifyIncidentTrails, type Checkpoints, type TrailVerification, type TrustedHeads, type VerificationPeriod } from './trail-verification.js';

export interface NamedChainProblem extends ChainProblem {
  readonly partitionKey: string;
}

/** What `irdr evidence verify` prints and `GET /evidence/verify` returns: one shape for both. */
export interface EvidenceVerificationReport {
  readonly tableName: string;
  readonly period: VerificationPeriod;
  /** Every chain intact, every digest intact and honoured. */
  readonly intact: boolean;
  readonly trails: { readonly incidents: number; readonly drillRuns: number; readonly broken: number };
  readonly events: number;
  /** Events read and re-hashed in this run: all of them, unless checkpoints let trails be verified from there. */
  readonly verifiedFresh: number;
  /** Trails verified from a checkpoint, each held there to the digest that recorded it. */
  readonly heldToCheckpoints: readonly { readonly partitionKey: string; readonly seq: number; readonly digest: string }[];
  /** Where this run leaves each trail, for the next run to verify from: only when everything held, digests included. */
  readonly checkpoints?: ReadonlyMap<string, VerifiedCheckpoint>;
  readonly problems: readonly NamedChainProblem[];
  readonly digests?: {
    readonly location: string;
    readonly checked: number;
    readonly newest?: { readonly name: string; readonly writtenAt: string };
    readonly problems: readonly DigestProblem[];
    /** Whether every digest's signature was checked against the digest writer's public key. */
    readonly signaturesChecked: boolean;
    /** Trails of the period no digest lists yet (opened since the newest digest): checked by their chain alone. */
    readonly trailsNotInADigest: number;
  };
}

/**
 * Recomputes every incident and drill-run chain of the period and, given the digest store, checks the digests and
 * holds each trail to every head a digest recorded: a deleted tail, a rewrite re-hashed after a digest (even one a
 * later digest recorded), or a trail gone altogether, shows, naming the digest it contradicts.
 */
export async function verifyEvidence(
  tableName: string,
  period: VerificationPeriod,
  digestSource: { readonly store: DigestStore; readonly signerKey?: KeyObject } | undefined,
  onTrail: (verification: TrailVerification) => void = () => undefined,
  incremental: { readonly checkpoints?: Checkpoints; readonly leaveCheckpoints?: boolean } = {},
): Promise<EvidenceVerificationReport> {
  const { checkpoints } = incremental;
  const store = digestSource?.store;
  const digestVerdict = digestSource ? await readDigestsFor(digestSource.store, period, digestSource.signerKey) : undefined;
  const trustedHeads = digestVerdict?.recordedHeads;
  const incidents = await verifyIncidentTrails(tableName, period, onTrail, trustedHeads, checkpoints);
  const drillRuns = await verifyDrillRunTrails(tableName, period, onTrail, trustedHeads, checkpoints);
  const verified = [...incidents, ...drillRuns];

  const seen = new Set(verified.map(({ partitionKey }) => partitionKey));
  const vanished: TrailVerification[] = [];
  for (const held of trustedHeads?.values() ?? []) {
    const head = held.at(-1);
    if (!head || seen.has(head.partitionKey) || head.openedAt < period.from || head.openedAt >= period.to) continue;
    const problem: ChainProblem = {
      kind: 'trail-missing',
      sortKey: 'META',
      expected: `a trail opened ${head.openedAt} holding ${head.seq}:${head.hash} (recorded by digest ${head.digest})`,
      found: 'not in the month index of the table (record deleted or moved)',
    };
    vanished.push({ partitionKey: head.partitionKey, length: 0, headHash: '', problems: [problem], verifiedFresh: 0 });
    onTrail(vanished.at(-1)!);
  }

  const all = [...verified, ...vanished];
  const problems = all.flatMap(({ partitionKey, problems: found }) => found.map((problem) => ({ partitionKey, ...problem })));
  const digestProblems = digestVerdict?.problems ?? [];
  const intact = problems.length === 0 && digestProblems.length === 0;
  return {
    tableName,
    period,
    intact,
    trails: { incidents: incidents.length, drillRuns: drillRuns.length, broken: all.filter((trail) => trail.problems.length > 0).length },
    events: verified.reduce((sum, trail) => sum + trail.length, 0),
    verifiedFresh: verified.reduce((sum, trail) => sum + trail.verifiedFresh, 0),
    heldToCheckpoints: verified.flatMap(({ partitionKey, heldTo }) => (heldTo ? [{ partitionKey, seq: heldTo.seq, digest: heldTo.digest }] : [])),
    ...(incremental.leaveCheckpoints && intact && trustedHeads && digestVerdict?.signaturesChecked && { checkpoints: nextCheckpoints(verified, trustedHeads, checkpoints) }),
    problems,
    ...(store &&
      digestVerdict && {
        digests: {
          location: store.location,
          checked: digestVerdict.checked,
          newest: digestVerdict.newest,
          problems: digestProblems,
          signaturesChecked: digestVerdict.signaturesChecked,
          trailsNotInADigest: verified.filter(({ partitionKey }) => !trustedHeads?.has(partitionKey)).length,
        },
      }),
  };
}

/**
 * Where an intact run leaves each trail a digest lists: its newest digest head, with every digest head it was held to
 * (and those its own checkpoint vouched for). Only from a run whose digests' signatures were checked.
 */
function nextCheckpoints(verified: readonly TrailVerification[], trustedHeads: TrustedHeads, previous: Checkpoints | undefined): Map<string, VerifiedCheckpoint> {
  const next = new Map<string, VerifiedCheckpoint>();
  for (const { partitionKey } of verified) {
    const held = trustedHeads.get(partitionKey) ?? [];
    const newest = held.reduce<(typeof held)[number] | undefined>((best, head) => (!best || head.seq > best.seq ? head : best), undefined);
    if (!newest?.digest) continue;
    const confirmed = new Map<string, { seq: number; hash: string }>();
    for (const { seq, hash } of [...(previous?.get(partitionKey)?.confirmedHeads ?? []), ...held]) confirmed.set(`${seq}:${hash}`, { seq, hash });
    next.set(partitionKey, { seq: newest.seq, hash: newest.hash, digest: newest.digest, confirmedHeads: [...confirmed.values()] });
  }
  return next;
}

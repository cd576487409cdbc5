import { GENESIS_HASH, hashEvent } from './hash-chain.js';

/** One stored event as read back: its sort key names it for the auditor. */
export interface StoredTrailEvent {
  readonly sortKey: string;
  readonly event: Record<string, unknown>;
}

export type ChainProblemKind = 'edited' | 'broken-link' | 'missing' | 'out-of-order' | 'head-mismatch' | 'trail-missing';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  /** The item at fault (its sort key), or the chain head for head-mismatch. */
  readonly sortKey: string;
  readonly expected: string;
  readonly found: string;
}

export interface ChainVerdict {
  readonly length: number;
  readonly headHash: string;
  readonly problems: readonly ChainProblem[];
}

/**
 * Recomputes a trail's hash chain, oldest first. Edits show as hash mismatches, insertions and
 * reorderings as broken links or seq out of order, deletions as a gap in seq; a trusted head
 * (from a write-once digest) also catches a truncated tail.
 */
export function verifyChain(events: readonly StoredTrailEvent[], trustedHead?: { seq: number; hash: string }): ChainVerdict {
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  // The hash the trail holds at the trusted head's seq: events appended since the digest must not change it.
  let hashAtTrustedSeq: string | undefined;
  for (const { sortKey, event } of events) {
    const { seq, prevHash, hash, ...body } = event as { seq: unknown; prevHash: unknown; hash: unknown } & Record<string, unknown>;
    if (typeof seq !== 'number' || typeof prevHash !== 'string' || typeof hash !== 'string') {
      problems.push({ kind: 'edited', sortKey, expected: 'seq, prevHash and hash', found: 'an item without them' });
      continue;
    }
    if (seq > expectedSeq) problems.push({ kind: 'missing', sortKey, expected: `seq ${expectedSeq}`, found: `seq ${seq}` });
    if (seq < expectedSeq) problems.push({ kind: 'out-of-order', sortKey, expected: `seq ${expectedSeq}`, found: `seq ${seq}` });
    if (prevHash !== expectedPrev) problems.push({ kind: 'broken-link', sortKey, expected: expectedPrev, found: prevHash });
    const recomputed = hashEvent(body, seq, prevHash);
    if (recomputed !== hash) problems.push({ kind: 'edited', sortKey, expected: recomputed, found: hash });
    if (seq === trustedHead?.seq) hashAtTrustedSeq = hash;
    expectedSeq = seq + 1;
    expectedPrev = hash;
  }
  const length = expectedSeq - 1;
  if (trustedHead && (trustedHead.seq > length || hashAtTrustedSeq !== trustedHead.hash)) {
    problems.push({
      kind: 'head-mismatch',
      sortKey: `seq ${trustedHead.seq}`,
      expected: `${trustedHead.seq}:${trustedHead.hash}`,
      found: trustedHead.seq > length ? `the trail ends at ${length}:${expectedPrev}` : `${trustedHead.seq}:${hashAtTrustedSeq ?? 'no event'}`,
    });
  }
  return { length, headHash: expectedPrev, problems };
}

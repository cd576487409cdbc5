import { GENESIS_HASH, storedEventHash } from './hash-chain.js';

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

/** A head a write-once digest recorded for a trail: the trail must hold this hash at this seq for ever after. */
export interface TrustedHead {
  readonly seq: number;
  readonly hash: string;
  /** The digest that recorded it, named in a head-mismatch so the auditor sees what the trail contradicts. */
  readonly digest?: string;
}

/**
 * Recomputes a trail's hash chain, oldest first. Edits show as hash mismatches, insertions and
 * reorderings as broken links or seq out of order, deletions as a gap in seq; the heads that write-once
 * digests recorded catch a truncated tail, and a rewrite re-hashed after a digest was written: the trail is
 * held to every one of them, not only the newest (a later digest may have recorded the rewrite).
 */
export function verifyChain(events: readonly StoredTrailEvent[], trustedHeads: readonly TrustedHead[] = []): ChainVerdict {
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  // The hash the trail holds at each trusted seq: events appended since a digest must not change it.
  const trustedSeqs = new Set(trustedHeads.map(({ seq }) => seq));
  const hashAtSeq = new Map<number, string>();
  for (const { sortKey, event } of events) {
    const { seq, prevHash, hash } = event;
    if (typeof seq !== 'number' || typeof prevHash !== 'string' || typeof hash !== 'string') {
      problems.push({ kind: 'edited', sortKey, expected: 'seq, prevHash and hash', found: 'an item without them' });
      continue;
    }
    if (seq > expectedSeq) problems.push({ kind: 'missing', sortKey, expected: `seq ${expectedSeq}`, found: `seq ${seq}` });
    if (seq < expectedSeq) problems.push({ kind: 'out-of-order', sortKey, expected: `seq ${expectedSeq}`, found: `seq ${seq}` });
    if (prevHash !== expectedPrev) problems.push({ kind: 'broken-link', sortKey, expected: expectedPrev, found: prevHash });
    const recomputed = storedEventHash(event);
    if (recomputed !== hash) problems.push({ kind: 'edited', sortKey, expected: recomputed, found: hash });
    if (trustedSeqs.has(seq)) hashAtSeq.set(seq, hash);
    expectedSeq = seq + 1;
    expectedPrev = hash;
  }
  const length = expectedSeq - 1;
  for (const head of distinctHeads(trustedHeads)) {
    const found = hashAtSeq.get(head.seq);
    if (head.seq <= length && found === head.hash) continue;
    problems.push({
      kind: 'head-mismatch',
      sortKey: `seq ${head.seq}`,
      expected: `${head.seq}:${head.hash}${head.digest ? ` (recorded by digest ${head.digest})` : ''}`,
      found: head.seq > length ? `the trail ends at ${length}:${expectedPrev}` : `${head.seq}:${found ?? 'no event'}`,
    });
  }
  return { length, headHash: expectedPrev, problems };
}

/** Each (seq, hash) once, the first digest to record it named: a trail unchanged for a year is not reported 365 times. */
function distinctHeads(heads: readonly TrustedHead[]): TrustedHead[] {
  const seen = new Map<string, TrustedHead>();
  for (const head of heads) if (!seen.has(`${head.seq}:${head.hash}`)) seen.set(`${head.seq}:${head.hash}`, head);
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Whether a trail still extends a head a digest recorded, given its events from that head's seq on: the event there
 * holds the recorded hash and hashes to it, and every later event follows on. What is before the head needs no
 * reading: the recorded hash covers it through the links. Gives the trail's head now, or what is wrong instead.
 */
export function extendsHead(events: readonly StoredTrailEvent[], recorded: { seq: number; hash: string }): { head: { seq: number; hash: string } } | { found: string } {
  const [first, ...later] = events;
  const at = first ? linkOf(first) : undefined;
  if (!at || at.seq !== recorded.seq) return { found: `no event ${recorded.seq}: the trail holds ${events.length === 0 ? 'nothing from there on' : `${at?.seq ?? 'an item without seq'} first`}` };
  if (at.hash !== recorded.hash) return { found: `${at.seq}:${at.hash}` };
  if (at.recomputed !== at.hash) return { found: `event ${at.seq} edited (it hashes to ${at.recomputed})` };
  let head = { seq: at.seq, hash: at.hash };
  for (const stored of later) {
    const link = linkOf(stored);
    if (!link || link.seq !== head.seq + 1 || link.prevHash !== head.hash || link.recomputed !== link.hash) {
      return { found: `event ${link?.seq ?? stored.sortKey} does not follow ${head.seq}:${head.hash}` };
    }
    head = { seq: link.seq, hash: link.hash };
  }
  return { head };
}

function linkOf({ event }: StoredTrailEvent): { seq: number; prevHash: string; hash: string; recomputed: string } | undefined {
  const { seq, prevHash, hash } = event;
  if (typeof seq !== 'number' || typeof prevHash !== 'string' || typeof hash !== 'string') return undefined;
  return { seq, prevHash, hash, recomputed: storedEventHash(event) };
}

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
  return verifyChainAfter(events, 0, GENESIS_HASH, trustedHeads);
}

/** verifyChain of the events that follow (seq, hash): the genesis when seq is 0. */
function verifyChainAfter(events: readonly StoredTrailEvent[], afterSeq: number, afterHash: string, trustedHeads: readonly TrustedHead[]): ChainVerdict {
  const problems: ChainProblem[] = [];
  let expectedSeq = afterSeq + 1;
  let expectedPrev = afterHash;
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
    if (trustedSeqs.size > 0 && trustedSeqs.has(seq)) hashAtSeq.set(seq, hash);
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

/**
 * Where an earlier full verification left a trail: a head a write-once digest recorded, which the trail held then, and
 * every digest head the trail was held to then. Only the auditor's own record of a full run makes one; the digest
 * alone does not (it cannot say the stored copies of the events before it were intact when it was written).
 */
export interface VerifiedCheckpoint {
  readonly seq: number;
  readonly hash: string;
  readonly digest: string;
  /** Each (seq, hash) of a digest head that full run confirmed, at or before `seq`. */
  readonly confirmedHeads: readonly { readonly seq: number; readonly hash: string }[];
}

export interface IncrementalVerdict extends ChainVerdict {
  /** Events read and re-hashed in this run (the checkpoint's own event and every later one). */
  readonly verifiedFresh: number;
  /** The checkpoint the events before it are held to: not read in this run. */
  readonly heldTo: { readonly seq: number; readonly hash: string; readonly digest: string };
}

/**
 * verifyChain from a checkpoint on, given the trail's events from the checkpoint's seq: the event there must still
 * hold the recorded hash and hash to it (a rewrite before it, re-hashed onwards, changes that hash), later events must
 * follow, and every trusted head after it is checked as verifyChain checks it. A trusted head before the checkpoint
 * that its full run did not confirm cannot be confirmed without reading the events there, and a checkpoint no trusted
 * digest recorded vouches for nothing: undefined for either, so the caller verifies the trail in full instead.
 */
export function verifyChainFrom(events: readonly StoredTrailEvent[], checkpoint: VerifiedCheckpoint, trustedHeads: readonly TrustedHead[] = []): IncrementalVerdict | undefined {
  // The checkpoint file is the auditor's own, not write-once: its head counts only if a trusted digest recorded it.
  if (!trustedHeads.some(({ seq, hash }) => seq === checkpoint.seq && hash === checkpoint.hash)) return undefined;
  const confirmed = new Set(checkpoint.confirmedHeads.map(({ seq, hash }) => `${seq}:${hash}`));
  for (const head of trustedHeads) {
    if (head.seq < checkpoint.seq && !confirmed.has(`${head.seq}:${head.hash}`)) return undefined;
    if (head.seq === checkpoint.seq && head.hash !== checkpoint.hash) return undefined;
  }
  const heldTo = { seq: checkpoint.seq, hash: checkpoint.hash, digest: checkpoint.digest };
  const [first] = events;
  const firstSeq = first?.event.seq;
  const firstHash = first?.event.hash;
  if (!first || firstSeq !== checkpoint.seq || firstHash !== checkpoint.hash || storedEventHash(first.event) !== checkpoint.hash) {
    const found = !first ? 'nothing from there on' : firstSeq !== checkpoint.seq ? `seq ${String(firstSeq)} first` : firstHash !== checkpoint.hash ? `${checkpoint.seq}:${String(firstHash)}` : `event ${checkpoint.seq} edited (it hashes to ${storedEventHash(first.event)})`;
    const problem: ChainProblem = { kind: 'head-mismatch', sortKey: first?.sortKey ?? `seq ${checkpoint.seq}`, expected: `${checkpoint.seq}:${checkpoint.hash} (recorded by digest ${checkpoint.digest})`, found };
    return { length: 0, headHash: '', problems: [problem], verifiedFresh: events.length, heldTo };
  }
  // The rest as verifyChain checks a whole trail, its genesis moved to the checkpoint.
  const later = verifyChainAfter(events.slice(1), checkpoint.seq, checkpoint.hash, trustedHeads.filter(({ seq }) => seq > checkpoint.seq));
  return { ...later, verifiedFresh: events.length, heldTo };
}

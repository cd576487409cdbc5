import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { extendsHead, verifyChain, verifyChainFrom, type StoredTrailEvent, type VerifiedCheckpoint } from '../../functions/domain/chain-verify.js';
import { GENESIS_HASH, nextLink, type ChainLink } from '../../functions/domain/hash-chain.js';
import { eventSk } from '../../functions/domain/keys.js';

function buildTrail(count: number): StoredTrailEvent[] {
  const trail: StoredTrailEvent[] = [];
  let previous: ChainLink | undefined;
  for (let index = 0; index < count; index += 1) {
    const body = { type: `step.${index}`, at: `2026-11-24T10:00:0${index}.000Z`, actor: 'arn:aws:iam::000000000000:user/rita' };
    previous = nextLink(body, previous);
    trail.push({ sortKey: eventSk(previous.seq), event: { ...body, ...previous } });
  }
  return trail;
}

describe('verifyChain', () => {
  it('accepts an intact trail and reports its head', () => {
    const trail = buildTrail(4);
    const verdict = verifyChain(trail);
    expect(verdict.problems).toEqual([]);
    expect(verdict.length).toBe(4);
    expect(verdict.headHash).toBe(trail[3]!.event.hash);
  });

  it('names an edited event with expected and found hashes', () => {
    const trail = buildTrail(3);
    trail[1] = { ...trail[1]!, event: { ...trail[1]!.event, actor: 'someone-else' } };
    expect(verifyChain(trail).problems).toEqual([
      expect.objectContaining({ kind: 'edited', sortKey: eventSk(2), found: trail[1]!.event.hash }),
    ]);
  });

  it('catches a deleted event as a gap and a broken link', () => {
    const trail = buildTrail(4);
    trail.splice(1, 1);
    const kinds = verifyChain(trail).problems.map((problem) => [problem.kind, problem.sortKey]);
    expect(kinds).toEqual([
      ['missing', eventSk(3)],
      ['broken-link', eventSk(3)],
    ]);
  });

  it('catches reordered events', () => {
    const trail = buildTrail(3);
    [trail[1], trail[2]] = [trail[2]!, trail[1]!];
    const kinds = verifyChain(trail).problems.map((problem) => problem.kind);
    expect(kinds).toContain('missing');
    expect(kinds).toContain('out-of-order');
  });

  it('catches a truncated tail against a trusted head from a digest', () => {
    const trail = buildTrail(5);
    const head = { seq: 5, hash: trail[4]!.event.hash as string };
    expect(verifyChain(trail, [head]).problems).toEqual([]);
    expect(verifyChain(trail.slice(0, 4), [head]).problems).toEqual([expect.objectContaining({ kind: 'head-mismatch' })]);
  });

  it('holds the trail to every recorded head: a rewrite re-hashed and then recorded by a later digest still shows', () => {
    const original = buildTrail(6);
    const recordedFirst = { seq: 6, hash: original[5]!.event.hash as string, digest: 'digests/2026/11/23/a.json' };
    // The insider's rewrite: event 3 says something else, the tail after it goes, the chain is re-hashed from 3.
    const rewritten = rehashFrom(original.slice(0, 4), 2, { type: 'approval.approved' });
    const recordedLater = { seq: 4, hash: rewritten[3]!.event.hash as string, digest: 'digests/2026/11/24/b.json' };
    expect(verifyChain(rewritten).problems).toEqual([]);
    // Held to the newest digest alone (what verification used to do), the rewrite passes:
    expect(verifyChain(rewritten, [recordedLater]).problems).toEqual([]);
    expect(verifyChain(rewritten, [recordedFirst, recordedLater]).problems).toEqual([
      {
        kind: 'head-mismatch',
        sortKey: 'seq 6',
        expected: `6:${recordedFirst.hash} (recorded by digest digests/2026/11/23/a.json)`,
        found: `the trail ends at 4:${recordedLater.hash}`,
      },
    ]);
    // Rewritten without truncating: the seq is there, its hash is not the recorded one.
    const sameLength = rehashFrom(original, 2, { type: 'approval.approved' });
    expect(verifyChain(sameLength, [recordedFirst]).problems).toEqual([
      expect.objectContaining({ kind: 'head-mismatch', found: `6:${sameLength[5]!.event.hash as string}` }),
    ]);
  });

  it('reports a head recorded by many digests once', () => {
    const trail = buildTrail(3);
    const head = { seq: 3, hash: 'f'.repeat(64) };
    const problems = verifyChain(trail, [1, 2, 3].map((day) => ({ ...head, digest: `d${day}` }))).problems;
    expect(problems).toEqual([expect.objectContaining({ kind: 'head-mismatch', expected: expect.stringContaining('(recorded by digest d1)') })]);
  });
});

describe('an insider editing stored events where the fast canonical pass hands over to the exact one', () => {
  // Awkward but honest content: array-index keys and an own __proto__ (no escapes, so only they turn the fast pass away);
  // quotes, controls, a non-BMP character; odd numbers; deep nesting.
  const ownProto = JSON.parse('{"__proto__": {"x": 1}, "n": [-0, 1e21, 5e-324]}') as Record<string, unknown>;
  const indexKeys = { '10': 'ten', '9': 'nine' };
  const escapes = { note: 'say "no"\u0001 😀' };
  // Hashed with the canonicalize package, as the trails stored before the hand-written canonicalizer were.
  const honest = (): StoredTrailEvent[] => {
    const trail: StoredTrailEvent[] = [];
    let prevHash = GENESIS_HASH;
    for (const [index, detail] of [{ a: 1 }, ownProto, indexKeys, escapes, { deep: [[[{ k: 'v' }]]] }].entries()) {
      const event = { type: 'step.completed', at: '2026-11-24T10:00:00.000Z', actor: 'arn:aws:iam::000000000000:user/rita', detail, seq: index + 1, prevHash };
      const hash = createHash('sha256').update(canonicalize(event)!, 'utf8').digest('hex');
      trail.push({ sortKey: eventSk(index + 1), event: { ...event, hash } });
      prevHash = hash;
    }
    return trail;
  };
  const edited = (change: (event: Record<string, unknown>) => Record<string, unknown>, index = 1) => {
    const trail = honest();
    trail[index] = { ...trail[index]!, event: change(trail[index]!.event) };
    return verifyChain(trail).problems.map(({ kind, sortKey }) => [kind, sortKey]);
  };
  const detailOf = (event: Record<string, unknown>) => event.detail as Record<string, unknown>;

  it('verifies the honest trail, its items read back with their attributes in any order', () => {
    expect(verifyChain(honest()).problems).toEqual([]);
    const shuffled = honest().map(({ sortKey, event }) => ({ sortKey, event: Object.fromEntries(Object.entries(event).reverse()) }));
    expect(verifyChain(shuffled).problems).toEqual([]);
  });

  it('catches each edit as edited at that item, the hash left as it was', () => {
    const at = [['edited', eventSk(2)]];
    // Index keys' values swapped, or one renamed to a key that is no index.
    expect(edited((event) => ({ ...event, detail: { '10': 'nine', '9': 'ten' } }), 2)).toEqual([['edited', eventSk(3)]]);
    expect(edited((event) => ({ ...event, detail: { '10': 'ten', '09': 'nine' } }), 2)).toEqual([['edited', eventSk(3)]]);
    // The own __proto__ changed, or dropped the way an assignment would drop it.
    expect(edited((event) => ({ ...event, detail: JSON.parse(JSON.stringify(detailOf(event)).replace('{"x":1}', '{"x":2}')) as unknown }))).toEqual(at);
    expect(edited((event) => ({ ...event, detail: Object.fromEntries(Object.entries(detailOf(event)).filter(([key]) => key !== '__proto__')) }))).toEqual(at);
    // An escape changed; a number given as the text JSON would show it; -0 made 0 is no edit (both are written 0).
    expect(edited((event) => ({ ...event, detail: { note: 'say "no"\u0002 😀' } }), 3)).toEqual([['edited', eventSk(4)]]);
    expect(edited((event) => ({ ...event, detail: { ...detailOf(event), n: ['0', 1e21, 5e-324] } }))).toEqual(at);
    expect(edited((event) => ({ ...event, detail: { ...detailOf(event), n: [0, 1e21, 5e-324] } }))).toEqual([]);
    // A canonical text of the original stored beside edited fields: verification hashes the fields, never a stored text.
    expect(edited((event) => ({ ...event, actor: 'arn:aws:iam::000000000000:user/mallory', canonical: JSON.stringify(event) }))).toEqual(at);
  });
});

/** What an insider with table write access does: change one event's body, then recompute every hash from it on. */
function rehashFrom(trail: readonly StoredTrailEvent[], index: number, change: Record<string, unknown>): StoredTrailEvent[] {
  const result = trail.slice(0, index);
  let previous: ChainLink | undefined = index === 0 ? undefined : (result[index - 1]!.event as unknown as ChainLink);
  for (const [offset, stored] of trail.slice(index).entries()) {
    const { seq: _seq, prevHash: _prevHash, hash: _hash, ...body } = stored.event;
    const newBody = offset === 0 ? { ...body, ...change } : body;
    previous = nextLink(newBody, previous);
    result.push({ sortKey: stored.sortKey, event: { ...newBody, ...previous } });
  }
  return result;
}

describe('extendsHead (the digest writer\'s check)', () => {
  const trail = buildTrail(6);
  const recorded = { seq: 4, hash: trail[3]!.event.hash as string };

  it('gives the new head when the trail only grew, or stayed', () => {
    expect(extendsHead(trail.slice(3), recorded)).toEqual({ head: { seq: 6, hash: trail[5]!.event.hash } });
    expect(extendsHead(trail.slice(3, 4), recorded)).toEqual({ head: recorded });
  });

  it('refuses a rewrite re-hashed at or before the recorded seq, a truncation, an edit left un-hashed, a forged tail', () => {
    const rewritten = rehashFrom(trail, 1, { type: 'approval.approved' });
    expect(extendsHead(rewritten.slice(3), recorded)).toEqual({ found: `4:${rewritten[3]!.event.hash as string}` });
    expect(extendsHead(trail.slice(3, 3), recorded)).toEqual({ found: 'no event 4: the trail holds nothing from there on' });
    const edited = trail.slice(3).map((stored, index) => (index === 0 ? { ...stored, event: { ...stored.event, type: 'approval.approved' } } : stored));
    expect(extendsHead(edited, recorded)).toEqual({ found: expect.stringMatching(/^event 4 edited/) });
    const forgedTail = [...trail.slice(3, 5), rehashFrom(trail, 5, { type: 'forged' })[5]!];
    forgedTail[2] = { ...forgedTail[2]!, event: { ...forgedTail[2]!.event, prevHash: 'a'.repeat(64) } };
    expect(extendsHead(forgedTail, recorded)).toEqual({ found: `event 6 does not follow 5:${trail[4]!.event.hash as string}` });
  });
});

describe('verifyChainFrom (incremental verify from a checkpoint a full run left)', () => {
  /** The insider's rewrite: event `at` (1-based) edited, then every event from there re-hashed so the links hold. */
  function rewrittenFrom(trail: StoredTrailEvent[], at: number): StoredTrailEvent[] {
    const out = trail.slice(0, at - 1);
    let previous: ChainLink | undefined = at > 1 ? (out[at - 2]!.event as unknown as ChainLink) : undefined;
    for (const { event } of trail.slice(at - 1)) {
      const { seq: _seq, prevHash: _prev, hash: _hash, ...body } = event;
      const edited = event.seq === at ? { ...body, actor: 'arn:aws:iam::000000000000:user/mallory' } : body;
      previous = nextLink(edited, previous);
      out.push({ sortKey: eventSk(previous.seq), event: { ...edited, ...previous } });
    }
    return out;
  }
  const checkpointAt = (trail: StoredTrailEvent[], seq: number, confirmedHeads: VerifiedCheckpoint['confirmedHeads'] = []): VerifiedCheckpoint => ({
    seq, hash: trail[seq - 1]!.event.hash as string, digest: '2026-11-30T04-00-00Z', confirmedHeads: [...confirmedHeads, { seq, hash: trail[seq - 1]!.event.hash as string }],
  });

  const recorded = (checkpoint: VerifiedCheckpoint) => ({ seq: checkpoint.seq, hash: checkpoint.hash, digest: checkpoint.digest });

  it('re-hashes only the events from the checkpoint on and gives the full verdict\'s head', () => {
    const trail = buildTrail(9);
    const checkpoint = checkpointAt(trail, 6);
    const verdict = verifyChainFrom(trail.slice(5), checkpoint, [recorded(checkpoint)]);
    expect(verdict).toMatchObject({ problems: [], length: 9, headHash: verifyChain(trail).headHash, verifiedFresh: 4, heldTo: { seq: 6, digest: '2026-11-30T04-00-00Z' } });
  });

  it('catches a rewrite before the checkpoint re-hashed through it: the hash at the checkpoint changed', () => {
    const trail = buildTrail(9);
    const checkpoint = checkpointAt(trail, 6);
    const forged = rewrittenFrom(trail, 3);
    expect(verifyChain(forged).problems).toEqual([]); // the chain alone cannot see it
    expect(verifyChainFrom(forged.slice(5), checkpoint, [recorded(checkpoint)])!.problems).toEqual([
      expect.objectContaining({ kind: 'head-mismatch', expected: `6:${checkpoint.hash} (recorded by digest 2026-11-30T04-00-00Z)`, found: `6:${forged[5]!.event.hash as string}` }),
    ]);
  });

  it('catches the checkpoint event edited with its hash left as it was', () => {
    const trail = buildTrail(9);
    const checkpoint = checkpointAt(trail, 6);
    trail[5] = { ...trail[5]!, event: { ...trail[5]!.event, actor: 'mallory' } };
    expect(verifyChainFrom(trail.slice(5), checkpoint, [recorded(checkpoint)])!.problems).toEqual([expect.objectContaining({ kind: 'head-mismatch', found: expect.stringMatching(/^event 6 edited/) })]);
  });

  it('holds the events after the checkpoint to every later digest head: a rewrite after it, re-hashed, and a truncation', () => {
    const trail = buildTrail(9);
    const checkpoint = checkpointAt(trail, 4);
    const later = [recorded(checkpoint), { seq: 7, hash: trail[6]!.event.hash as string, digest: 'later' }, { seq: 9, hash: trail[8]!.event.hash as string, digest: 'latest' }];
    expect(verifyChainFrom(trail.slice(3), checkpoint, later)!.problems).toEqual([]);
    const forged = rewrittenFrom(trail, 5);
    expect(verifyChainFrom(forged.slice(3), checkpoint, later)!.problems.map(({ kind, sortKey }) => [kind, sortKey])).toEqual([['head-mismatch', 'seq 7'], ['head-mismatch', 'seq 9']]);
    expect(verifyChainFrom(trail.slice(3, 8), checkpoint, later)!.problems).toEqual([expect.objectContaining({ kind: 'head-mismatch', sortKey: 'seq 9', found: expect.stringMatching(/^the trail ends at 8:/) })]);
  });

  it('refuses to go incremental when a digest holds the trail to a head before the checkpoint that the full run did not confirm', () => {
    const trail = buildTrail(9);
    const confirmedEarlier = { seq: 2, hash: trail[1]!.event.hash as string };
    const checkpoint = checkpointAt(trail, 6, [confirmedEarlier]);
    const own = recorded(checkpoint);
    expect(verifyChainFrom(trail.slice(5), checkpoint, [{ ...confirmedEarlier, digest: 'older' }, own])).toBeDefined();
    expect(verifyChainFrom(trail.slice(5), checkpoint, [{ seq: 3, hash: trail[2]!.event.hash as string, digest: 'unseen' }, own])).toBeUndefined();
    expect(verifyChainFrom(trail.slice(5), checkpoint, [{ seq: 2, hash: 'f'.repeat(64), digest: 'contradicting' }, own])).toBeUndefined();
    expect(verifyChainFrom(trail.slice(5), checkpoint, [{ seq: 6, hash: 'f'.repeat(64), digest: 'contradicting' }, own])).toBeUndefined();
  });

  it('refuses a checkpoint no trusted digest recorded: a forged checkpoint file pointing at a rewrite', () => {
    const trail = buildTrail(9);
    const genuine = checkpointAt(trail, 6);
    const forged = rewrittenFrom(trail, 3);
    // The insider rewrites the table and the checkpoint file, to the rewritten head, claiming every digest head confirmed.
    const forgedCheckpoint = { ...checkpointAt(forged, 9), confirmedHeads: [{ seq: 6, hash: genuine.hash }, { seq: 9, hash: forged[8]!.event.hash as string }] };
    expect(verifyChainFrom(forged.slice(8), forgedCheckpoint, [recorded(genuine)])).toBeUndefined();
    expect(verifyChain(forged, [recorded(genuine)]).problems).toEqual([expect.objectContaining({ kind: 'head-mismatch' })]);
  });

  it('does not see an edit before the checkpoint that leaves every stored hash as it was: what it relies on (a full verify does)', () => {
    const trail = buildTrail(9);
    const checkpoint = checkpointAt(trail, 6);
    trail[2] = { ...trail[2]!, event: { ...trail[2]!.event, actor: 'mallory' } };
    expect(verifyChainFrom(trail.slice(5), checkpoint, [recorded(checkpoint)])!.problems).toEqual([]);
    expect(verifyChain(trail).problems).toEqual([expect.objectContaining({ kind: 'edited', sortKey: eventSk(3) })]);
  });
});

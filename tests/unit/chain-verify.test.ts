import { describe, expect, it } from 'vitest';
import { verifyChain, type StoredTrailEvent } from '../../functions/domain/chain-verify.js';
import { nextLink, type ChainLink } from '../../functions/domain/hash-chain.js';
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
    expect(verifyChain(trail, head).problems).toEqual([]);
    expect(verifyChain(trail.slice(0, 4), head).problems).toEqual([expect.objectContaining({ kind: 'head-mismatch' })]);
  });
});

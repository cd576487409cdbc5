import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent, nextLink } from '../../functions/domain/hash-chain.js';

describe('hash chain', () => {
  const body = { type: 'incident.opened', at: '2026-11-24T10:00:00.000Z', actor: 'arn:aws:iam::000000000000:user/rita' };

  it('starts at seq 1 on the genesis hash', () => {
    const first = nextLink(body, undefined);
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('links each event to the one before', () => {
    const first = nextLink(body, undefined);
    const second = nextLink({ ...body, type: 'triage.started' }, first);
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
  });

  it('does not depend on key order (RFC 8785 canonical JSON)', () => {
    const reordered = { actor: body.actor, at: body.at, type: body.type };
    expect(hashEvent(reordered, 1, GENESIS_HASH)).toBe(hashEvent(body, 1, GENESIS_HASH));
  });

  it('changes when any field, the seq or the link changes', () => {
    const original = hashEvent(body, 1, GENESIS_HASH);
    expect(hashEvent({ ...body, actor: 'someone else' }, 1, GENESIS_HASH)).not.toBe(original);
    expect(hashEvent(body, 2, GENESIS_HASH)).not.toBe(original);
    expect(hashEvent(body, 1, 'f'.repeat(64))).not.toBe(original);
  });
});

import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** prevHash of the first event in a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainLink {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * hash = SHA-256 over the RFC 8785 canonical JSON of { ...body, seq, prevHash },
 * so any edit of the body, the order or the link shows up on recomputation.
 */
export function hashEvent(body: Record<string, unknown>, seq: number, prevHash: string): string {
  const canonical = canonicalize({ ...body, seq, prevHash });
  if (canonical === undefined) throw new TypeError('event body cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** The link that follows `previous` (or starts a chain when there is none). */
export function nextLink(body: Record<string, unknown>, previous: ChainLink | undefined): ChainLink {
  const seq = previous ? previous.seq + 1 : 1;
  const prevHash = previous ? previous.hash : GENESIS_HASH;
  return { seq, prevHash, hash: hashEvent(body, seq, prevHash) };
}

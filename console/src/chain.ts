import canonicalize from 'canonicalize';

/*
 * The trail's hash chain, recomputed in the browser from what the API returned: hash = SHA-256 over the RFC 8785
 * canonical JSON of the event without its `hash` (functions/domain/hash-chain.ts), each prevHash the hash before.
 */

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainStatus {
  readonly intact: boolean;
  readonly length: number;
  /** The first event that does not hold, and how. */
  readonly problem?: { readonly seq: number; readonly kind: 'edited' | 'broken-link' | 'out-of-order' };
}

interface ChainedEvent {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly [member: string]: unknown;
}

const hex = (buffer: ArrayBuffer): string => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

export async function verifyTrail(events: readonly ChainedEvent[]): Promise<ChainStatus> {
  let previousHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    if (event.seq !== index + 1) return { intact: false, length: events.length, problem: { seq: event.seq, kind: 'out-of-order' } };
    if (event.prevHash !== previousHash) return { intact: false, length: events.length, problem: { seq: event.seq, kind: 'broken-link' } };
    const { hash, ...body } = event;
    const digest = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalize(body) ?? '')));
    if (digest !== hash) return { intact: false, length: events.length, problem: { seq: event.seq, kind: 'edited' } };
    previousHash = hash;
  }
  return { intact: true, length: events.length };
}

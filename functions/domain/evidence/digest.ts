import { createHash, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from '../zod.js';
import { keyFingerprint, type ManifestSigner } from './export-manifest.js';

export const DIGEST_FORMAT = 'irdr-evidence-digest/2';
/** The field of WriteEvidenceDigest's log line that counts refused heads: the alarm's metric filter reads it. */
export const DIGEST_REFUSED_HEADS_FIELD = 'digestRefusedHeads';
/** Digests written before they recorded refusals (unsigned): still read, so old evidence stays checkable. */
const LEGACY_DIGEST_FORMAT = 'irdr-evidence-digest/1';
/** Trails opened this long ago are still listed: a SOC 2 Type II period (12 months) plus a quarter of slack. */
export const DIGEST_LOOKBACK_DAYS = 460;

const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export const ChainHead = z.object({
  /** The trail's partition key, e.g. INC#<id> or DRILLRUN#<runId>. */
  partitionKey: z.string().check(z.minLength(1)),
  /** When the record was opened or started: which period the trail belongs to. */
  openedAt: z.string(),
  seq: z.number().check(z.int(), z.positive()),
  hash: Sha256Hex,
});
export type ChainHead = z.infer<typeof ChainHead>;

/**
 * A trail whose head no longer extends the head the previous digest recorded (an event at or before it was rewritten,
 * or the trail was truncated or deleted). The digest keeps the recorded head for it instead: a rewrite is refused and
 * alarmed the morning after, never absorbed into the next digest.
 */
export const RefusedHead = z.object({
  partitionKey: z.string().check(z.minLength(1)),
  /** The head the previous digest recorded, carried into this one. */
  recorded: z.object({ seq: z.number().check(z.int(), z.positive()), hash: Sha256Hex, digest: z.string() }),
  /** What the table holds instead, for the people who investigate. */
  found: z.string(),
});
export type RefusedHead = z.infer<typeof RefusedHead>;

const DigestFields = {
  writtenAt: z.string(),
  tableName: z.string(),
  /** Trails opened from this time on are listed. */
  listsOpenedFrom: z.string(),
  heads: z.array(ChainHead),
  /** The digest written before this one, so digests chain too: a removed or replaced one shows. */
  previous: z.nullable(z.object({ name: z.string(), sha256: Sha256Hex })),
};

/**
 * Ed25519 over `irdr-evidence-digest sha256:<hex of the canonical digest without its signature>`, by a KMS key only the
 * digest writer may use: a digest put by anyone else (an admin, a role that can write the bucket) does not verify.
 */
const DigestSignature = z.object({
  algorithm: z.literal('Ed25519'),
  /** SHA-256 of the signer's public key (SPKI DER): which key to check with; the verifier pins its own. */
  keyFingerprint: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)),
  value: z.string().check(z.minLength(1)),
});

export const EvidenceDigest = z.object({ format: z.literal(DIGEST_FORMAT), ...DigestFields, refused: z.array(RefusedHead), signature: DigestSignature });
export type EvidenceDigest = z.infer<typeof EvidenceDigest>;
const ReadableDigest = z.discriminatedUnion('format', [EvidenceDigest, z.object({ format: z.literal(LEGACY_DIGEST_FORMAT), ...DigestFields })]);
type ReadableDigest = z.infer<typeof ReadableDigest>;

export interface StoredDigest {
  readonly name: string;
  readonly bytes: Buffer;
}

export const sha256Of = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** Object name sortable by time: digests/YYYY/MM/DD/<writtenAt>.json. */
export function digestName(writtenAt: string): string {
  const [date] = writtenAt.split('T');
  return `digests/${date!.replaceAll('-', '/')}/${writtenAt.replaceAll(':', '-')}.json`;
}

export type UnsignedDigest = Omit<EvidenceDigest, 'signature'>;

/** Names what is signed, so a digest signature cannot be replayed as a signature of anything else. */
const SIGNED_DIGEST_PREFIX = 'irdr-evidence-digest sha256:';

/** What a digest's signature covers: the prefix and the SHA-256 of its canonical JSON without the signature (KMS signs ≤ 4 KB raw). */
function signedDigestMessage(document: Record<string, unknown>): Buffer {
  const { signature: _signature, ...signed } = document;
  return Buffer.from(`${SIGNED_DIGEST_PREFIX}${sha256Of(canonicalJson(signed))}`, 'utf8');
}

function canonicalJson(value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new TypeError('digest cannot be canonicalized');
  return canonical;
}

/** Signs the digest (Ed25519, through KMS in AWS) and gives its stored bytes: RFC 8785 canonical JSON, so its SHA-256 is reproducible. */
export async function signDigest(document: UnsignedDigest, signer: ManifestSigner): Promise<{ document: EvidenceDigest; stored: StoredDigest }> {
  const publicKey = await signer.publicKey();
  const message = signedDigestMessage(document);
  const value = await signer.sign(message);
  if (!verify(null, message, publicKey, value)) throw new Error('the digest signer returned a signature its own public key does not verify');
  const signed: EvidenceDigest = { ...document, signature: { algorithm: 'Ed25519', keyFingerprint: keyFingerprint(publicKey), value: value.toString('base64') } };
  return { document: signed, stored: { name: digestName(document.writtenAt), bytes: Buffer.from(canonicalJson(signed), 'utf8') } };
}

/** The digest document, unsigned (signDigest signs it and gives its bytes). */
export function buildDigest(input: {
  writtenAt: string;
  tableName: string;
  listsOpenedFrom: string;
  heads: readonly ChainHead[];
  previous: StoredDigest | undefined;
  refused?: readonly RefusedHead[];
}): UnsignedDigest {
  const byPartitionKey = <T extends { partitionKey: string }>(a: T, b: T): number => (a.partitionKey < b.partitionKey ? -1 : a.partitionKey > b.partitionKey ? 1 : 0);
  return {
    format: DIGEST_FORMAT,
    writtenAt: input.writtenAt,
    tableName: input.tableName,
    listsOpenedFrom: input.listsOpenedFrom,
    // Exactly the fields the format has: what is signed is what a reader parses back.
    heads: input.heads.map(({ partitionKey, openedAt, seq, hash }) => ({ partitionKey, openedAt, seq, hash })).sort(byPartitionKey),
    previous: input.previous ? { name: input.previous.name, sha256: sha256Of(input.previous.bytes) } : null,
    refused: (input.refused ?? [])
      .map(({ partitionKey, recorded: { seq, hash, digest }, found }) => ({ partitionKey, recorded: { seq, hash, digest }, found }))
      .sort(byPartitionKey),
  };
}

export interface DigestProblem {
  /** The digest object at fault. */
  readonly name: string;
  readonly expected: string;
  readonly found: string;
}

/** A head as a digest recorded it, and which digest: what a trail is held to. */
export interface RecordedHead extends ChainHead {
  readonly digest: string;
}

export interface DigestChainVerdict {
  readonly checked: number;
  readonly newest?: { readonly name: string; readonly writtenAt: string };
  readonly problems: readonly DigestProblem[];
  /**
   * For each trail, every distinct head any digest recorded, oldest first: the trail must still hold each one. The
   * newest alone is not enough: a rewrite re-hashed before the next digest would be recorded by it.
   */
  readonly recordedHeads: ReadonlyMap<string, readonly RecordedHead[]>;
  /** Whether each digest's signature was checked against the digest writer's public key (given one). */
  readonly signaturesChecked: boolean;
}

/**
 * Checks digests oldest first: each parses, and each names the one before it by name and SHA-256. The first digest
 * looked at may name one outside the set (older digests not read): that link is taken on trust. A digest that records
 * a trail shorter than, or different at the same seq from, an earlier digest contradicts it and is reported.
 */
export function verifyDigests(digests: readonly StoredDigest[], signerKey?: KeyObject): DigestChainVerdict {
  const ordered = [...digests].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const problems: DigestProblem[] = [];
  const recordedHeads = new Map<string, RecordedHead[]>();
  let before: StoredDigest | undefined;
  let newest: DigestChainVerdict['newest'];
  for (const stored of ordered) {
    const parsed = parseDigest(stored);
    if (!parsed.success) {
      problems.push({ name: stored.name, expected: `a ${DIGEST_FORMAT} document`, found: parsed.error });
      before = stored;
      continue;
    }
    const { previous } = parsed.document;
    if (signerKey) {
      const found = signatureProblem(parsed.document, signerKey);
      if (found) problems.push({ name: stored.name, expected: `signed by the digest writer's key ${keyFingerprint(signerKey)}`, found });
    }
    if (before !== undefined) {
      const link = { name: before.name, sha256: sha256Of(before.bytes) };
      if (previous === null || previous.name !== link.name || previous.sha256 !== link.sha256) {
        problems.push({
          name: stored.name,
          expected: `previous ${link.name} ${link.sha256}`,
          found: previous === null ? 'no previous digest' : `previous ${previous.name} ${previous.sha256}`,
        });
      }
    }
    for (const head of parsed.document.heads) {
      const held = recordedHeads.get(head.partitionKey) ?? [];
      const last = held.at(-1);
      if (last && (head.seq < last.seq || (head.seq === last.seq && head.hash !== last.hash))) {
        problems.push({
          name: stored.name,
          expected: `${head.partitionKey} to extend ${last.seq}:${last.hash} (recorded by digest ${last.digest})`,
          found: `${head.seq}:${head.hash}`,
        });
      }
      if (!last || last.seq !== head.seq || last.hash !== head.hash) held.push({ ...head, digest: stored.name });
      recordedHeads.set(head.partitionKey, held);
    }
    newest = { name: stored.name, writtenAt: parsed.document.writtenAt };
    before = stored;
  }
  return { checked: ordered.length, newest, problems, recordedHeads, signaturesChecked: signerKey !== undefined };
}

/** Why a digest's signature does not vouch for it, or undefined when it does. */
function signatureProblem(document: ReadableDigest, signerKey: KeyObject): string | undefined {
  if (document.format !== DIGEST_FORMAT) return `an unsigned ${document.format} digest`;
  const { signature } = document;
  if (signature.keyFingerprint !== keyFingerprint(signerKey)) return `a signature by ${signature.keyFingerprint}`;
  if (!verify(null, signedDigestMessage(document), signerKey, Buffer.from(signature.value, 'base64'))) return 'a signature that does not match the digest (changed after signing)';
  return undefined;
}

/** The digest's document, if its bytes are one (of this format or the legacy one). */
export function parseDigest(stored: StoredDigest): { success: true; document: ReadableDigest } | { success: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(stored.bytes.toString('utf8'));
  } catch {
    return { success: false, error: 'bytes that are not JSON' };
  }
  const parsed = ReadableDigest.safeParse(json);
  if (!parsed.success) return { success: false, error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  return { success: true, document: parsed.data };
}

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from '../zod.js';
import type { EvidencePeriod } from './exported-trail.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'irdr-evidence-export/2';

// File names are plain names in the export directory: a manifest cannot point the checker elsewhere.
const FileName = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), z.refine((name) => name !== MANIFEST_FILE));

const ManifestFile = z.object({ name: FileName, sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)), bytes: z.number().check(z.int(), z.nonnegative()) });
export type ManifestFile = z.infer<typeof ManifestFile>;

/** The head of one exported trail: compare it with the write-once digests, or with a later export. */
const ChainHeadEntry = z.object({ partitionKey: z.string(), seq: z.number().check(z.int(), z.nonnegative()), hash: z.string() });

const ManifestSignature = z.object({
  algorithm: z.literal('Ed25519'),
  /** What is signed: `irdr-evidence-manifest sha256:<hex>` of the RFC 8785 canonical JSON of the manifest without its `signature` (see signedMessage). */
  canonicalization: z.literal('RFC 8785'),
  /** The signer's public key (SPKI, PEM): anyone can verify; pin it by its fingerprint to know who signed. */
  publicKey: z.string().check(z.startsWith('-----BEGIN PUBLIC KEY-----')),
  keyFingerprint: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)),
  value: z.string().check(z.regex(/^[A-Za-z0-9+/]{86}==$/)),
});

export const ExportManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  period: z.object({ from: z.string(), to: z.string() }),
  tableName: z.string(),
  generatedAt: z.string(),
  trails: z.object({ incidents: z.number(), drillRuns: z.number(), total: z.number(), broken: z.number() }),
  heads: z.array(ChainHeadEntry),
  files: z.array(ManifestFile),
  signature: z.optional(ManifestSignature),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

/** A file's bytes: one Buffer, or a listing's pieces in order, never joined (a year's incidents.json is ~300 MB). */
export type FileContent = Buffer | readonly Buffer[];

export interface ExportFile {
  readonly name: string;
  readonly content: FileContent;
}

export const contentChunks = (content: FileContent): readonly Buffer[] => (Buffer.isBuffer(content) ? [content] : content);
/**
 * The content in blocks of at least `bytes` (the last may be shorter): a listing's ~25 KB items are written and
 * deflated a block at a time, as fast as the joined file (one write, or one deflate input, an item was ~2x the cost).
 */
export function* contentBlocks(content: FileContent, bytes: number): Generator<Buffer> {
  let block: Buffer[] = [];
  let blockBytes = 0;
  for (const chunk of contentChunks(content)) {
    block.push(chunk);
    blockBytes += chunk.length;
    if (blockBytes < bytes) continue;
    yield Buffer.concat(block, blockBytes);
    block = [];
    blockBytes = 0;
  }
  if (blockBytes > 0) yield Buffer.concat(block, blockBytes);
}
export const contentBytes = (content: FileContent): number => contentChunks(content).reduce((bytes, chunk) => bytes + chunk.length, 0);
/** A file's text (every export file is UTF-8): joined here, for the small files and small periods that need one string. */
export const contentText = (content: FileContent): string => (Buffer.isBuffer(content) ? content : Buffer.concat(content)).toString('utf8');

/** The manifest as written beside the files (and into a zip): what check-export reads. */
export const manifestText = (manifest: ExportManifest): string => `${JSON.stringify(manifest, null, 2)}\n`;

export function sha256Hex(content: FileContent): string {
  const hash = createHash('sha256');
  for (const chunk of contentChunks(content)) hash.update(chunk);
  return hash.digest('hex');
}

const ED25519_HINT = 'an Ed25519 key in PEM (irdr evidence keygen --out <dir> makes a pair)';

function requireEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new RangeError(`the ${what} must be ${ED25519_HINT}; this one is ${key.asymmetricKeyType ?? 'not asymmetric'}`);
  return key;
}

/** The private key a signing key file holds (PKCS #8 PEM, Ed25519). */
export function signingKeyFromPem(pem: Buffer | string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new RangeError(`the signing key file must hold ${ED25519_HINT}`);
  }
  return requireEd25519(key, 'signing key');
}

/** The public key a key file holds (SPKI PEM, or the DER `aws kms get-public-key` gives; a private key file gives its public half). */
export function publicKeyFromPem(pem: Buffer | string): KeyObject {
  let key: KeyObject;
  try {
    const isPem = pem.toString('latin1').trimStart().startsWith('-----BEGIN');
    key = isPem || typeof pem === 'string' ? createPublicKey(pem) : createPublicKey({ key: pem, format: 'der', type: 'spki' });
  } catch {
    throw new RangeError(`the public key file must hold ${ED25519_HINT}`);
  }
  return requireEd25519(key, 'public key');
}

/** `sha256:<hex>` of the key's SPKI DER: short enough to read out over the phone, and what pinning compares. */
export const keyFingerprint = (publicKey: KeyObject): string =>
  `sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;

/** Names what the digest is of, so a signature cannot be replayed for other data. */
export const SIGNED_MESSAGE_PREFIX = 'irdr-evidence-manifest sha256:';

/**
 * What a signature covers: the prefix and the hex SHA-256 of the manifest's RFC 8785 canonical JSON without its
 * signature. A digest, not the JSON itself, because KMS signs at most 4,096 raw bytes with Ed25519 (key spec
 * ECC_NIST_EDWARDS25519) and a manifest listing every trail head is longer: the same message signs locally and in AWS.
 */
export function signedMessage(manifest: Record<string, unknown>): Buffer {
  const { signature: _signature, ...signed } = manifest;
  const canonical = canonicalize(signed);
  if (canonical === undefined) throw new TypeError('manifest cannot be canonicalized');
  return Buffer.from(`${SIGNED_MESSAGE_PREFIX}${createHash('sha256').update(canonical, 'utf8').digest('hex')}`, 'utf8');
}

export interface ManifestFields {
  readonly period: EvidencePeriod;
  readonly tableName: string;
  readonly generatedAt: string;
  readonly trails: ExportManifest['trails'];
  readonly heads: ExportManifest['heads'];
}

/** Lists every file with its SHA-256 and size and every trail's head (unsigned: see signManifest). */
export function buildManifest(fields: ManifestFields, files: readonly ExportFile[]): ExportManifest {
  return {
    format: MANIFEST_FORMAT,
    period: { from: fields.period.from, to: fields.period.to },
    tableName: fields.tableName,
    generatedAt: fields.generatedAt,
    trails: fields.trails,
    heads: fields.heads.map(({ partitionKey, seq, hash }) => ({ partitionKey, seq, hash })),
    files: files.map(({ name, content }) => ({ name: FileName.parse(name), sha256: sha256Hex(content), bytes: contentBytes(content) })),
  };
}

/**
 * Who signs a manifest with Ed25519: a key file here (keySigner), or a KMS key of spec ECC_NIST_EDWARDS25519 in AWS
 * (functions/aws/kms-ed25519-signer.ts), which never lets the private key out.
 */
export interface ManifestSigner {
  publicKey(): Promise<KeyObject>;
  /** The Ed25519 signature (64 bytes) of the message as given (pure Ed25519, not prehashed). */
  sign(message: Buffer): Promise<Buffer>;
}

/** Signs with a private key held in this process (irdr evidence keygen). */
export function keySigner(privateKey: KeyObject): ManifestSigner {
  requireEd25519(privateKey, 'signing key');
  const publicKey = createPublicKey(privateKey);
  return { publicKey: async () => publicKey, sign: async (message) => sign(null, message, privateKey) };
}

export type Ed25519SignatureBlock = NonNullable<ExportManifest['signature']>;

/** The Ed25519 signature block over `message`; a signer whose signature does not verify is a fault, not a signature. */
export async function ed25519SignatureBlock(message: Buffer, signer: ManifestSigner): Promise<Ed25519SignatureBlock> {
  const publicKey = requireEd25519(await signer.publicKey(), 'signer\'s public key');
  const value = await signer.sign(message);
  if (!verify(null, message, publicKey, value)) throw new Error('the signer returned a signature its own public key does not verify');
  return {
    algorithm: 'Ed25519',
    canonicalization: 'RFC 8785',
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyFingerprint: keyFingerprint(publicKey),
    value: value.toString('base64'),
  };
}

/** The manifest with an Ed25519 signature over signedMessage. */
export async function signManifest(manifest: ExportManifest, signer: ManifestSigner): Promise<ExportManifest> {
  const { signature: _previous, ...unsigned } = manifest;
  return { ...unsigned, signature: await ed25519SignatureBlock(signedMessage(unsigned), signer) };
}

/** valid: by the pinned key; valid-unpinned: by the key the manifest carries, whoever that is; wrong-key: not the pinned one. */
export type SignatureVerdict = 'valid' | 'valid-unpinned' | 'invalid' | 'wrong-key' | 'unsigned';

export interface ExportCheck {
  readonly manifest?: ExportManifest;
  /** What fails the check, one line each naming the file. */
  readonly problems: readonly string[];
  /** What the reader should know but does not fail it (files outside the manifest, a signature not checked). */
  readonly notes: readonly string[];
  readonly matched: number;
  readonly signature: SignatureVerdict;
}

/** Whether a signature block is by the key it carries (and, when given, the pinned one) over exactly `message`. */
export function ed25519Verdict(signature: Ed25519SignatureBlock | undefined, message: () => Buffer, pinned: KeyObject | undefined): SignatureVerdict {
  if (!signature) return 'unsigned';
  let embedded: KeyObject;
  try {
    embedded = publicKeyFromPem(signature.publicKey);
  } catch {
    return 'invalid';
  }
  // The fingerprint is signed too, but it must also describe the key it sits beside.
  if (keyFingerprint(embedded) !== signature.keyFingerprint) return 'invalid';
  if (pinned && keyFingerprint(pinned) !== signature.keyFingerprint) return 'wrong-key';
  if (!verify(null, message(), pinned ?? embedded, Buffer.from(signature.value, 'base64'))) return 'invalid';
  return pinned ? 'valid' : 'valid-unpinned';
}

function signatureVerdict(raw: Record<string, unknown>, manifest: ExportManifest, pinned: KeyObject | undefined): SignatureVerdict {
  return ed25519Verdict(manifest.signature, () => signedMessage(raw), pinned);
}

/**
 * Recomputes every listed file's SHA-256 and size, and the manifest's Ed25519 signature (against the pinned public key
 * when given one). `files` is what the export directory holds now (the manifest aside).
 */
export function checkExport(manifestText: string, files: ReadonlyMap<string, Buffer>, pinned?: KeyObject): ExportCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch {
    return { problems: [`${MANIFEST_FILE}: not JSON`], notes: [], matched: 0, signature: 'unsigned' };
  }
  const parsed = ExportManifest.safeParse(raw);
  if (!parsed.success) {
    return { problems: [`${MANIFEST_FILE}: not an irdr export manifest (${parsed.error.issues[0]?.message})`], notes: [], matched: 0, signature: 'unsigned' };
  }
  const manifest = parsed.data;
  const problems: string[] = [];
  const notes: string[] = [];
  let matched = 0;
  for (const listed of manifest.files) {
    const content = files.get(listed.name);
    if (!content) {
      problems.push(`${listed.name}: missing`);
      continue;
    }
    const found = sha256Hex(content);
    if (found !== listed.sha256 || content.length !== listed.bytes) {
      problems.push(`${listed.name}: changed; expected sha256 ${listed.sha256} (${listed.bytes} bytes), found ${found} (${content.length} bytes)`);
    } else {
      matched += 1;
    }
  }
  const listedNames = new Set(manifest.files.map((file) => file.name));
  for (const name of files.keys()) if (!listedNames.has(name)) notes.push(`${name}: not in ${MANIFEST_FILE}, so not covered by this check`);

  const signature = signatureVerdict(raw as Record<string, unknown>, manifest, pinned);
  const fingerprint = manifest.signature?.keyFingerprint;
  if (signature === 'invalid') problems.push(`${MANIFEST_FILE}: signature does not match (the manifest was changed after it was signed)`);
  if (signature === 'wrong-key') problems.push(`${MANIFEST_FILE}: signed by ${fingerprint}, not by the pinned key ${pinned && keyFingerprint(pinned)}`);
  if (signature === 'unsigned' && pinned) problems.push(`${MANIFEST_FILE}: not signed, but a public key was given to check it with`);
  if (signature === 'valid-unpinned') {
    notes.push(`${MANIFEST_FILE}: signature valid for the key it carries, ${fingerprint}; pin the signer's key (--public-key-file) to know who signed`);
  }
  if (signature === 'unsigned' && !pinned) notes.push(`${MANIFEST_FILE}: not signed, only hashed: whoever can change the files can rewrite the manifest too`);
  if (manifest.trails.broken > 0) notes.push(`the export records ${manifest.trails.broken} broken trails of ${manifest.trails.total}`);
  return { manifest, problems, notes, matched, signature };
}

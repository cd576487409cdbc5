import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import type { EvidencePeriod } from './exported-trail.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'irdr-evidence-export/1';
/** RFC 2104: a key shorter than the hash's output (32 bytes) weakens the HMAC. */
export const MIN_SIGNING_KEY_BYTES = 32;

// File names are plain names in the export directory: a manifest cannot point the checker elsewhere.
const FileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).refine((name) => name !== MANIFEST_FILE);

const ManifestFile = z.object({ name: FileName, sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });
export type ManifestFile = z.infer<typeof ManifestFile>;

const ManifestSignature = z.object({
  algorithm: z.literal('HMAC-SHA256'),
  /** What is signed: the RFC 8785 canonical JSON of the manifest without its `signature` member. */
  canonicalization: z.literal('RFC 8785'),
  value: z.string().regex(/^[0-9a-f]{64}$/),
});

export const ExportManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  period: z.object({ from: z.string(), to: z.string() }),
  tableName: z.string(),
  generatedAt: z.string(),
  trails: z.object({ incidents: z.number(), drillRuns: z.number(), total: z.number(), broken: z.number() }),
  files: z.array(ManifestFile),
  signature: ManifestSignature.optional(),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

export interface ExportFile {
  readonly name: string;
  readonly content: Buffer;
}

export const sha256Hex = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/** The key a key file holds: its bytes, less one trailing newline (as `openssl rand -hex 32 > key` leaves). */
export function signingKeyFromFile(content: Buffer): Buffer {
  let end = content.length;
  if (content[end - 1] === 0x0a) end -= 1;
  if (end > 0 && content[end - 1] === 0x0d) end -= 1;
  const key = content.subarray(0, end);
  if (key.length < MIN_SIGNING_KEY_BYTES) {
    throw new RangeError(`the signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes (e.g. openssl rand -hex 32 > key)`);
  }
  return key;
}

/** HMAC-SHA256 over the RFC 8785 canonical JSON of the manifest without its signature. */
export function manifestSignature(manifest: Record<string, unknown>, key: Buffer): string {
  const { signature: _signature, ...signed } = manifest;
  const canonical = canonicalize(signed);
  if (canonical === undefined) throw new TypeError('manifest cannot be canonicalized');
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

export interface ManifestFields {
  readonly period: EvidencePeriod;
  readonly tableName: string;
  readonly generatedAt: string;
  readonly trails: ExportManifest['trails'];
}

/** Lists every file with its SHA-256 and size; signs the whole when given a key (otherwise it is only hashed). */
export function buildManifest(fields: ManifestFields, files: readonly ExportFile[], signingKey?: Buffer): ExportManifest {
  const manifest: ExportManifest = {
    format: MANIFEST_FORMAT,
    period: { from: fields.period.from, to: fields.period.to },
    tableName: fields.tableName,
    generatedAt: fields.generatedAt,
    trails: fields.trails,
    files: files.map(({ name, content }) => ({ name: FileName.parse(name), sha256: sha256Hex(content), bytes: content.length })),
  };
  if (!signingKey) return manifest;
  return { ...manifest, signature: { algorithm: 'HMAC-SHA256', canonicalization: 'RFC 8785', value: manifestSignature(manifest, signingKey) } };
}

export type SignatureVerdict = 'valid' | 'invalid' | 'unsigned' | 'not-checked';

export interface ExportCheck {
  readonly manifest?: ExportManifest;
  /** What fails the check, one line each naming the file. */
  readonly problems: readonly string[];
  /** What the reader should know but does not fail it (files outside the manifest, a signature not checked). */
  readonly notes: readonly string[];
  readonly matched: number;
  readonly signature: SignatureVerdict;
}

function signatureVerdict(raw: Record<string, unknown>, manifest: ExportManifest, key: Buffer | undefined): SignatureVerdict {
  if (!manifest.signature) return 'unsigned';
  if (!key) return 'not-checked';
  const expected = Buffer.from(manifestSignature(raw, key), 'hex');
  const found = Buffer.from(manifest.signature.value, 'hex');
  return expected.length === found.length && timingSafeEqual(expected, found) ? 'valid' : 'invalid';
}

/**
 * Recomputes every listed file's SHA-256 and size, and the manifest's signature when given the key.
 * `files` is what the export directory holds now (the manifest aside).
 */
export function checkExport(manifestText: string, files: ReadonlyMap<string, Buffer>, key?: Buffer): ExportCheck {
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

  const signature = signatureVerdict(raw as Record<string, unknown>, manifest, key);
  if (signature === 'invalid') problems.push(`${MANIFEST_FILE}: signature does not match (the manifest was changed, or the key is not the one that signed it)`);
  if (signature === 'unsigned' && key) problems.push(`${MANIFEST_FILE}: not signed, but a signing key was given`);
  if (signature === 'not-checked') notes.push(`${MANIFEST_FILE}: signed; the signature was not checked (give --signing-key-file)`);
  if (signature === 'unsigned' && !key) notes.push(`${MANIFEST_FILE}: not signed, only hashed: whoever can change the files can rewrite the manifest too`);
  if (manifest.trails.broken > 0) notes.push(`the export records ${manifest.trails.broken} broken trails of ${manifest.trails.total}`);
  return { manifest, problems, notes, matched, signature };
}

import { createHash, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { keyFingerprint, publicKeyFromPem, type ManifestSigner } from './export-manifest.js';
import { ContinuityStatement } from './continuity-statement-schema.js';

/** Names what is signed, so a statement's signature can never pass for an export manifest's (same key), nor the reverse. */
export const STATEMENT_SIGNED_PREFIX = 'irdr-continuity-statement sha256:';

/** What the signature covers: the prefix and the hex SHA-256 of the RFC 8785 canonical JSON of the statement without its signature. */
export function statementSignedMessage(statement: Record<string, unknown>): Buffer {
  const { signature: _signature, ...signed } = statement;
  const canonical = canonicalize(signed);
  if (canonical === undefined) throw new TypeError('statement cannot be canonicalized');
  return Buffer.from(`${STATEMENT_SIGNED_PREFIX}${createHash('sha256').update(canonical, 'utf8').digest('hex')}`, 'utf8');
}

/** The statement signed with the export's key (KMS in AWS, a key file or the local KMS here); a signer whose signature does not verify is a fault. */
export async function signStatement(statement: ContinuityStatement, signer: ManifestSigner): Promise<ContinuityStatement> {
  const { signature: _previous, ...unsigned } = statement;
  const publicKey = await signer.publicKey();
  const message = statementSignedMessage(unsigned);
  const value = await signer.sign(message);
  if (!verify(null, message, publicKey, value)) throw new Error('the signer returned a signature its own public key does not verify');
  return {
    ...unsigned,
    signature: {
      algorithm: 'Ed25519',
      canonicalization: 'RFC 8785',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyFingerprint: keyFingerprint(publicKey),
      value: value.toString('base64'),
    },
  };
}

export type StatementSignatureVerdict = 'valid' | 'invalid' | 'wrong-key' | 'unsigned';

/** Whether the statement (as parsed from its JSON, unknown fields refused) carries a signature by the pinned key over exactly its content. */
export function statementSignatureVerdict(raw: Record<string, unknown>, statement: ContinuityStatement, pinned: KeyObject): StatementSignatureVerdict {
  const { signature } = statement;
  if (!signature) return 'unsigned';
  let embedded: KeyObject;
  try {
    embedded = publicKeyFromPem(signature.publicKey);
  } catch {
    return 'invalid';
  }
  if (keyFingerprint(embedded) !== signature.keyFingerprint) return 'invalid';
  if (keyFingerprint(pinned) !== signature.keyFingerprint) return 'wrong-key';
  return verify(null, statementSignedMessage(raw), pinned, Buffer.from(signature.value, 'base64')) ? 'valid' : 'invalid';
}

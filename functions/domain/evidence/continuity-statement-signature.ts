import { createHash, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ed25519SignatureBlock, ed25519Verdict, type ManifestSigner } from './export-manifest.js';
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

/** The statement signed with the export's key (KMS in AWS, a key file or the local KMS here). */
export async function signStatement(statement: ContinuityStatement, signer: ManifestSigner): Promise<ContinuityStatement> {
  const { signature: _previous, ...unsigned } = statement;
  return { ...unsigned, signature: await ed25519SignatureBlock(statementSignedMessage(unsigned), signer) };
}

export type StatementSignatureVerdict = 'valid' | 'invalid' | 'wrong-key' | 'unsigned';

/** Whether the statement (as parsed from its JSON, unknown fields refused) carries a signature by the pinned key over exactly its content. */
export function statementSignatureVerdict(raw: Record<string, unknown>, statement: ContinuityStatement, pinned: KeyObject): StatementSignatureVerdict {
  const verdict = ed25519Verdict(statement.signature, () => statementSignedMessage(raw), pinned);
  // With a pinned key there is no unpinned verdict.
  return verdict === 'valid-unpinned' ? 'invalid' : verdict;
}

import { readFile } from 'node:fs/promises';
import { kmsEd25519Signer } from '../functions/aws/kms-ed25519-signer.js';
import { keySigner, signingKeyFromPem, type ManifestSigner } from '../functions/domain/evidence/export-manifest.js';

/**
 * The signer an export or a statement is signed with: the KMS key's (checked now: a wrong key id or spec is a usage
 * error before the work, not after it), the key file's, or none when neither is given (commander refuses both at once).
 */
export async function manifestSignerOf(flags: { kmsKeyId?: string; signingKeyFile?: string }): Promise<ManifestSigner | undefined> {
  if (flags.kmsKeyId !== undefined) {
    const signer = kmsEd25519Signer(flags.kmsKeyId);
    await signer.publicKey();
    return signer;
  }
  return flags.signingKeyFile === undefined ? undefined : keySigner(signingKeyFromPem(await readFile(flags.signingKeyFile)));
}

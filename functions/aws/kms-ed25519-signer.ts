import { createPublicKey, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import type { ManifestSigner } from '../domain/evidence/export-manifest.js';
import { kms } from './kms-client.js';

/**
 * Signs (export manifests, evidence digests) with a KMS key of spec ECC_NIST_EDWARDS25519 (ED25519_SHA_512 over the raw message): the private
 * key never leaves KMS, and every signature is in CloudTrail. The public key is read once per container.
 */
export function kmsEd25519Signer(keyId: string): ManifestSigner {
  let publicKey: Promise<KeyObject> | undefined;
  const readPublicKey = async (): Promise<KeyObject> => {
    const { PublicKey, KeySpec } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    if (KeySpec !== 'ECC_NIST_EDWARDS25519' || !PublicKey) throw new Error(`KMS key ${keyId} is ${KeySpec ?? 'not asymmetric'}, not ECC_NIST_EDWARDS25519`);
    return createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' });
  };
  return {
    publicKey: () => {
      // A failed read is not cached: the next export asks again.
      publicKey ??= readPublicKey().catch((error: unknown) => {
        publicKey = undefined;
        throw error;
      });
      return publicKey;
    },
    sign: async (message) => {
      const { Signature } = await kms.send(new SignCommand({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }));
      if (!Signature) throw new Error(`KMS returned no signature for key ${keyId}`);
      return Buffer.from(Signature);
    },
  };
}

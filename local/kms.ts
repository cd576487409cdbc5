import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { AwsServiceError, startAwsJsonService } from './aws-json-service.js';
import { loadDeclaredResources } from './declared-resources-file.js';

/*
 * KMS on this machine, at the wire protocol (AWS JSON 1.1, `X-Amz-Target: TrentService.<Op>`), for the one kind of
 * key irdr uses: an asymmetric ECC_NIST_EDWARDS25519 key that signs evidence manifests (Sign, GetPublicKey,
 * DescribeKey). Handlers reach it through AWS_ENDPOINT_URL_KMS with the same SDK calls as in AWS. Each declared key
 * is made on first start and kept (PKCS #8, mode 0600) under the data dir, or in memory.
 */

export interface LocalKmsKeySpec {
  /** `alias/<name>`: how the stack refers to the key. */
  readonly alias: string;
  readonly description: string;
}

export interface LocalKmsOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  readonly keys: readonly LocalKmsKeySpec[];
  /** Where the keys persist; in memory when undefined. */
  readonly file?: string;
}

export interface LocalKms {
  readonly endpoint: string;
  /** The ARN of each declared key, by alias. */
  readonly keyArns: Readonly<Record<string, string>>;
  /** The public half of each declared key (SPKI, PEM), by alias: what a verifier pins. */
  readonly publicKeys: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const StoredKey = z.object({ keyId: z.string().uuid(), alias: z.string(), description: z.string(), privateKeyPem: z.string(), createdDate: z.number() });
type StoredKey = z.infer<typeof StoredKey>;

/** KMS signs at most 4,096 bytes of a RAW message. */
const MAX_RAW_MESSAGE_BYTES = 4096;
const SIGNING_ALGORITHMS = ['ED25519_SHA_512', 'ED25519_PH_SHA_512'];

interface LiveKey extends StoredKey {
  readonly arn: string;
  readonly privateKey: KeyObject;
}

export async function startLocalKms(options: LocalKmsOptions): Promise<LocalKms> {
  const keys: LiveKey[] = loadKeys(options).map((stored) => ({
    ...stored,
    arn: `arn:aws:kms:${options.region}:${options.accountId}:key/${stored.keyId}`,
    privateKey: createPrivateKey(stored.privateKeyPem),
  }));
  const aliasArn = (alias: string): string => `arn:aws:kms:${options.region}:${options.accountId}:${alias}`;
  const find = (keyId: unknown): LiveKey => {
    if (typeof keyId !== 'string' || keyId === '') throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    const key = keys.find((candidate) => [candidate.keyId, candidate.arn, candidate.alias, aliasArn(candidate.alias)].includes(keyId));
    if (!key) throw new AwsServiceError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  };
  const metadata = (key: LiveKey) => ({
    KeyId: key.keyId,
    Arn: key.arn,
    AWSAccountId: options.accountId,
    CreationDate: key.createdDate,
    Description: key.description,
    Enabled: true,
    KeyState: 'Enabled',
    KeyUsage: 'SIGN_VERIFY',
    KeySpec: 'ECC_NIST_EDWARDS25519',
    CustomerMasterKeySpec: 'ECC_NIST_EDWARDS25519',
    KeyManager: 'CUSTOMER',
    Origin: 'AWS_KMS',
    MultiRegion: false,
    SigningAlgorithms: SIGNING_ALGORITHMS,
  });
  const operations = {
    DescribeKey: (body: Record<string, unknown>) => ({ KeyMetadata: metadata(find(body['KeyId'])) }),
    GetPublicKey: (body: Record<string, unknown>) => {
      const key = find(body['KeyId']);
      return {
        KeyId: key.arn,
        PublicKey: createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' }).toString('base64'),
        KeySpec: 'ECC_NIST_EDWARDS25519',
        CustomerMasterKeySpec: 'ECC_NIST_EDWARDS25519',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: SIGNING_ALGORITHMS,
      };
    },
    Sign: (body: Record<string, unknown>) => {
      const key = find(body['KeyId']);
      const algorithm = body['SigningAlgorithm'];
      const messageType = body['MessageType'] ?? 'RAW';
      if (typeof body['Message'] !== 'string') throw new AwsServiceError('ValidationException', "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null");
      const message = Buffer.from(body['Message'], 'base64');
      if (typeof algorithm !== 'string' || !SIGNING_ALGORITHMS.includes(algorithm)) {
        throw new AwsServiceError('InvalidKeyUsageException', `Signing algorithm ${String(algorithm)} is not supported by key ${key.arn}; it supports ${SIGNING_ALGORITHMS.join(', ')}`);
      }
      // Node's crypto signs pure Ed25519 only; KMS's prehashed variant is not offered here, and irdr does not use it.
      if (algorithm !== 'ED25519_SHA_512') throw new AwsServiceError('UnsupportedOperationException', 'The local KMS signs with ED25519_SHA_512 (MessageType RAW) only');
      if (messageType !== 'RAW') throw new AwsServiceError('ValidationException', 'ED25519_SHA_512 requires MessageType RAW');
      if (message.length === 0 || message.length > MAX_RAW_MESSAGE_BYTES) {
        throw new AwsServiceError('ValidationException', `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and ${MAX_RAW_MESSAGE_BYTES}`);
      }
      return { KeyId: key.arn, Signature: sign(null, message, key.privateKey).toString('base64'), SigningAlgorithm: algorithm };
    },
  };
  const service = await startAwsJsonService({ host: options.host, port: options.port, targetPrefix: 'TrentService', serviceName: 'KMS', operations });
  return {
    endpoint: service.endpoint,
    keyArns: Object.fromEntries(keys.map((key) => [key.alias, key.arn])),
    publicKeys: Object.fromEntries(keys.map((key) => [key.alias, createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }).toString()])),
    stop: () => service.stop(),
  };
}

/** The declared keys: from the file when it has them, else new (and written back). */
function loadKeys(options: LocalKmsOptions): StoredKey[] {
  return loadDeclaredResources({
    file: options.file,
    listName: 'keys',
    schema: StoredKey,
    declared: options.keys,
    isStoredFor: (key, spec) => key.alias === spec.alias,
    create: (spec) => ({
      keyId: randomUUID(),
      alias: spec.alias,
      description: spec.description,
      privateKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      createdDate: Math.floor(Date.now() / 1000),
    }),
  });
}

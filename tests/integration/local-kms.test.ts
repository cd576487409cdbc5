import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms, type LocalKms } from '../../local/kms.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';

const ALIAS = 'alias/test-signing';
let directory: string;
let kms: LocalKms;
let client: KMSClient;

const start = () =>
  startLocalKms({ host: '127.0.0.1', port: 0, region: LOCAL_REGION, accountId: '000000000000', keys: [{ alias: ALIAS, description: 'test key' }], file: join(directory, 'kms-keys.json') });

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'irdr-kms-'));
  kms = await start();
  client = new KMSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: kms.endpoint });
});
afterAll(async () => {
  await kms?.stop();
  await rm(directory, { recursive: true, force: true });
});

describe('the local KMS', () => {
  it('signs with pure Ed25519 (ED25519_SHA_512, RAW) what the public key it gives out verifies, by key id, ARN, alias or alias ARN', async () => {
    const keyArn = kms.keyArns[ALIAS]!;
    const keyId = keyArn.split('/').at(-1)!;
    const { PublicKey, KeySpec, KeyUsage, SigningAlgorithms } = await client.send(new GetPublicKeyCommand({ KeyId: ALIAS }));
    expect({ KeySpec, KeyUsage, SigningAlgorithms }).toEqual({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] });
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    const message = Buffer.from('irdr-evidence-manifest sha256:00');
    for (const id of [keyId, keyArn, ALIAS, `arn:aws:kms:${LOCAL_REGION}:000000000000:${ALIAS}`]) {
      const signed = await client.send(new SignCommand({ KeyId: id, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }));
      expect(signed.KeyId).toBe(keyArn);
      expect(verify(null, message, publicKey, Buffer.from(signed.Signature!))).toBe(true);
    }
    expect((await client.send(new DescribeKeyCommand({ KeyId: ALIAS }))).KeyMetadata).toMatchObject({ Arn: keyArn, KeyState: 'Enabled', KeySpec: 'ECC_NIST_EDWARDS25519' });
  });

  it('answers as KMS does to an unknown key, a message over 4 KB, another algorithm or message type', async () => {
    const sign = (input: Partial<ConstructorParameters<typeof SignCommand>[0]>) =>
      client.send(new SignCommand({ KeyId: ALIAS, Message: Buffer.from('m'), MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512', ...input }));
    await expect(sign({ KeyId: 'alias/nope' })).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(sign({ Message: Buffer.alloc(4097) })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(sign({ SigningAlgorithm: 'ECDSA_SHA_256' })).rejects.toMatchObject({ name: 'InvalidKeyUsageException' });
    await expect(sign({ MessageType: 'DIGEST' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('keeps its keys across restarts, in a file only its owner can read', async () => {
    const before = await client.send(new GetPublicKeyCommand({ KeyId: ALIAS }));
    await kms.stop();
    kms = await start();
    client = new KMSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: kms.endpoint });
    const after = await client.send(new GetPublicKeyCommand({ KeyId: ALIAS }));
    expect(Buffer.from(after.PublicKey!).equals(Buffer.from(before.PublicKey!))).toBe(true);
    expect((await stat(join(directory, 'kms-keys.json'))).mode & 0o777).toBe(0o600);
  });
});

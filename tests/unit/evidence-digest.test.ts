import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestExistsError, digestStoreAt } from '../../functions/aws/digest-store.js';
import { buildDigest, digestName, sha256Of, signDigest, verifyDigests, type ChainHead, type StoredDigest } from '../../functions/domain/evidence/digest.js';
import { keyFingerprint, keySigner } from '../../functions/domain/evidence/export-manifest.js';

const head = (n: number): ChainHead => ({ partitionKey: `INC#${n}`, openedAt: '2026-11-01T00:00:00.000Z', seq: n, hash: String(n).repeat(64).slice(0, 64) });
const writerKey = generateKeyPairSync('ed25519').privateKey;
const digestAt = async (writtenAt: string, heads: ChainHead[], previous?: StoredDigest, signer = keySigner(writerKey)): Promise<StoredDigest> =>
  (await signDigest(buildDigest({ writtenAt, tableName: 'irdr', listsOpenedFrom: '2025-01-01T00:00:00.000Z', heads, previous }), signer)).stored;

describe('evidence digest documents', () => {
  it('are canonical, name-sorted by time, and chain to the one before', async () => {
    const first = await digestAt('2026-11-23T00:15:00.000Z', [head(2), head(1)]);
    const second = await digestAt('2026-11-24T00:15:00.000Z', [head(1), head(2), head(3)], first);
    expect(first.name).toBe('digests/2026/11/23/2026-11-23T00-15-00.000Z.json');
    expect(digestName('2026-11-24T00:15:00.000Z') > first.name).toBe(true);
    expect(JSON.parse(first.bytes.toString()).heads.map((h: ChainHead) => h.partitionKey)).toEqual(['INC#1', 'INC#2']);
    expect(JSON.parse(second.bytes.toString()).previous).toEqual({ name: first.name, sha256: sha256Of(first.bytes) });

    const verdict = verifyDigests([second, first]);
    expect(verdict.problems).toEqual([]);
    expect(verdict.newest?.name).toBe(second.name);
    expect(verdict.recordedHeads.get('INC#3')).toEqual([{ ...head(3), digest: second.name }]);
    expect(verdict.recordedHeads.get('INC#1')).toEqual([{ ...head(1), digest: first.name }]);
  });

  it('show a replaced or unreadable digest', async () => {
    const first = await digestAt('2026-11-23T00:15:00.000Z', [head(1)]);
    const second = await digestAt('2026-11-24T00:15:00.000Z', [head(1)], first);
    const replaced = { name: first.name, bytes: (await digestAt('2026-11-23T00:15:00.000Z', [])).bytes };
    expect(verifyDigests([replaced, second]).problems).toEqual([expect.objectContaining({ name: second.name, expected: expect.stringContaining(sha256Of(replaced.bytes)) })]);
    expect(verifyDigests([{ name: first.name, bytes: Buffer.from('{') }]).problems).toEqual([{ name: first.name, expected: 'a irdr-evidence-digest/2 document', found: 'bytes that are not JSON' }]);
  });

  it('keep every head each trail had, and show a digest that recorded a trail shorter or different than an earlier one', async () => {
    const first = await digestAt('2026-11-23T00:15:00.000Z', [head(1), { ...head(2), seq: 7 }]);
    const grown = { ...head(2), seq: 9, hash: 'a'.repeat(64) };
    const second = await digestAt('2026-11-24T00:15:00.000Z', [head(1), grown], first);
    // The digest an unchecked writer would have written after a rewrite: trail INC#2 shorter than before.
    const absorbed = { ...head(2), seq: 4, hash: 'b'.repeat(64) };
    const third = await digestAt('2026-11-25T00:15:00.000Z', [head(1), absorbed], second);
    const verdict = verifyDigests([first, second, third]);
    expect(verdict.recordedHeads.get('INC#2')!.map(({ seq, digest }) => [seq, digest])).toEqual([
      [7, first.name],
      [9, second.name],
      [4, third.name],
    ]);
    expect(verdict.recordedHeads.get('INC#1')).toHaveLength(1);
    expect(verdict.problems).toEqual([{ name: third.name, expected: `INC#2 to extend 9:${'a'.repeat(64)} (recorded by digest ${second.name})`, found: `4:${'b'.repeat(64)}` }]);
  });

  it('still read the unsigned format 1 written before refusals were recorded', () => {
    const legacy = { format: 'irdr-evidence-digest/1', writtenAt: '2026-11-23T00:15:00.000Z', tableName: 'irdr', listsOpenedFrom: '2025-01-01T00:00:00.000Z', heads: [head(1)], previous: null };
    const stored = { name: digestName(legacy.writtenAt), bytes: Buffer.from(JSON.stringify(legacy)) };
    expect(verifyDigests([stored]).problems).toEqual([]);
    expect(verifyDigests([stored]).recordedHeads.get('INC#1')).toHaveLength(1);
    // Checked against the writer's key, it does not vouch: it carries no signature.
    expect(verifyDigests([stored], createPublicKey(writerKey)).problems).toEqual([{ name: stored.name, expected: expect.stringMatching(/^signed by the digest writer's key sha256:/), found: 'an unsigned irdr-evidence-digest/1 digest' }]);
  });

  it('hold every digest to the digest writer\'s key: one signed by another key, or changed after signing, is reported', async () => {
    const first = await digestAt('2026-11-23T00:15:00.000Z', [head(1)]);
    // Someone who can put objects into the bucket (an admin, the writer role's credentials) but cannot sign with the key.
    const forged = await digestAt('2026-11-24T00:15:00.000Z', [head(1), head(2)], first, keySigner(generateKeyPairSync('ed25519').privateKey));
    const writer = createPublicKey(writerKey);
    expect(verifyDigests([first, forged]).problems).toEqual([]);
    expect(verifyDigests([first, forged], writer).problems).toEqual([{ name: forged.name, expected: expect.stringContaining(keyFingerprint(writer)), found: expect.stringMatching(/^a signature by sha256:[0-9a-f]{64}$/) }]);

    const document = JSON.parse(first.bytes.toString()) as { heads: ChainHead[] };
    document.heads[0]!.seq = 99;
    const edited = { name: first.name, bytes: Buffer.from(JSON.stringify(document)) };
    expect(verifyDigests([edited], writer).problems).toEqual([expect.objectContaining({ found: 'a signature that does not match the digest (changed after signing)' })]);
    expect(verifyDigests([first], writer).signaturesChecked).toBe(true);
  });
});

describe('local folder digest store', () => {
  let folder: string | undefined;
  afterEach(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes read-only files, refuses to overwrite, lists oldest first', async () => {
    folder = await mkdtemp(join(tmpdir(), 'irdr-digest-test-'));
    const store = digestStoreAt(pathToFileURL(folder).href);
    const first = await digestAt('2026-11-23T00:15:00.000Z', [head(1)]);
    const second = await digestAt('2026-11-24T00:15:00.000Z', [head(1)], first);
    await store.put(second);
    await store.put(first);
    await expect(store.put(first)).rejects.toBeInstanceOf(DigestExistsError);
    expect(await store.list()).toEqual({ names: [first.name, second.name], problems: [] });
    expect((await store.get(first.name)).bytes.equals(first.bytes)).toBe(true);
    expect((await stat(join(folder, first.name))).mode & 0o777).toBe(0o444);
  });

  it('names what a store location must look like', () => {
    expect(() => digestStoreAt('https://example.com/digests')).toThrow(/use s3:\/\/<bucket>\[\/<prefix>\] or file:\/\/\/<folder>/);
  });
});

// The S3 store is tested against the local S3 (Object Lock, versions, delete markers): tests/integration/evidence-digest-s3.test.ts.

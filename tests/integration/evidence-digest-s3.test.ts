import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestName, type StoredDigest } from '../../functions/domain/evidence/digest.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/server.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../local/stack-config.js';

/*
 * The S3 evidence digest store (EVIDENCE_DIGEST_STORE=s3://…) against the local S3, on a bucket made as lib/ makes the
 * digest bucket (Object Lock, COMPLIANCE default retention): what it writes, and what it shows when someone with
 * s3:PutObject or s3:DeleteObject puts over a digest or hides it — the two things compliance mode still lets them do.
 */

let s3Server: LocalS3;
/** The attacker's (and the test's) own client: same S3, no store logic. */
let direct: S3Client;
let store: typeof import('../../functions/aws/digest-store.js');

const BUCKET = 'irdr-evidence-digests';
const digest = (writtenAt: string, body = `{"writtenAt":"${writtenAt}"}`): StoredDigest => ({ name: digestName(writtenAt), bytes: Buffer.from(body) });

beforeAll(async () => {
  s3Server = await startLocalS3({ host: LOCAL_HOST, port: 0 });
  // The store's client is made at import from the environment, as in Lambda.
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3Server.endpoint, AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey });
  store = await import('../../functions/aws/digest-store.js');
  direct = new S3Client({ endpoint: s3Server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await direct.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  await direct.send(new PutObjectLockConfigurationCommand({ Bucket: BUCKET, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } } }));
});
afterAll(async () => {
  direct?.destroy();
  await s3Server?.stop();
});

describe('S3 digest store on the local S3 (Object Lock, compliance mode)', () => {
  it('writes a digest once under its prefix, lists it and reads it back; a second put of the name is refused and writes no version', async () => {
    const digests = store.digestStoreAt(`s3://${BUCKET}/once`);
    const first = digest('2026-11-24T00:15:00.000Z');
    await digests.put(first);
    expect(await digests.list()).toEqual({ names: [first.name], problems: [] });
    expect((await digests.get(first.name)).bytes.equals(first.bytes)).toBe(true);

    await expect(digests.put(digest('2026-11-24T00:15:00.000Z', '{"forged":true}'))).rejects.toBeInstanceOf(store.DigestExistsError);
    const versions = await direct.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `once/${first.name}` }));
    expect(versions.Versions).toHaveLength(1);
    expect(versions.Versions![0]!.ChecksumAlgorithm).toEqual(['SHA256']);
  });

  it('reports a digest put over without If-None-Match (a second version) and reads the version first written', async () => {
    const digests = store.digestStoreAt(`s3://${BUCKET}/overwritten`);
    const original = digest('2026-11-23T00:15:00.000Z');
    await digests.put(original);
    // An insider with s3:PutObject writes a new version over it, as compliance mode allows.
    await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: `overwritten/${original.name}`, Body: '{"forged":true}', ChecksumAlgorithm: 'SHA256' }));
    expect(await digests.list()).toEqual({
      names: [original.name],
      problems: [{ name: original.name, expected: 'one version, written once', found: '2 versions: something was put over it (the first written is read)' }],
    });
    expect((await digests.get(original.name)).bytes.toString()).toBe(original.bytes.toString());
  });

  it('reports a digest hidden behind a delete marker and still reads it; deleting the version itself is refused by Object Lock', async () => {
    const digests = store.digestStoreAt(`s3://${BUCKET}/hidden`);
    const original = digest('2026-11-22T00:15:00.000Z');
    await digests.put(original);
    await direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `hidden/${original.name}` }));
    expect(await digests.list()).toEqual({
      names: [original.name],
      problems: [{ name: original.name, expected: 'no delete marker', found: '1 delete marker hiding it (its first version is read)' }],
    });
    expect((await digests.get(original.name)).bytes.toString()).toBe(original.bytes.toString());

    const [version] = (await direct.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `hidden/${original.name}` }))).Versions ?? [];
    const refused = await direct.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `hidden/${original.name}`, VersionId: version!.VersionId })).catch((error: S3ServiceException) => error);
    expect(refused).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((await digests.get(original.name)).bytes.toString()).toBe(original.bytes.toString());
  });

  it('lists past a page of ListObjectVersions (1,000 entries) with its key and version-id markers', async () => {
    const digests = store.digestStoreAt(`s3://${BUCKET}/paged`);
    const times = Array.from({ length: 1003 }, (_, index) => new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString());
    for (let start = 0; start < times.length; start += 50) await Promise.all(times.slice(start, start + 50).map((time) => digests.put(digest(time))));
    // The last digest gets a second version: it sits on the second page, behind the first page's markers.
    const last = digest(times.at(-1)!);
    await direct.send(new PutObjectCommand({ Bucket: BUCKET, Key: `paged/${last.name}`, Body: 'forged', ChecksumAlgorithm: 'SHA256' }));
    const listing = await digests.list();
    expect(listing.names).toHaveLength(1003);
    expect(listing.names).toEqual(times.map(digestName));
    expect(listing.problems.map((problem) => problem.name)).toEqual([last.name]);
    expect((await digests.get(last.name)).bytes.toString()).toBe(last.bytes.toString());
  });
});

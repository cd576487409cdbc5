import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../local/s3/server.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../local/stack-config.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * The local S3 at the wire, through the AWS SDK (as the handlers call it) and the AWS CLI: what AWS answers, including
 * to what an attacker or a careless writer tries (writing over, hiding, tampering, deleting what Object Lock keeps).
 */

const clientFor = (endpoint: string, options: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
  new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...options });

/** What a failed call's error says: its S3 code (the SDK's error name) and HTTP status. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const s3Error = error as S3ServiceException;
    return { name: s3Error.name, status: s3Error.$metadata?.httpStatusCode, message: s3Error.message };
  }
  throw new Error('the call succeeded');
}

const signer = new SignatureV4({ service: 's3', region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, sha256: Sha256, uriEscapePath: false });

/** These headers plus what SigV4 adds (host, x-amz-date, x-amz-content-sha256, Authorization), signed with the local credentials. */
async function signedHeaders(endpoint: string, method: string, path: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const target = new URL(endpoint);
  const [pathname = '/', query = ''] = path.split('?');
  const request = { method, protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: pathname, query: Object.fromEntries(new URLSearchParams(query)) };
  return (await signer.sign({ ...request, headers: { host: target.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers } })).headers;
}

/** A raw request with exactly these headers (no SDK adding checksums), signed unless told not to: status, headers and body. */
async function raw(endpoint: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer, sign = true) {
  const target = new URL(endpoint);
  const sent = sign ? await signedHeaders(endpoint, method, path, headers) : headers;
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const outgoing = request({ host: target.hostname, port: target.port, path, method, headers: sent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const sha256Base64 = (text: string) => createHash('sha256').update(text).digest('base64');
const text = async (output: { Body?: { transformToString(): Promise<string> } }) => output.Body!.transformToString();

let s3Server: LocalS3;
let s3: S3Client;
beforeAll(async () => {
  s3Server = await startLocalS3({ host: LOCAL_HOST, port: 0 });
  s3 = clientFor(s3Server.endpoint);
});
afterAll(async () => {
  s3?.destroy();
  await s3Server?.stop();
});

describe('buckets', () => {
  it('creates, heads, tags, blocks public access by default, and refuses to delete one that holds anything', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-buckets' }));
    expect((await s3.send(new HeadBucketCommand({ Bucket: 'irdr-buckets' }))).$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'irdr-buckets' }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: 'irdr-buckets' })))).toMatchObject({ name: 'NoSuchTagSet', status: 404 });
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'irdr-buckets', Tagging: { TagSet: [{ Key: 'irdr:drill-run', Value: 'run-1' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'irdr-buckets' }))).TagSet).toEqual([{ Key: 'irdr:drill-run', Value: 'run-1' }]);
    // Tags a caller may not set: the same key twice, or AWS's own prefix.
    const twice = [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }];
    expect(await failure(s3.send(new PutBucketTaggingCommand({ Bucket: 'irdr-buckets', Tagging: { TagSet: twice } })))).toMatchObject({ name: 'InvalidTag', status: 400 });
    expect(await failure(s3.send(new PutBucketTaggingCommand({ Bucket: 'irdr-buckets', Tagging: { TagSet: [{ Key: 'aws:x', Value: '1' }] } })))).toMatchObject({ name: 'InvalidTag' });
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'irdr-buckets' }))).TagSet).toEqual([{ Key: 'irdr:drill-run', Value: 'run-1' }]);

    await s3.send(new PutObjectCommand({ Bucket: 'irdr-buckets', Key: 'k', Body: 'x' }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'irdr-buckets' })))).toMatchObject({ name: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-buckets', Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'irdr-buckets' }));
    // No body to a HEAD: the SDK names the error by its status.
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'irdr-buckets' })))).toMatchObject({ name: 'NotFound', status: 404 });
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'irdr-buckets', Key: 'k', Body: 'x' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'Not_A_Bucket' })))).toMatchObject({ name: 'InvalidBucketName', status: 400 });
  });

  it('answers only requests addressed to this machine (a DNS-rebinding page gets 421, and nothing is made)', async () => {
    const answer = await raw(s3Server.endpoint, 'PUT', '/irdr-rebound', { host: 'evil.example' });
    expect(answer.status).toBe(421);
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'irdr-rebound' })))).toMatchObject({ status: 404 });
  });
});

describe('who is asking', () => {
  it('serves only requests signed with the local key: unsigned, forged, re-aimed or doubly-authenticated ones are refused and change nothing', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-callers' }));
    const path = '/irdr-callers/note.txt';
    const code = (answer: { body: string }) => /<Code>(\w+)<\/Code>/.exec(answer.body)?.[1];
    // No signature at all: anonymous, and no bucket here is public.
    const anonymous = await raw(s3Server.endpoint, 'PUT', path, { 'content-length': '1' }, 'x', false);
    expect([anonymous.status, code(anonymous)]).toEqual([403, 'AccessDenied']);
    // A made-up Authorization header, and a real one signed for another key (a signature is for one request only).
    const forged = await raw(s3Server.endpoint, 'PUT', path, { 'content-length': '1', authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20261207/${LOCAL_REGION}/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`, 'x-amz-date': '20261207T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, 'x', false);
    expect([forged.status, code(forged)]).toEqual([403, 'SignatureDoesNotMatch']);
    const elsewhere = await signedHeaders(s3Server.endpoint, 'PUT', '/irdr-callers/other.txt', { 'content-length': '1' });
    const reaimed = await raw(s3Server.endpoint, 'PUT', path, elsewhere, 'x', false);
    expect([reaimed.status, code(reaimed)]).toEqual([403, 'SignatureDoesNotMatch']);
    const otherKey = await raw(s3Server.endpoint, 'PUT', path, { ...(await signedHeaders(s3Server.endpoint, 'PUT', path, { 'content-length': '1' })), authorization: elsewhere.authorization!.replace(LOCAL_CREDENTIALS.accessKeyId, 'AKIAIOSFODNN7EXAMPLE') }, 'x', false);
    expect([otherKey.status, code(otherKey)]).toEqual([403, 'InvalidAccessKeyId']);
    const both = await raw(s3Server.endpoint, 'PUT', `${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256`, { 'content-length': '1' }, 'x');
    expect([both.status, code(both)]).toEqual([400, 'InvalidArgument']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'irdr-callers' }))).KeyCount).toBe(0);
    // The same request, signed: written.
    expect((await raw(s3Server.endpoint, 'PUT', path, { 'content-length': '1' }, 'x')).status).toBe(200);
  });
});

describe('versions and delete markers', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-versions' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'irdr-versions', VersioningConfiguration: { Status: 'Enabled' } }));
  });

  it('keeps every version newest first, reads any by id, hides the key behind a delete marker and brings it back when the marker goes', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', Body: 'v1' }));
    const second = await s3.send(new PutObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', Body: 'v2' }));
    expect(first.VersionId).not.toBe(second.VersionId);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json' })))).toBe('v2');
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', VersionId: first.VersionId })))).toBe('v1');

    const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json' }));
    expect(marker.DeleteMarker).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', VersionId: marker.VersionId })))).toMatchObject({ name: 'MethodNotAllowed', status: 405 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', VersionId: 'no-such-version' })))).toMatchObject({ name: 'NoSuchVersion', status: 404 });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'irdr-versions', Prefix: 'orders/' }))).Contents).toBeUndefined();

    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-versions', Prefix: 'orders/' }));
    expect(listed.Versions?.map((version) => [version.VersionId, version.IsLatest])).toEqual([
      [second.VersionId, false],
      [first.VersionId, false],
    ]);
    expect(listed.DeleteMarkers?.map((entry) => [entry.VersionId, entry.IsLatest])).toEqual([[marker.VersionId, true]]);

    await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', VersionId: marker.VersionId }));
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json' })))).toBe('v2');
    // A version deleted by id is gone for good.
    await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json', VersionId: second.VersionId }));
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'orders/1.json' })))).toBe('v1');
  });

  it('pages ListObjectVersions one entry at a time through key and version-id markers, without losing or repeating one', async () => {
    for (const body of ['a1', 'a2', 'a3']) await s3.send(new PutObjectCommand({ Bucket: 'irdr-versions', Key: 'paged/a', Body: body }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-versions', Key: 'paged/a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'irdr-versions', Key: 'paged/b', Body: 'b1' }));
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-versions', Prefix: 'paged/', MaxKeys: 1, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      seen.push(...(page.Versions ?? []).map((version) => `${version.Key}:${version.Size}`), ...(page.DeleteMarkers ?? []).map((entry) => `${entry.Key}:marker`));
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    expect(seen).toEqual(['paged/a:marker', 'paged/a:2', 'paged/a:2', 'paged/a:2', 'paged/b:2']);
  });

  it('pages ListObjectsV2 under a prefix with continuation tokens, in S3 key order, keys such as __proto__ and spaces included', async () => {
    // Dot segments and double slashes are part of a key, never resolved as a path would be.
    const keys = ['list/__proto__', 'list/a b', 'list/constructor', 'list/z', 'list/é', 'list/sub/1', 'list/sub/2', 'list/x/../y', 'list/./d', 'list//e', 'other/x'];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: 'irdr-versions', Key: key, Body: key }));
    const listedKeys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'irdr-versions', Prefix: 'list/', MaxKeys: 2, ContinuationToken: token }));
      listedKeys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(listedKeys).toEqual(['list/./d', 'list//e', 'list/__proto__', 'list/a b', 'list/constructor', 'list/sub/1', 'list/sub/2', 'list/x/../y', 'list/z', 'list/é']);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-versions', Key: 'list/x/../y' })))).toBe('list/x/../y');
    const grouped = await s3.send(new ListObjectsV2Command({ Bucket: 'irdr-versions', Prefix: 'list/', Delimiter: '/' }));
    expect(grouped.CommonPrefixes).toEqual([{ Prefix: 'list/./' }, { Prefix: 'list//' }, { Prefix: 'list/sub/' }, { Prefix: 'list/x/' }]);
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: 'irdr-versions', ContinuationToken: 'forged' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });
});

describe('suspended versioning, ranges', () => {
  it('a suspended bucket keeps the versions made while enabled, and puts and deletes replace its one null version', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-suspended' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'irdr-suspended', VersioningConfiguration: { Status: 'Enabled' } }));
    const kept = await s3.send(new PutObjectCommand({ Bucket: 'irdr-suspended', Key: 'k', Body: 'enabled' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'irdr-suspended', VersioningConfiguration: { Status: 'Suspended' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'irdr-suspended', Key: 'k', Body: 'null one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'irdr-suspended', Key: 'k', Body: 'null two' }));
    const listed = async () => ((await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-suspended' }))).Versions ?? []).map((version) => version.VersionId);
    expect(await listed()).toEqual(['null', kept.VersionId]);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-suspended', Key: 'k', VersionId: 'null' })))).toBe('null two');
    // A delete puts a null delete marker in place of the null version; the enabled-era version stays.
    expect(await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-suspended', Key: 'k' }))).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
    expect(await listed()).toEqual([kept.VersionId]);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-suspended', Key: 'k', VersionId: kept.VersionId })))).toBe('enabled');
  });

  it('serves a byte range (206), and refuses one past the end (416 InvalidRange)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-ranges' }));
    await s3.send(new PutObjectCommand({ Bucket: 'irdr-ranges', Key: 'r', Body: '0123456789' }));
    const part = await s3.send(new GetObjectCommand({ Bucket: 'irdr-ranges', Key: 'r', Range: 'bytes=2-4' }));
    expect({ status: part.$metadata.httpStatusCode, range: part.ContentRange, body: await text(part) }).toEqual({ status: 206, range: 'bytes 2-4/10', body: '234' });
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-ranges', Key: 'r', Range: 'bytes=-3' })))).toBe('789');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'irdr-ranges', Key: 'r', Range: 'bytes=10-' })))).toMatchObject({ name: 'InvalidRange', status: 416 });
  });
});

describe('conditional writes and checksums', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-writes' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'irdr-writes', VersioningConfiguration: { Status: 'Enabled' } }));
  });

  it('If-None-Match: * refuses a put over an existing object with 412 and writes no version; of racing writers exactly one wins', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'irdr-writes', Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'irdr-writes', Key: 'once', Body: 'forged', IfNoneMatch: '*' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-writes', Prefix: 'once' }))).Versions).toHaveLength(1);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-writes', Key: 'once' })))).toBe('first');

    const racers = await Promise.allSettled(Array.from({ length: 8 }, (_, index) => s3.send(new PutObjectCommand({ Bucket: 'irdr-writes', Key: 'raced', Body: `writer ${index}`, IfNoneMatch: '*' }))));
    expect(racers.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-writes', Prefix: 'raced' }))).Versions).toHaveLength(1);
  });

  it('checks x-amz-checksum-sha256 against the body (a mismatch is BadDigest, nothing written) and returns it on HeadObject and GetObjectAttributes', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'irdr-writes', Key: 'summed', Body: 'payload', ChecksumAlgorithm: 'SHA256' }));
    expect(put.ChecksumSHA256).toBe(sha256Base64('payload'));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'irdr-writes', Key: 'summed', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha256Base64('payload'));
    const attributes = await s3.send(new GetObjectAttributesCommand({ Bucket: 'irdr-writes', Key: 'summed', ObjectAttributes: ['Checksum', 'ObjectSize'] }));
    expect(attributes).toMatchObject({ ObjectSize: 7, Checksum: { ChecksumSHA256: sha256Base64('payload') } });

    // A body swapped in transit (or a checksum claimed for other bytes).
    const tampered = await raw(s3Server.endpoint, 'PUT', '/irdr-writes/tampered', { 'x-amz-checksum-sha256': sha256Base64('payload'), 'content-length': '8' }, 'payload!');
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('<Code>BadDigest</Code>');
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: 'irdr-writes', Key: 'tampered' })))).toMatchObject({ status: 404 });
    const badMd5 = await raw(s3Server.endpoint, 'PUT', '/irdr-writes/tampered', { 'content-md5': createHash('md5').update('x').digest('base64'), 'content-length': '1' }, 'y');
    expect(badMd5.body).toContain('<Code>BadDigest</Code>');
  });

  it('reads a streamed (aws-chunked) upload with its checksum in the trailer', async () => {
    const body = 'streamed body';
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\nx-amz-checksum-sha256:${sha256Base64(body)}\r\n\r\n`;
    const put = await raw(s3Server.endpoint, 'PUT', '/irdr-writes/streamed', {
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(Buffer.byteLength(body)),
      'x-amz-trailer': 'x-amz-checksum-sha256',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-length': String(Buffer.byteLength(chunked)),
    }, chunked);
    expect(put.status).toBe(200);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-writes', Key: 'streamed' })))).toBe(body);
    const forged = chunked.replace(sha256Base64(body), sha256Base64('other'));
    expect((await raw(s3Server.endpoint, 'PUT', '/irdr-writes/streamed2', { 'content-encoding': 'aws-chunked', 'content-length': String(Buffer.byteLength(forged)) }, forged)).body).toContain('<Code>BadDigest</Code>');
  });
});

describe('Object Lock', () => {
  it('keeps COMPLIANCE-retained versions: deleting one is AccessDenied, a delete marker only hides it, the bucket cannot be emptied or deleted', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-locked', ObjectLockEnabledForBucket: true }));
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: 'irdr-locked', ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'irdr-locked', Key: 'digest.json', Body: '{}', ChecksumAlgorithm: 'SHA256' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'irdr-locked', Key: 'digest.json' }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: 'irdr-locked', Key: 'digest.json', VersionId: put.VersionId })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: 'irdr-locked', Delete: { Objects: [{ Key: 'digest.json', VersionId: put.VersionId }] } }));
    expect(deleted.Errors).toEqual([expect.objectContaining({ Key: 'digest.json', Code: 'AccessDenied' })]);
    // A delete marker is allowed: it hides the digest from a reader of current objects, never destroys it.
    expect((await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-locked', Key: 'digest.json' }))).DeleteMarker).toBe(true);
    expect(await text(await s3.send(new GetObjectCommand({ Bucket: 'irdr-locked', Key: 'digest.json', VersionId: put.VersionId })))).toBe('{}');
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'irdr-locked' })))).toMatchObject({ name: 'BucketNotEmpty' });
    expect(await failure(s3.send(new PutBucketVersioningCommand({ Bucket: 'irdr-locked', VersioningConfiguration: { Status: 'Suspended' } })))).toMatchObject({ name: 'InvalidBucketState', status: 409 });
    // A put that would be retained needs an integrity header (the SDK adds CRC32 itself; a raw writer has none).
    const bare = await raw(s3Server.endpoint, 'PUT', '/irdr-locked/bare', { 'content-length': '1' }, 'x');
    expect({ status: bare.status, code: /<Code>(\w+)<\/Code>/.exec(bare.body)?.[1] }).toEqual({ status: 400, code: 'InvalidRequest' });
  });
});

describe('Object Lock, GOVERNANCE mode', () => {
  it('refuses a version delete unless the caller asks to bypass governance retention', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-governed', ObjectLockEnabledForBucket: true }));
    const retainUntil = new Date(Date.now() + 3600_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'irdr-governed', Key: 'g', Body: 'g', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: retainUntil, ChecksumAlgorithm: 'SHA256' }));
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: 'irdr-governed', Key: 'g', VersionId: put.VersionId })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'irdr-governed', Key: 'g', VersionId: put.VersionId, BypassGovernanceRetention: true }));
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-governed' }))).Versions).toBeUndefined();
    // Retention on a bucket without Object Lock is refused, not silently dropped.
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-unlocked' }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'irdr-unlocked', Key: 'g', Body: 'g', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: retainUntil })))).toMatchObject({ name: 'InvalidRequest', status: 400 });
  });
});

describe('the data dir', () => {
  it('keeps buckets, every version and delete marker across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'irdr-s3-'));
    try {
      const first = await startLocalS3({ host: LOCAL_HOST, port: 0, dataDir });
      const before = clientFor(first.endpoint);
      await before.send(new CreateBucketCommand({ Bucket: 'irdr-kept' }));
      await before.send(new PutBucketVersioningCommand({ Bucket: 'irdr-kept', VersioningConfiguration: { Status: 'Enabled' } }));
      const old = await before.send(new PutObjectCommand({ Bucket: 'irdr-kept', Key: 'k', Body: 'old' }));
      await before.send(new PutObjectCommand({ Bucket: 'irdr-kept', Key: 'k', Body: 'new' }));
      await before.send(new DeleteObjectCommand({ Bucket: 'irdr-kept', Key: 'k' }));
      // A burst whose writes of the metadata are shared: each put answered is on disk.
      await Promise.all(Array.from({ length: 200 }, (_, index) => before.send(new PutObjectCommand({ Bucket: 'irdr-kept', Key: `burst/${index}`, Body: String(index) }))));
      before.destroy();
      await first.stop();

      const second = await startLocalS3({ host: LOCAL_HOST, port: 0, dataDir });
      const after = clientFor(second.endpoint);
      const listed = await after.send(new ListObjectVersionsCommand({ Bucket: 'irdr-kept' }));
      expect({ versions: listed.Versions?.length, markers: listed.DeleteMarkers?.length }).toEqual({ versions: 202, markers: 1 });
      expect(await text(await after.send(new GetObjectCommand({ Bucket: 'irdr-kept', Key: 'burst/199' })))).toBe('199');
      expect(await text(await after.send(new GetObjectCommand({ Bucket: 'irdr-kept', Key: 'k', VersionId: old.VersionId })))).toBe('old');
      after.destroy();
      await second.stop();
      // A metadata file that is not what the S3 writes stops the start with what to do, rather than a parser's dump.
      writeFileSync(join(dataDir, 'buckets.json'), '{"buckets":[{"name":1}]}');
      await expect(startLocalS3({ host: LOCAL_HOST, port: 0, dataDir })).rejects.toThrow(/^the local S3's buckets in .*buckets\.json are unreadable \(at buckets\.0\.name: .*\): move the file away to start with none$/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the local stack', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('exports AWS_ENDPOINT_URL_S3, and the AWS CLI (s3api and s3) works against it unchanged', async () => {
    const endpoint = local.stack.environment.AWS_ENDPOINT_URL_S3;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const scratch = mkdtempSync(join(tmpdir(), 'irdr-s3-cli-'));
    try {
      const file = join(scratch, 'object.txt');
      writeFileSync(file, 'from the CLI');
      // --endpoint-url: Debian's awscli 2.9 ignores AWS_ENDPOINT_URL_*.
      const aws = async (args: string[]) => {
        const { stdout } = await promisify(execFile)('aws', [...args, '--endpoint-url', endpoint!, '--output', 'json'], {
          env: { ...process.env, ...local.stack.environment, AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
        });
        return stdout.trim() === '' ? {} : JSON.parse(stdout);
      };
      await aws(['s3api', 'create-bucket', '--bucket', 'irdr-cli']);
      await aws(['s3api', 'put-bucket-versioning', '--bucket', 'irdr-cli', '--versioning-configuration', 'Status=Enabled']);
      const put = await aws(['s3api', 'put-object', '--bucket', 'irdr-cli', '--key', 'dir/a file.txt', '--body', file, '--checksum-algorithm', 'SHA256']);
      expect(put.ChecksumSHA256).toBe(sha256Base64('from the CLI'));
      const versions = await aws(['s3api', 'list-object-versions', '--bucket', 'irdr-cli']);
      expect(versions.Versions).toEqual([expect.objectContaining({ Key: 'dir/a file.txt', VersionId: put.VersionId, IsLatest: true, Size: 12 })]);
      const { stdout: listing } = await promisify(execFile)('aws', ['s3', 'ls', 's3://irdr-cli', '--recursive', '--endpoint-url', endpoint!], { env: { ...process.env, ...local.stack.environment } });
      expect(listing).toContain('dir/a file.txt');
      // The SDK in this process reaches the same S3 through the variable alone, as the handlers do.
      const viaEnvironment = new S3Client({});
      expect(await text(await viaEnvironment.send(new GetObjectCommand({ Bucket: 'irdr-cli', Key: 'dir/a file.txt' })))).toBe('from the CLI');
      viaEnvironment.destroy();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

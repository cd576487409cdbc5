import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3AuthorizationsOf, type S3Authorization } from '../../local/s3/iam-actions.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/server.js';
import { readSentBodies, type SentRequestBodies } from '../../local/sent-request-bodies.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../local/stack-config.js';
import { actionIsKnown } from '../infra/iam-reference.js';

/*
 * The IAM actions each S3 request needs, read from the requests the SDK really sends (query, headers, DeleteObjects'
 * body), as the S3 API reference's Permissions sections state them, each an action AWS's IAM reference has.
 */

let s3Server: LocalS3;
let s3: S3Client;
let bodies: SentRequestBodies;
const sent: ClientRequest[] = [];
const onRequest = (message: unknown) => void sent.push((message as { request: ClientRequest }).request);

beforeAll(async () => {
  s3Server = await startLocalS3({ host: LOCAL_HOST, port: 0 });
  s3 = new S3Client({ endpoint: s3Server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  bodies = readSentBodies((request) => request.path.includes('delete'));
  diagnosticsChannel.subscribe('http.client.request.start', onRequest);
});
afterAll(async () => {
  diagnosticsChannel.unsubscribe('http.client.request.start', onRequest);
  bodies?.close();
  s3?.destroy();
  await s3Server?.stop();
});

/** Sends the command and answers what its request needs (every request it made, e.g. none retried here). */
async function authorizationsOf(command: object): Promise<S3Authorization[]> {
  const before = sent.length;
  await s3.send(command as never);
  return sent.slice(before).flatMap((request) => {
    const headers = Object.fromEntries(Object.entries(request.getHeaders()).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
    const body = bodies.bodyOf(request);
    return s3AuthorizationsOf({ method: request.method, path: request.path, headers, ...(body !== undefined && { body }) });
  });
}

describe('IAM actions of S3 requests', () => {
  it('names, for each call a drill or the digest store makes, the action and resource S3 authorizes it against', async () => {
    const bucket = 'arn:aws:s3:::irdr-drill-iam';
    const seen: Record<string, S3Authorization[]> = {
      CreateBucket: await authorizationsOf(new CreateBucketCommand({ Bucket: 'irdr-drill-iam', ObjectLockEnabledForBucket: true })),
      PutBucketVersioning: await authorizationsOf(new PutBucketVersioningCommand({ Bucket: 'irdr-drill-iam', VersioningConfiguration: { Status: 'Enabled' } })),
      PutBucketTagging: await authorizationsOf(new PutBucketTaggingCommand({ Bucket: 'irdr-drill-iam', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } })),
      GetBucketTagging: await authorizationsOf(new GetBucketTaggingCommand({ Bucket: 'irdr-drill-iam' })),
      PutPublicAccessBlock: await authorizationsOf(new PutPublicAccessBlockCommand({ Bucket: 'irdr-drill-iam', PublicAccessBlockConfiguration: { BlockPublicAcls: true } })),
      HeadBucket: await authorizationsOf(new HeadBucketCommand({ Bucket: 'irdr-drill-iam' })),
      ListBuckets: await authorizationsOf(new ListBucketsCommand({})),
      PutObject: await authorizationsOf(new PutObjectCommand({ Bucket: 'irdr-drill-iam', Key: 'a b/c', Body: 'x', ChecksumAlgorithm: 'SHA256' })),
      ListObjectsV2: await authorizationsOf(new ListObjectsV2Command({ Bucket: 'irdr-drill-iam' })),
      ListObjectVersions: await authorizationsOf(new ListObjectVersionsCommand({ Bucket: 'irdr-drill-iam' })),
    };
    const [version] = (await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-drill-iam' }))).Versions ?? [];
    Object.assign(seen, {
      GetObject: await authorizationsOf(new GetObjectCommand({ Bucket: 'irdr-drill-iam', Key: 'a b/c' })),
      GetObjectVersion: await authorizationsOf(new GetObjectCommand({ Bucket: 'irdr-drill-iam', Key: 'a b/c', VersionId: version!.VersionId })),
      HeadObjectVersion: await authorizationsOf(new HeadObjectCommand({ Bucket: 'irdr-drill-iam', Key: 'a b/c', VersionId: version!.VersionId, ChecksumMode: 'ENABLED' })),
      GetObjectAttributes: await authorizationsOf(new GetObjectAttributesCommand({ Bucket: 'irdr-drill-iam', Key: 'a b/c', ObjectAttributes: ['Checksum'] })),
      DeleteObject: await authorizationsOf(new DeleteObjectCommand({ Bucket: 'irdr-drill-iam', Key: 'a b/c' })),
    });
    const [marker] = (await s3.send(new ListObjectVersionsCommand({ Bucket: 'irdr-drill-iam' }))).DeleteMarkers ?? [];
    seen['DeleteObjects'] = await authorizationsOf(
      new DeleteObjectsCommand({ Bucket: 'irdr-drill-iam', Delete: { Objects: [{ Key: 'a b/c', VersionId: version!.VersionId }, { Key: 'a b/c', VersionId: marker!.VersionId }] } }),
    );
    seen['DeleteBucket'] = await authorizationsOf(new DeleteBucketCommand({ Bucket: 'irdr-drill-iam' }));

    const object = `${bucket}/a b/c`;
    expect(seen).toEqual({
      CreateBucket: [
        { action: 's3:CreateBucket', resource: bucket },
        { action: 's3:PutBucketObjectLockConfiguration', resource: bucket },
        { action: 's3:PutBucketVersioning', resource: bucket },
      ],
      PutBucketVersioning: [{ action: 's3:PutBucketVersioning', resource: bucket }],
      PutBucketTagging: [{ action: 's3:PutBucketTagging', resource: bucket }],
      GetBucketTagging: [{ action: 's3:GetBucketTagging', resource: bucket }],
      PutPublicAccessBlock: [{ action: 's3:PutBucketPublicAccessBlock', resource: bucket }],
      HeadBucket: [{ action: 's3:ListBucket', resource: bucket }],
      ListBuckets: [{ action: 's3:ListAllMyBuckets', resource: '*' }],
      PutObject: [{ action: 's3:PutObject', resource: object }],
      ListObjectsV2: [{ action: 's3:ListBucket', resource: bucket }],
      ListObjectVersions: [{ action: 's3:ListBucketVersions', resource: bucket }],
      GetObject: [{ action: 's3:GetObject', resource: object }],
      GetObjectVersion: [{ action: 's3:GetObjectVersion', resource: object }],
      HeadObjectVersion: [{ action: 's3:GetObjectVersion', resource: object }],
      GetObjectAttributes: [
        { action: 's3:GetObject', resource: object },
        { action: 's3:GetObjectAttributes', resource: object },
      ],
      DeleteObject: [{ action: 's3:DeleteObject', resource: object }],
      DeleteObjects: [
        { action: 's3:DeleteObjectVersion', resource: object },
        { action: 's3:DeleteObjectVersion', resource: object },
      ],
      DeleteBucket: [{ action: 's3:DeleteBucket', resource: bucket }],
    });
    const actions = [...new Set(Object.values(seen).flat().map((authorization) => authorization.action))];
    const unknownToIam = [];
    for (const action of actions) if (!(await actionIsKnown(action))) unknownToIam.push(action);
    expect(unknownToIam).toEqual([]);
  });

  it('never lets a request it cannot name pass for an action', () => {
    expect(s3AuthorizationsOf({ method: 'POST', path: '/irdr-drill-iam/k?uploads', headers: {} })).toEqual([{ action: 'unknown:S3 POST /irdr-drill-iam/k?uploads', resource: '*' }]);
    expect(s3AuthorizationsOf({ method: 'PUT', path: '/irdr-drill-iam/k', headers: { 'x-amz-copy-source': '/other/k' } })[0]!.action).toMatch(/^unknown:/);
    expect(s3AuthorizationsOf({ method: 'GET', path: '/irdr-drill-iam/%E0%A4%A', headers: {} })[0]!.action).toMatch(/^unknown:/);
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { s3Errors } from './s3-error.js';
import { deleteObject } from './object-operations.js';
import { listObjectsV2, listObjectVersions } from './listings.js';
import { readCheckedBody, readRawBody } from './request-body.js';
import { sendEmpty, sendXml } from './responses.js';
import { elementText, innerElements, type XmlNode } from './xml.js';
import type { LocalBuckets } from './buckets.js';
import type { DefaultRetention, PublicAccessBlock } from './model.js';

/** Bucket-level requests (path `/<bucket>`), told apart by their subresource as S3 does. */
export interface BucketRequest {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  readonly bucketName: string;
  readonly query: URLSearchParams;
  readonly buckets: LocalBuckets;
}

const MAX_TAGS = 50;
const MAX_DELETE_OBJECTS = 1000;

export async function handleBucketRequest(call: BucketRequest): Promise<void> {
  const { request, query } = call;
  const method = request.method ?? 'GET';
  const has = (name: string) => query.has(name);
  if (has('versioning')) return method === 'PUT' ? putVersioning(call) : method === 'GET' ? getVersioning(call) : unsupported(method, 'versioning');
  if (has('tagging')) return method === 'PUT' ? putTagging(call) : method === 'GET' ? getTagging(call) : method === 'DELETE' ? deleteTagging(call) : unsupported(method, 'tagging');
  if (has('publicAccessBlock')) {
    return method === 'PUT' ? putPublicAccessBlock(call) : method === 'GET' ? getPublicAccessBlock(call) : method === 'DELETE' ? deletePublicAccessBlock(call) : unsupported(method, 'publicAccessBlock');
  }
  if (has('object-lock')) return method === 'PUT' ? putObjectLock(call) : method === 'GET' ? getObjectLock(call) : unsupported(method, 'object-lock');
  if (has('delete') && method === 'POST') return deleteObjects(call);
  if (method === 'GET' && has('versions')) return sendXml(call.response, call.requestId, 'ListVersionsResult', listObjectVersions(call.buckets.get(call.bucketName), query));
  if (method === 'GET' && has('location')) {
    call.buckets.get(call.bucketName);
    // us-east-1's location constraint is empty.
    return sendXml(call.response, call.requestId, 'LocationConstraint', []);
  }
  if (method === 'GET' && query.get('list-type') === '2') return sendXml(call.response, call.requestId, 'ListBucketResult', listObjectsV2(call.buckets.get(call.bucketName), query));
  const subresource = [...query.keys()].find((name) => name !== 'x-id');
  if (subresource !== undefined) throw s3Errors.notImplemented(`${method} /<bucket>?${subresource}`);
  if (method === 'PUT') return createBucket(call);
  if (method === 'HEAD') {
    call.buckets.get(call.bucketName);
    return sendEmpty(call.response, call.requestId, 200, { 'x-amz-bucket-region': 'us-east-1' });
  }
  if (method === 'DELETE') {
    await call.buckets.delete(call.bucketName);
    return sendEmpty(call.response, call.requestId, 204);
  }
  if (method === 'GET') throw s3Errors.notImplemented('ListObjects (version 1): use ListObjectsV2 (list-type=2)');
  return unsupported(method, 'bucket');
}

function unsupported(method: string, what: string): never {
  throw s3Errors.methodNotAllowed(method, what);
}

const bodyText = async (request: IncomingMessage): Promise<string> => (await readRawBody(request)).toString('utf8');

async function createBucket({ request, response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  const location = elementText(await bodyText(request), 'LocationConstraint');
  // The local region is us-east-1, where S3 takes no location constraint.
  if (location !== undefined && location !== '') throw s3Errors.invalidArgument(`The local S3 is in us-east-1 and takes no LocationConstraint (got ${location})`, 'LocationConstraint', location);
  const objectLock = String(request.headers['x-amz-bucket-object-lock-enabled'] ?? '').toLowerCase() === 'true';
  await buckets.create(bucketName, { objectLock });
  sendEmpty(response, requestId, 200, { Location: `/${bucketName}` });
}

async function putVersioning({ request, response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  const body = await bodyText(request);
  if (elementText(body, 'MfaDelete') === 'Enabled') throw s3Errors.notImplemented('MFA delete');
  await buckets.setVersioning(bucketName, elementText(body, 'Status'));
  sendEmpty(response, requestId, 200);
}

function getVersioning({ response, requestId, bucketName, buckets }: BucketRequest): void {
  const { versioning } = buckets.get(bucketName);
  sendXml(response, requestId, 'VersioningConfiguration', [['Status', versioning === 'Unversioned' ? undefined : versioning]]);
}

async function putTagging({ request, response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  buckets.get(bucketName);
  const body = await bodyText(request);
  if (!body.includes('<TagSet')) throw s3Errors.malformedXml();
  const tags = innerElements(body, 'Tag').map((tag) => ({ Key: elementText(tag, 'Key') ?? '', Value: elementText(tag, 'Value') ?? '' }));
  if (tags.length > MAX_TAGS) throw s3Errors.invalidTag(`Bucket tag count cannot be greater than ${MAX_TAGS}`);
  for (const tag of tags) {
    if (tag.Key.length < 1 || tag.Key.length > 128) throw s3Errors.invalidTag('The TagKey you have provided is invalid');
    if (tag.Value.length > 256) throw s3Errors.invalidTag('The TagValue you have provided is invalid');
    if (tag.Key.toLowerCase().startsWith('aws:')) throw s3Errors.invalidTag('Your TagKey cannot be prefixed with aws:');
  }
  if (new Set(tags.map((tag) => tag.Key)).size !== tags.length) throw s3Errors.invalidTag('Cannot provide multiple Tags with the same key');
  await buckets.setTags(bucketName, tags);
  sendEmpty(response, requestId, 204);
}

function getTagging({ response, requestId, bucketName, buckets }: BucketRequest): void {
  const { tags } = buckets.get(bucketName);
  if (!tags || tags.length === 0) throw s3Errors.noSuchTagSet();
  sendXml(response, requestId, 'Tagging', [['TagSet', tags.map((tag): XmlNode => ['Tag', [['Key', tag.Key], ['Value', tag.Value]]])]]);
}

async function deleteTagging({ response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  await buckets.setTags(bucketName, undefined);
  sendEmpty(response, requestId, 204);
}

const PUBLIC_ACCESS_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

async function putPublicAccessBlock({ request, response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  buckets.get(bucketName);
  const body = await bodyText(request);
  if (!body.includes('<PublicAccessBlockConfiguration')) throw s3Errors.malformedXml();
  const block = Object.fromEntries(PUBLIC_ACCESS_SETTINGS.map((name) => [name, elementText(body, name)?.trim() === 'true'])) as PublicAccessBlock;
  await buckets.setPublicAccessBlock(bucketName, block);
  sendEmpty(response, requestId, 200);
}

function getPublicAccessBlock({ response, requestId, bucketName, buckets }: BucketRequest): void {
  const { publicAccessBlock } = buckets.get(bucketName);
  if (!publicAccessBlock) {
    throw s3Errors.noSuchPublicAccessBlock();
  }
  sendXml(response, requestId, 'PublicAccessBlockConfiguration', PUBLIC_ACCESS_SETTINGS.map((name): XmlNode => [name, publicAccessBlock[name]]));
}

async function deletePublicAccessBlock({ response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  await buckets.setPublicAccessBlock(bucketName, undefined);
  sendEmpty(response, requestId, 204);
}

async function putObjectLock({ request, response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  buckets.get(bucketName);
  const body = await bodyText(request);
  const retention = innerElements(body, 'DefaultRetention')[0];
  let rule: DefaultRetention | undefined;
  if (retention !== undefined) {
    const mode = elementText(retention, 'Mode');
    const days = elementText(retention, 'Days');
    const years = elementText(retention, 'Years');
    const period = Number(days ?? years);
    if ((mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') || (days === undefined) === (years === undefined) || !Number.isInteger(period) || period <= 0) throw s3Errors.malformedXml();
    rule = { mode, ...(days !== undefined ? { days: period } : { years: period }) };
  }
  await buckets.setObjectLock(bucketName, elementText(body, 'ObjectLockEnabled') === 'Enabled', rule);
  sendEmpty(response, requestId, 200);
}

function getObjectLock({ response, requestId, bucketName, buckets }: BucketRequest): void {
  const bucket = buckets.get(bucketName);
  if (!bucket.objectLockEnabled) {
    throw s3Errors.noObjectLockConfiguration();
  }
  const rule = bucket.defaultRetention;
  sendXml(response, requestId, 'ObjectLockConfiguration', [
    ['ObjectLockEnabled', 'Enabled'],
    ['Rule', rule && [['DefaultRetention', [['Mode', rule.mode], ['Days', rule.days], ['Years', rule.years]]]]],
  ]);
}

/** DeleteObjects: each key (and version) as DeleteObject would, each answered Deleted or Error on its own. */
async function deleteObjects({ request, response, requestId, bucketName, buckets }: BucketRequest): Promise<void> {
  buckets.get(bucketName);
  const { body, integrityChecked } = await readCheckedBody(request);
  if (!integrityChecked) throw s3Errors.invalidRequest('Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)');
  const xml = body.toString('utf8');
  const objects = innerElements(xml, 'Object').map((object) => ({ key: elementText(object, 'Key'), versionId: elementText(object, 'VersionId') }));
  if (objects.length === 0 || objects.length > MAX_DELETE_OBJECTS || objects.some((object) => object.key === undefined)) throw s3Errors.malformedXml();
  const quiet = elementText(xml, 'Quiet') === 'true';
  const bypassGovernance = String(request.headers['x-amz-bypass-governance-retention'] ?? '').toLowerCase() === 'true';
  const results: XmlNode[] = [];
  for (const { key, versionId } of objects) {
    try {
      const outcome = await deleteObject(buckets, bucketName, key!, { ...(versionId !== undefined && { versionId }), bypassGovernance });
      if (quiet) continue;
      results.push([
        'Deleted',
        [
          ['Key', key],
          ['VersionId', versionId],
          ['DeleteMarker', outcome.deleteMarker ? true : undefined],
          ['DeleteMarkerVersionId', outcome.deleteMarker ? outcome.versionId : undefined],
        ],
      ]);
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      results.push(['Error', [['Key', key], ['VersionId', versionId], ['Code', code ?? 'InternalError'], ['Message', message]]]);
    }
  }
  sendXml(response, requestId, 'DeleteResult', results);
}

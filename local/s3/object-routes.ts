import type { IncomingMessage, ServerResponse } from 'node:http';
import { s3Errors } from './s3-error.js';
import { deleteObject, findVersion, putObject } from './object-operations.js';
import { readCheckedBody } from './request-body.js';
import { sendEmpty, sendXml } from './responses.js';
import type { LocalBuckets } from './buckets.js';
import type { Bucket, ObjectVersion, Retention } from './model.js';
import type { XmlNode } from './xml.js';

/** Object-level requests (path `/<bucket>/<key>`). */
export interface ObjectRequest {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  readonly bucketName: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly buckets: LocalBuckets;
}

export async function handleObjectRequest(call: ObjectRequest): Promise<void> {
  const method = call.request.method ?? 'GET';
  // X-Amz-* in the query is a presigned request's signature (query-string SigV4, checked by the server), not a subresource.
  const subresource = [...call.query.keys()].find((name) => name !== 'x-id' && name !== 'versionId' && name !== 'attributes' && !name.startsWith('response-') && !name.startsWith('X-Amz-'));
  if (subresource !== undefined) throw s3Errors.notImplemented(`${method} /<bucket>/<key>?${subresource}`);
  if (method === 'PUT') return putObjectRoute(call);
  if (method === 'GET' && call.query.has('attributes')) return getObjectAttributes(call);
  if (method === 'GET' || method === 'HEAD') return getObjectRoute(call, method === 'HEAD');
  if (method === 'DELETE') return deleteObjectRoute(call);
  throw s3Errors.methodNotAllowed(method, 'Object');
}

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

function retentionOf(request: IncomingMessage): Retention | undefined {
  const mode = header(request, 'x-amz-object-lock-mode');
  const retainUntil = header(request, 'x-amz-object-lock-retain-until-date');
  if (mode === undefined && retainUntil === undefined) return undefined;
  if (mode === undefined || retainUntil === undefined) throw s3Errors.invalidRequest('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  if (mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') throw s3Errors.invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
  if (Number.isNaN(Date.parse(retainUntil))) throw s3Errors.invalidArgument('The retain until date must be provided in ISO 8601 format', 'x-amz-object-lock-retain-until-date', retainUntil);
  return { mode, retainUntil: new Date(retainUntil).toISOString() };
}

async function putObjectRoute({ request, response, requestId, bucketName, key, buckets }: ObjectRequest): Promise<void> {
  if (header(request, 'x-amz-copy-source') !== undefined) throw s3Errors.notImplemented('CopyObject');
  const bucket = buckets.get(bucketName);
  const retention = retentionOf(request);
  const checked = await readCheckedBody(request);
  const metadata = Object.fromEntries(
    Object.entries(request.headers)
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name.slice('x-amz-meta-'.length), Array.isArray(value) ? value.join(',') : String(value)]),
  );
  const contentType = header(request, 'content-type');
  const version = await putObject(buckets, bucketName, key, {
    ...checked,
    metadata,
    ...(contentType !== undefined && { contentType }),
    ...(header(request, 'if-none-match') !== undefined && { ifNoneMatch: header(request, 'if-none-match') }),
    ...(header(request, 'if-match') !== undefined && { ifMatch: header(request, 'if-match') }),
    ...(retention && { retention }),
  });
  sendEmpty(response, requestId, 200, {
    ETag: `"${version.etag}"`,
    ...(bucket.versioning !== 'Unversioned' && { 'x-amz-version-id': version.versionId }),
    ...checksumHeaders(version),
  });
}

function checksumHeaders(version: ObjectVersion): Record<string, string> {
  const entries = Object.entries(version.checksums);
  if (entries.length === 0) return {};
  return { ...Object.fromEntries(entries.map(([algorithm, value]) => [`x-amz-checksum-${algorithm.toLowerCase()}`, value])), 'x-amz-checksum-type': 'FULL_OBJECT' };
}

function objectHeaders(bucket: Bucket, version: ObjectVersion): Record<string, string> {
  return {
    'Content-Type': version.contentType ?? 'binary/octet-stream',
    ETag: `"${version.etag}"`,
    'Last-Modified': new Date(version.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    ...(bucket.versioning !== 'Unversioned' && { 'x-amz-version-id': version.versionId }),
    ...Object.fromEntries(Object.entries(version.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
    ...(version.retention && { 'x-amz-object-lock-mode': version.retention.mode, 'x-amz-object-lock-retain-until-date': version.retention.retainUntil }),
  };
}

/** A single `bytes=` range, resolved against the size; undefined for the whole body. */
function rangeOf(request: IncomingMessage, size: number): { start: number; end: number } | undefined {
  const range = header(request, 'range');
  if (range === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  // S3 ignores a range it cannot read (several ranges, other units) and sends the whole object.
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [start, end] = match[1] === '' ? [Math.max(0, size - Number(match[2])), size - 1] : [Number(match[1]), match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)];
  if (start >= size || start > end) throw s3Errors.invalidRange();
  return { start, end };
}

async function getObjectRoute({ request, response, requestId, bucketName, key, query, buckets }: ObjectRequest, isHead: boolean): Promise<void> {
  const bucket = buckets.get(bucketName);
  const version = findVersion(bucket, key, query.get('versionId') ?? undefined);
  const range = rangeOf(request, version.size);
  const checksums = header(request, 'x-amz-checksum-mode') === 'ENABLED' && !range ? checksumHeaders(version) : {};
  const headers = { ...objectHeaders(bucket, version), ...checksums };
  if (isHead) return sendEmpty(response, requestId, 200, { ...headers, 'Content-Length': String(version.size) });
  const body = await buckets.storage.readBody(version.blobId!);
  const part = range ? body.subarray(range.start, range.end + 1) : body;
  response.writeHead(range ? 206 : 200, {
    'x-amz-request-id': requestId,
    ...headers,
    'Content-Length': part.length,
    ...(range && { 'Content-Range': `bytes ${range.start}-${range.end}/${version.size}` }),
  });
  response.end(part);
}

const OBJECT_ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

async function getObjectAttributes({ request, response, requestId, bucketName, key, query, buckets }: ObjectRequest): Promise<void> {
  const bucket = buckets.get(bucketName);
  const version = findVersion(bucket, key, query.get('versionId') ?? undefined);
  const asked = (header(request, 'x-amz-object-attributes') ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = asked.find((name) => !OBJECT_ATTRIBUTES.includes(name));
  if (asked.length === 0 || unknown !== undefined) throw s3Errors.invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', unknown ?? '');
  const checksums = Object.entries(version.checksums).map(([algorithm, value]): XmlNode => [`Checksum${algorithm}`, value]);
  sendXml(
    response,
    requestId,
    'GetObjectAttributesResponse',
    [
      ['ETag', asked.includes('ETag') ? version.etag : undefined],
      ['Checksum', asked.includes('Checksum') && checksums.length > 0 ? [...checksums, ['ChecksumType', 'FULL_OBJECT']] : undefined],
      ['StorageClass', asked.includes('StorageClass') ? 'STANDARD' : undefined],
      ['ObjectSize', asked.includes('ObjectSize') ? version.size : undefined],
    ],
    { 'Last-Modified': new Date(version.lastModified).toUTCString(), ...(bucket.versioning !== 'Unversioned' && { 'x-amz-version-id': version.versionId }) },
  );
}

async function deleteObjectRoute({ request, response, requestId, bucketName, key, query, buckets }: ObjectRequest): Promise<void> {
  const versionId = query.get('versionId') ?? undefined;
  const bypassGovernance = header(request, 'x-amz-bypass-governance-retention')?.toLowerCase() === 'true';
  const outcome = await deleteObject(buckets, bucketName, key, { ...(versionId !== undefined && { versionId }), bypassGovernance });
  sendEmpty(response, requestId, 204, {
    ...(outcome.deleteMarker && { 'x-amz-delete-marker': 'true' }),
    ...(outcome.versionId !== undefined && { 'x-amz-version-id': outcome.versionId }),
  });
}

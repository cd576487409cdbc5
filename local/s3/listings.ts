import { s3Errors } from './s3-error.js';
import { compareKeys, firstKeyIndex, latestOf, sortedKeys, type Bucket, type ObjectVersion } from './model.js';
import type { XmlNode } from './xml.js';

/*
 * ListObjectsV2 and ListObjectVersions: keys in S3's order (UTF-8 bytes), versions newest first, pages of at most
 * max-keys entries, and the markers a caller hands back for the next page.
 */

const OWNER: XmlNode = ['Owner', [['ID', 'local'], ['DisplayName', 'local']]];
const MAX_KEYS = 1000;

/** S3's LastModified in listings: whole seconds (`.000Z`), as AWS shows them. */
export const listedTime = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString();

export function maxKeysOf(value: string | null): number {
  if (value === null) return MAX_KEYS;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw s3Errors.invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', value);
  return Math.min(parsed, MAX_KEYS);
}

/** With encoding-type=url (the AWS CLI always asks for it), keys and prefixes are URL-encoded. */
const encoder = (encodingType: string | null) => {
  if (encodingType !== null && encodingType !== 'url') throw s3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  return (text: string) => (encodingType === 'url' ? encodeURIComponent(text) : text);
};

const checksumAlgorithms = (version: ObjectVersion): XmlNode[] => Object.keys(version.checksums).map((algorithm): XmlNode => ['ChecksumAlgorithm', algorithm]);

interface ContinuationMark {
  /** The last key (or common prefix) of the page before. */
  readonly after: string;
  readonly isPrefix: boolean;
}

const encodeToken = (mark: ContinuationMark): string => Buffer.from(JSON.stringify(mark)).toString('base64url');

function decodeToken(token: string): ContinuationMark {
  try {
    const mark = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinuationMark;
    if (typeof mark.after === 'string' && typeof mark.isPrefix === 'boolean') return mark;
  } catch {
    // falls through to the error S3 gives
  }
  throw s3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

/** ListObjectsV2 over the keys whose current version is an object. */
export function listObjectsV2(bucket: Bucket, query: URLSearchParams): XmlNode[] {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(query.get('max-keys'));
  const encode = encoder(query.get('encoding-type'));
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after') ?? '';
  const mark: ContinuationMark = token !== null ? decodeToken(token) : { after: startAfter, isPrefix: false };
  const contents: XmlNode[] = [];
  const prefixes: string[] = [];
  let last: ContinuationMark | undefined;
  let truncated = false;
  const keys = sortedKeys(bucket);
  // Keys under a prefix sit together in S3's order: start at the prefix (or past the mark), stop once past it.
  const start = compareKeys(mark.after, prefix) >= 0 ? firstKeyIndex(keys, mark.after, false) : firstKeyIndex(keys, prefix, true);
  for (let index = start; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (!key.startsWith(prefix)) break;
    if (mark.isPrefix && key.startsWith(mark.after)) continue;
    const latest = latestOf(bucket.objects.get(key))!;
    if (latest.deleteMarker) continue;
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && prefixes.at(-1) === commonPrefix) continue;
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      prefixes.push(commonPrefix);
      last = { after: commonPrefix, isPrefix: true };
    } else {
      contents.push([
        'Contents',
        [['Key', encode(key)], ['LastModified', listedTime(latest.lastModified)], ['ETag', `"${latest.etag}"`], ...checksumAlgorithms(latest), ['ChecksumType', Object.keys(latest.checksums).length > 0 ? 'FULL_OBJECT' : undefined], ['Size', latest.size], ['StorageClass', 'STANDARD']],
      ]);
      last = { after: key, isPrefix: false };
    }
  }
  return [
    ['Name', bucket.name],
    ['Prefix', encode(prefix)],
    ['Delimiter', delimiter === '' ? undefined : encode(delimiter)],
    ['MaxKeys', maxKeys],
    ['EncodingType', query.get('encoding-type') ?? undefined],
    ['KeyCount', contents.length + prefixes.length],
    ['IsTruncated', truncated],
    ['ContinuationToken', token ?? undefined],
    ['NextContinuationToken', truncated && last ? encodeToken(last) : undefined],
    ['StartAfter', query.has('start-after') ? encode(startAfter) : undefined],
    ...contents,
    ...prefixes.map((commonPrefix): XmlNode => ['CommonPrefixes', [['Prefix', encode(commonPrefix)]]]),
  ];
}

/** ListObjectVersions: every version and delete marker, by key, newest first; key-marker and version-id-marker page on. */
export function listObjectVersions(bucket: Bucket, query: URLSearchParams): XmlNode[] {
  if (query.get('delimiter')) throw s3Errors.notImplemented('ListObjectVersions with a delimiter');
  const prefix = query.get('prefix') ?? '';
  const maxKeys = maxKeysOf(query.get('max-keys'));
  const encode = encoder(query.get('encoding-type'));
  const keyMarker = query.get('key-marker') ?? '';
  const versionIdMarker = query.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') throw s3Errors.invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker);
  const entries: XmlNode[] = [];
  let last: ObjectVersion | undefined;
  let truncated = false;
  const keys = sortedKeys(bucket);
  const start = firstKeyIndex(keys, compareKeys(keyMarker, prefix) >= 0 ? keyMarker : prefix, true);
  for (let index = start; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (!key.startsWith(prefix)) break;
    const newestFirst = [...bucket.objects.get(key)!].reverse();
    let versions = newestFirst;
    if (key === keyMarker) {
      // Past the marker's key unless a version id names where in it the last page ended.
      const at = versionIdMarker === '' ? newestFirst.length - 1 : newestFirst.findIndex((version) => version.versionId === versionIdMarker);
      versions = at === -1 ? [] : newestFirst.slice(at + 1);
    }
    for (const version of versions) {
      if (entries.length >= maxKeys) {
        truncated = true;
        break;
      }
      const isLatest = version === newestFirst[0];
      entries.push(
        version.deleteMarker
          ? ['DeleteMarker', [['Key', encode(key)], ['VersionId', version.versionId], ['IsLatest', isLatest], ['LastModified', listedTime(version.lastModified)], OWNER]]
          : [
              'Version',
              [['Key', encode(key)], ['VersionId', version.versionId], ['IsLatest', isLatest], ['LastModified', listedTime(version.lastModified)], ['ETag', `"${version.etag}"`], ...checksumAlgorithms(version), ['ChecksumType', Object.keys(version.checksums).length > 0 ? 'FULL_OBJECT' : undefined], ['Size', version.size], ['StorageClass', 'STANDARD'], OWNER],
            ],
      );
      last = version;
    }
    if (truncated) break;
  }
  return [
    ['Name', bucket.name],
    ['Prefix', encode(prefix)],
    ['KeyMarker', encode(keyMarker)],
    ['VersionIdMarker', versionIdMarker],
    ['MaxKeys', maxKeys],
    ['EncodingType', query.get('encoding-type') ?? undefined],
    ['IsTruncated', truncated],
    ['NextKeyMarker', truncated && last ? encode(last.key) : undefined],
    ['NextVersionIdMarker', truncated && last ? last.versionId : undefined],
    ...entries,
  ];
}

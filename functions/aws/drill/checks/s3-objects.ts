import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { ListedVersion } from '../../../domain/drill/s3-recovery-point.js';
import { s3 } from '../../s3-client.js';

/*
 * How the S3 checks read a bucket: its current objects, its version listing, and an object's SHA-256 (S3's stored
 * full-object checksum when it has one, else the body read and hashed).
 */

/** A current object: its key and size. */
export interface CurrentObject {
  readonly key: string;
  readonly size: number;
}

/** Every current object under the prefix, by ListObjectsV2 pages. */
export async function listCurrentObjects(bucket: string, prefix: string | undefined): Promise<CurrentObject[]> {
  const found: CurrentObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) found.push({ key: object.Key, size: object.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** Every version and delete marker under the prefix, by ListObjectVersions pages (each key's entries newest first). */
export async function listVersions(bucket: string, prefix: string | undefined): Promise<ListedVersion[]> {
  const found: ListedVersion[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    const entries = [
      ...(page.Versions ?? []).map((version) => ({ key: version.Key, versionId: version.VersionId, lastModified: version.LastModified, isDeleteMarker: false, size: version.Size ?? 0 })),
      ...(page.DeleteMarkers ?? []).map((marker) => ({ key: marker.Key, versionId: marker.VersionId, lastModified: marker.LastModified, isDeleteMarker: true, size: 0 })),
    ];
    for (const entry of entries) {
      if (entry.key === undefined || entry.versionId === undefined || entry.lastModified === undefined) continue;
      found.push({ key: entry.key, versionId: entry.versionId, lastModified: entry.lastModified.toISOString(), isDeleteMarker: entry.isDeleteMarker, size: entry.size });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return found;
}

/**
 * The object's SHA-256 (base64), or undefined when there is no such object. S3's stored checksum is used only when
 * it covers the whole object (a multipart upload's is a checksum of part checksums): otherwise the body is hashed.
 */
export async function objectSha256(bucket: string, key: string, versionId?: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }));
    if (head.ChecksumSHA256 && head.ChecksumType !== 'COMPOSITE' && !head.ChecksumSHA256.includes('-')) return head.ChecksumSHA256;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    const hash = createHash('sha256');
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest('base64');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The object's body as text, or undefined when there is none. */
export async function objectText(bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await object.Body!.transformToString();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** S3's "no such object" in its forms: NoSuchKey (GET), NotFound (HEAD: no body to name it), NoSuchVersion. */
const isNotFound = (error: unknown): boolean => ['NoSuchKey', 'NotFound', 'NoSuchVersion'].includes((error as { name?: string }).name ?? '');

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { s3Errors } from './s3-error.js';
import { keysChanged, latestOf, type Bucket, type ChecksumAlgorithm, type ObjectVersion, type Retention } from './model.js';
import type { LocalBuckets } from './buckets.js';

/*
 * Objects and their versions, as S3 treats them by the bucket's versioning state: unversioned (one `null` version per
 * key), enabled (every put and delete adds a version), suspended (puts and deletes replace the `null` version).
 */

/** S3's keys are at most 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
const DAY_MS = 86_400_000;

/** A new version id: 32 URL-safe characters, as S3's look. */
const newVersionId = (): string => randomBytes(24).toString('base64url');

export interface PutObjectInput {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Checksums the writer sent, each verified against the body already. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** Content-MD5 or an x-amz-checksum-* value came with the body: Object Lock requires one. */
  readonly integrityChecked: boolean;
  /** `*`: only if the key has no current object. */
  readonly ifNoneMatch?: string;
  /** An ETag: only if the current object has it. */
  readonly ifMatch?: string;
  /** x-amz-object-lock-mode and -retain-until-date. */
  readonly retention?: Retention;
}

export function assertKey(key: string): void {
  if (key === '') throw s3Errors.invalidArgument('An object key must not be empty.');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw s3Errors.invalidArgument('Your key is too long', 'Key');
}

function retentionFor(bucket: Bucket, input: PutObjectInput, now: number): Retention | undefined {
  if (input.retention && !bucket.objectLockEnabled) throw s3Errors.invalidRequest('Bucket is missing Object Lock Configuration');
  if (input.retention) {
    if (Date.parse(input.retention.retainUntil) <= now) throw s3Errors.invalidArgument('The retain until date must be in the future!', 'x-amz-object-lock-retain-until-date');
    return input.retention;
  }
  const rule = bucket.defaultRetention;
  if (!bucket.objectLockEnabled || !rule) return undefined;
  const days = rule.days ?? (rule.years ?? 0) * 365;
  return { mode: rule.mode, retainUntil: new Date(now + days * DAY_MS).toISOString() };
}

/** The conditions of a conditional write, against the key's current version (a delete marker counts as none). */
function assertWriteConditions(bucket: Bucket, key: string, input: PutObjectInput): void {
  const latest = latestOf(bucket.objects.get(key));
  const current = latest && !latest.deleteMarker ? latest : undefined;
  if (input.ifNoneMatch !== undefined) {
    if (input.ifNoneMatch !== '*') throw s3Errors.notImplemented('If-None-Match with an ETag on PutObject (S3 takes only *)');
    if (current) throw s3Errors.preconditionFailed('If-None-Match');
  }
  if (input.ifMatch !== undefined) {
    if (!current) throw s3Errors.noSuchKey(key);
    if (input.ifMatch.replaceAll('"', '') !== current.etag) throw s3Errors.preconditionFailed('If-Match');
  }
}

export async function putObject(buckets: LocalBuckets, bucketName: string, key: string, input: PutObjectInput): Promise<ObjectVersion> {
  assertKey(key);
  const now = Date.now();
  const retention = retentionFor(buckets.get(bucketName), input, now);
  if (retention && !input.integrityChecked) {
    throw s3Errors.invalidRequest('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
  }
  assertWriteConditions(buckets.get(bucketName), key, input);
  const blobId = randomUUID();
  await buckets.storage.writeBody(blobId, input.body);
  // Checked again once the body is down, with nothing awaited before the version goes in: two racing writers cannot both pass.
  let bucket: Bucket;
  try {
    bucket = buckets.get(bucketName);
    assertWriteConditions(bucket, key, input);
  } catch (error) {
    await buckets.storage.removeBody(blobId);
    throw error;
  }
  const version: ObjectVersion = {
    key,
    versionId: bucket.versioning === 'Enabled' ? newVersionId() : 'null',
    lastModified: now,
    deleteMarker: false,
    size: input.body.length,
    etag: createHash('md5').update(input.body).digest('hex'),
    ...(input.contentType !== undefined && { contentType: input.contentType }),
    metadata: input.metadata,
    checksums: input.checksums,
    ...(retention && { retention }),
    blobId,
  };
  const replaced = insertVersion(bucket, version);
  await Promise.all(replaced.map((old) => old.blobId && buckets.storage.removeBody(old.blobId)));
  await buckets.save();
  return version;
}

/** Adds a version as the key's newest; a `null` version replaces the key's old `null` one. Returns what it replaced. */
function insertVersion(bucket: Bucket, version: ObjectVersion): ObjectVersion[] {
  const versions = bucket.objects.get(version.key) ?? [];
  if (versions.length === 0) keysChanged(bucket);
  const replaced = version.versionId === 'null' ? versions.filter((old) => old.versionId === 'null') : [];
  bucket.objects.set(version.key, [...versions.filter((old) => !replaced.includes(old)), version]);
  return replaced;
}

/**
 * The version a read names (the current one without versionId). A current delete marker reads as NoSuchKey, a
 * delete marker named by id as MethodNotAllowed, both saying it is a delete marker, as S3 does.
 */
export function findVersion(bucket: Bucket, key: string, versionId: string | undefined): ObjectVersion {
  const versions = bucket.objects.get(key);
  if (versionId === undefined) {
    const latest = latestOf(versions);
    if (!latest) throw s3Errors.noSuchKey(key);
    if (latest.deleteMarker) throw s3Errors.noSuchKey(key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.versionId });
    return latest;
  }
  const version = versions?.find((candidate) => candidate.versionId === versionId);
  if (!version) throw s3Errors.noSuchVersion(key, versionId);
  if (version.deleteMarker) {
    throw s3Errors.methodNotAllowed('GET', 'DeleteMarker', { 'x-amz-delete-marker': 'true', 'x-amz-version-id': version.versionId, 'Last-Modified': new Date(version.lastModified).toUTCString() });
  }
  return version;
}

/** Whether Object Lock keeps this version from being deleted now. */
function isLocked(version: ObjectVersion, bypassGovernance: boolean, now: number): boolean {
  if (!version.retention || version.deleteMarker) return false;
  if (Date.parse(version.retention.retainUntil) <= now) return false;
  return version.retention.mode === 'COMPLIANCE' || !bypassGovernance;
}

export interface DeleteOutcome {
  readonly deleteMarker: boolean;
  readonly versionId?: string;
}

/**
 * Without versionId: a delete marker in a versioned bucket, the object itself in an unversioned one. With it: that
 * version (object or marker) for good, unless Object Lock retains it. A version that is not there is no error (S3's
 * deletes are idempotent).
 */
export async function deleteObject(
  buckets: LocalBuckets,
  bucketName: string,
  key: string,
  options: { readonly versionId?: string; readonly bypassGovernance?: boolean },
): Promise<DeleteOutcome> {
  const bucket = buckets.get(bucketName);
  const versions = bucket.objects.get(key) ?? [];
  let removed: ObjectVersion[] = [];
  let outcome: DeleteOutcome;
  if (options.versionId !== undefined) {
    const version = versions.find((candidate) => candidate.versionId === options.versionId);
    if (!version) return { deleteMarker: false, versionId: options.versionId };
    if (isLocked(version, options.bypassGovernance ?? false, Date.now())) throw s3Errors.objectLocked();
    removed = [version];
    outcome = { deleteMarker: version.deleteMarker, versionId: version.versionId };
  } else if (bucket.versioning === 'Unversioned') {
    removed = versions;
    outcome = { deleteMarker: false };
  } else {
    const marker: ObjectVersion = {
      key,
      versionId: bucket.versioning === 'Enabled' ? newVersionId() : 'null',
      lastModified: Date.now(),
      deleteMarker: true,
      size: 0,
      etag: '',
      metadata: {},
      checksums: {},
    };
    removed = insertVersion(bucket, marker);
    outcome = { deleteMarker: true, versionId: marker.versionId };
  }
  const left = (bucket.objects.get(key) ?? []).filter((version) => !removed.includes(version));
  if (left.length === 0) {
    if (bucket.objects.delete(key)) keysChanged(bucket);
  } else bucket.objects.set(key, left);
  await Promise.all(removed.map((version) => version.blobId && buckets.storage.removeBody(version.blobId)));
  await buckets.save();
  return outcome;
}

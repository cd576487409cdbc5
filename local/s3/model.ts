import * as z from 'zod';

/*
 * What the local S3 keeps: buckets with their settings and, per key, every version oldest first (objects and delete
 * markers). The same shape is held in memory and written to the data dir, so one schema reads it back.
 */

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const Retention = z.object({ mode: z.enum(['COMPLIANCE', 'GOVERNANCE']), retainUntil: z.string() });
export type Retention = z.infer<typeof Retention>;

export const ObjectVersion = z.object({
  key: z.string(),
  /** `null` for the null version (written while versioning was never enabled, or suspended). */
  versionId: z.string(),
  /** Epoch milliseconds. */
  lastModified: z.number(),
  deleteMarker: z.boolean(),
  size: z.number(),
  /** MD5 of the body, hex (a single-part upload's ETag, unquoted). */
  etag: z.string(),
  contentType: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  /** Base64 checksums the writer sent and this server verified. */
  checksums: z.partialRecord(z.enum(CHECKSUM_ALGORITHMS), z.string()),
  retention: Retention.optional(),
  /** Where the body is in the blob store; none for a delete marker. */
  blobId: z.string().optional(),
});
export type ObjectVersion = z.infer<typeof ObjectVersion>;

const DefaultRetention = z.object({ mode: z.enum(['COMPLIANCE', 'GOVERNANCE']), days: z.number().int().positive().optional(), years: z.number().int().positive().optional() });
export type DefaultRetention = z.infer<typeof DefaultRetention>;

export const PublicAccessBlock = z.object({
  BlockPublicAcls: z.boolean(),
  IgnorePublicAcls: z.boolean(),
  BlockPublicPolicy: z.boolean(),
  RestrictPublicBuckets: z.boolean(),
});
export type PublicAccessBlock = z.infer<typeof PublicAccessBlock>;

export const StoredBucket = z.object({
  name: z.string(),
  createdAt: z.number(),
  /** `Unversioned` until versioning is first enabled; it can then only be suspended, never turned off. */
  versioning: z.enum(['Unversioned', 'Enabled', 'Suspended']),
  objectLockEnabled: z.boolean(),
  defaultRetention: DefaultRetention.optional(),
  tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
  publicAccessBlock: PublicAccessBlock.optional(),
  /** Each key's versions, oldest first (as entries: a key such as `__proto__` is data, never an object's property). */
  objects: z.array(z.tuple([z.string(), z.array(ObjectVersion)])),
});

export const S3State = z.object({ buckets: z.array(StoredBucket) });
export type S3State = z.infer<typeof S3State>;

/** A bucket as held in memory: its keys in a Map. */
export type Bucket = Omit<z.infer<typeof StoredBucket>, 'objects'> & { readonly objects: Map<string, ObjectVersion[]> };

/** A key's current version: the newest, which may be a delete marker. */
export const latestOf = (versions: readonly ObjectVersion[] | undefined): ObjectVersion | undefined => versions?.at(-1);

/** S3 orders keys by their UTF-8 bytes. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Each bucket's keys in S3's order, kept until a key comes or goes: a listing page must not sort the whole bucket. */
const sortedKeyCache = new WeakMap<Bucket['objects'], string[]>();

/** Every key of a bucket in S3's order. */
export function sortedKeys(bucket: Bucket): readonly string[] {
  let keys = sortedKeyCache.get(bucket.objects);
  if (!keys) {
    const encoded = [...bucket.objects.keys()].map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }));
    keys = encoded.sort((a, b) => Buffer.compare(a.bytes, b.bytes)).map((entry) => entry.key);
    sortedKeyCache.set(bucket.objects, keys);
  }
  return keys;
}

/** Call when a key is added to or removed from the bucket. */
export const keysChanged = (bucket: Bucket): void => void sortedKeyCache.delete(bucket.objects);

/** The index of the first key in `keys` (S3 order) that sorts after `bound` (or at it, when `inclusive`). */
export function firstKeyIndex(keys: readonly string[], bound: string, inclusive: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compareKeys(keys[middle]!, bound);
    if (order < 0 || (order === 0 && !inclusive)) low = middle + 1;
    else high = middle;
  }
  return low;
}

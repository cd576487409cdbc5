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

/** Every key of a bucket in S3's order. */
export const sortedKeys = (bucket: Bucket): string[] => [...bucket.objects.keys()].sort(compareKeys);

import { isIP } from 'node:net';
import { s3Errors } from './s3-error.js';
import type { Bucket, DefaultRetention, PublicAccessBlock } from './model.js';
import type { S3Storage } from './storage.js';

/** Bucket names as S3 takes them for general purpose buckets: 3–63 of a-z 0-9 . -, starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function assertBucketName(name: string): void {
  if (!BUCKET_NAME.test(name) || name.includes('..') || isIP(name) !== 0 || name.startsWith('xn--') || name.endsWith('-s3alias')) throw s3Errors.invalidBucketName(name);
}

/** New buckets block public access (S3's default since April 2023). */
const ALL_PUBLIC_ACCESS_BLOCKED: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** The buckets, and their settings; objects are in object-operations.ts. Every change is saved before it is answered. */
export class LocalBuckets {
  private readonly buckets: Map<string, Bucket>;

  constructor(readonly storage: S3Storage) {
    this.buckets = new Map(storage.load().map((bucket) => [bucket.name, bucket]));
  }

  save(): Promise<void> {
    return this.storage.save([...this.buckets.values()]);
  }

  list(): Bucket[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw s3Errors.noSuchBucket(name);
    return bucket;
  }

  /**
   * Makes the bucket; one that exists already is left as it is and the call succeeds, as S3 answers in us-east-1 (the
   * local region): a caller cannot take success for proof that the bucket is new.
   */
  async create(name: string, options: { readonly objectLock: boolean }): Promise<void> {
    assertBucketName(name);
    if (this.buckets.has(name)) return;
    this.buckets.set(name, {
      name,
      createdAt: Date.now(),
      // Object Lock needs versioning, and turns it on for good.
      versioning: options.objectLock ? 'Enabled' : 'Unversioned',
      objectLockEnabled: options.objectLock,
      publicAccessBlock: ALL_PUBLIC_ACCESS_BLOCKED,
      objects: new Map(),
    });
    await this.save();
  }

  async delete(name: string): Promise<void> {
    const bucket = this.get(name);
    if (bucket.objects.size > 0) throw s3Errors.bucketNotEmpty(name);
    this.buckets.delete(name);
    await this.save();
  }

  async setVersioning(name: string, status: string | undefined): Promise<void> {
    const bucket = this.get(name);
    if (status !== 'Enabled' && status !== 'Suspended') throw s3Errors.malformedXml();
    if (bucket.objectLockEnabled && status === 'Suspended') {
      throw s3Errors.invalidBucketState('An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.');
    }
    if (bucket.versioning === 'Unversioned' && status === 'Suspended') return;
    bucket.versioning = status;
    await this.save();
  }

  async setTags(name: string, tags: Bucket['tags']): Promise<void> {
    this.get(name).tags = tags;
    await this.save();
  }

  async setPublicAccessBlock(name: string, block: PublicAccessBlock | undefined): Promise<void> {
    this.get(name).publicAccessBlock = block;
    await this.save();
  }

  async setObjectLock(name: string, enabled: boolean, rule: DefaultRetention | undefined): Promise<void> {
    const bucket = this.get(name);
    if (!enabled) throw s3Errors.malformedXml();
    if (!bucket.objectLockEnabled && bucket.versioning !== 'Enabled') {
      throw s3Errors.invalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
    }
    bucket.objectLockEnabled = true;
    bucket.defaultRetention = rule;
    await this.save();
  }
}

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BackupResourceKind, NativeProgress } from './resource-kind.js';

/** `arn:aws:s3:::<bucket>` (a bucket, not an object: no `/`). */
const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** restoring-s3 (AWS CLI): EncryptionType is `original`, `SSE-S3` or `SSE-KMS` (the last with KMSKey). */
const ENCRYPTION_TYPES = ['original', 'SSE-S3', 'SSE-KMS'];
const BOOLEAN_KEYS = ['NewBucket', 'Encrypted'];

/** What a local S3 recovery point holds: the version each key was at when the backup ran (references, not copies). */
interface BucketSnapshot {
  readonly bucket: string;
  readonly sizeBytes: number;
  readonly objects: readonly (readonly [key: string, versionId: string])[];
}

const snapshotOf = (nativeId: string): BucketSnapshot => JSON.parse(nativeId) as BucketSnapshot;
const errorText = (error: unknown): string => `${(error as Error).name}: ${(error as Error).message}`;
/** Metadata keys as AWS reads them: case-insensitively. */
const valueOf = (metadata: Readonly<Record<string, string>>, key: string): string | undefined =>
  Object.entries(metadata).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];

/**
 * S3 buckets (AWS Backup's ResourceType `S3`), through the local S3's wire API: a backup records the object version
 * current for every key at that moment; a restore copies those versions into the bucket DestinationBucketName names
 * (a new one when NewBucket is true, as AWS Backup's restoring-s3 documents the metadata).
 */
export function s3Kind(s3: S3Client): BackupResourceKind {
  const restoredBytes = new Map<string, number>();

  async function currentVersions(bucket: string): Promise<BucketSnapshot> {
    const objects: [string, string][] = [];
    let sizeBytes = 0;
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      for (const version of page.Versions ?? []) {
        if (!version.IsLatest || version.Key === undefined) continue;
        objects.push([version.Key, version.VersionId ?? 'null']);
        sizeBytes += version.Size ?? 0;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return { bucket, sizeBytes, objects };
  }

  return {
    resourceType: 'S3',
    owns: (resourceArn) => BUCKET_ARN.test(resourceArn),
    resourceName: (resourceArn) => BUCKET_ARN.exec(resourceArn)?.[1] ?? resourceArn,

    async startBackup(resourceArn) {
      const bucket = BUCKET_ARN.exec(resourceArn)?.[1] ?? '';
      try {
        // AWS Backup backs up only a versioned bucket (S3 backups: prerequisites); the job fails otherwise.
        const { Status } = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
        if (Status !== 'Enabled') return { failed: `S3 Versioning must be enabled on ${bucket} for AWS Backup to back it up (it is ${Status ?? 'not set'})` };
        return { nativeId: JSON.stringify(await currentVersions(bucket)) };
      } catch (error) {
        return { failed: `S3 refused the backup of ${resourceArn}: ${errorText(error)}` };
      }
    },

    // The versions were listed when the backup started: the point is complete at once.
    backupProgress: async (nativeId): Promise<NativeProgress> => ({ state: 'COMPLETED', sizeBytes: snapshotOf(nativeId).sizeBytes }),

    // The source bucket, which exists: a restore names a new one (NewBucket true) or says it means an existing one.
    restoreMetadata: (point) => ({ DestinationBucketName: snapshotOf(point.nativeId).bucket, NewBucket: 'false', Encrypted: 'false', EncryptionType: 'original' }),

    metadataProblem(metadata) {
      const bucket = valueOf(metadata, 'DestinationBucketName');
      if (bucket === undefined || bucket === '') return 'Metadata must name the bucket to restore into: DestinationBucketName is required to restore an S3 recovery point';
      if (!BUCKET_NAME.test(bucket)) return `DestinationBucketName '${bucket}' is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit)`;
      for (const key of BOOLEAN_KEYS) {
        const value = valueOf(metadata, key);
        if (value !== undefined && !['true', 'false'].includes(value.toLowerCase())) return `${key} '${value}' must be true or false`;
      }
      const encryption = valueOf(metadata, 'EncryptionType');
      if (encryption !== undefined && !ENCRYPTION_TYPES.includes(encryption)) return `EncryptionType '${encryption}' must be one of ${ENCRYPTION_TYPES.join(', ')}`;
      if (encryption === 'SSE-KMS' && !valueOf(metadata, 'KMSKey')) return 'EncryptionType SSE-KMS needs KMSKey';
      if (valueOf(metadata, 'ItemsToRestore') !== undefined) return 'ItemsToRestore (an item-level restore) is not offered by the local AWS Backup: restore the whole bucket';
      return undefined;
    },

    async startRestore(point, metadata) {
      const snapshot = snapshotOf(point.nativeId);
      const target = valueOf(metadata, 'DestinationBucketName')!;
      const newBucket = valueOf(metadata, 'NewBucket')?.toLowerCase() === 'true';
      const exists = await s3.send(new HeadBucketCommand({ Bucket: target })).then(
        () => true,
        () => false,
      );
      if (newBucket && exists) return { failed: `NewBucket is true but bucket ${target} already exists: name a bucket that does not` };
      if (!newBucket && !exists) return { failed: `bucket ${target} does not exist: set NewBucket to true to restore into a new bucket` };
      try {
        if (newBucket) {
          await s3.send(new CreateBucketCommand({ Bucket: target }));
          await s3.send(new PutBucketVersioningCommand({ Bucket: target, VersioningConfiguration: { Status: 'Enabled' } }));
        }
        let bytes = 0;
        for (const [key, versionId] of snapshot.objects) {
          const read = await s3.send(new GetObjectCommand({ Bucket: snapshot.bucket, Key: key, VersionId: versionId }));
          const body = await read.Body!.transformToByteArray();
          await s3.send(new PutObjectCommand({ Bucket: target, Key: key, Body: body, ...(read.ContentType && { ContentType: read.ContentType }), ...(read.Metadata && { Metadata: read.Metadata }) }));
          bytes += body.byteLength;
        }
        restoredBytes.set(target, bytes);
        return { createdResourceArn: `arn:aws:s3:::${target}` };
      } catch (error) {
        // A version the point refers to was deleted from the source since: the local point keeps references, not copies.
        return { failed: `S3 refused to restore s3://${snapshot.bucket} into ${target}: ${errorText(error)}` };
      }
    },

    async restoreProgress(bucketArn): Promise<NativeProgress> {
      const bucket = BUCKET_ARN.exec(bucketArn)?.[1] ?? bucketArn;
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        const sizeBytes = restoredBytes.get(bucket);
        return { state: 'COMPLETED', ...(sizeBytes !== undefined && { sizeBytes }) };
      } catch (error) {
        return { state: 'FAILED', message: `the restored bucket ${bucket} cannot be reached: ${errorText(error)}` };
      }
    },

    // A new bucket, as restore testing infers for S3 (it never restores into an existing one).
    restoreTestingMetadata: (_point, name) => ({ DestinationBucketName: name, NewBucket: 'true', Encrypted: 'false', EncryptionType: 'original' }),

    async deleteRestored(bucketArn) {
      const bucket = BUCKET_ARN.exec(bucketArn)?.[1] ?? bucketArn;
      // Every version (and delete marker) first: S3 deletes only an empty bucket.
      for (;;) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
        const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
        if (versions.length === 0) break;
        for (const version of versions) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: version.Key!, VersionId: version.VersionId }));
      }
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      restoredBytes.delete(bucket);
    },
  };
}

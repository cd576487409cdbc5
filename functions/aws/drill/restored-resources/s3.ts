import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { s3 } from '../../s3-client.js';
import { isAwsError } from '../target-table.js';
import { refused, resourceIdOf, tagList, tagRecord, type RestoredResourceOps } from './restored-resource.js';

/** DeleteObjects takes at most 1,000 keys a call. */
const DELETE_BATCH = 1000;

async function bucketTags(bucket: string): Promise<Record<string, string> | undefined> {
  try {
    return tagRecord((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet);
  } catch (error) {
    if (isAwsError(error, 'NoSuchTagSet')) return {};
    if (isAwsError(error, 'NoSuchBucket', 'NotFound')) return undefined;
    throw error;
  }
}

/**
 * A restored S3 bucket (AWS Backup made it: NewBucket): available once it answers; claimed with the run's tags and
 * Block Public Access on; cleanup deletes every object version and delete marker, then the bucket.
 */
export const s3Ops: RestoredResourceOps = {
  async availability(arn) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: resourceIdOf(arn) }));
      return { state: 'available' };
    } catch (error) {
      if (isAwsError(error, 'NotFound', 'NoSuchBucket')) return { state: 'gone' };
      throw error;
    }
  },

  async tag(arn, tags) {
    const bucket = resourceIdOf(arn);
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    );
    const existing = (await bucketTags(bucket)) ?? {};
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagList({ ...existing, ...tags }) } }));
  },

  async cleanUp(arn, guard) {
    const bucket = resourceIdOf(arn);
    const tags = await bucketTags(bucket);
    if (tags === undefined) return { status: 'NOT_FOUND', deletedExtras: [] };
    const refusal = guard({ arn, name: bucket, tags });
    if (refusal) return refused(refusal);
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((entry) => (entry.Key ? [{ Key: entry.Key, VersionId: entry.VersionId }] : []));
      for (let start = 0; start < objects.length; start += DELETE_BATCH) {
        const { Errors = [] } = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.slice(start, start + DELETE_BATCH), Quiet: true } }));
        if (Errors.length > 0) throw new Error(`emptying ${bucket}: ${Errors.length} objects not deleted (first: ${Errors[0]?.Key ?? '?'}: ${Errors[0]?.Message ?? '?'})`);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined || versionIdMarker !== undefined);
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (isAwsError(error, 'NoSuchBucket')) return { status: 'NOT_FOUND', deletedExtras: [] };
      throw error;
    }
    return { status: 'DELETED', deletedExtras: [] };
  },
};

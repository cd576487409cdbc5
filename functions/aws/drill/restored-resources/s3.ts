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

/** Some versions could not be deleted (e.g. Object Lock keeps them): the bucket stays. */
export class BucketCleanupIncomplete extends Error {
  override name = 'BucketCleanupIncomplete';
}

async function bucketTags(bucket: string): Promise<Record<string, string> | undefined> {
  try {
    return tagRecord((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet);
  } catch (error) {
    if (isAwsError(error, 'NoSuchTagSet')) return {};
    if (isAwsError(error, 'NoSuchBucket', 'NotFound')) return undefined;
    throw error;
  }
}

/** Deletes every object version and delete marker, a page at a time; BucketCleanupIncomplete names what stays. */
async function emptyBucket(bucket: string): Promise<void> {
  for (;;) {
    // Each page (at most 1,000, DeleteObjects' own limit) is deleted before the next is listed, so listing starts over every time.
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((entry) => entry.Key !== undefined);
    if (entries.length === 0) return;
    const { Errors = [] } = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: entries.map((entry) => ({ Key: entry.Key!, VersionId: entry.VersionId })), Quiet: true } }),
    );
    if (Errors.length > 0) {
      const named = Errors.slice(0, 5).map((error) => `${error.Key} (${error.VersionId ?? 'no version'}): ${error.Code}`);
      throw new BucketCleanupIncomplete(`s3://${bucket} keeps ${Errors.length} version(s) it would not delete, so the bucket stays: ${named.join('; ')}${Errors.length > 5 ? '; ...' : ''}`);
    }
  }
}

/**
 * A restored S3 bucket (AWS Backup made it: NewBucket): available once it answers; claimed with the run's tags and
 * Block Public Access on; cleanup, only of what the guard allows, deletes every object version and delete marker,
 * then the bucket.
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
    await emptyBucket(bucket);
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (isAwsError(error, 'NoSuchBucket')) return { status: 'NOT_FOUND', deletedExtras: [] };
      throw error;
    }
    return { status: 'DELETED', deletedExtras: [] };
  },
};

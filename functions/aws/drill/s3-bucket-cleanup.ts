import { DeleteBucketCommand, DeleteObjectsCommand, GetBucketTaggingCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { decideBucketCleanup } from '../../domain/drill/s3-cleanup-guard.js';
import { s3 } from '../s3-client.js';

/** The guard refused: the bucket is not provably this run's restore, and nothing in it was touched. */
export class BucketCleanupRefused extends Error {
  override name = 'BucketCleanupRefused';
}

/** Some versions could not be deleted (e.g. Object Lock keeps them): the bucket stays. */
export class BucketCleanupIncomplete extends Error {
  override name = 'BucketCleanupIncomplete';
}

export type BucketCleanupResult = { readonly status: 'DELETED'; readonly deletedVersions: number } | { readonly status: 'NOT_FOUND' };

const errorName = (error: unknown): string => (error as { name?: string }).name ?? '';

/** The bucket's tags; undefined when the bucket does not exist. */
async function bucketTags(bucketName: string): Promise<Record<string, string> | undefined> {
  try {
    const { TagSet } = await s3.send(new GetBucketTaggingCommand({ Bucket: bucketName }));
    return Object.fromEntries((TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  } catch (error) {
    if (errorName(error) === 'NoSuchTagSet') return {};
    if (errorName(error) === 'NoSuchBucket') return undefined;
    throw error;
  }
}

/**
 * Empties the bucket a run restored — every object version and every delete marker — then deletes it, only if the
 * cleanup guard allows (drill prefix, not the source, this run's tag): otherwise BucketCleanupRefused, naming why,
 * and nothing is deleted. A bucket already gone is NOT_FOUND.
 */
export async function cleanUpRestoredBucket(request: { readonly bucketName: string; readonly runId: string; readonly sourceBucketName: string }): Promise<BucketCleanupResult> {
  const { bucketName, runId, sourceBucketName } = request;
  const tags = await bucketTags(bucketName);
  if (tags === undefined) return { status: 'NOT_FOUND' };
  const decision = decideBucketCleanup({ bucketName, tags, runId, sourceBucketName });
  if (!decision.allowed) throw new BucketCleanupRefused(`cleanup of s3://${bucketName} refused: ${decision.reason}`);

  let deletedVersions = 0;
  for (;;) {
    // Each page is deleted before the next is listed, so listing starts over from the first key every time.
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucketName }));
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((entry) => entry.Key !== undefined);
    if (entries.length === 0) break;
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucketName, Delete: { Objects: entries.map((entry) => ({ Key: entry.Key!, VersionId: entry.VersionId })), Quiet: true } }),
    );
    const errors = result.Errors ?? [];
    if (errors.length > 0) {
      const named = errors.slice(0, 5).map((error) => `${error.Key} (${error.VersionId ?? 'no version'}): ${error.Code}`);
      throw new BucketCleanupIncomplete(`s3://${bucketName} keeps ${errors.length} version(s) it would not delete, so the bucket stays: ${named.join('; ')}${errors.length > 5 ? '; ...' : ''}`);
    }
    deletedVersions += entries.length;
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucketName }));
  return { status: 'DELETED', deletedVersions };
}

import { ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { addListedObjects, finishObjectSegment, listingPrefixOf, pastRange, type ObjectProgress } from '../../../domain/drill/object-segments.js';
import { objectsAtRecoveryPoint, type ListedVersion } from '../../../domain/drill/s3-recovery-point.js';
import { s3 } from '../../s3-client.js';
import { objectSha256 } from './s3-objects.js';

/** How many objects are hashed at once (each a HEAD, or a GET when S3 has no full-object SHA-256). */
const PARALLEL_READS = 16;

export interface RangeListingOptions {
  readonly now?: () => number;
  /** Keys per listing page (S3's default and most: 1000); smaller in tests, to make a small bucket take many pages. */
  readonly pageKeys?: number;
}

type Listed = { readonly key: string; readonly size: number; readonly versionId?: string };

async function withChecksums(bucket: string, objects: readonly Listed[]): Promise<Array<Listed & { sha256?: string }>> {
  const out: Array<Listed & { sha256?: string }> = [];
  for (let start = 0; start < objects.length; start += PARALLEL_READS) {
    const batch = objects.slice(start, start + PARALLEL_READS);
    const sums = await Promise.all(batch.map((object) => objectSha256(bucket, object.key, object.versionId)));
    // Gone since it was listed (deleted meanwhile): it is then not in the range either.
    batch.forEach((object, index) => sums[index] !== undefined && out.push({ ...object, sha256: sums[index] }));
  }
  return out;
}

/** One page of the restored bucket's current objects in the range: keys after `after`, up to the range's end. */
async function restoredPage(progress: ObjectProgress, pageKeys: number | undefined): Promise<{ objects: Listed[]; lastKey?: string; ended: boolean }> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: progress.bucket, Prefix: listingPrefixOf(progress) || undefined, StartAfter: progress.resumeAfter ?? progress.after, MaxKeys: pageKeys }));
  const objects: Listed[] = [];
  for (const object of page.Contents ?? []) {
    if (object.Key === undefined) continue;
    if (pastRange(object.Key, progress)) return { objects, ...(objects.length > 0 && { lastKey: objects.at(-1)!.key }), ended: true };
    objects.push({ key: object.Key, size: object.Size ?? 0 });
  }
  return { objects, ...(objects.length > 0 && { lastKey: objects.at(-1)!.key }), ended: !page.IsTruncated };
}

/**
 * Pages of the source's version listing in the range, until at least one key is whole (a key's versions may run over
 * pages): the objects the whole keys held at the recovery point. The next look starts after the last whole key.
 */
async function sourcePage(progress: ObjectProgress, pageKeys: number | undefined): Promise<{ objects: Listed[]; lastKey?: string; ended: boolean; pages: number }> {
  const entries: ListedVersion[] = [];
  let keyMarker = progress.resumeAfter ?? progress.after;
  let versionIdMarker: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: progress.bucket, Prefix: listingPrefixOf(progress) || undefined, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, MaxKeys: pageKeys }));
    pages += 1;
    const listed = [
      ...(page.Versions ?? []).map((version) => ({ key: version.Key, versionId: version.VersionId, lastModified: version.LastModified, isDeleteMarker: false, size: version.Size ?? 0 })),
      ...(page.DeleteMarkers ?? []).map((marker) => ({ key: marker.Key, versionId: marker.VersionId, lastModified: marker.LastModified, isDeleteMarker: true, size: 0 })),
    ];
    let passed = false;
    for (const entry of listed) {
      if (entry.key === undefined || entry.versionId === undefined || entry.lastModified === undefined) continue;
      if (pastRange(entry.key, progress)) passed = true;
      else entries.push({ key: entry.key, versionId: entry.versionId, lastModified: entry.lastModified.toISOString(), isDeleteMarker: entry.isDeleteMarker, size: entry.size });
    }
    const ended = passed || !page.IsTruncated;
    const keys = [...new Set(entries.map((entry) => entry.key))];
    // The last key of a truncated page may have more versions on the next: whole keys only, unless the range ended.
    const whole = ended ? keys : keys.slice(0, -1);
    if (whole.length > 0 || ended) {
      const objects = objectsAtRecoveryPoint(entries.filter((entry) => whole.includes(entry.key)), progress.atPoint!).map(({ key, size, versionId }) => ({ key, size, versionId }));
      return { objects, ...(whole.length > 0 && { lastKey: whole.at(-1)! }), ended, pages };
    }
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/**
 * Lists one key range (of the restored bucket, or of the source as it stood at the recovery point) until it ends or
 * `budgetMs` has passed, carrying on from `progress`: a range larger than one function's time is finished by the
 * next invocation, after the last key this one finished.
 */
export async function listObjectRange(progress: ObjectProgress, budgetMs: number, options: RangeListingOptions = {}): Promise<ObjectProgress> {
  const now = options.now ?? Date.now;
  const stopAt = now() + budgetMs;
  let current = progress;
  let pages = progress.pages;
  for (;;) {
    const page = progress.role === 'source' ? await sourcePage(current, options.pageKeys) : { ...(await restoredPage(current, options.pageKeys)), pages: 1 };
    pages += page.pages;
    const objects = current.measure === 'checksums' ? await withChecksums(current.bucket, page.objects.filter((object) => !current.exclude.includes(object.key))) : page.objects;
    if (!page.ended && page.lastKey === undefined) throw new Error(`s3://${current.bucket}: a listing page was truncated with no key in it`);
    current = addListedObjects(current, objects, page.lastKey);
    if (page.ended) return finishObjectSegment({ ...current, pages, invocations: progress.invocations + 1 });
    if (now() >= stopAt) return { ...current, pages, invocations: progress.invocations + 1 };
  }
}

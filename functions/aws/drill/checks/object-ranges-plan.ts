import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { keySpaceNodes, NODES_PER_RANGE } from '../../../domain/drill/key-space-cuts.js';
import { DEFAULT_OBJECT_SEGMENTS, LISTING_PAGE_KEYS, partitionBoundaries, type ObjectListRequest } from '../../../domain/drill/object-segments.js';
import type { S3CheckContext } from '../../../domain/drill/s3-checks.js';
import { s3 } from '../../s3-client.js';

/** Pages of the top-level listing read to find where to cut: past them (a flat prefix), the key space is probed instead. */
const PLANNING_PAGES = 5;

/** What a whole-bucket S3 check lists: the restored bucket always, the source only when the check compares with it. */
export interface ObjectRangesWanted {
  readonly checkId: string;
  readonly measure: ObjectListRequest['measure'];
  readonly prefix?: string;
  readonly withSource: boolean;
  /** One range only: a digest the plan recorded is `prefixDigest` over the whole prefix, which cut ranges would not give. */
  readonly whole: boolean;
  readonly segments?: number;
}

/** The first key under `prefix` after `after`: one ListObjectsV2 of one key, a probe into the key space. */
const firstKeyAfter = (bucket: string) => async (prefix: string, after: string | undefined): Promise<string | undefined> =>
  (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, StartAfter: after, MaxKeys: 1 }))).Contents?.[0]?.Key;

/**
 * Where to cut the check's prefix: nowhere when it holds less than one listing page (or must stay whole); evenly among
 * its top-level entries (common prefixes at `/`, and keys) when they end within a few pages and are enough for the
 * ranges wanted; else (a flat prefix of millions of keys, or a few huge folders) among nodes of its whole key space
 * found by probes (key-space-cuts.ts), so that no range is the prefix's unlisted tail. Read from the restored bucket.
 */
async function boundariesOf(bucket: string, prefix: string, segments: number, pageKeys: number): Promise<string[]> {
  const first = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, MaxKeys: pageKeys }));
  if (!first.IsTruncated) return [];
  const units: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < PLANNING_PAGES; page += 1) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, Delimiter: '/', ContinuationToken: token, MaxKeys: pageKeys }));
    units.push(...(listed.CommonPrefixes ?? []).flatMap((entry) => (entry.Prefix ? [entry.Prefix] : [])), ...(listed.Contents ?? []).flatMap((entry) => (entry.Key ? [entry.Key] : [])));
    token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
    if (!token) break;
  }
  if (!token && units.length >= segments) return partitionBoundaries(units, segments);
  const nodes = await keySpaceNodes(firstKeyAfter(bucket), prefix, segments * NODES_PER_RANGE);
  // Nodes cut the whole key space; the head's entries only its first pages, or (all listed) are fewer.
  const wholeSpace = token ? nodes.length > 1 : nodes.length > units.length;
  return partitionBoundaries(wholeSpace ? nodes : units, segments);
}

/** The check's key ranges to list, for the Map. */
export async function objectListRequest(wanted: ObjectRangesWanted, context: S3CheckContext, pageKeys = LISTING_PAGE_KEYS): Promise<ObjectListRequest> {
  const prefix = wanted.prefix ?? '';
  // pageKeys: smaller in tests, so that a bucket of dozens of objects is cut as one of millions would be.
  const boundaries = wanted.whole ? [] : await boundariesOf(context.restoredBucket, prefix, wanted.segments ?? DEFAULT_OBJECT_SEGMENTS, pageKeys);
  return {
    checkId: wanted.checkId,
    measure: wanted.measure,
    prefix,
    exclude: [...context.canaryKeys],
    atPoint: context.recoveryPoint.at,
    buckets: [{ role: 'restored', bucket: context.restoredBucket }, ...(wanted.withSource ? [{ role: 'source' as const, bucket: context.sourceBucket }] : [])],
    boundaries,
  };
}

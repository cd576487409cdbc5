/*
 * Whole-bucket S3 checks fan out like whole-table counts (scan-segments.ts): a prefix is cut into key ranges, one Map
 * iteration each; an iteration that runs out of its function's time hands on the last key it finished, and the next
 * invocation lists on from there (StartAfter / KeyMarker). A range is (after, through]: open below, closed above, so
 * ranges cut at any strictly increasing boundaries hold every key exactly once. Pure: planned and summed without a bucket.
 */
import { sha256Digest, sha256Start, sha256Update, type Sha256State } from '../resumable-sha256.js';
import { SegmentCountsInvalid, type ScannedRole } from './scan-segments.js';
import { compareS3Keys } from './s3-recovery-point.js';

/** What a range yields: object count and bytes (object-count), or also a SHA-256 over its keys' SHA-256 (prefix-checksum). */
export type ObjectMeasure = 'totals' | 'checksums';

/** Ranges per prefix unless the plan names a number: the Map runs 40 at once, and each adds ~3 transitions per invocation. */
export const DEFAULT_OBJECT_SEGMENTS = 16;
/** A prefix with fewer objects than one ListObjectsV2 page is listed as one range: cutting it costs more than it saves. */
export const LISTING_PAGE_KEYS = 1000;

/** One Map item: one key range of one bucket, for one check. */
export interface ObjectScan {
  readonly checkId: string;
  readonly role: ScannedRole;
  readonly bucket: string;
  /** The check's prefix ('' for the whole bucket). */
  readonly prefix: string;
  /** Keys above this one (absent: from the prefix's first key). */
  readonly after?: string;
  /** Keys up to and including this one (absent: to the prefix's last key). */
  readonly through?: string;
  readonly segment: number;
  readonly totalSegments: number;
  readonly measure: ObjectMeasure;
  /** The source is read as it stood at this time (its version listing); the restored bucket as it is. */
  readonly atPoint?: string;
  /** Keys left out on both sides: the canary objects, which change by design. */
  readonly exclude: readonly string[];
}

/** What one range has listed so far; `resumeAfter` is the last key finished while the range has more. */
export interface ObjectProgress extends ObjectScan {
  readonly objects: number;
  readonly bytes: number;
  /** measure checksums: the running SHA-256 over `[key, sha256]` lines while listing; `sha256` (hex) once done. */
  readonly digest?: Sha256State;
  readonly sha256?: string;
  readonly pages: number;
  readonly invocations: number;
  readonly done: boolean;
  readonly resumeAfter?: string;
}

/** What a whole-bucket check asks to have listed, and the boundaries its ranges are cut at (strictly increasing). */
export interface ObjectListRequest {
  readonly checkId: string;
  readonly measure: ObjectMeasure;
  readonly prefix: string;
  readonly exclude: readonly string[];
  readonly atPoint: string;
  readonly buckets: ReadonlyArray<{ readonly role: ScannedRole; readonly bucket: string }>;
  readonly boundaries: readonly string[];
}

/**
 * Up to `segments - 1` boundaries, evenly among the prefix's top-level entries (common prefixes and keys, in S3
 * order): each boundary is the first entry of a range's successor, so a folder's keys stay in one range.
 */
export function partitionBoundaries(units: readonly string[], segments: number): string[] {
  const sorted = [...new Set(units)].sort(compareS3Keys);
  const wanted = Math.min(Math.max(1, Math.floor(segments)), sorted.length);
  const boundaries = Array.from({ length: wanted - 1 }, (_, index) => sorted[Math.floor(((index + 1) * sorted.length) / wanted)]!);
  return [...new Set(boundaries)];
}

/** Every range of every bucket every request asks for, as the Map's items; boundaries thinned out past `room` items. */
export function planObjectScans(requests: readonly ObjectListRequest[], room: number): ObjectScan[] {
  const total = requests.reduce((sum, request) => sum + (request.boundaries.length + 1) * request.buckets.length, 0);
  const scale = total > room ? room / total : 1;
  return requests.flatMap((request) => {
    const keep = Math.max(1, Math.floor((request.boundaries.length + 1) * scale)) - 1;
    const boundaries = keep >= request.boundaries.length ? [...request.boundaries] : Array.from({ length: keep }, (_, index) => request.boundaries[Math.floor(((index + 1) * request.boundaries.length) / (keep + 1))]!);
    const totalSegments = boundaries.length + 1;
    return request.buckets.flatMap(({ role, bucket }) =>
      Array.from({ length: totalSegments }, (_, segment): ObjectScan => ({
        checkId: request.checkId,
        role,
        bucket,
        prefix: request.prefix,
        ...(segment > 0 && { after: boundaries[segment - 1]! }),
        ...(segment < totalSegments - 1 && { through: boundaries[segment]! }),
        segment,
        totalSegments,
        measure: request.measure,
        ...(role === 'source' && { atPoint: request.atPoint }),
        exclude: [...request.exclude],
      })),
    );
  });
}

/**
 * The prefix a range is listed under: the keys between two bounds share the bounds' common prefix (strings with a
 * prefix lie together in S3's order), so a range's listing pages stop overshooting into the rest of the bucket sooner.
 */
export function listingPrefixOf(scan: Pick<ObjectScan, 'prefix' | 'after' | 'through'>): string {
  if (scan.after === undefined || scan.through === undefined) return scan.prefix;
  let length = 0;
  while (length < scan.after.length && length < scan.through.length && scan.after[length] === scan.through[length]) length += 1;
  // Never half a surrogate pair: S3 keys are UTF-8, and a lone surrogate is no character.
  if (length > 0 && /[\uD800-\uDBFF]/.test(scan.after[length - 1]!)) length -= 1;
  return length > scan.prefix.length ? scan.after.slice(0, length) : scan.prefix;
}

/** Whether a listed key lies past the range's upper end (S3 lists in key order: the range is then finished). */
export const pastRange = (key: string, scan: ObjectScan): boolean => scan.through !== undefined && compareS3Keys(key, scan.through) > 0;

/** A scan's identity only: what a carried progress must match. */
const identityOf = ({ checkId, role, bucket, prefix, after, through, segment, totalSegments, measure, atPoint }: ObjectScan) =>
  JSON.stringify([checkId, role, bucket, prefix, after ?? null, through ?? null, segment, totalSegments, measure, atPoint ?? null]);

/** The first invocation of a range starts from nothing; later ones carry on from the previous progress, if it is this range's. */
export function startObjectSegment(scan: ObjectScan, previous: ObjectProgress | undefined): ObjectProgress {
  if (previous === undefined) return { ...scan, objects: 0, bytes: 0, ...(scan.measure === 'checksums' && { digest: sha256Start() }), pages: 0, invocations: 0, done: false };
  if (previous.done) throw new SegmentCountsInvalid(`range ${scan.segment} of s3://${scan.bucket}/${scan.prefix} is already listed`);
  if (identityOf(previous) !== identityOf(scan)) throw new SegmentCountsInvalid(`the progress carried into range ${scan.segment} of s3://${scan.bucket}/${scan.prefix} belongs to another range`);
  if (scan.measure === 'checksums' && previous.digest === undefined) throw new SegmentCountsInvalid(`the progress carried into range ${scan.segment} of s3://${scan.bucket}/${scan.prefix} has lost its running digest`);
  return { ...previous, exclude: scan.exclude };
}

/** One line of a prefix digest, as `prefixDigest` hashes it: a key and its object's SHA-256 (base64). */
export const digestLine = (key: string, sha256: string): string => `${JSON.stringify([key, sha256])}\n`;

/** The progress after one more page: its objects added (in key order), the last key it finished. */
export function addListedObjects(progress: ObjectProgress, objects: ReadonlyArray<{ readonly key: string; readonly size: number; readonly sha256?: string }>, lastKey: string | undefined): ObjectProgress {
  const kept = objects.filter((object) => !progress.exclude.includes(object.key));
  const digest = progress.digest && kept.length > 0 ? sha256Update(progress.digest, kept.map((object) => digestLine(object.key, object.sha256!)).join('')) : progress.digest;
  return {
    ...progress,
    objects: progress.objects + kept.length,
    bytes: progress.bytes + kept.reduce((sum, object) => sum + object.size, 0),
    ...(digest && { digest }),
    ...(lastKey !== undefined && { resumeAfter: lastKey }),
  };
}

/** The progress of a finished range: its digest final, nothing left to resume. */
export function finishObjectSegment(progress: ObjectProgress): ObjectProgress {
  const { digest, resumeAfter: _resume, ...rest } = progress;
  return { ...rest, done: true, ...(digest && { sha256: sha256Digest(digest) }) };
}

/** One range as summed: where it lies and what it held. */
export interface ListedRange {
  readonly segment: number;
  readonly after?: string;
  readonly through?: string;
  readonly objects: number;
  readonly bytes: number;
  readonly sha256?: string;
}

export interface SummedObjects {
  readonly objects: number;
  readonly bytes: number;
  /** measure checksums: one range's digest is `prefixDigest` of its objects; several ranges' is a digest over theirs. */
  readonly sha256?: string;
  readonly ranges: readonly ListedRange[];
  readonly totalSegments: number;
  readonly pages: number;
  readonly invocations: number;
}

/** One SHA-256 over ranges in order: the range's own when there is one, so a one-range digest equals `prefixDigest`. */
export function rangesDigest(ranges: readonly ListedRange[]): string {
  if (ranges.length === 1) return ranges[0]!.sha256!;
  return sha256Digest(sha256Update(sha256Start(), ranges.map((range) => `${JSON.stringify([range.segment, range.objects, range.sha256])}\n`).join('')));
}

/**
 * A bucket's totals for one check: the sum over its ranges, only if every range 0…N-1 was listed to its end exactly
 * once, each with the bounds, bucket and measure the plan gave it (a forged or stale range is refused, never summed).
 */
export function sumObjectSegments(planned: readonly object[], listed: readonly object[], checkId: string, role: ScannedRole): SummedObjects {
  const mine = planned.filter(isObjectScan).filter((scan) => scan.checkId === checkId && scan.role === role);
  if (mine.length === 0) throw new SegmentCountsInvalid(`no key ranges were planned for ${checkId} (${role})`);
  const byIdentity = new Map(mine.map((scan) => [identityOf(scan), scan]));
  const { bucket, totalSegments } = mine[0]!;
  const seen = new Map<number, ObjectProgress>();
  for (const progress of (listed.filter(isObjectScan) as ObjectProgress[]).filter((entry) => entry.checkId === checkId && entry.role === role)) {
    if (!byIdentity.has(identityOf(progress))) throw new SegmentCountsInvalid(`${checkId}: a range listed s3://${progress.bucket} from ${JSON.stringify(progress.after ?? '')} through ${JSON.stringify(progress.through ?? '')}, which was not planned`);
    if (!progress.done) throw new SegmentCountsInvalid(`${checkId}: range ${progress.segment} of s3://${bucket} stopped before its end`);
    if (![progress.objects, progress.bytes].every((value) => Number.isSafeInteger(value) && value >= 0)) throw new SegmentCountsInvalid(`${checkId}: range ${progress.segment} of s3://${bucket} has no count`);
    if (progress.measure === 'checksums' && !/^[0-9a-f]{64}$/.test(progress.sha256 ?? '')) throw new SegmentCountsInvalid(`${checkId}: range ${progress.segment} of s3://${bucket} has no digest`);
    if (seen.has(progress.segment)) throw new SegmentCountsInvalid(`${checkId}: range ${progress.segment} of s3://${bucket} was listed twice`);
    seen.set(progress.segment, progress);
  }
  const missing = Array.from({ length: totalSegments }, (_, segment) => segment).filter((segment) => !seen.has(segment));
  if (missing.length > 0) throw new SegmentCountsInvalid(`${checkId}: ${missing.length} of ${totalSegments} key ranges of s3://${bucket} were not listed (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`);
  const all = [...seen.values()].sort((a, b) => a.segment - b.segment);
  const ranges = all.map(({ segment, after, through, objects, bytes, sha256 }): ListedRange => ({ segment, ...(after !== undefined && { after }), ...(through !== undefined && { through }), objects, bytes, ...(sha256 !== undefined && { sha256 }) }));
  return {
    objects: all.reduce((sum, progress) => sum + progress.objects, 0),
    bytes: all.reduce((sum, progress) => sum + progress.bytes, 0),
    ...(mine[0]!.measure === 'checksums' && { sha256: rangesDigest(ranges) }),
    ranges,
    totalSegments,
    pages: all.reduce((sum, progress) => sum + progress.pages, 0),
    invocations: all.reduce((sum, progress) => sum + progress.invocations, 0),
  };
}

/** Whether a Map item is a key range of a bucket (else a parallel-scan segment of a table). */
export const isObjectScan = (scan: object): scan is ObjectScan => 'bucket' in scan;

/** A range in words, for a verdict: `keys after "a/" through "m/"`. */
export const rangeInWords = (range: { readonly after?: string; readonly through?: string }): string =>
  range.after === undefined && range.through === undefined ? 'every key' : [range.after !== undefined ? `after ${JSON.stringify(range.after)}` : '', range.through !== undefined ? `through ${JSON.stringify(range.through)}` : ''].filter(Boolean).join(' ').replace(/^/, 'keys ');

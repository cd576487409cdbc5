/*
 * Whole-table checks fan out: a table is read as TotalSegments parallel Scan segments, one Map iteration each, and an
 * iteration that runs out of its function's time hands its LastEvaluatedKey to the next invocation of the same segment.
 * Pure: the planning and the summing are tested without a table.
 */

/** Data one segment is planned for: DynamoDB's guidance for parallel scans starts at one segment per 2 GB. */
export const SEGMENT_BYTES = 2 * 1024 ** 3;
/**
 * At most this many segments per table: the segment list and their counts travel in the execution's state (256 KB) and
 * each segment's invocations add events to its history (25,000); beyond 400 GB segments grow, and carry on across invocations.
 */
export const MAX_SEGMENTS = 200;
/** How many segment invocations run at once (an inline Map runs at most 40 iterations concurrently). */
export const SEGMENT_CONCURRENCY = 40;
/** Left over of a segment invocation's time when it stops reading: enough to return its key and count. */
export const SEGMENT_TIME_MARGIN_MS = 30_000;

export type ScannedRole = 'restored' | 'source';

/** One Map item: one segment of one table, for one check. */
export interface SegmentScan {
  readonly checkId: string;
  readonly role: ScannedRole;
  readonly tableName: string;
  readonly segment: number;
  readonly totalSegments: number;
}

/** What one segment has counted so far; `nextKey` present while it has more to read. */
export interface SegmentProgress extends SegmentScan {
  readonly count: number;
  readonly pages: number;
  readonly invocations: number;
  readonly done: boolean;
  readonly nextKey?: Record<string, unknown>;
}

/** What a whole-table check asks to have counted: the restored table always, the source only when the plan says so. */
export interface CountRequest {
  readonly checkId: string;
  readonly tables: ReadonlyArray<{ readonly role: ScannedRole; readonly tableName: string }>;
  /** The plan's segment count, or undefined to size by `sizeBytes`. */
  readonly segments?: number;
  /** The largest size known for the data (DescribeTable's TableSizeBytes, a backup's size): refreshed about every 6 hours. */
  readonly sizeBytes?: number;
}

/** Segments for a table of `sizeBytes` (one per SEGMENT_BYTES, at least 1, at most MAX_SEGMENTS), unless the plan names a number. */
export function segmentCountFor(sizeBytes: number | undefined, asked?: number): number {
  if (asked !== undefined) return Math.min(MAX_SEGMENTS, Math.max(1, Math.floor(asked)));
  if (sizeBytes === undefined || !Number.isFinite(sizeBytes) || sizeBytes <= 0) return 1;
  return Math.min(MAX_SEGMENTS, Math.max(1, Math.ceil(sizeBytes / SEGMENT_BYTES)));
}

/**
 * At most this many segments in one run, all checks and tables together: the list and its counts, ~0.4 KB a segment,
 * stay well inside the 256 KB of state the Map's input and output share.
 */
export const MAX_SEGMENTS_PER_RUN = 300;

/** Every segment of every table every request asks for, as the Map's items; scaled down together past MAX_SEGMENTS_PER_RUN. */
export function planSegmentScans(requests: readonly CountRequest[]): SegmentScan[] {
  const wanted = requests.map((request) => segmentCountFor(request.sizeBytes, request.segments));
  const total = requests.reduce((sum, request, index) => sum + wanted[index]! * request.tables.length, 0);
  const scale = total > MAX_SEGMENTS_PER_RUN ? MAX_SEGMENTS_PER_RUN / total : 1;
  return requests.flatMap((request, index) => {
    const totalSegments = Math.max(1, Math.floor(wanted[index]! * scale));
    return request.tables.flatMap(({ role, tableName }) =>
      Array.from({ length: totalSegments }, (_, segment) => ({ checkId: request.checkId, role, tableName, segment, totalSegments })),
    );
  });
}

/** The first invocation of a segment starts from nothing; later ones carry on from the previous progress. */
export function startOf(scan: SegmentScan, previous: SegmentProgress | undefined): SegmentProgress {
  if (previous === undefined) return { ...scanOf(scan), count: 0, pages: 0, invocations: 0, done: false };
  if (previous.done) throw new SegmentCountsInvalid(`segment ${scan.segment} of ${scan.tableName} is already counted`);
  const same = previous.checkId === scan.checkId && previous.role === scan.role && previous.tableName === scan.tableName && previous.segment === scan.segment && previous.totalSegments === scan.totalSegments;
  if (!same) throw new SegmentCountsInvalid(`the progress carried into segment ${scan.segment} of ${scan.tableName} belongs to another segment`);
  return previous;
}

/** A scan's identity only (what a progress must match). */
const scanOf = ({ checkId, role, tableName, segment, totalSegments }: SegmentScan): SegmentScan => ({ checkId, role, tableName, segment, totalSegments });

/** Segment counts that do not cover the table exactly once: a check must not conclude anything from them. */
export class SegmentCountsInvalid extends Error {
  override readonly name = 'SegmentCountsInvalid';
}

export interface SummedCount {
  readonly count: number;
  readonly totalSegments: number;
  readonly pages: number;
  readonly invocations: number;
  /** The most pages per invocation of any segment (its pages over its invocations, rounded up). */
  readonly maxPagesPerInvocation: number;
}

/**
 * The count of one table for one check: the sum over its segments, only if every segment 0…N-1 was counted to its
 * end exactly once, all with the same N, the table and check the plan named.
 */
export function sumSegmentCounts(planned: readonly object[], counted: readonly object[], checkId: string, role: ScannedRole): SummedCount {
  const mine = planned.filter(isTableScan).filter((scan) => scan.checkId === checkId && scan.role === role);
  if (mine.length === 0) throw new SegmentCountsInvalid(`no segments were planned for ${checkId} (${role})`);
  const { tableName, totalSegments } = mine[0]!;
  const results = (counted.filter(isTableScan) as SegmentProgress[]).filter((progress) => progress.checkId === checkId && progress.role === role);
  const seen = new Map<number, SegmentProgress>();
  for (const progress of results) {
    if (progress.tableName !== tableName) throw new SegmentCountsInvalid(`${checkId}: a segment counted ${progress.tableName}, not ${tableName}`);
    if (progress.totalSegments !== totalSegments) throw new SegmentCountsInvalid(`${checkId}: a segment counted 1 of ${progress.totalSegments}, not of ${totalSegments}`);
    if (!progress.done) throw new SegmentCountsInvalid(`${checkId}: segment ${progress.segment} of ${tableName} stopped before its end`);
    if (!Number.isSafeInteger(progress.count) || progress.count < 0) throw new SegmentCountsInvalid(`${checkId}: segment ${progress.segment} of ${tableName} has no count`);
    if (seen.has(progress.segment)) throw new SegmentCountsInvalid(`${checkId}: segment ${progress.segment} of ${tableName} was counted twice`);
    seen.set(progress.segment, progress);
  }
  const missing = Array.from({ length: totalSegments }, (_, segment) => segment).filter((segment) => !seen.has(segment));
  if (missing.length > 0) throw new SegmentCountsInvalid(`${checkId}: ${missing.length} of ${totalSegments} segments of ${tableName} were not counted (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`);
  const all = [...seen.values()];
  return {
    count: all.reduce((sum, progress) => sum + progress.count, 0),
    totalSegments,
    pages: all.reduce((sum, progress) => sum + progress.pages, 0),
    invocations: all.reduce((sum, progress) => sum + progress.invocations, 0),
    maxPagesPerInvocation: Math.max(...all.map((progress) => Math.ceil(progress.pages / Math.max(1, progress.invocations)))),
  };
}

/** Whether a Map item is a segment of a table (the Map also lists key ranges of buckets: object-segments.ts). */
export const isTableScan = (scan: object): scan is SegmentScan => 'tableName' in scan;

/** How long a segment invocation may read, given the time its function has left. */
export const readingBudgetMs = (remainingMs: number): number => Math.max(1_000, remainingMs - SEGMENT_TIME_MARGIN_MS);

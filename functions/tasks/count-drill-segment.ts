import type { Context } from 'aws-lambda';
import * as z from '../domain/zod.js';
import { startObjectSegment, type ObjectProgress, type ObjectScan } from '../domain/drill/object-segments.js';
import { readingBudgetMs, startOf, type SegmentProgress } from '../domain/drill/scan-segments.js';
import { listObjectRange } from '../aws/drill/checks/object-range-listing.js';
import { countSegment } from '../aws/drill/checks/segment-count.js';
import { logger } from '../aws/powertools.js';

const TableScan = z.strictObject({
  checkId: z.string().check(z.minLength(1)),
  role: z.enum(['restored', 'source']),
  tableName: z.string().check(z.minLength(3), z.maxLength(255)),
  segment: z.number().check(z.int(), z.gte(0)),
  totalSegments: z.number().check(z.int(), z.gte(1)),
}).check(z.refine((scan) => scan.segment < scan.totalSegments, { message: 'segment must be below totalSegments' }));

/** A key range of a bucket (object-segments.ts): (after, through] under the prefix. */
const ObjectRange = z.strictObject({
  checkId: z.string().check(z.minLength(1)),
  role: z.enum(['restored', 'source']),
  bucket: z.string().check(z.minLength(3), z.maxLength(63)),
  prefix: z.string().check(z.maxLength(1024)),
  after: z.optional(z.string().check(z.maxLength(1024))),
  through: z.optional(z.string().check(z.maxLength(1024))),
  segment: z.number().check(z.int(), z.gte(0)),
  totalSegments: z.number().check(z.int(), z.gte(1)),
  measure: z.enum(['totals', 'checksums']),
  atPoint: z.optional(z.iso.datetime({ offset: true })),
  exclude: z.array(z.string()).check(z.maxLength(100)),
}).check(z.refine((scan) => scan.segment < scan.totalSegments, { message: 'segment must be below totalSegments' }), z.refine((scan) => (scan.role === 'source') === (scan.atPoint !== undefined), { message: 'the source, and only it, is read at the recovery point' }));

/** One Map iteration's state: its segment or key range, and the progress of the invocation before (absent the first time). */
const SegmentEvent = z.object({
  runId: z.string().check(z.minLength(1)),
  scan: z.union([TableScan, ObjectRange]),
  progress: z.nullish(z.catchall(z.object({ pages: z.number().check(z.int(), z.gte(0)), invocations: z.number().check(z.int(), z.gte(0)), done: z.boolean() }), z.unknown())),
});

/**
 * Drill step 4b, once per segment (a Map iteration, looping while the segment has more): counts one parallel-scan
 * segment of a restored (or, when the plan asks, source) table, or lists one key range of a bucket, for as long as
 * this invocation has time.
 */
export async function handler(event: unknown, context: Context): Promise<SegmentProgress | ObjectProgress> {
  const { runId, scan, progress } = SegmentEvent.parse(event);
  logger.appendKeys({ runId, checkId: scan.checkId, segment: scan.segment });
  try {
    const budgetMs = readingBudgetMs(context.getRemainingTimeInMillis());
    if ('bucket' in scan) return await listRange(scan as ObjectScan, (progress ?? undefined) as ObjectProgress | undefined, budgetMs);
    return await countSegment(startOf(scan, (progress ?? undefined) as SegmentProgress | undefined), budgetMs);
  } finally {
    logger.removeKeys(['runId', 'checkId', 'segment']);
  }
}

async function listRange(scan: ObjectScan, progress: ObjectProgress | undefined, budgetMs: number): Promise<ObjectProgress> {
  // The literal flag, as in run-check.ts: esbuild drops the S3 listing (and client) from stacks that restore no bucket.
  if (process.env.DRILL_RESTORES_S3 !== 'false') return listObjectRange(startObjectSegment(scan, progress), budgetMs);
  throw new Error('this function was bundled for plans that restore no S3 bucket');
}

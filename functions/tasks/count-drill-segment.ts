import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { startObjectSegment, type ObjectProgress, type ObjectScan } from '../domain/drill/object-segments.js';
import { readingBudgetMs, startOf, type SegmentProgress } from '../domain/drill/scan-segments.js';
import { listObjectRange } from '../aws/drill/checks/object-range-listing.js';
import { countSegment } from '../aws/drill/checks/segment-count.js';
import { logger } from '../aws/powertools.js';

const TableScan = z.strictObject({
  checkId: z.string().min(1),
  role: z.enum(['restored', 'source']),
  tableName: z.string().min(3).max(255),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1),
}).refine((scan) => scan.segment < scan.totalSegments, { message: 'segment must be below totalSegments' });

/** A key range of a bucket (object-segments.ts): (after, through] under the prefix. */
const ObjectRange = z.strictObject({
  checkId: z.string().min(1),
  role: z.enum(['restored', 'source']),
  bucket: z.string().min(3).max(63),
  prefix: z.string().max(1024),
  after: z.string().max(1024).optional(),
  through: z.string().max(1024).optional(),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1),
  measure: z.enum(['totals', 'checksums']),
  atPoint: z.iso.datetime({ offset: true }).optional(),
  exclude: z.array(z.string()).max(100),
}).refine((scan) => scan.segment < scan.totalSegments, { message: 'segment must be below totalSegments' })
  .refine((scan) => (scan.role === 'source') === (scan.atPoint !== undefined), { message: 'the source, and only it, is read at the recovery point' });

/** One Map iteration's state: its segment or key range, and the progress of the invocation before (absent the first time). */
const SegmentEvent = z.object({
  runId: z.string().min(1),
  scan: z.union([TableScan, ObjectRange]),
  progress: z.object({ pages: z.number().int().min(0), invocations: z.number().int().min(0), done: z.boolean() }).passthrough().nullish(),
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

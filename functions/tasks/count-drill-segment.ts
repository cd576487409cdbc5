import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { readingBudgetMs, startOf, type SegmentProgress } from '../domain/drill/scan-segments.js';
import { countSegment } from '../aws/drill/checks/segment-count.js';
import { logger } from '../aws/powertools.js';

const Scan = z.strictObject({
  checkId: z.string().min(1),
  role: z.enum(['restored', 'source']),
  tableName: z.string().min(3).max(255),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1),
}).refine((scan) => scan.segment < scan.totalSegments, { message: 'segment must be below totalSegments' });

/** One Map iteration's state: its segment, and the progress of the invocation before (absent the first time). */
const SegmentEvent = z.object({
  runId: z.string().min(1),
  scan: Scan,
  progress: z.object({ count: z.number().int().min(0), pages: z.number().int().min(0), invocations: z.number().int().min(0), done: z.boolean(), nextKey: z.record(z.string(), z.unknown()).optional() }).passthrough().nullish(),
});

/**
 * Drill step 4b, once per segment (a Map iteration, looping while the segment has more): counts one parallel-scan
 * segment of a restored (or, when the plan asks, source) table for as long as this invocation has time.
 */
export async function handler(event: unknown, context: Context): Promise<SegmentProgress> {
  const { runId, scan, progress } = SegmentEvent.parse(event);
  logger.appendKeys({ runId, checkId: scan.checkId, segment: scan.segment });
  try {
    return await countSegment(startOf(scan, (progress ?? undefined) as SegmentProgress | undefined), readingBudgetMs(context.getRemainingTimeInMillis()));
  } finally {
    logger.removeKeys(['runId', 'checkId', 'segment']);
  }
}

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SegmentProgress } from '../../../domain/drill/scan-segments.js';
import { exactDocuments } from './exact-documents.js';

/**
 * Counts one parallel-scan segment (Select COUNT, 1 MB pages) until it ends or `budgetMs` has passed, carrying on from
 * `progress`: a segment larger than one function's time is finished by the next invocation, from its LastEvaluatedKey.
 */
export async function countSegment(progress: SegmentProgress, budgetMs: number, now: () => number = Date.now, pageItems?: number): Promise<SegmentProgress> {
  const stopAt = now() + budgetMs;
  let { count, pages } = progress;
  let startKey = progress.nextKey;
  do {
    const page = await exactDocuments.send(
      new ScanCommand({
        TableName: progress.tableName,
        Select: 'COUNT',
        // A single segment is the sequential scan: DynamoDB refuses TotalSegments 1 with no Segment, not with one.
        ...(progress.totalSegments > 1 && { Segment: progress.segment, TotalSegments: progress.totalSegments }),
        ExclusiveStartKey: startKey,
        // Items per page: DynamoDB's 1 MB unless given (tests, to make a small table take many pages).
        ...(pageItems !== undefined && { Limit: pageItems }),
      }),
    );
    count += page.Count ?? 0;
    pages += 1;
    startKey = page.LastEvaluatedKey;
  } while (startKey && now() < stopAt);
  const { nextKey: _previous, ...rest } = progress;
  return { ...rest, count, pages, invocations: progress.invocations + 1, done: startKey === undefined, ...(startKey && { nextKey: startKey }) };
}

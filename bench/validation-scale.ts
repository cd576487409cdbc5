/**
 * Validation time against table size: an item-count of a restored table of 10k, 100k and 1M items on the local
 * DynamoDB, counted by the drill's fan-out (parallel-scan segments, each invocation reading within a time budget and
 * handing its LastEvaluatedKey to the next, as the Map's iterations do) against the one-invocation sequential scan
 * drills ran before (the same-run baseline). Beside the wall time: the longest single invocation, the figure Lambda's
 * 15 minutes bounds. The handlers' own code paths run in-process (countSegment, countItems, sumSegmentCounts); the Map's
 * orchestration (≈0.5 ms a transition locally, see orchestration-overhead) is left out.
 *
 *   npx tsx bench/validation-scale.ts                     # 10k and 100k items, embedded DynamoDB (dynalite)
 *   IRDR_BENCH_SIZES=1000000 npx tsx bench/validation-scale.ts                                  # 1M (4-20 min of seeding)
 *   IRDR_BENCH_SIZES=10000,100000 IRDR_BENCH_DYNAMODB=local npx tsx bench/validation-scale.ts   # DynamoDB Local (Java)
 *   IRDR_BENCH_SIZES= IRDR_BENCH_OBJECTS=10000,50000 npx tsx bench/validation-scale.ts          # the S3 half only
 *   IRDR_BENCH_SIZES=10000 IRDR_BENCH_OBJECTS=0 IRDR_BENCH_FLAT_OBJECTS=5000 npx tsx bench/validation-scale.ts
 *
 * Each table is also counted as the counted baseline counts it (bench/validation-scale-counted.ts: ticks, one scan
 * against segments; IRDR_BENCH_COUNTED=0 skips it), and a flat prefix is cut both ways (bench/validation-scale-flat.ts).
 *
 * Then an object-count of a bucket (IRDR_BENCH_OBJECTS, 10k by default) listed in key ranges against one listing:
 * bench/validation-scale-s3.ts.
 */
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoDbBackend } from '../local/dynamodb/servers.js';
import { startTestStack } from '../tests/integration/support/stack-session.js';
import { planSegmentScans, SEGMENT_CONCURRENCY, startOf, sumSegmentCounts, type SegmentProgress, type SegmentScan } from '../functions/domain/drill/scan-segments.js';
import { compared, type Bench, type BenchFigure } from './figure.js';
import { quick, runIfMain } from './stats.js';
import { s3ValidationFigures } from './validation-scale-s3.js';
import { countedBaselineFigures } from './validation-scale-counted.js';
import { flatPrefixFigures } from './validation-scale-flat.js';

const SEGMENTS = 8;
/** Each invocation reads this long at most (a Lambda's 300 s less the margin, shrunk so the loop is exercised here). */
const BUDGET_MS = 2_000;
// 1M items take 4 (idle) to 20 (loaded) minutes to seed on the embedded DynamoDB here: opt in with IRDR_BENCH_SIZES (figures in docs/drill-validation-scale.md).
const SIZES = (process.env.IRDR_BENCH_SIZES ?? (quick() ? '10000' : '10000,100000')).split(',').filter(Boolean).map(Number);
const BACKEND = (process.env.IRDR_BENCH_DYNAMODB ?? 'embedded') as DynamoDbBackend;
/** Objects in the bucket of the S3 half (0: skip it). */
const OBJECTS = (process.env.IRDR_BENCH_OBJECTS ?? (quick() ? '2000' : '10000')).split(',').map(Number).filter((count) => count > 0);
/** Objects in the flat prefix (no folders) cut before and after key-space probes (0: skip it). */
const FLAT_OBJECTS = (process.env.IRDR_BENCH_FLAT_OBJECTS ?? (quick() ? '2000' : '5000')).split(',').map(Number).filter((count) => count > 0);
/** Whether the counted baseline is counted both ways on each table (IRDR_BENCH_COUNTED=0: not). */
const COUNTED = process.env.IRDR_BENCH_COUNTED !== '0';

/** An order as the demo seeds them, ~150 bytes. */
const order = (index: number) => ({
  pk: { S: `ORDER#${String(index).padStart(8, '0')}` },
  sk: { S: 'META' },
  total: { N: String((index * 37) % 10_000) },
  status: { S: index % 3 === 0 ? 'SHIPPED' : 'OPEN' },
  updatedAt: { S: '2026-12-01T03:00:00.000Z' },
  customer: { S: `CUSTOMER#${index % 5000}` },
});

async function seed(dynamodb: DynamoDBClient, tableName: string, items: number): Promise<void> {
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < items; start += 25) batches.push(Array.from({ length: Math.min(25, items - start) }, (_, offset) => ({ PutRequest: { Item: order(start + offset) } })));
  // A few writers at once; unprocessed items are sent again.
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < batches.length) {
      let batch: WriteRequest[] | undefined = batches[next++];
      while (batch && batch.length > 0) {
        const { UnprocessedItems } = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
        batch = UnprocessedItems?.[tableName];
      }
    }
  }));
}

/** The fan-out: every segment as a Map iteration (at most SEGMENT_CONCURRENCY at once), each invocation within the budget. */
async function fannedOut(tableName: string, countSegment: (progress: SegmentProgress, budgetMs: number) => Promise<SegmentProgress>) {
  const scans = planSegmentScans([{ checkId: 'item-count', tables: [{ role: 'restored', tableName }], segments: SEGMENTS }]);
  const invocationMs: number[] = [];
  const queue = [...scans];
  const counted: SegmentProgress[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(SEGMENT_CONCURRENCY, scans.length) }, async () => {
    for (let scan: SegmentScan | undefined = queue.shift(); scan; scan = queue.shift()) {
      let progress = startOf(scan, undefined);
      do {
        const invoked = performance.now();
        progress = await countSegment(startOf(scan, progress.invocations === 0 ? undefined : progress), BUDGET_MS);
        invocationMs.push(performance.now() - invoked);
      } while (!progress.done);
      counted.push(progress);
    }
  }));
  const sum = sumSegmentCounts(scans, counted, 'item-count', 'restored');
  return { seconds: (performance.now() - started) / 1000, count: sum.count, invocations: sum.invocations, longestSeconds: Math.max(...invocationMs) / 1000 };
}

export const bench: Bench = async () => {
  const local = await startTestStack({ dynamodb: BACKEND });
  // The handlers' SDK clients read the endpoint the stack set; import them only now.
  const { countSegment } = await import('../functions/aws/drill/checks/segment-count.js');
  const { countItems } = await import('../functions/aws/drill/checks/item-count-check.js');
  const figures: BenchFigure[] = [];
  try {
    for (const items of SIZES) {
      const tableName = `irdr-drill-bench-${items}`;
      const seeding = performance.now();
      await seed(local.dynamodb, tableName, items);
      const seedSeconds = (performance.now() - seeding) / 1000;
      // One count unmeasured first: whichever way counts first would otherwise pay for cold caches alone.
      await countItems(tableName);
      const oneStarted = performance.now();
      const oneCount = await countItems(tableName);
      const oneSeconds = (performance.now() - oneStarted) / 1000;
      const fan = await fannedOut(tableName, countSegment);
      if (oneCount !== items || fan.count !== items) throw new Error(`${tableName}: counted ${oneCount} in one scan, ${fan.count} fanned out, of ${items}`);
      const note = `${items} items (~150 B), ${BACKEND} DynamoDB, ${SEGMENTS} segments, ${BUDGET_MS / 1000} s budget an invocation (${fan.invocations} invocations); seeded in ${seedSeconds.toFixed(0)} s`;
      const baseline = { name: 'one-invocation scan', value: oneSeconds };
      figures.push(
        compared({ bench: 'validation-scale', name: `${items} items: validation, fanned out`, value: fan.seconds, unit: 's', baseline, note }),
        compared({ bench: 'validation-scale', name: `${items} items: longest invocation`, value: fan.longestSeconds, unit: 's', baseline, note }),
      );
      if (COUNTED) figures.push(...(await countedBaselineFigures(tableName, items, BACKEND)));
      await local.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
    }
    for (const objects of OBJECTS) figures.push(...(await s3ValidationFigures(objects)));
    for (const objects of FLAT_OBJECTS) figures.push(...(await flatPrefixFigures(objects)));
  } finally {
    await local.stop();
  }
  return figures;
};

await runIfMain(import.meta.url, bench);

/**
 * The S3 half of bench/validation-scale: an object-count of a restored bucket against the source's versions at the
 * recovery point, listed in key ranges by the drill's fan-out (each invocation listing within a time budget and
 * handing the last key it finished to the next) against the one-invocation listing drills ran before, same run, on
 * the local S3 the stack started. Objects are tiny: what is measured is listing, which is what grows with a bucket.
 */
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { planObjectScans, startObjectSegment, sumObjectSegments, type ObjectProgress, type ObjectScan } from '../functions/domain/drill/object-segments.js';
import { SEGMENT_CONCURRENCY } from '../functions/domain/drill/scan-segments.js';
import type { S3CheckContext } from '../functions/domain/drill/s3-checks.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/stack-config.js';
import { compared, type BenchFigure } from './figure.js';

/** Key ranges asked for (the plan's `segments`), and each invocation's listing budget, shrunk so the carry-over runs. */
const RANGES = 16;
const BUDGET_MS = 200;
const FOLDERS = 64;

async function seed(s3: S3Client, bucket: string, objects: number): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let index = next++; index < objects; index = next++) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `orders/${String(index % FOLDERS).padStart(3, '0')}/${String(index).padStart(8, '0')}.json`, Body: `{"order":${index}}` }));
    }
  }));
}

export async function s3ValidationFigures(objects: number): Promise<BenchFigure[]> {
  const s3 = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL_S3!, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const { s3ObjectCountCheck } = await import('../functions/aws/drill/checks/s3-object-count-check.js');
  const { objectListRequest } = await import('../functions/aws/drill/checks/object-ranges-plan.js');
  const { listObjectRange } = await import('../functions/aws/drill/checks/object-range-listing.js');
  const source = `bench-source-${objects}`;
  const restored = `irdr-drill-bench-${objects}`;
  const seeding = performance.now();
  await Promise.all([seed(s3, source, objects), seed(s3, restored, objects)]);
  const seedSeconds = (performance.now() - seeding) / 1000;
  const context: S3CheckContext = { sourceBucket: source, restoredBucket: restored, recoveryPoint: { at: new Date().toISOString(), requestedAt: new Date().toISOString() }, targets: { rtoMinutes: 60, rpoMinutes: 60 }, canaryKeys: [] };
  const check = { tolerancePercent: 0 };

  // One listing unmeasured first, as for tables: whichever way lists first would otherwise pay for cold caches alone.
  await s3ObjectCountCheck(check, context);
  const oneStarted = performance.now();
  const inOne = await s3ObjectCountCheck(check, context);
  const oneSeconds = (performance.now() - oneStarted) / 1000;

  /** The ranges listed as the Map lists them, at most `concurrency` at once; each invocation within the budget. */
  const listRanges = async (concurrency: number) => {
    const started = performance.now();
    const scans = planObjectScans([await objectListRequest({ checkId: 'object-count', measure: 'totals', withSource: true, whole: false, segments: RANGES, prefix: 'orders/' }, context)], 300);
    const queue = [...scans];
    const counted: ObjectProgress[] = [];
    const invocationMs: number[] = [];
    await Promise.all(Array.from({ length: Math.min(concurrency, scans.length) }, async () => {
      for (let scan: ObjectScan | undefined = queue.shift(); scan; scan = queue.shift()) {
        let progress = startObjectSegment(scan, undefined);
        do {
          const invoked = performance.now();
          progress = await listObjectRange(startObjectSegment(scan, progress.invocations === 0 ? undefined : progress), BUDGET_MS);
          invocationMs.push(performance.now() - invoked);
        } while (!progress.done);
        counted.push(progress);
      }
    }));
    return { scans, counted, seconds: (performance.now() - started) / 1000, longestSeconds: Math.max(...invocationMs) / 1000 };
  };
  const { scans, counted, seconds: fanSeconds, longestSeconds } = await listRanges(SEGMENT_CONCURRENCY);
  // One range at a time: what an invocation takes when it is not queued behind 31 others on the one-threaded local S3.
  const alone = await listRanges(1);
  const fanned = await s3ObjectCountCheck({ ...check, prefix: 'orders/' }, context, { scans, counted, checkId: 'object-count' });
  const restoredSum = sumObjectSegments(scans, counted, 'object-count', 'restored');
  if (!inOne.passed || !fanned.passed || restoredSum.objects !== objects) throw new Error(`${restored}: ${inOne.actual} in one listing, ${fanned.actual} in key ranges, of ${objects}`);
  const note = `${objects} objects in ${FOLDERS} folders, restored bucket and source versions, local S3; ${restoredSum.totalSegments} key ranges, ${BUDGET_MS} ms budget an invocation (${counted.reduce((sum, progress) => sum + progress.invocations, 0)} invocations); seeded in ${seedSeconds.toFixed(0)} s`;
  const baseline = { name: 'one-invocation listing', value: oneSeconds };
  s3.destroy();
  return [
    compared({ bench: 'validation-scale', name: `${objects} objects: validation, in key ranges`, value: fanSeconds, unit: 's', baseline, note }),
    compared({ bench: 'validation-scale', name: `${objects} objects: longest invocation`, value: longestSeconds, unit: 's', baseline, note }),
    compared({ bench: 'validation-scale', name: `${objects} objects: longest invocation, ranges one at a time`, value: alone.longestSeconds, unit: 's', baseline, note: `${note}; one at a time the ranges took ${alone.seconds.toFixed(2)} s` }),
  ];
}

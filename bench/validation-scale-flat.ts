/**
 * A flat prefix (no folders) larger than the planning pages, in key ranges: cut among its first five listing pages, as
 * Plan validation cut it before, against the cut across its whole key space by StartAfter probes, same run, on the
 * local S3 the stack started. The figure that matters is the longest range: ranges run side by side in AWS, so the
 * longest one is the validation's critical path. The baseline is the one-invocation listing of the whole prefix.
 */
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { partitionBoundaries, planObjectScans, startObjectSegment, type ObjectListRequest, type ObjectProgress } from '../functions/domain/drill/object-segments.js';
import type { S3CheckContext } from '../functions/domain/drill/s3-checks.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/stack-config.js';
import { compared, type BenchFigure } from './figure.js';

const RANGES = 16;
const BUDGET_MS = 200;
/** Planning pages of 100 keys: five of them see 500 keys here, as five pages of 1000 see 5000 of a bucket ten times larger. */
const PLAN_PAGE_KEYS = 100;
/** Requests on the handlers' S3 client since the planning started (the counter is added to the client once). */
let requests = 0;
let counting = false;

export async function flatPrefixFigures(objects: number): Promise<BenchFigure[]> {
  const s3 = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL_S3!, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const { objectListRequest } = await import('../functions/aws/drill/checks/object-ranges-plan.js');
  const { listObjectRange } = await import('../functions/aws/drill/checks/object-range-listing.js');
  const bucket = `irdr-drill-bench-flat-${objects}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let index = next++; index < objects; index = next++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `flat/${String(index).padStart(8, '0')}.json`, Body: `{"order":${index}}` }));
  }));
  const context: S3CheckContext = { sourceBucket: bucket, restoredBucket: bucket, recoveryPoint: { at: new Date().toISOString(), requestedAt: new Date().toISOString() }, targets: { rtoMinutes: 60, rpoMinutes: 60 }, canaryKeys: [] };
  const request = (boundaries: string[]): ObjectListRequest => ({ checkId: 'object-count', measure: 'totals', prefix: 'flat/', exclude: [], atPoint: context.recoveryPoint.at, buckets: [{ role: 'restored', bucket }], boundaries });

  /** Every range listed alone, one after another, each invocation within the budget: objects and seconds per range. */
  const listRanges = async (boundaries: string[]) => {
    const ranges: Array<{ objects: number; seconds: number; invocations: number }> = [];
    for (const scan of planObjectScans([request(boundaries)], 300)) {
      const started = performance.now();
      let progress: ObjectProgress | undefined;
      do progress = await listObjectRange(startObjectSegment(scan, progress), BUDGET_MS);
      while (!progress.done);
      ranges.push({ objects: progress.objects, seconds: (performance.now() - started) / 1000, invocations: progress.invocations });
    }
    if (ranges.reduce((sum, range) => sum + range.objects, 0) !== objects) throw new Error(`${bucket}: the ranges did not hold ${objects} objects`);
    const longest = ranges.reduce((worst, range) => (range.seconds > worst.seconds ? range : worst));
    return { longest, largest: Math.max(...ranges.map((range) => range.objects)), count: ranges.length };
  };

  // The one-invocation listing, unmeasured once first (cold caches), then measured.
  await listRanges([]);
  const one = await listRanges([]);
  // The cut as planned before: evenly among the top-level entries of the first five pages.
  const head: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 5; page += 1) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'flat/', Delimiter: '/', ContinuationToken: token, MaxKeys: PLAN_PAGE_KEYS }));
    head.push(...(listed.Contents ?? []).map((entry) => entry.Key!));
    token = listed.NextContinuationToken;
    if (!token) break;
  }
  const before = await listRanges(partitionBoundaries(head, RANGES));
  // Requests Plan validation sends (its listing pages and probes), counted on the handlers' own S3 client.
  const { s3: handlersS3 } = await import('../functions/aws/s3-client.js');
  if (!counting) handlersS3.middlewareStack.add((next) => async (args) => ((requests += 1), next(args)), { step: 'initialize', name: 'benchRequestCount' });
  counting = true;
  requests = 0;
  const planning = performance.now();
  const sampled = await objectListRequest({ checkId: 'object-count', measure: 'totals', prefix: 'flat/', withSource: false, whole: false, segments: RANGES }, context, PLAN_PAGE_KEYS);
  const planningSeconds = (performance.now() - planning) / 1000;
  const planningRequests = requests;
  const after = await listRanges([...sampled.boundaries]);
  s3.destroy();

  const baseline = { name: 'one-invocation listing', value: one.longest.seconds };
  const note = (cut: { largest: number; count: number; longest: { invocations: number } }) => `${objects} flat objects, local S3, ${cut.count} ranges, the largest ${cut.largest} objects (${Math.round((cut.largest * cut.count) / objects * 10) / 10}x its share), the longest ${cut.longest.invocations} invocations of ${BUDGET_MS} ms`;
  return [
    // Deterministic, where the seconds below move with the machine's load: the most objects one range holds.
    compared({ bench: 'validation-scale', name: `${objects} flat objects: largest range, cut across the key space`, value: after.largest, unit: 'objects', baseline: { name: 'cut among the first five pages', value: before.largest }, note: note(after) }),
    compared({ bench: 'validation-scale', name: `${objects} flat objects: longest range, cut among the first five pages (before)`, value: before.longest.seconds, unit: 's', baseline, note: note(before) }),
    compared({ bench: 'validation-scale', name: `${objects} flat objects: longest range, cut across the key space`, value: after.longest.seconds, unit: 's', baseline, note: note(after) }),
    compared({ bench: 'validation-scale', name: `${objects} flat objects: planning the cut across the key space`, value: planningSeconds, unit: 's', baseline, note: `${sampled.boundaries.length + 1} ranges planned, ${planningRequests} ListObjectsV2 requests (listing pages and probes)` }),
  ];
}

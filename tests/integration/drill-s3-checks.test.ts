import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import { decideRestoredCleanup } from '../../functions/domain/drill/cleanup-guard.js';
import type { S3CheckContext } from '../../functions/domain/drill/s3-checks.js';
import { prefixDigest } from '../../functions/domain/drill/s3-check-verdicts.js';
import { compareS3Keys, objectsAtRecoveryPoint } from '../../functions/domain/drill/s3-recovery-point.js';
import { planObjectScans, startObjectSegment, sumObjectSegments, type ObjectProgress, type ObjectScan } from '../../functions/domain/drill/object-segments.js';
import type { ObjectRangesWanted } from '../../functions/aws/drill/checks/object-ranges-plan.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/server.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../local/stack-config.js';

/*
 * The S3 drill checks and the bucket cleanup against the local S3, with real versioned buckets: a source that changes
 * after its recovery point, a faithful restore (which passes), and restores that are wrong in the ways a restore goes
 * wrong (a change from after the point, an object left out), each of which must fail naming the key.
 */

let s3Server: LocalS3;
let direct: S3Client;
let checks: {
  count: typeof import('../../functions/aws/drill/checks/s3-object-count-check.js');
  sample: typeof import('../../functions/aws/drill/checks/s3-sample-check.js');
  prefix: typeof import('../../functions/aws/drill/checks/s3-prefix-checksum-check.js');
  canary: typeof import('../../functions/aws/drill/checks/s3-canary-check.js');
  writer: typeof import('../../functions/aws/drill/s3-canary-writer.js');
  ranges: typeof import('../../functions/aws/drill/checks/object-range-listing.js');
  rangesPlan: typeof import('../../functions/aws/drill/checks/object-ranges-plan.js');
  cleanup: typeof import('../../functions/aws/drill/restored-resources/s3.js');
  objects: typeof import('../../functions/aws/drill/checks/s3-objects.js');
};

const SOURCE = 'orders-archive';
const CANARY_KEY = 'irdr-canary/bucket-drill';
let recoveryPointAt: string;

/** Resolves once the clock is past the next whole second: S3 lists LastModified in whole seconds. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));

const put = (bucket: string, key: string, body: string) => direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

async function createBucket(bucket: string, runId?: string): Promise<void> {
  await direct.send(new CreateBucketCommand({ Bucket: bucket }));
  await direct.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  if (runId) await direct.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: DRILL_RUN_TAG, Value: runId }] } }));
}

/** What a restore to the recovery point does: every key the source held then, with the bytes it held then. */
async function restoreAsOf(target: string, at: string, options: { skip?: string[]; useLatest?: string[]; source?: string } = {}): Promise<void> {
  const source = options.source ?? SOURCE;
  await createBucket(target);
  for (const object of objectsAtRecoveryPoint(await checks.objects.listVersions(source, undefined), at)) {
    if (options.skip?.includes(object.key)) continue;
    const versionId = options.useLatest?.includes(object.key) ? undefined : object.versionId;
    const read = await direct.send(new GetObjectCommand({ Bucket: source, Key: object.key, VersionId: versionId }));
    await put(target, object.key, await read.Body!.transformToString());
  }
}

/** Cleanup of a bucket by this run's guard (drill prefix, not the source, this run's tag), as the aws-backup driver calls it. */
const cleanUpBucket = (bucketName: string, runId: string, sourceBucketName: string) =>
  checks.cleanup.s3Ops.cleanUp(`arn:aws:s3:::${bucketName}`, ({ arn, name, tags }) => {
    const decision = decideRestoredCleanup({ restored: { type: 'S3', name, arn }, tags, runId, source: { arn: `arn:aws:s3:::${sourceBucketName}`, name: sourceBucketName } });
    return decision.allowed ? undefined : decision.reason;
  }, runId);

const contextFor = (restoredBucket: string, sourceBucket = SOURCE): S3CheckContext => ({
  sourceBucket,
  restoredBucket,
  recoveryPoint: { at: recoveryPointAt, requestedAt: recoveryPointAt },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  canaryKeys: [CANARY_KEY],
});

/** A bucket cut into several key ranges once listing pages hold 3 keys: six monthly folders of 6 entries, a readme, the canary. */
const LEDGER = 'ledger-archive';
async function seedLedger(): Promise<void> {
  await createBucket(LEDGER);
  for (let month = 1; month <= 6; month += 1) {
    for (let entry = 1; entry <= 6; entry += 1) await put(LEDGER, `ledger/2026-0${month}/entry-${entry}.json`, `{"entry":"2026-0${month}/${entry}","amount":${100 + entry}}`);
  }
  // A key with more versions than a listing page holds: its versions run over pages, and only its newest counts.
  for (let version = 1; version <= 5; version += 1) await put(LEDGER, 'ledger/2026-03/entry-1.json', `{"entry":"2026-03/1","amount":${version}00}`);
  await put(LEDGER, 'ledger/readme.txt', 'monthly ledgers');
  await checks.writer.putCanaryObject({ bucket: LEDGER, key: CANARY_KEY, planId: 'ledger-drill', writtenAt: new Date(Date.now() - 120_000).toISOString() });
}

beforeAll(async () => {
  s3Server = await startLocalS3({ host: LOCAL_HOST, port: 0 });
  // The handlers' S3 client is made at import from the environment, as in Lambda.
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3Server.endpoint, AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey });
  checks = {
    count: await import('../../functions/aws/drill/checks/s3-object-count-check.js'),
    sample: await import('../../functions/aws/drill/checks/s3-sample-check.js'),
    prefix: await import('../../functions/aws/drill/checks/s3-prefix-checksum-check.js'),
    canary: await import('../../functions/aws/drill/checks/s3-canary-check.js'),
    writer: await import('../../functions/aws/drill/s3-canary-writer.js'),
    ranges: await import('../../functions/aws/drill/checks/object-range-listing.js'),
    rangesPlan: await import('../../functions/aws/drill/checks/object-ranges-plan.js'),
    cleanup: await import('../../functions/aws/drill/restored-resources/s3.js'),
    objects: await import('../../functions/aws/drill/checks/s3-objects.js'),
  };
  direct = new S3Client({ endpoint: s3Server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  // The source as it stood at the recovery point: three orders and the canary.
  await createBucket(SOURCE);
  await put(SOURCE, 'orders/1.json', '{"order":1,"status":"paid"}');
  await put(SOURCE, 'orders/2.json', '{"order":2,"status":"paid"}');
  await put(SOURCE, 'orders/3.json', '{"order":3,"status":"paid"}');
  // Stored with S3's SHA-256 (read from HeadObject), where the rest are hashed from their bodies: the two must agree.
  await direct.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'invoices/1.pdf', Body: 'PDF-1', ChecksumAlgorithm: 'SHA256' }));
  await checks.writer.putCanaryObject({ bucket: SOURCE, key: CANARY_KEY, planId: 'bucket-drill', writtenAt: new Date(Date.now() - 120_000).toISOString() });
  await seedLedger();
  await nextSecond();
  recoveryPointAt = new Date().toISOString();
  await nextSecond();
  // After the point: an order changes (same size), one is deleted, one is new, the canary is rewritten.
  await put(SOURCE, 'orders/2.json', '{"order":2,"status":"void"}');
  await direct.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: 'orders/3.json' }));
  await put(SOURCE, 'orders/4.json', '{"order":4,"status":"paid"}');
  await checks.writer.putCanaryObject({ bucket: SOURCE, key: CANARY_KEY, planId: 'bucket-drill' });
  // The ledger after the point: an entry changes (same size), one is deleted, one is new.
  await put(LEDGER, 'ledger/2026-02/entry-3.json', '{"entry":"2026-02/3","amount":999}');
  await direct.send(new DeleteObjectCommand({ Bucket: LEDGER, Key: 'ledger/2026-05/entry-2.json' }));
  await put(LEDGER, 'ledger/2026-06/entry-9.json', '{"entry":"2026-06/9","amount":100}');
  await restoreAsOf('irdr-drill-ledger-good', recoveryPointAt, { source: LEDGER });
  await restoreAsOf('irdr-drill-ledger-late', recoveryPointAt, { source: LEDGER, useLatest: ['ledger/2026-02/entry-3.json'] });

  await restoreAsOf('irdr-drill-good', recoveryPointAt);
  // Restored from the source as it is now for one key: the change made after the recovery point.
  await restoreAsOf('irdr-drill-late', recoveryPointAt, { useLatest: ['orders/2.json'] });
  await restoreAsOf('irdr-drill-short', recoveryPointAt, { skip: ['orders/3.json'] });
}, 60_000);
afterAll(async () => {
  direct?.destroy();
  await s3Server?.stop();
});

describe('S3 drill checks on a faithful restore', () => {
  it('object count, sampled keys, prefix checksum and canary all pass, expected vs actual stated', async () => {
    const context = contextFor('irdr-drill-good');
    const count = await checks.count.s3ObjectCountCheck({ tolerancePercent: 0 }, context);
    expect(count).toMatchObject({ passed: true, actual: '4 objects holding 86 bytes' });
    expect(count.expected).toBe("4 objects holding 86 bytes in s3://irdr-drill-good, the source's at the recovery point");

    const sample = await checks.sample.s3SampleCheck({ count: 10 }, context);
    expect(sample).toMatchObject({ passed: true, actual: '4 objects sampled: 4 equal, 0 missing, 0 different (the source held fewer than 10)' });

    const prefix = await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: 'source' }, context);
    expect(prefix.passed).toBe(true);
    expect(prefix.details).toMatchObject({ restoredObjectCount: 3, sourceObjectCount: 3 });

    const canary = await checks.canary.s3CanaryCheck({ key: CANARY_KEY }, context);
    expect(canary.passed).toBe(true);
    expect(canary.measuredRpoSeconds).toBeGreaterThanOrEqual(120);
  });

  it('the plan may state the numbers or record the digest instead of reading the source', async () => {
    const context = contextFor('irdr-drill-good');
    expect(await checks.count.s3ObjectCountCheck({ prefix: 'orders/', tolerancePercent: 0, expected: { objects: 3, bytes: 81 } }, context)).toMatchObject({ passed: true });
    expect(await checks.count.s3ObjectCountCheck({ prefix: 'orders/', tolerancePercent: 0, expected: { objects: 4, bytes: 81 } }, context)).toMatchObject({ passed: false, actual: '3 objects holding 81 bytes: the count is off' });
    const recorded = (await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: 'source' }, context)).details!['expectedSha256'] as string;
    expect(await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: { sha256: recorded } }, context)).toMatchObject({ passed: true });
    expect(await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: { sha256: prefixDigest([]) } }, context)).toMatchObject({ passed: false });
  });
});

describe('S3 drill checks on restores that went wrong', () => {
  it('an object changed after the recovery point: the count passes (same size), the sample and the prefix checksum fail naming the key', async () => {
    const context = contextFor('irdr-drill-late');
    expect(await checks.count.s3ObjectCountCheck({ tolerancePercent: 0 }, context)).toMatchObject({ passed: true });
    const sample = await checks.sample.s3SampleCheck({ count: 4 }, context);
    expect(sample.passed).toBe(false);
    expect(sample.actual).toBe('4 objects sampled: 3 equal, 0 missing, 1 different: orders/2.json (different)');
    const prefix = await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: 'source' }, context);
    expect(prefix.passed).toBe(false);
    expect(prefix.actual).toMatch(/over 3 objects: orders\/2\.json \(different\)$/);
  });

  it('an object left out: the count and the sample fail, naming the key', async () => {
    const context = contextFor('irdr-drill-short');
    expect(await checks.count.s3ObjectCountCheck({ tolerancePercent: 0 }, context)).toMatchObject({ passed: false, actual: '3 objects holding 59 bytes: the count is off: the total size is off' });
    const sample = await checks.sample.s3SampleCheck({ count: 4 }, context);
    expect(sample).toMatchObject({ passed: false, actual: '4 objects sampled: 3 equal, 1 missing, 0 different: orders/3.json (missing)' });
    expect((await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: 'source' }, context)).actual).toMatch(/orders\/3\.json \(missing\)$/);
  });

  it('a restore of the source as it is now (the wrong point) fails the prefix checksum naming every difference', async () => {
    await createBucket('irdr-drill-now');
    for (const key of ['orders/1.json', 'orders/2.json', 'orders/4.json']) {
      const read = await direct.send(new GetObjectCommand({ Bucket: SOURCE, Key: key }));
      await put('irdr-drill-now', key, await read.Body!.transformToString());
    }
    const prefix = await checks.prefix.s3PrefixChecksumCheck({ prefix: 'orders/', expected: 'source' }, contextFor('irdr-drill-now'));
    expect(prefix.actual).toMatch(/: orders\/2\.json \(different\), orders\/3\.json \(missing\), orders\/4\.json \(not in the source\)$/);
  });

  it('no canary restored: the canary check fails, saying the source has one written after the recovery point', async () => {
    await createBucket('irdr-drill-nocanary');
    const canary = await checks.canary.s3CanaryCheck({ key: CANARY_KEY }, contextFor('irdr-drill-nocanary'));
    expect(canary.passed).toBe(false);
    expect(canary.actual).toMatch(/^no canary in the restored bucket: the source's canary was written .*, after the recovery point/);
  });
});

describe('whole-prefix S3 checks in key ranges (the validation fan-out)', () => {
  /** Plans the check's ranges as PlanDrillValidation does, then lists each as CountDrillSegment's invocations do: one page of `pageKeys` keys per invocation, the progress carried as JSON. */
  async function fannedOut(wanted: Omit<ObjectRangesWanted, 'checkId'>, context: S3CheckContext, pageKeys = 3) {
    const checkId = wanted.measure === 'totals' ? 'object-count' : 'prefix-checksum';
    const scans = planObjectScans([await checks.rangesPlan.objectListRequest({ ...wanted, checkId }, context, pageKeys)], 300);
    const counted: ObjectProgress[] = [];
    for (const scan of scans) {
      let progress = startObjectSegment(scan, undefined);
      while (!progress.done) progress = JSON.parse(JSON.stringify(await checks.ranges.listObjectRange(startObjectSegment(scan, progress), 0, { pageKeys }))) as ObjectProgress;
      counted.push(progress);
    }
    return { scans, counted, checkId };
  }

  it('a bucket cut into several ranges, each finished over several invocations, gives the verdicts one listing gives', async () => {
    const context = contextFor('irdr-drill-ledger-good', LEDGER);
    const count = await fannedOut({ measure: 'totals', prefix: 'ledger/', withSource: true, whole: false, segments: 4 }, context);
    const restoredRanges = count.scans.filter((scan) => scan.role === 'restored');
    expect(restoredRanges.map(({ after, through }) => [after, through])).toEqual([[undefined, 'ledger/2026-02/'], ['ledger/2026-02/', 'ledger/2026-04/'], ['ledger/2026-04/', 'ledger/2026-06/'], ['ledger/2026-06/', undefined]]);
    // Every range took more than one invocation: the key each stopped after was carried to the next.
    expect(count.counted.every((progress) => progress.invocations > 1)).toBe(true);
    const ranged = await checks.count.s3ObjectCountCheck({ prefix: 'ledger/', tolerancePercent: 0 }, context, count);
    const inOne = await checks.count.s3ObjectCountCheck({ prefix: 'ledger/', tolerancePercent: 0 }, context);
    expect(ranged).toMatchObject({ passed: true, expected: inOne.expected, actual: inOne.actual, details: { counting: 'key ranges', segments: 4 } });
    expect(inOne.actual).toBe('37 objects holding 1239 bytes');

    const whole = await fannedOut({ measure: 'totals', withSource: true, whole: false }, context);
    expect(await checks.count.s3ObjectCountCheck({ tolerancePercent: 0 }, context, whole)).toMatchObject({ passed: true, actual: '37 objects holding 1239 bytes' });

    const digest = await fannedOut({ measure: 'checksums', prefix: 'ledger/', withSource: true, whole: false, segments: 3 }, context);
    const checksum = await checks.prefix.s3PrefixChecksumCheck({ prefix: 'ledger/', expected: 'source' }, context, digest);
    expect(checksum).toMatchObject({ passed: true, details: { restoredObjectCount: 37, sourceObjectCount: 37, segments: 3 } });
    // A digest the plan recorded (from one listing) is checked over one range, carried over many invocations: the same digest.
    const recorded = (await checks.prefix.s3PrefixChecksumCheck({ prefix: 'ledger/', expected: 'source' }, context)).details!['expectedSha256'] as string;
    const oneRange = await fannedOut({ measure: 'checksums', prefix: 'ledger/', withSource: false, whole: true }, context);
    expect(oneRange.scans).toHaveLength(1);
    expect(await checks.prefix.s3PrefixChecksumCheck({ prefix: 'ledger/', expected: { sha256: recorded } }, context, oneRange)).toMatchObject({ passed: true, details: { restoredSha256: recorded } });
  });

  it('an entry restored as it was after the recovery point: the ranged prefix checksum fails naming its range; a dropped range is refused', async () => {
    const context = contextFor('irdr-drill-ledger-late', LEDGER);
    const digest = await fannedOut({ measure: 'checksums', prefix: 'ledger/', withSource: true, whole: false, segments: 4 }, context);
    const checksum = await checks.prefix.s3PrefixChecksumCheck({ prefix: 'ledger/', expected: 'source' }, context, digest);
    expect(checksum.passed).toBe(false);
    expect(checksum.actual).toMatch(/over 37 objects: keys after "ledger\/2026-02\/" through "ledger\/2026-04\/": 12 objects restored, 12 objects at the point, other bytes or keys$/);
    // A range whose listing never reached the Map's output: no verdict at all, rather than one over part of the bucket.
    const dropped = { ...digest, counted: digest.counted.filter((progress) => !(progress.role === 'restored' && progress.segment === 2)) };
    await expect(checks.prefix.s3PrefixChecksumCheck({ prefix: 'ledger/', expected: 'source' }, context, dropped)).rejects.toThrow(/1 of 4 key ranges of s3:\/\/irdr-drill-ledger-late were not listed \(2\)/);
  });
});

describe('a flat prefix larger than the planning pages, in key ranges', () => {
  const FLAT = 'irdr-drill-flat';
  const keyOf = (index: number) => `flat/${String(index * 10).padStart(5, '0')}.json`;
  const within = (key: string, range: { after?: string; through?: string }) => (range.after === undefined || compareS3Keys(key, range.after) > 0) && (range.through === undefined || compareS3Keys(key, range.through) <= 0);

  it('is cut across its whole key space, not its first pages; a key added between pages is counted once or not at all; a range listed twice is refused', async () => {
    await createBucket(FLAT);
    await Promise.all(Array.from({ length: 300 }, (_, index) => put(FLAT, keyOf(index), `${index}`)));
    const context = contextFor(FLAT, FLAT);
    // Pages of 10 keys: the five planning pages see 50 of the 300 keys, as five pages see 5000 of millions.
    const scans = planObjectScans([await checks.rangesPlan.objectListRequest({ checkId: 'object-count', measure: 'totals', prefix: 'flat/', withSource: false, whole: false, segments: 8 }, context, 10)], 300);
    expect(scans).toHaveLength(8);
    const held = scans.map((scan) => Array.from({ length: 300 }, (_, index) => keyOf(index)).filter((key) => within(key, scan)).length);
    // Cut among the first 50 keys, the last range held 250 of them; now none holds more than twice its share.
    expect(Math.max(...held)).toBeLessThanOrEqual(2 * (300 / 8));

    // Ranges 0-2 listed whole; range 3 one page (10 keys) in; then keys are added where a writer could put them.
    const list = async (scan: ObjectScan, progress?: ObjectProgress, once = false) => {
      let current = progress ?? startObjectSegment(scan, undefined);
      do current = JSON.parse(JSON.stringify(await checks.ranges.listObjectRange(startObjectSegment(scan, current.invocations === 0 ? undefined : current), 0, { pageKeys: 10 }))) as ObjectProgress;
      while (!current.done && !once);
      return current;
    };
    const listed: ObjectProgress[] = [];
    for (const scan of scans.slice(0, 3)) listed.push(await list(scan));
    const partial = await list(scans[3]!, undefined, true);
    expect(partial).toMatchObject({ done: false, objects: 10 });
    const added = {
      atFinishedCut: scans[2]!.through!, // equal to range 2's upper bound: range 2's key, and range 2 is finished
      behindResume: `${partial.resumeAfter!.slice(0, -5)}!.json`, // in range 3, before the key it resumes after
      aheadInRange: `${scans[3]!.through!}`.replace(/.$/, (last) => String.fromCharCode(last.charCodeAt(0) - 1)) + '~', // in range 3, not yet listed
      laterRange: `${keyOf(299)}~`, // in the last range, not started
    };
    expect(within(added.behindResume, scans[3]!) && compareS3Keys(added.behindResume, partial.resumeAfter!) < 0).toBe(true);
    expect(within(added.aheadInRange, scans[3]!) && compareS3Keys(added.aheadInRange, partial.resumeAfter!) > 0).toBe(true);
    for (const key of Object.values(added)) await put(FLAT, key, 'added while the ranges were listed');
    listed.push(await list(scans[3]!, partial));
    for (const scan of scans.slice(4)) listed.push(await list(scan));
    const summed = sumObjectSegments(scans, listed, 'object-count', 'restored');
    // Each added key lies in one range: counted once where that range had not passed it yet, never twice.
    expect(summed.objects).toBe(302);

    const refused = (counted: readonly ObjectProgress[], message: RegExp) => expect(() => sumObjectSegments(scans, counted, 'object-count', 'restored')).toThrow(message);
    refused([...listed, listed[4]!], /range 4 of s3:\/\/irdr-drill-flat was listed twice/);
    // Listed again over its neighbour's keys too, in place of the neighbour: not the range that was planned.
    refused([...listed.slice(0, 4), { ...listed[4]!, through: scans[5]!.through! }, ...listed.slice(6)], /which was not planned/);
    expect(() => startObjectSegment(scans[4]!, listed[4]!)).toThrow(/already listed/);
  });
});

describe('bucket cleanup', () => {
  it('empties every version and delete marker of a bucket tagged with this run, then deletes it', async () => {
    await createBucket('irdr-drill-cleanup', 'run-1');
    await put('irdr-drill-cleanup', 'a', '1');
    await put('irdr-drill-cleanup', 'a', '2');
    await direct.send(new DeleteObjectCommand({ Bucket: 'irdr-drill-cleanup', Key: 'a' }));
    await put('irdr-drill-cleanup', 'b', '1');
    expect(await cleanUpBucket('irdr-drill-cleanup', 'run-1', SOURCE)).toEqual({ status: 'DELETED', deletedExtras: [] });
    await expect(direct.send(new HeadBucketCommand({ Bucket: 'irdr-drill-cleanup' }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(await cleanUpBucket('irdr-drill-cleanup', 'run-1', SOURCE)).toEqual({ status: 'NOT_FOUND', deletedExtras: [] });
  });

  it('refuses, naming why and deleting nothing, a bucket without the run tag, of another run, without the prefix, or the source itself', async () => {
    await createBucket('irdr-drill-untagged');
    await put('irdr-drill-untagged', 'keep', 'me');
    await createBucket('irdr-drill-other-run', 'run-2');
    await put('irdr-drill-other-run', 'keep', 'me');
    const refusals = {
      untagged: await cleanUpBucket('irdr-drill-untagged', 'run-1', SOURCE),
      otherRun: await cleanUpBucket('irdr-drill-other-run', 'run-1', SOURCE),
      source: await cleanUpBucket(SOURCE, 'run-1', SOURCE),
      noPrefix: await cleanUpBucket(SOURCE, 'run-1', 'another-source'),
    };
    expect(refusals).toEqual({
      untagged: { status: 'REFUSED', reason: `irdr-drill-untagged has no ${DRILL_RUN_TAG} tag: no drill run claimed it`, deletedExtras: [] },
      otherRun: { status: 'REFUSED', reason: `irdr-drill-other-run is tagged ${DRILL_RUN_TAG}=run-2, not this run (run-1)`, deletedExtras: [] },
      source: { status: 'REFUSED', reason: `${SOURCE} is the drill's source`, deletedExtras: [] },
      noPrefix: { status: 'REFUSED', reason: `${SOURCE} does not start with the drill prefix "irdr-drill-"`, deletedExtras: [] },
    });
    for (const bucket of ['irdr-drill-untagged', 'irdr-drill-other-run']) {
      expect((await direct.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions).toHaveLength(1);
    }
    expect((await direct.send(new ListObjectVersionsCommand({ Bucket: SOURCE }))).Versions!.length).toBeGreaterThan(5);
  });

  it('stops with the versions Object Lock keeps named, and leaves the bucket', async () => {
    await direct.send(new CreateBucketCommand({ Bucket: 'irdr-drill-locked', ObjectLockEnabledForBucket: true }));
    await direct.send(new PutObjectLockConfigurationCommand({ Bucket: 'irdr-drill-locked', ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } } }));
    await direct.send(new PutBucketTaggingCommand({ Bucket: 'irdr-drill-locked', Tagging: { TagSet: [{ Key: DRILL_RUN_TAG, Value: 'run-1' }] } }));
    await put('irdr-drill-locked', 'held', 'x');
    const error = await cleanUpBucket('irdr-drill-locked', 'run-1', SOURCE).catch((caught: Error) => caught);
    expect(error).toMatchObject({ name: 'BucketCleanupIncomplete' });
    expect((error as Error).message).toMatch(/^s3:\/\/irdr-drill-locked keeps 1 version\(s\) it would not delete, so the bucket stays: held \(.+\): AccessDenied$/);
    expect((await direct.send(new HeadBucketCommand({ Bucket: 'irdr-drill-locked' }))).$metadata.httpStatusCode).toBe(200);
  });
});

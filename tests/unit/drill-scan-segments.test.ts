import { describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { itemCountVerdict } from '../../functions/domain/drill/check-verdicts.js';
import { itemCountBasisOf, scansSource } from '../../functions/domain/drill/item-count-baseline.js';
import { drillPlanHash } from '../../functions/domain/drill/plan-hash.js';
import {
  MAX_SEGMENTS,
  MAX_SEGMENTS_PER_RUN,
  SEGMENT_BYTES,
  SegmentCountsInvalid,
  planSegmentScans,
  readingBudgetMs,
  segmentCountFor,
  startOf,
  sumSegmentCounts,
  type SegmentProgress,
  type SegmentScan,
} from '../../functions/domain/drill/scan-segments.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

const GB = 1024 ** 3;
const RESTORED = 'irdr-drill-orders-pitr-run-1';

/** Each planned segment counted to its end, `count(segment)` items in `invocations` invocations. */
const countedAll = (scans: readonly SegmentScan[], count: (scan: SegmentScan) => number, invocations = 1): SegmentProgress[] =>
  scans.map((scan) => ({ ...scan, count: count(scan), pages: invocations * 3, invocations, done: true }));

describe('planning parallel-scan segments', () => {
  it('gives one segment per 2 GB of the larger table, at least 1, at most MAX_SEGMENTS', () => {
    expect(segmentCountFor(undefined)).toBe(1);
    expect(segmentCountFor(0)).toBe(1);
    expect(segmentCountFor(1)).toBe(1);
    expect(segmentCountFor(SEGMENT_BYTES)).toBe(1);
    expect(segmentCountFor(SEGMENT_BYTES + 1)).toBe(2);
    // The issue's 50 GB table: 25 segments, each a fraction of one function's time.
    expect(segmentCountFor(50 * GB)).toBe(25);
    expect(segmentCountFor(10_000 * GB)).toBe(MAX_SEGMENTS);
    // DescribeTable's numbers as a hostile or broken response might give them.
    expect(segmentCountFor(Number.NaN)).toBe(1);
    expect(segmentCountFor(-5)).toBe(1);
    expect(segmentCountFor(Number.POSITIVE_INFINITY)).toBe(1);
  });

  it("takes the plan's segment count over the size, within 1…MAX_SEGMENTS", () => {
    expect(segmentCountFor(50 * GB, 4)).toBe(4);
    expect(segmentCountFor(undefined, 0)).toBe(1);
    expect(segmentCountFor(undefined, 1e9)).toBe(MAX_SEGMENTS);
  });

  it('lists every segment of the restored table, and of the source only when asked, for each check', () => {
    const scans = planSegmentScans([
      { checkId: 'item-count', tables: [{ role: 'restored', tableName: RESTORED }], segments: 3 },
      { checkId: 'item-count-2', tables: [{ role: 'restored', tableName: RESTORED }, { role: 'source', tableName: 'orders' }], sizeBytes: 3 * GB },
    ]);
    expect(scans).toEqual([
      { checkId: 'item-count', role: 'restored', tableName: RESTORED, segment: 0, totalSegments: 3 },
      { checkId: 'item-count', role: 'restored', tableName: RESTORED, segment: 1, totalSegments: 3 },
      { checkId: 'item-count', role: 'restored', tableName: RESTORED, segment: 2, totalSegments: 3 },
      { checkId: 'item-count-2', role: 'restored', tableName: RESTORED, segment: 0, totalSegments: 2 },
      { checkId: 'item-count-2', role: 'restored', tableName: RESTORED, segment: 1, totalSegments: 2 },
      { checkId: 'item-count-2', role: 'source', tableName: 'orders', segment: 0, totalSegments: 2 },
      { checkId: 'item-count-2', role: 'source', tableName: 'orders', segment: 1, totalSegments: 2 },
    ]);
    expect(planSegmentScans([])).toEqual([]);
  });

  it("keeps a run's segments together within MAX_SEGMENTS_PER_RUN (the execution's 256 KB of state), larger segments instead", () => {
    const both = (checkId: string) => ({ checkId, tables: [{ role: 'restored' as const, tableName: RESTORED }, { role: 'source' as const, tableName: 'orders' }], segments: MAX_SEGMENTS });
    const scans = planSegmentScans([both('item-count'), both('item-count-2')]);
    expect(scans.length).toBeLessThanOrEqual(MAX_SEGMENTS_PER_RUN);
    expect(scans.length).toBe(4 * Math.floor(MAX_SEGMENTS_PER_RUN / 4));
    // Still every segment 0…N-1 of its split, so the sums hold.
    expect(scans.filter((scan) => scan.checkId === 'item-count' && scan.role === 'source').map((scan) => scan.segment)).toEqual(Array.from({ length: 75 }, (_, index) => index));
    expect(JSON.stringify(countedAll(scans, () => 123_456_789, 9)).length + JSON.stringify(scans).length).toBeLessThan(200_000);
  });

  it('reads until 30 s before the function ends, and never plans a negative budget', () => {
    expect(readingBudgetMs(300_000)).toBe(270_000);
    expect(readingBudgetMs(10_000)).toBe(1_000);
  });
});

describe('carrying a segment across invocations', () => {
  const scan: SegmentScan = { checkId: 'item-count', role: 'restored', tableName: RESTORED, segment: 2, totalSegments: 4 };

  it('starts from nothing, and carries on from the progress of the invocation before', () => {
    expect(startOf(scan, undefined)).toEqual({ ...scan, count: 0, pages: 0, invocations: 0, done: false });
    const halfway: SegmentProgress = { ...scan, count: 5000, pages: 12, invocations: 1, done: false, nextKey: { pk: 'ORDER#5000', sk: 'META' } };
    expect(startOf(scan, halfway)).toBe(halfway);
  });

  it("refuses progress of another segment, table or check, or one already done (the state was tampered with or mixed up)", () => {
    const progress: SegmentProgress = { ...scan, count: 10, pages: 1, invocations: 1, done: false, nextKey: { pk: 'x', sk: 'y' } };
    expect(() => startOf(scan, { ...progress, segment: 3 })).toThrow(SegmentCountsInvalid);
    expect(() => startOf(scan, { ...progress, tableName: 'orders' })).toThrow(SegmentCountsInvalid);
    expect(() => startOf(scan, { ...progress, totalSegments: 8 })).toThrow(SegmentCountsInvalid);
    expect(() => startOf(scan, { ...progress, checkId: 'item-count-2' })).toThrow(SegmentCountsInvalid);
    expect(() => startOf(scan, { ...progress, done: true })).toThrow(/already counted/);
  });
});

describe('summing segment counts into one check', () => {
  const scans = planSegmentScans([
    { checkId: 'item-count', tables: [{ role: 'restored', tableName: RESTORED }, { role: 'source', tableName: 'orders' }], segments: 4 },
  ]);
  const counted = countedAll(scans, (scan) => (scan.role === 'restored' ? 250 + scan.segment : 1000 * (scan.segment + 1)), 2);

  it('adds the segments of one table for one check, whatever order the Map returned them in', () => {
    expect(sumSegmentCounts(scans, [...counted].reverse(), 'item-count', 'restored')).toEqual({ count: 250 + 251 + 252 + 253, totalSegments: 4, pages: 24, invocations: 8, maxPagesPerInvocation: 3 });
    expect(sumSegmentCounts(scans, counted, 'item-count', 'source').count).toBe(1000 + 2000 + 3000 + 4000);
  });

  it('refuses a missing segment: a count of part of the table must never pass as the whole', () => {
    const withoutOne = counted.filter((progress) => !(progress.role === 'restored' && progress.segment === 2));
    expect(() => sumSegmentCounts(scans, withoutOne, 'item-count', 'restored')).toThrow(/1 of 4 segments of irdr-drill-orders-pitr-run-1 were not counted \(2\)/);
  });

  it('refuses a segment counted twice, one stopped before its end, one of another split or table, and a count that is not one', () => {
    const restored0 = counted.find((progress) => progress.role === 'restored' && progress.segment === 0)!;
    const others = counted.filter((progress) => progress !== restored0);
    expect(() => sumSegmentCounts(scans, [...counted, restored0], 'item-count', 'restored')).toThrow(/counted twice/);
    expect(() => sumSegmentCounts(scans, [...others, { ...restored0, done: false, nextKey: { pk: 'a', sk: 'b' } }], 'item-count', 'restored')).toThrow(/stopped before its end/);
    expect(() => sumSegmentCounts(scans, [...others, { ...restored0, totalSegments: 1 }], 'item-count', 'restored')).toThrow(/not of 4/);
    expect(() => sumSegmentCounts(scans, [...others, { ...restored0, tableName: 'orders' }], 'item-count', 'restored')).toThrow(/counted orders/);
    expect(() => sumSegmentCounts(scans, [...others, { ...restored0, count: -250 }], 'item-count', 'restored')).toThrow(/has no count/);
    expect(() => sumSegmentCounts(scans, [...others, { ...restored0, count: 1.5 }], 'item-count', 'restored')).toThrow(/has no count/);
  });

  it('refuses to sum a check the plan did not fan out', () => {
    expect(() => sumSegmentCounts(scans, counted, 'item-count-2', 'restored')).toThrow(/no segments were planned/);
    expect(() => sumSegmentCounts([], [], 'item-count', 'restored')).toThrow(SegmentCountsInvalid);
  });
});

describe('what an item count is held to', () => {
  const check = (fields: Record<string, unknown> = {}) => DrillPlan.shape.checks.def.element.parse({ type: 'item-count', ...fields }) as Extract<DrillPlan['checks'][number], { type: 'item-count' }>;
  const pitrPoint = { at: '2026-03-01T11:59:00.000Z', requestedAt: '2026-03-01T12:00:00.000Z' };
  const backupPoint = { ...pitrPoint, id: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders/backup/01489173575360-b308cd7d' };
  const awsBackupPoint = { ...pitrPoint, id: 'arn:aws:backup:eu-west-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45' };

  it('never scans the source unless the plan asks: the backup its ItemCount, otherwise the source table ItemCount', () => {
    expect(itemCountBasisOf(check(), backupPoint)).toBe('backup-item-count');
    expect(itemCountBasisOf(check({ baseline: 'recovery-point' }), backupPoint)).toBe('backup-item-count');
    expect(itemCountBasisOf(check(), pitrPoint)).toBe('source-item-count');
    expect(itemCountBasisOf(check(), awsBackupPoint)).toBe('source-item-count');
    // An ARN that only looks like a DynamoDB backup somewhere inside is not one.
    expect(itemCountBasisOf(check(), { ...pitrPoint, id: `${awsBackupPoint.id}:table/orders/backup/1` })).toBe('source-item-count');
    expect(scansSource(check())).toBe(false);
    expect(itemCountBasisOf(check({ baseline: 'source-scan' }), backupPoint)).toBe('source');
    expect(scansSource(check({ baseline: 'source-scan' }))).toBe(true);
    expect(itemCountBasisOf(check({ expected: 40 }), backupPoint)).toBe('plan');
    expect(scansSource(check({ expected: 40 }))).toBe(false);
  });

  it("says in the check which baseline it used and how fresh it is, with a tolerance where DynamoDB's count is approximate", () => {
    const backup = itemCountVerdict(995, 1000, 0, 'backup-item-count', { counting: 'parallel scan', segments: 4 });
    expect(backup).toMatchObject({ passed: true, expected: expect.stringMatching(/^1000 items \(±1%\), the backup's recorded ItemCount \(approximate: .*about every 6 hours\)$/) });
    expect(backup.details).toMatchObject({ basis: 'backup-item-count', tolerancePercent: 1, toleranceFrom: 'approximate-baseline', segments: 4, counting: 'parallel scan' });
    expect(itemCountVerdict(989, 1000, 0, 'source-item-count')).toMatchObject({ passed: false, expected: expect.stringMatching(/the source table's ItemCount \(approximate: .*6 hours; the source now, not at the point\)/) });
    // The plan's own tolerance wins; exact baselines get none they did not ask for.
    expect(itemCountVerdict(950, 1000, 5, 'source-item-count').details).toMatchObject({ tolerancePercent: 5 });
    expect(itemCountVerdict(950, 1000, 5, 'source-item-count').details).not.toHaveProperty('toleranceFrom');
    expect(itemCountVerdict(999, 1000, 0, 'source').passed).toBe(false);
    expect(itemCountVerdict(999, 1000, 0, 'plan').passed).toBe(false);
  });

  it('refuses a plan holding one count both to a number and to a baseline', () => {
    const plan = (checks: unknown[]) =>
      DrillPlan.safeParse({
        id: 'orders-pitr', title: 'Orders', owner: 'o@example.com', schedule: { expression: 'rate(7 days)' }, source: { type: 'dynamodb-table', tableName: 'orders' },
        driver: { type: 'dynamodb-pitr' }, targets: { rtoMinutes: 60, rpoMinutes: 15 }, recipients: { roles: ['commander'] }, controls: ['SOC2 A1.3'], checks,
      });
    const refused = plan([{ type: 'item-count', expected: 10, baseline: 'source-scan' }]);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ['checks', 0, 'baseline'], message: expect.stringMatching(/drop baseline, or drop expected/) });
    expect(plan([{ type: 'item-count', segments: 0 }]).success).toBe(false);
    expect(plan([{ type: 'item-count', segments: MAX_SEGMENTS + 1 }]).success).toBe(false);
    expect(plan([{ type: 'item-count', baseline: 'scan-everything' }]).success).toBe(false);
    expect(plan([{ type: 'item-count', baseline: 'source-scan', segments: 8 }]).success).toBe(true);
  });

  it('stamps baseline and segments into the plan hash, and leaves the hashes of plans written before them as their runs recorded', () => {
    const shipped = loadDrillPlans().find((plan) => plan.id === 'orders-pitr')!;
    // Pinned on main before the options existed (tests/unit/drill-plan-sql-checks.test.ts pins the same).
    expect(drillPlanHash(shipped)).toBe('4250a7d09fed36afc21a498313c872c1d16e2dd3478009a07f6ad4ca60283c4f');
    const withCheck = (extra: Record<string, unknown>) => DrillPlan.parse({ ...shipped, checks: shipped.checks.map((check) => (check.type === 'item-count' ? { ...check, ...extra } : check)) });
    const hashes = [withCheck({}), withCheck({ baseline: 'source-scan' }), withCheck({ baseline: 'recovery-point' }), withCheck({ segments: 4 })].map(drillPlanHash);
    expect(hashes[0]).toBe(drillPlanHash(shipped));
    expect(new Set(hashes).size).toBe(4);
  });
});

describe('CountDrillSegment refuses what the Map should never hand it, before reading anything', () => {
  const scan = { checkId: 'item-count', role: 'restored', tableName: RESTORED, segment: 1, totalSegments: 4 };
  const context = { getRemainingTimeInMillis: () => 300_000 } as never;
  const invoke = async (event: unknown) => (await import('../../functions/tasks/count-drill-segment.js')).handler(event, context);

  it('a segment outside its split, a role other than restored or source, a field no segment has, or progress of another segment', async () => {
    await expect(invoke({ runId: 'run-1', scan: { ...scan, segment: 4 }, progress: null })).rejects.toThrow(/segment must be below totalSegments/);
    await expect(invoke({ runId: 'run-1', scan: { ...scan, segment: -1 }, progress: null })).rejects.toThrow();
    await expect(invoke({ runId: 'run-1', scan: { ...scan, role: 'evidence' }, progress: null })).rejects.toThrow();
    await expect(invoke({ runId: 'run-1', scan: { ...scan, FilterExpression: 'attribute_exists(pk)' }, progress: null })).rejects.toThrow();
    const other = { ...scan, segment: 2, count: 10, pages: 1, invocations: 1, done: false, nextKey: { pk: 'ORDER#1', sk: 'META' } };
    await expect(invoke({ runId: 'run-1', scan, progress: other })).rejects.toThrow(SegmentCountsInvalid);
    await expect(invoke({ runId: 'run-1', scan, progress: { ...other, segment: 1, count: -3 } })).rejects.toThrow();
  });
});

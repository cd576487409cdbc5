import { describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { itemCountBasisOf } from '../../functions/domain/drill/item-count-baseline.js';
import { SegmentCountsInvalid } from '../../functions/domain/drill/scan-segments.js';
import { DEFAULT_SOURCE_COUNT_SEGMENTS, finishedCountOf, newRunningCount, runningAfterTick, segmentsOfRunning, sourceCountSegmentsOf } from '../../functions/domain/drill/source-count-segments.js';
import { countBefore, countedBaselineVerdict, countTickAction, DEFAULT_COUNT_EVERY_MINUTES, maxBaselineAgeMinutesOf, type RecordedCount } from '../../functions/domain/drill/source-counts.js';

const count = (startedAt: string, completedAt: string, items: number, tableName = 'orders'): RecordedCount => ({ tableName, startedAt, completedAt, count: items, pages: 3, invocations: 2 });
const POINT = '2026-12-07T03:00:00.000Z';

describe('counting the source at known times (baseline: counted)', () => {
  it('carries on with a count under way, starts one when the last started a full interval ago, else does nothing', () => {
    const running = { tableName: 'orders', startedAt: '2026-12-07T02:00:00.000Z', count: 10, pages: 1, invocations: 1, nextKey: { pk: 'x' } };
    const latest = count('2026-12-06T03:00:00.000Z', '2026-12-06T03:05:00.000Z', 100);
    expect(countTickAction(running, latest, 'orders', POINT, 1440)).toBe('continue');
    expect(countTickAction(undefined, undefined, 'orders', POINT, 1440)).toBe('start');
    expect(countTickAction(undefined, latest, 'orders', '2026-12-07T02:59:59.000Z', 1440)).toBe('none');
    expect(countTickAction(undefined, latest, 'orders', POINT, 1440)).toBe('start');
    // A count of a table the plan no longer names is neither carried on nor taken as the last one.
    expect(countTickAction({ ...running, tableName: 'orders-old' }, latest, 'orders', '2026-12-06T04:00:00.000Z', 1440)).toBe('start');
    expect(countTickAction(undefined, { ...latest, tableName: 'orders-old' }, 'orders', '2026-12-06T04:00:00.000Z', 1440)).toBe('start');
  });

  it('holds a drill to the newest count finished at or before its recovery point, of its source only', () => {
    const counts = [
      count('2026-12-05T03:00:00.000Z', '2026-12-05T03:10:00.000Z', 90),
      count('2026-12-06T03:00:00.000Z', '2026-12-06T03:10:00.000Z', 100),
      // Finished after the point: it does not show the point, however near.
      count('2026-12-07T02:55:00.000Z', '2026-12-07T03:00:01.000Z', 120),
      count('2026-12-06T20:00:00.000Z', '2026-12-06T20:10:00.000Z', 5, 'another-table'),
    ];
    expect(countBefore(counts, POINT, 'orders')?.count).toBe(100);
    expect(countBefore(counts, '2026-12-05T03:00:00.000Z', 'orders')).toBeUndefined();
  });

  it('states the count, its window and its age at the recovery point in expected, and passes within tolerance', () => {
    const verdict = countedBaselineVerdict({ actual: 1005, baseline: count('2026-12-07T01:00:00.000Z', '2026-12-07T01:30:00.000Z', 1000), recoveryPointAt: POINT, maxAgeMinutes: 2880, tolerancePercent: 0 });
    expect(verdict.passed).toBe(true);
    expect(verdict.expected).toBe("1000 items (±1%), the source's count the canary writer recorded nearest before the recovery point (counted 2026-12-07T01:00:00.000Z to 2026-12-07T01:30:00.000Z, 1h30m before the recovery point; writes since are not in it)");
    expect(verdict.details).toMatchObject({ basis: 'counted', baselineAgeSeconds: 5400, stale: false, toleranceFrom: 'approximate-baseline' });
  });

  it('fails a count that would match when its baseline is stale, naming how old it was and what the plan allows', () => {
    const verdict = countedBaselineVerdict({ actual: 1000, baseline: count('2026-12-04T03:00:00.000Z', '2026-12-04T03:00:00.000Z', 1000), recoveryPointAt: POINT, maxAgeMinutes: 2880, tolerancePercent: 0 });
    expect(verdict.passed).toBe(false);
    expect(verdict.actual).toBe('1000 items; the baseline is stale: 3d old at the recovery point, more than the 2d the plan allows');
    expect(verdict.details).toMatchObject({ stale: true, baselineAgeSeconds: 3 * 86_400 });
  });

  it('fails, saying so, when no count finished before the recovery point; and when the count is off', () => {
    const none = countedBaselineVerdict({ actual: 1000, baseline: undefined, recoveryPointAt: POINT, maxAgeMinutes: 2880, tolerancePercent: 0 });
    expect(none).toMatchObject({ passed: false, details: { baselineMissing: true } });
    expect(none.actual).toMatch(/no count of the source finished before the recovery point/);
    const off = countedBaselineVerdict({ actual: 900, baseline: count('2026-12-07T02:00:00.000Z', '2026-12-07T02:10:00.000Z', 1000), recoveryPointAt: POINT, maxAgeMinutes: 2880, tolerancePercent: 0 });
    expect(off).toMatchObject({ passed: false, actual: '900 items', details: { stale: false } });
  });

  it('allows twice the counting interval by default, the plan may say otherwise', () => {
    expect(maxBaselineAgeMinutesOf({})).toBe(2 * DEFAULT_COUNT_EVERY_MINUTES);
    expect(maxBaselineAgeMinutesOf({ countEveryMinutes: 60 })).toBe(120);
    expect(maxBaselineAgeMinutesOf({ countEveryMinutes: 60, maxBaselineAgeMinutes: 90 })).toBe(90);
  });
});

describe('a plan asking for baseline: counted', () => {
  const plan = (checks: unknown[], source: unknown = { type: 'dynamodb-table', tableName: 'orders' }) =>
    DrillPlan.safeParse({
      id: 'orders-pitr', title: 'Orders', owner: 'o@example.com', schedule: { expression: 'rate(7 days)' }, source,
      driver: { type: 'dynamodb-pitr' }, targets: { rtoMinutes: 60, rpoMinutes: 15 }, recipients: { roles: ['commander'] }, controls: ['SOC2 A1.3'], checks,
    });
  const canary = { type: 'canary', key: { pk: 'irdr-canary' } };

  it('is accepted with a canary check (the writer that counts on its schedule), and its basis is the recorded count', () => {
    const accepted = plan([{ type: 'item-count', baseline: 'counted', countEveryMinutes: 360 }, canary]);
    expect(accepted.success, JSON.stringify(accepted.error?.issues)).toBe(true);
    const check = accepted.data!.checks[0]!;
    expect(check.type === 'item-count' && itemCountBasisOf(check, { at: POINT, requestedAt: POINT })).toBe('counted');
  });

  it('is refused without a canary check, and its knobs are refused without it', () => {
    expect(plan([{ type: 'item-count', baseline: 'counted' }]).error?.issues[0]).toMatchObject({ path: ['checks', 0, 'baseline'], message: expect.stringMatching(/add a canary check/) });
    expect(plan([{ type: 'item-count', countEveryMinutes: 60 }, canary]).error?.issues[0]).toMatchObject({ message: expect.stringMatching(/belong to baseline: counted/) });
    expect(plan([{ type: 'item-count', baseline: 'counted', countEveryMinutes: 5 }, canary]).success).toBe(false);
  });
});

describe('a count of the source in parallel Scan segments', () => {
  const started = newRunningCount('orders', '2026-12-07T01:00:00.000Z', 4);
  const read = (segment: number, count: number, done: boolean) => ({ segment, count, pages: 1, done, ...(!done && { nextKey: { pk: `ORDER#${segment}` } }) });

  it("is recorded once every segment read to its end, the sum of theirs, over the ticks it took; not before", () => {
    const partway = runningAfterTick(started, { totalSegments: 4, segments: [read(0, 10, true), read(1, 7, false), read(2, 9, true), read(3, 8, true)] });
    expect(partway).toMatchObject({ count: 34, pages: 4, invocations: 1 });
    expect(finishedCountOf(partway, '2026-12-07T01:01:00.000Z')).toBeUndefined();
    const layout = segmentsOfRunning(JSON.parse(JSON.stringify(partway)));
    const done = runningAfterTick(partway, { ...layout, segments: layout.segments.map((entry) => (entry.segment === 1 ? { segment: 1, count: 12, pages: 2, done: true } : entry)) });
    expect(finishedCountOf(done, '2026-12-07T01:02:00.000Z')).toEqual({ tableName: 'orders', startedAt: '2026-12-07T01:00:00.000Z', completedAt: '2026-12-07T01:02:00.000Z', count: 39, pages: 5, invocations: 2, segments: 4 });
  });

  it('a count kept before segments (one sequential scan) goes on as its one segment', () => {
    expect(segmentsOfRunning({ tableName: 'orders', startedAt: POINT, count: 10, pages: 1, invocations: 1, nextKey: { pk: 'x' } })).toEqual({ totalSegments: 1, segments: [{ segment: 0, count: 10, pages: 1, done: false, nextKey: { pk: 'x' } }] });
  });

  it('refuses a count under way whose segments would count an item twice or not at all: twice, missing, out of layout, no count, lost or stale position', () => {
    const broken = (change: Record<string, unknown>, message: RegExp) => expect(() => segmentsOfRunning({ ...started, ...change })).toThrow(message);
    const segments = started.segments!;
    broken({ segments: [...segments, segments[2]] }, /holds segment 2 twice/);
    broken({ segments: segments.slice(1) }, /holds 3 of its 4 segments/);
    // Another layout (the plan's segments changed): segment 5 of 8 holds other items than any of 4.
    broken({ segments: [...segments.slice(0, 3), { ...segments[3]!, segment: 5 }] }, /segment 5, not one of 0…3/);
    broken({ totalSegments: 0 }, /no segment layout/);
    broken({ segments: [{ ...segments[0]!, count: -3 }, ...segments.slice(1)] }, /segment 0 .* has no count/);
    broken({ segments: [{ ...segments[0]!, pages: 2 }, ...segments.slice(1)] }, /segment 0 .* does not say where it stands/);
    broken({ segments: [{ ...segments[0]!, done: true, nextKey: { pk: 'x' } }, ...segments.slice(1)] }, /does not say where it stands/);
    expect(() => segmentsOfRunning({ ...started, segments: 'nope' } as never)).toThrow(SegmentCountsInvalid);
  });

  it("reads the plan's segments, else 8; one is the sequential scan", () => {
    expect(sourceCountSegmentsOf({})).toBe(DEFAULT_SOURCE_COUNT_SEGMENTS);
    expect(sourceCountSegmentsOf({ segments: 1 })).toBe(1);
    expect(newRunningCount('orders', POINT, 3).segments).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import {
  canaryVerdict,
  checksumVerdict,
  differingAttributes,
  displayKey,
  itemCountVerdict,
  sampleOutcome,
  sampleVerdict,
} from '../../functions/domain/drill/check-verdicts.js';
import { NumberValue } from '@aws-sdk/lib-dynamodb';

describe('itemCountVerdict', () => {
  it('passes an exact match with no tolerance, and says where the expectation came from', () => {
    const verdict = itemCountVerdict(1000, 1000, 0);
    expect(verdict).toMatchObject({ passed: true, expected: '1000 items, as the plan states', actual: '1000 items' });
    expect(itemCountVerdict(999, 1000, 0, 'source')).toMatchObject({ passed: false, expected: "1000 items, the source table's count now" });
  });

  it('allows tolerancePercent either way, and no further', () => {
    expect(itemCountVerdict(950, 1000, 5).passed).toBe(true);
    expect(itemCountVerdict(1050, 1000, 5).passed).toBe(true);
    expect(itemCountVerdict(949, 1000, 5)).toMatchObject({ passed: false, expected: '1000 items (±5%), as the plan states', actual: '949 items' });
    expect(itemCountVerdict(1051, 1000, 5).details).toMatchObject({ allowedDifference: 50, difference: 51 });
  });

  it('expects exactly nothing of an empty source, and speaks of one item in the singular', () => {
    expect(itemCountVerdict(0, 0, 50).passed).toBe(true);
    expect(itemCountVerdict(1, 0, 50)).toMatchObject({ passed: false, actual: '1 item' });
  });
});

describe('canaryVerdict', () => {
  const requestedAt = '2026-03-01T12:00:00.000Z';

  it('measures how long before the point asked for the restored canary was written', () => {
    const verdict = canaryVerdict({ requestedAt, canaryWrittenAt: '2026-03-01T11:56:30.000Z', rpoMinutes: 15 });
    expect(verdict).toMatchObject({ passed: true, measuredRpoSeconds: 210 });
    expect(verdict.expected).toBe(`a canary written at most 15m before ${requestedAt} (RPO target)`);
    expect(verdict.actual).toBe('canary written 2026-03-01T11:56:30.000Z, 3m30s before the recovery point asked for');
  });

  it('fails a canary older than the RPO target', () => {
    const verdict = canaryVerdict({ requestedAt, canaryWrittenAt: '2026-03-01T11:40:00.000Z', rpoMinutes: 15 });
    expect(verdict).toMatchObject({ passed: false, measuredRpoSeconds: 1200 });
  });

  it('floors at 0 a canary written after the point asked for', () => {
    expect(canaryVerdict({ requestedAt, canaryWrittenAt: '2026-03-01T12:01:00.000Z', rpoMinutes: 0 })).toMatchObject({ passed: true, measuredRpoSeconds: 0 });
  });

  it('fails, and explains, when the restored table has no canary or an unreadable one', () => {
    const missing = canaryVerdict({ requestedAt, canaryWrittenAt: undefined, rpoMinutes: 15 });
    expect(missing.passed).toBe(false);
    expect(missing.measuredRpoSeconds).toBeUndefined();
    expect(missing.actual).toContain('the canary writer had not written one before the recovery point');
    expect(canaryVerdict({ requestedAt, canaryWrittenAt: 'yesterday', rpoMinutes: 15 })).toMatchObject({ passed: false });
  });
});

describe('sampleVerdict', () => {
  const recoveryPointAt = '2026-03-01T12:00:00.000Z';
  const item = (sk: string, extra: Record<string, unknown> = {}) => ({ pk: 'order', sk, total: 10, ...extra });
  const sample = (source: Record<string, unknown>, restored: Record<string, unknown> | undefined) => ({
    key: { pk: source['pk'], sk: source['sk'] },
    source,
    restored,
  });

  it('passes when every sampled item is in the restored table, equal (attribute order aside)', () => {
    const verdict = sampleVerdict({
      samples: [sample(item('1'), { total: 10, sk: '1', pk: 'order' }), sample(item('2'), item('2'))],
      requestedCount: 2,
      recoveryPointAt,
    });
    expect(verdict).toMatchObject({ passed: true, actual: '2 items sampled: 2 equal, 0 missing, 0 different' });
  });

  it('fails on a missing item and on a different one, naming their keys and the attributes that differ', () => {
    const verdict = sampleVerdict({
      samples: [sample(item('1'), undefined), sample(item('2'), item('2', { total: 11 })), sample(item('3'), item('3'))],
      requestedCount: 3,
      recoveryPointAt,
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.actual).toBe('3 items sampled: 1 equal, 1 missing, 1 different');
    expect(verdict.details).toMatchObject({ missing: [{ pk: 'order', sk: '1' }], different: [{ key: { pk: 'order', sk: '2' }, attributes: ['total'] }] });
  });

  it('skips items changed after the recovery point rather than failing them', () => {
    const changed = item('1', { modifiedAt: '2026-03-01T12:05:00.000Z' });
    const unchanged = item('2', { modifiedAt: '2026-03-01T11:00:00.000Z' });
    const verdict = sampleVerdict({
      samples: [sample(changed, undefined), sample(unchanged, { ...unchanged, total: 99 })],
      requestedCount: 2,
      recoveryPointAt,
      modifiedAtAttribute: 'modifiedAt',
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.actual).toBe('2 items sampled: 0 equal, 0 missing, 1 different, 1 skipped (modifiedAt after the recovery point)');
    expect(sampleOutcome(sample(changed, undefined), recoveryPointAt)).toBe('missing');
  });

  it('says when the source held fewer than asked for, or none', () => {
    expect(sampleVerdict({ samples: [sample(item('1'), item('1'))], requestedCount: 20, recoveryPointAt }).actual).toBe(
      '1 item sampled: 1 equal, 0 missing, 0 different (the source holds fewer than 20)',
    );
    expect(sampleVerdict({ samples: [], requestedCount: 20, recoveryPointAt })).toMatchObject({ passed: true, actual: 'the source has no items to sample' });
  });
});

describe('sample helpers', () => {
  it('names attributes that differ or that one side lacks', () => {
    expect(differingAttributes({ a: 1, b: new Set(['x']), c: 'same' }, { a: 2, b: ['x'], c: 'same', d: true })).toEqual(['a', 'b', 'd']);
  });

  it('shows keys JSON-safe: exact numbers as numbers when they fit, else as text; binary as base64', () => {
    expect(displayKey({ pk: 'a', n: new NumberValue('42'), big: new NumberValue('123456789012345678901234567890'), b: Buffer.from('hi') })).toEqual({
      pk: 'a',
      n: 42,
      big: '123456789012345678901234567890',
      b: 'aGk=',
    });
  });
});

describe('checksumVerdict', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  const scope = 'partition pk = "ledger"';

  it('passes when the restored hash equals the source hash now', () => {
    const verdict = checksumVerdict({ scope, restored: { sha256: a, itemCount: 3 }, expected: { basis: 'source', sha256: a, itemCount: 3 } });
    expect(verdict).toMatchObject({ passed: true, expected: `SHA-256 ${a} over ${scope}: the source's 3 items now`, actual: `SHA-256 ${a} over 3 items` });
    expect(verdict.details).toEqual({ scope, basis: 'source', restoredSha256: a, restoredItemCount: 3, expectedSha256: a, sourceItemCount: 3 });
  });

  it('fails on any difference, against the source or a recorded hash', () => {
    expect(checksumVerdict({ scope, restored: { sha256: a, itemCount: 3 }, expected: { basis: 'source', sha256: b, itemCount: 3 } }).passed).toBe(false);
    const recorded = checksumVerdict({ scope, restored: { sha256: a, itemCount: 3 }, expected: { basis: 'recorded', sha256: b } });
    expect(recorded).toMatchObject({ passed: false, expected: `SHA-256 ${b} over ${scope}, as recorded in the plan` });
  });
});

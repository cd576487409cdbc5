import { formatDuration } from '../duration.js';
import { secondsBetween } from './achieved.js';
import type { DrillCheckResult } from './check-result.js';
import { canonicalItem } from './item-digest.js';

/*
 * What each check concludes from what it read: pure, so every rule (tolerance, RPO, sample outcomes, hashes)
 * is tested without a table. The AWS side reads, calls one of these, and adds the check's id and type.
 */

/** A check's finding, before it is named. */
export type CheckVerdict = Omit<DrillCheckResult, 'id' | 'type'>;

const items = (count: number): string => `${count} ${count === 1 ? 'item' : 'items'}`;

/**
 * Where an item count's expectation came from: the plan's number; a scan of the source now (only when the plan asks);
 * the count DescribeBackup recorded for the backup restored; or the source's DescribeTable ItemCount.
 */
export type ItemCountBasis = 'plan' | 'source' | 'backup-item-count' | 'source-item-count' | 'counted';

const BASIS_TEXT: Record<ItemCountBasis, string> = {
  plan: 'as the plan states',
  source: "the source table's count now",
  'backup-item-count': "the backup's recorded ItemCount (approximate: DynamoDB refreshes a table's count about every 6 hours)",
  'source-item-count': "the source table's ItemCount (approximate: DynamoDB refreshes it about every 6 hours; the source now, not at the point)",
  counted: "the source's count the canary writer recorded nearest before the recovery point",
};

/** The baselines DynamoDB only approximates: a plan's 0% would fail a live table's drills at random. */
export const APPROXIMATE_BASES: ReadonlySet<ItemCountBasis> = new Set(['backup-item-count', 'source-item-count', 'counted']);
/** The tolerance an approximate baseline gets when the plan gives none. */
export const APPROXIMATE_BASELINE_TOLERANCE_PERCENT = 1;

/** The tolerance a check applies: the plan's, but never 0 against a count DynamoDB approximates. */
export function effectiveTolerancePercent(planTolerancePercent: number, basis: ItemCountBasis): { readonly percent: number; readonly from: 'plan' | 'approximate-baseline' } {
  if (APPROXIMATE_BASES.has(basis) && planTolerancePercent === 0) return { percent: APPROXIMATE_BASELINE_TOLERANCE_PERCENT, from: 'approximate-baseline' };
  return { percent: planTolerancePercent, from: 'plan' };
}

/** Passed when actual lies within tolerancePercent of expected (an expected 0 allows only 0). */
export function itemCountVerdict(
  actual: number,
  expected: number,
  planTolerancePercent: number,
  basis: ItemCountBasis = 'plan',
  read: Readonly<Record<string, unknown>> = {},
): CheckVerdict {
  const { percent: tolerancePercent, from: toleranceFrom } = effectiveTolerancePercent(planTolerancePercent, basis);
  const allowedDifference = Math.floor((expected * tolerancePercent) / 100);
  const difference = actual - expected;
  const tolerance = tolerancePercent > 0 ? ` (±${tolerancePercent}%)` : '';
  return {
    passed: Math.abs(difference) <= allowedDifference,
    expected: `${items(expected)}${tolerance}, ${BASIS_TEXT[basis]}`,
    actual: items(actual),
    details: { actual, expected, basis, tolerancePercent, ...(toleranceFrom !== 'plan' && { toleranceFrom }), allowedDifference, difference, ...read },
  };
}

export interface CanaryReading {
  /** ISO 8601: the recovery point the plan asked for. */
  readonly requestedAt: string;
  /** ISO 8601: the restored canary's writtenAt; undefined when the restored table has no canary. */
  readonly canaryWrittenAt: string | undefined;
  /** ISO 8601: the moment whose data the restore holds. */
  readonly recoveryPointAt?: string;
  /** ISO 8601: the source's canary's writtenAt now; undefined when the source has none. */
  readonly sourceCanaryWrittenAt?: string | undefined;
  readonly rpoMinutes: number;
  /** What was restored, for the messages. @default 'table' */
  readonly restored?: 'table' | 'bucket';
}

/** Why no canary was restored: the source's was only written after the recovery point, or the source has none. */
function missingCanaryText(recoveryPointAt: string | undefined, sourceCanaryWrittenAt: string | undefined, restored: 'table' | 'bucket'): string {
  if (recoveryPointAt !== undefined && sourceCanaryWrittenAt !== undefined && Date.parse(sourceCanaryWrittenAt) > Date.parse(recoveryPointAt)) {
    return `no canary in the restored ${restored}: the source's canary was written ${sourceCanaryWrittenAt}, after the recovery point ${recoveryPointAt}`;
  }
  if (recoveryPointAt !== undefined && sourceCanaryWrittenAt === undefined) return `no canary in the restored ${restored}, nor in the source: is the canary writer scheduled?`;
  return `no canary in the restored ${restored}: the canary writer had not written one before the recovery point`;
}

/**
 * The measured RPO is how long before the point asked for the newest restored canary was written (never negative):
 * the restored data is at least that fresh. Passed when it is within the RPO target.
 */
export function canaryVerdict({ requestedAt, canaryWrittenAt, recoveryPointAt, sourceCanaryWrittenAt, rpoMinutes, restored = 'table' }: CanaryReading): CheckVerdict {
  const expected = `a canary written at most ${formatDuration(rpoMinutes * 60)} before ${requestedAt} (RPO target)`;
  if (canaryWrittenAt === undefined) {
    return {
      passed: false,
      expected,
      actual: missingCanaryText(recoveryPointAt, sourceCanaryWrittenAt, restored),
      details: { requestedAt, rpoMinutes, ...(recoveryPointAt !== undefined && { recoveryPointAt }), ...(sourceCanaryWrittenAt !== undefined && { sourceCanaryWrittenAt }) },
    };
  }
  if (Number.isNaN(Date.parse(canaryWrittenAt))) {
    return { passed: false, expected, actual: `the restored canary's writtenAt is not a time: ${JSON.stringify(canaryWrittenAt)}`, details: { requestedAt, rpoMinutes, canaryWrittenAt } };
  }
  const measuredRpoSeconds = secondsBetween(canaryWrittenAt, requestedAt);
  return {
    passed: measuredRpoSeconds <= rpoMinutes * 60,
    expected,
    actual: `canary written ${canaryWrittenAt}, ${formatDuration(measuredRpoSeconds)} before the recovery point asked for`,
    details: { requestedAt, rpoMinutes, canaryWrittenAt, measuredRpoSeconds },
    measuredRpoSeconds,
  };
}

type Item = Readonly<Record<string, unknown>>;

/** One sampled source item and what the restored table holds at its key. */
export interface SampledItem {
  readonly key: Item;
  /** The source item as read now. */
  readonly source: Item;
  /** The restored item at the same key; undefined when the restored table has none. */
  readonly restored: Item | undefined;
}

export type SampleOutcome = 'equal' | 'missing' | 'different' | 'skipped';

export interface SampleReading {
  readonly samples: readonly SampledItem[];
  /** How many the plan asked for (fewer are sampled when the source holds fewer). */
  readonly requestedCount: number;
  /** ISO 8601: the moment whose data the restore holds. */
  readonly recoveryPointAt: string;
  /** An attribute holding when the item last changed (ISO 8601). */
  readonly modifiedAtAttribute?: string;
}

/** An item changed after the recovery point cannot match it, and is skipped rather than failed. */
export function sampleOutcome(sample: SampledItem, recoveryPointAt: string, modifiedAtAttribute?: string): SampleOutcome {
  const modifiedAt = modifiedAtAttribute === undefined ? undefined : sample.source[modifiedAtAttribute];
  if (typeof modifiedAt === 'string' && Date.parse(modifiedAt) > Date.parse(recoveryPointAt)) return 'skipped';
  if (sample.restored === undefined) return 'missing';
  return canonicalItem(sample.restored) === canonicalItem(sample.source) ? 'equal' : 'different';
}

/** Names of the attributes whose values differ, or that only one of the two items has. */
export function differingAttributes(source: Item, restored: Item): string[] {
  const names = [...new Set([...Object.keys(source), ...Object.keys(restored)])].sort();
  return names.filter((name) => canonicalItem({ value: source[name] }) !== canonicalItem({ value: restored[name] }));
}

/** A key as the report shows it: JSON-safe (exact numbers as numbers when safe, else as text; binary as base64). */
export function displayKey(key: Item): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(key).map(([name, value]) => {
      if (typeof value === 'string' || typeof value === 'number') return [name, value];
      if (value instanceof Uint8Array) return [name, Buffer.from(value).toString('base64')];
      const text = String(value);
      return [name, String(Number(text)) === text ? Number(text) : text];
    }),
  );
}

/** Passed when no sampled item is missing from the restored table or differs there. */
export function sampleVerdict({ samples, requestedCount, recoveryPointAt, modifiedAtAttribute }: SampleReading): CheckVerdict {
  const outcomes = samples.map((sample) => ({ sample, outcome: sampleOutcome(sample, recoveryPointAt, modifiedAtAttribute) }));
  const keysWith = (outcome: SampleOutcome) => outcomes.filter((entry) => entry.outcome === outcome).map(({ sample }) => displayKey(sample.key));
  const equal = keysWith('equal').length;
  const missing = keysWith('missing');
  const skipped = keysWith('skipped');
  const different = outcomes
    .filter((entry) => entry.outcome === 'different')
    .map(({ sample }) => ({ key: displayKey(sample.key), attributes: differingAttributes(sample.source, sample.restored ?? {}) }));
  const counted = [`${equal} equal`, `${missing.length} missing`, `${different.length} different`];
  if (modifiedAtAttribute !== undefined) counted.push(`${skipped.length} skipped (${modifiedAtAttribute} after the recovery point)`);
  const sampled = samples.length === 0 ? 'the source has no items to sample' : `${items(samples.length)} sampled: ${counted.join(', ')}`;
  return {
    passed: missing.length === 0 && different.length === 0,
    expected: `${items(requestedCount)} sampled from the source, each in the restored table and equal`,
    actual: samples.length < requestedCount && samples.length > 0 ? `${sampled} (the source holds fewer than ${requestedCount})` : sampled,
    details: { requestedCount, sampled: samples.length, equal, missing, different, skipped, recoveryPointAt },
  };
}

/** A SHA-256 over a set of items (see itemDigest) and how many there were. */
export interface ItemSetDigest {
  readonly sha256: string;
  readonly itemCount: number;
}

export interface ChecksumReading {
  /** Which items, e.g. `partition pk = "orders" (sk between "a" and "m")`. */
  readonly scope: string;
  readonly restored: ItemSetDigest;
  /** The same scope in the source now, or a hash recorded earlier. */
  readonly expected: ({ readonly basis: 'source' } & ItemSetDigest) | { readonly basis: 'recorded'; readonly sha256: string };
}

/** Passed when the restored items hash to exactly what was expected. */
export function checksumVerdict({ scope, restored, expected }: ChecksumReading): CheckVerdict {
  const expectedText =
    expected.basis === 'source'
      ? `SHA-256 ${expected.sha256} over ${scope}: the source's ${items(expected.itemCount)} now`
      : `SHA-256 ${expected.sha256} over ${scope}, as recorded in the plan`;
  return {
    passed: restored.sha256 === expected.sha256,
    expected: expectedText,
    actual: `SHA-256 ${restored.sha256} over ${items(restored.itemCount)}`,
    details: {
      scope,
      basis: expected.basis,
      restoredSha256: restored.sha256,
      restoredItemCount: restored.itemCount,
      expectedSha256: expected.sha256,
      ...(expected.basis === 'source' && { sourceItemCount: expected.itemCount }),
    },
  };
}

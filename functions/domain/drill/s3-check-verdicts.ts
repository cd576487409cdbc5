import { createHash } from 'node:crypto';
import type { CheckVerdict } from './check-verdicts.js';
import { compareS3Keys } from './s3-recovery-point.js';

/*
 * What the S3 checks conclude from what they read: pure, so every rule is tested without a bucket. Object checksums
 * are SHA-256 in base64, as S3 gives them (x-amz-checksum-sha256); a digest over many objects is hex.
 */

const objects = (count: number): string => `${count} ${count === 1 ? 'object' : 'objects'}`;
const bytes = (count: number): string => `${count} ${count === 1 ? 'byte' : 'bytes'}`;

/** How many objects, and how many bytes they hold. */
export interface BucketTotals {
  readonly objects: number;
  readonly bytes: number;
}

export type BucketTotalsBasis = 'plan' | 'source-at-recovery-point';

const withinTolerance = (actual: number, expected: number, tolerancePercent: number): boolean =>
  Math.abs(actual - expected) <= Math.floor((expected * tolerancePercent) / 100);

/** Passed when both the object count and the total bytes lie within tolerancePercent of what was expected. */
export function objectCountVerdict(input: { readonly scope: string; readonly actual: BucketTotals; readonly expected: BucketTotals; readonly tolerancePercent: number; readonly basis: BucketTotalsBasis }): CheckVerdict {
  const { scope, actual, expected, tolerancePercent, basis } = input;
  const tolerance = tolerancePercent > 0 ? ` (each ±${tolerancePercent}%)` : '';
  const from = basis === 'plan' ? 'as the plan states' : "the source's at the recovery point";
  const objectsOk = withinTolerance(actual.objects, expected.objects, tolerancePercent);
  const bytesOk = withinTolerance(actual.bytes, expected.bytes, tolerancePercent);
  return {
    passed: objectsOk && bytesOk,
    expected: `${objects(expected.objects)} holding ${bytes(expected.bytes)}${tolerance} in ${scope}, ${from}`,
    actual: `${objects(actual.objects)} holding ${bytes(actual.bytes)}${objectsOk ? '' : ': the count is off'}${bytesOk ? '' : ': the total size is off'}`,
    details: { scope, basis, tolerancePercent, actualObjects: actual.objects, actualBytes: actual.bytes, expectedObjects: expected.objects, expectedBytes: expected.bytes },
  };
}

/** One sampled key: the SHA-256 of the source's version at the recovery point, and of the restored object. */
export interface SampledObject {
  readonly key: string;
  /** The source version the key held at the recovery point. */
  readonly sourceVersionId: string;
  readonly sourceSha256: string;
  /** Undefined when the restored bucket has no object at the key. */
  readonly restoredSha256: string | undefined;
}

/** Passed when every sampled key is in the restored bucket with the bytes the source held at the recovery point. */
export function objectSampleVerdict(input: { readonly samples: readonly SampledObject[]; readonly requestedCount: number; readonly recoveryPointAt: string; readonly scope: string }): CheckVerdict {
  const { samples, requestedCount, recoveryPointAt, scope } = input;
  const missing = samples.filter((sample) => sample.restoredSha256 === undefined).map((sample) => sample.key);
  const different = samples
    .filter((sample) => sample.restoredSha256 !== undefined && sample.restoredSha256 !== sample.sourceSha256)
    .map(({ key, sourceVersionId, sourceSha256, restoredSha256 }) => ({ key, sourceVersionId, sourceSha256, restoredSha256 }));
  const equal = samples.length - missing.length - different.length;
  const named = [...missing.map((key) => `${key} (missing)`), ...different.map(({ key }) => `${key} (different)`)];
  const counted = `${objects(samples.length)} sampled: ${equal} equal, ${missing.length} missing, ${different.length} different`;
  const sampled = samples.length === 0 ? `the source held no objects in ${scope} at the recovery point` : named.length > 0 ? `${counted}: ${named.join(', ')}` : counted;
  return {
    passed: missing.length === 0 && different.length === 0,
    expected: `${objects(requestedCount)} sampled from the source's ${scope} as it stood at ${recoveryPointAt}, each restored with the same SHA-256`,
    actual: samples.length < requestedCount && samples.length > 0 ? `${sampled} (the source held fewer than ${requestedCount})` : sampled,
    details: { scope, recoveryPointAt, requestedCount, sampled: samples.length, equal, missing, different },
  };
}

/** A key and its object's SHA-256 (base64). */
export interface KeyChecksum {
  readonly key: string;
  readonly sha256: string;
}

/**
 * One hex SHA-256 over objects: their keys in S3 order, each with its object's SHA-256, one JSON line each (JSON
 * escapes newlines, so a key cannot pass for two lines). Equal digests mean the same keys with the same bytes.
 */
export function prefixDigest(entries: readonly KeyChecksum[]): string {
  const hash = createHash('sha256');
  for (const { key, sha256 } of [...entries].sort((a, b) => compareS3Keys(a.key, b.key))) hash.update(`${JSON.stringify([key, sha256])}\n`, 'utf8');
  return hash.digest('hex');
}

/** Keys named in a failed verdict at most: the rest is counted. */
const MAX_NAMED_KEYS = 20;

/** The keys that differ between two listings: only in one, or with other bytes. */
function differingKeys(restored: readonly KeyChecksum[], expected: readonly KeyChecksum[]): { missing: string[]; unexpected: string[]; changed: string[] } {
  const restoredByKey = new Map(restored.map((entry) => [entry.key, entry.sha256]));
  const expectedByKey = new Map(expected.map((entry) => [entry.key, entry.sha256]));
  const sorted = (keys: Iterable<string>) => [...keys].sort(compareS3Keys);
  return {
    missing: sorted([...expectedByKey.keys()].filter((key) => !restoredByKey.has(key))),
    unexpected: sorted([...restoredByKey.keys()].filter((key) => !expectedByKey.has(key))),
    changed: sorted([...expectedByKey].filter(([key, sha256]) => restoredByKey.has(key) && restoredByKey.get(key) !== sha256).map(([key]) => key)),
  };
}

export type PrefixExpectation =
  | { readonly basis: 'source-at-recovery-point'; readonly entries: readonly KeyChecksum[] }
  | { readonly basis: 'recorded'; readonly sha256: string };

/** Passed when the restored prefix digests to what was expected; against the source, the differing keys are named. */
export function prefixChecksumVerdict(input: { readonly scope: string; readonly restored: readonly KeyChecksum[]; readonly expected: PrefixExpectation }): CheckVerdict {
  const { scope, restored, expected } = input;
  const restoredSha256 = prefixDigest(restored);
  const expectedSha256 = expected.basis === 'recorded' ? expected.sha256 : prefixDigest(expected.entries);
  const passed = restoredSha256 === expectedSha256;
  const differences = !passed && expected.basis === 'source-at-recovery-point' ? differingKeys(restored, expected.entries) : undefined;
  const named = differences
    ? [...differences.changed.map((key) => `${key} (different)`), ...differences.missing.map((key) => `${key} (missing)`), ...differences.unexpected.map((key) => `${key} (not in the source)`)]
    : [];
  const shown = named.length > MAX_NAMED_KEYS ? [...named.slice(0, MAX_NAMED_KEYS), `and ${named.length - MAX_NAMED_KEYS} more`] : named;
  return {
    passed,
    expected:
      expected.basis === 'recorded'
        ? `SHA-256 ${expectedSha256} over ${scope}, as recorded in the plan`
        : `SHA-256 ${expectedSha256} over ${scope}: the source's ${objects(expected.entries.length)} at the recovery point`,
    actual: `SHA-256 ${restoredSha256} over ${objects(restored.length)}${shown.length > 0 ? `: ${shown.join(', ')}` : ''}`,
    details: {
      scope,
      basis: expected.basis,
      restoredSha256,
      restoredObjectCount: restored.length,
      expectedSha256,
      ...(expected.basis === 'source-at-recovery-point' && { sourceObjectCount: expected.entries.length }),
      ...(differences && differences),
    },
  };
}

/** Up to `count` of the items, chosen at random (Fisher-Yates, with the random source given). */
export function pickSample<T>(items: readonly T[], count: number, random: () => number = Math.random): T[] {
  const pool = [...items];
  for (let index = pool.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [pool[index], pool[other]] = [pool[other]!, pool[index]!];
  }
  return pool.slice(0, count);
}

/** A key the plan pins: the hex SHA-256 its restored object must have, and the restored object's (base64, as S3 gives it). */
export interface PinnedObject {
  readonly key: string;
  readonly expectedSha256Hex: string;
  readonly restoredSha256: string | undefined;
}

/** Passed when every pinned key is restored holding exactly the bytes the plan pinned; each one that is not is named. */
export function pinnedObjectsVerdict(pinned: readonly PinnedObject[], scope: string): CheckVerdict {
  const hexOf = (base64: string): string => Buffer.from(base64, 'base64').toString('hex');
  const missing = pinned.filter((entry) => entry.restoredSha256 === undefined).map((entry) => entry.key);
  const different = pinned
    .filter((entry) => entry.restoredSha256 !== undefined && hexOf(entry.restoredSha256) !== entry.expectedSha256Hex)
    .map((entry) => ({ key: entry.key, expectedSha256: entry.expectedSha256Hex, restoredSha256: hexOf(entry.restoredSha256!) }));
  const named = [...missing.map((key) => `${key} (missing)`), ...different.map(({ key }) => `${key} (different)`)];
  const counted = `${pinned.length} pinned: ${pinned.length - missing.length - different.length} as pinned, ${missing.length} missing, ${different.length} different`;
  return {
    passed: missing.length === 0 && different.length === 0,
    expected: `${pinned.length} pinned key(s) in ${scope}, each restored with the SHA-256 the plan states`,
    actual: named.length > 0 ? `${counted}: ${named.join(', ')}` : counted,
    details: { pinned: pinned.length, missing, different },
  };
}

/** Both verdicts of one check (sampled keys and pinned keys) as one: it passes when both do. */
export function bothVerdicts(first: CheckVerdict, second: CheckVerdict): CheckVerdict {
  return {
    passed: first.passed && second.passed,
    expected: `${first.expected}; ${second.expected}`,
    actual: `${first.actual}; ${second.actual}`,
    details: { ...first.details, pinned: second.details },
  };
}

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import { canaryObjectBody, canaryWrittenAtOf } from '../../functions/domain/drill/s3-canary.js';
import { bothVerdicts, objectCountVerdict, objectSampleVerdict, pickSample, pinnedObjectsVerdict, prefixChecksumVerdict, prefixDigest } from '../../functions/domain/drill/s3-check-verdicts.js';
import { decideRestoredCleanup } from '../../functions/domain/drill/cleanup-guard.js';
import { objectsAtRecoveryPoint, type ListedVersion } from '../../functions/domain/drill/s3-recovery-point.js';

const version = (key: string, versionId: string, lastModified: string, size = 1, isDeleteMarker = false): ListedVersion => ({ key, versionId, lastModified, size, isDeleteMarker });

describe('a bucket at its recovery point', () => {
  // As ListObjectVersions lists them: by key, each key's entries newest first.
  const listing = [
    version('a', 'a2', '2026-12-01T10:00:05.000Z', 20),
    version('a', 'a1', '2026-12-01T09:00:00.000Z', 10),
    version('b', 'b-marker', '2026-12-01T09:30:00.000Z', 0, true),
    version('b', 'b1', '2026-12-01T09:00:00.000Z', 5),
    version('c', 'c1', '2026-12-01T10:00:06.000Z', 7),
    version('d', 'd-marker', '2026-12-01T10:30:00.000Z', 0, true),
    version('d', 'd1', '2026-12-01T09:00:00.000Z', 3),
  ];

  it('holds, per key, the newest version written at or before the point: not later changes, not what a delete marker hid, not keys written after', () => {
    expect(objectsAtRecoveryPoint(listing, '2026-12-01T10:00:00.000Z')).toEqual([
      { key: 'a', versionId: 'a1', size: 10 },
      { key: 'd', versionId: 'd1', size: 3 },
    ]);
    expect(objectsAtRecoveryPoint(listing, '2026-12-01T11:00:00.000Z')).toEqual([
      { key: 'a', versionId: 'a2', size: 20 },
      { key: 'c', versionId: 'c1', size: 7 },
    ]);
  });

  it('takes the first listed (newest) of two versions in the same second, and sorts keys by UTF-8 bytes as S3 does', () => {
    const sameSecond = [version('k', 'newer', '2026-12-01T10:00:00.000Z'), version('k', 'older', '2026-12-01T10:00:00.000Z'), version('Z', 'z', '2026-12-01T09:00:00.000Z'), version('é', 'e', '2026-12-01T09:00:00.000Z')];
    expect(objectsAtRecoveryPoint(sameSecond, '2026-12-01T10:00:00.000Z').map((object) => object.versionId)).toEqual(['z', 'newer', 'e']);
    expect(() => objectsAtRecoveryPoint(sameSecond, 'yesterday')).toThrow(/not a time/);
  });
});

describe('S3 check verdicts', () => {
  it('object count and total bytes: each within tolerance, and a failure says which was off', () => {
    const base = { scope: 's3://irdr-drill-x', tolerancePercent: 10, basis: 'source-at-recovery-point' as const };
    expect(objectCountVerdict({ ...base, actual: { objects: 95, bytes: 1_050 }, expected: { objects: 100, bytes: 1_000 } }).passed).toBe(true);
    const tooFewBytes = objectCountVerdict({ ...base, actual: { objects: 100, bytes: 800 }, expected: { objects: 100, bytes: 1_000 } });
    expect(tooFewBytes).toMatchObject({ passed: false, actual: '100 objects holding 800 bytes: the total size is off' });
    expect(tooFewBytes.expected).toBe("100 objects holding 1000 bytes (each ±10%) in s3://irdr-drill-x, the source's at the recovery point");
    // No tolerance: an empty source allows only an empty restore.
    expect(objectCountVerdict({ ...base, tolerancePercent: 0, actual: { objects: 1, bytes: 0 }, expected: { objects: 0, bytes: 0 } })).toMatchObject({ passed: false, actual: '1 object holding 0 bytes: the count is off' });
  });

  it('sampled objects: a missing key and a key restored with other bytes each fail the check, and are named', () => {
    const verdict = objectSampleVerdict({
      scope: 's3://src',
      requestedCount: 3,
      recoveryPointAt: '2026-12-01T10:00:00.000Z',
      samples: [
        { key: 'same', sourceVersionId: 'v1', sourceSha256: 'AAA=', restoredSha256: 'AAA=' },
        { key: 'gone', sourceVersionId: 'v2', sourceSha256: 'BBB=', restoredSha256: undefined },
        { key: 'changed', sourceVersionId: 'v3', sourceSha256: 'CCC=', restoredSha256: 'DDD=' },
      ],
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.actual).toBe('3 objects sampled: 1 equal, 1 missing, 1 different: gone (missing), changed (different)');
    expect(verdict.details).toMatchObject({ missing: ['gone'], different: [{ key: 'changed', sourceVersionId: 'v3', sourceSha256: 'CCC=', restoredSha256: 'DDD=' }] });
    expect(objectSampleVerdict({ scope: 's3://src', requestedCount: 2, recoveryPointAt: 'x', samples: [{ key: 'k', sourceVersionId: 'v', sourceSha256: 'A', restoredSha256: 'A' }] })).toMatchObject({
      passed: true,
      actual: '1 object sampled: 1 equal, 0 missing, 0 different (the source held fewer than 2)',
    });
  });

  it('prefix digest: independent of listing order, changed by any key or byte, and a key holding a newline cannot pass for two objects', () => {
    const entries = [
      { key: 'p/a', sha256: 'A=' },
      { key: 'p/b', sha256: 'B=' },
    ];
    expect(prefixDigest(entries)).toBe(prefixDigest([...entries].reverse()));
    expect(prefixDigest(entries)).not.toBe(prefixDigest([entries[0]!, { key: 'p/b', sha256: 'C=' }]));
    expect(prefixDigest(entries)).not.toBe(prefixDigest([entries[0]!, { key: 'p/c', sha256: 'B=' }]));
    // A forged key that spells out the line of another entry.
    const spliced = [{ key: `p/a","A="]\n["p/b`, sha256: 'B=' }];
    expect(prefixDigest(spliced)).not.toBe(prefixDigest(entries));
  });

  it('prefix checksum against the source names each differing key; against a recorded digest it can only compare the digests', () => {
    const source = [
      { key: 'p/a', sha256: 'A=' },
      { key: 'p/b', sha256: 'B=' },
      { key: 'p/c', sha256: 'C=' },
    ];
    const restored = [
      { key: 'p/a', sha256: 'A=' },
      { key: 'p/b', sha256: 'X=' },
      { key: 'p/z', sha256: 'Z=' },
    ];
    const verdict = prefixChecksumVerdict({ scope: 'p/', restored, expected: { basis: 'source-at-recovery-point', entries: source } });
    expect(verdict.passed).toBe(false);
    expect(verdict.actual).toBe(`SHA-256 ${prefixDigest(restored)} over 3 objects: p/b (different), p/c (missing), p/z (not in the source)`);
    expect(verdict.details).toMatchObject({ changed: ['p/b'], missing: ['p/c'], unexpected: ['p/z'], sourceObjectCount: 3 });
    expect(prefixChecksumVerdict({ scope: 'p/', restored: source, expected: { basis: 'source-at-recovery-point', entries: [...source].reverse() } }).passed).toBe(true);
    expect(prefixChecksumVerdict({ scope: 'p/', restored: source, expected: { basis: 'recorded', sha256: prefixDigest(source) } }).passed).toBe(true);
    expect(prefixChecksumVerdict({ scope: 'p/', restored, expected: { basis: 'recorded', sha256: prefixDigest(source) } })).toMatchObject({ passed: false });
  });

  it('a sample is at most count items, each at most once', () => {
    const keys = Array.from({ length: 50 }, (_, index) => `k${index}`);
    const sample = pickSample(keys, 10, () => 0.42);
    expect(sample).toHaveLength(10);
    expect(new Set(sample).size).toBe(10);
    expect(pickSample(keys.slice(0, 3), 10)).toHaveLength(3);
  });
});

describe('pinned keys', () => {
  const hex = (text: string) => createHash('sha256').update(text).digest('hex');
  const base64 = (text: string) => createHash('sha256').update(text).digest('base64');

  it('passes only when every pinned key is restored with the pinned bytes; a missing or different one is named', () => {
    const pinned = [
      { key: 'ledger/2025.json', expectedSha256Hex: hex('closed'), restoredSha256: base64('closed') },
      { key: 'ledger/2024.json', expectedSha256Hex: hex('closed'), restoredSha256: base64('rewritten') },
      { key: 'ledger/2023.json', expectedSha256Hex: hex('closed'), restoredSha256: undefined },
    ];
    expect(pinnedObjectsVerdict(pinned.slice(0, 1), 's3://irdr-drill-x')).toMatchObject({ passed: true, actual: '1 pinned: 1 as pinned, 0 missing, 0 different' });
    const failed = pinnedObjectsVerdict(pinned, 's3://irdr-drill-x');
    expect(failed).toMatchObject({ passed: false, actual: '3 pinned: 1 as pinned, 1 missing, 1 different: ledger/2023.json (missing), ledger/2024.json (different)' });
    expect(failed.details).toMatchObject({ different: [{ key: 'ledger/2024.json', expectedSha256: hex('closed'), restoredSha256: hex('rewritten') }] });
    // Joined with the sample: one failing half fails the check.
    expect(bothVerdicts({ passed: true, expected: 'a', actual: 'b' }, failed)).toMatchObject({ passed: false, actual: `b; ${failed.actual}` });
  });
});

describe('the S3 canary', () => {
  it('reads back the time it was written, and nothing from a body that is no canary', () => {
    expect(canaryWrittenAtOf(canaryObjectBody('bucket-plan', '2026-12-01T10:00:00.000Z'))).toBe('2026-12-01T10:00:00.000Z');
    expect(canaryWrittenAtOf('{"writtenAt":"2026-12-01T10:00:00.000Z"}')).toBeUndefined();
    expect(canaryWrittenAtOf('not json')).toBeUndefined();
  });
});

describe('bucket cleanup guard (the one guard every restored type goes through)', () => {
  const bucket = 'irdr-drill-bucket-plan-run1';
  const facts = { restored: { type: 'S3' as const, name: bucket, arn: `arn:aws:s3:::${bucket}` }, tags: { [DRILL_RUN_TAG]: 'run1' }, runId: 'run1', source: { arn: 'arn:aws:s3:::orders', name: 'orders' } };

  it('allows only a bucket with the drill prefix, not the source, tagged with this run; each refusal names why', () => {
    expect(decideRestoredCleanup(facts)).toEqual({ allowed: true });
    expect(decideRestoredCleanup({ ...facts, source: { arn: facts.restored.arn, name: bucket } })).toEqual({ allowed: false, reason: `${bucket} is the drill's source` });
    expect(decideRestoredCleanup({ ...facts, restored: { type: 'S3', name: 'orders-backup', arn: 'arn:aws:s3:::orders-backup' } })).toEqual({ allowed: false, reason: 'orders-backup does not start with the drill prefix "irdr-drill-"' });
    expect(decideRestoredCleanup({ ...facts, tags: {} })).toEqual({ allowed: false, reason: `${bucket} has no ${DRILL_RUN_TAG} tag: no drill run claimed it` });
    expect(decideRestoredCleanup({ ...facts, tags: { [DRILL_RUN_TAG]: 'run2' } })).toEqual({ allowed: false, reason: `${bucket} is tagged ${DRILL_RUN_TAG}=run2, not this run (run1)` });
    // A tag object whose prototype would answer for the run tag does not count.
    expect(decideRestoredCleanup({ ...facts, tags: Object.create({ [DRILL_RUN_TAG]: 'run1' }) as Record<string, string> }).allowed).toBe(false);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { drillPlanHash } from '../../functions/domain/drill/plan-hash.js';
import {
  addListedObjects,
  finishObjectSegment,
  listingPrefixOf,
  partitionBoundaries,
  planObjectScans,
  rangesDigest,
  startObjectSegment,
  sumObjectSegments,
  type ObjectListRequest,
  type ObjectProgress,
  type ObjectScan,
} from '../../functions/domain/drill/object-segments.js';
import { rangedPrefixChecksumVerdict } from '../../functions/domain/drill/ranged-prefix-verdict.js';
import { prefixDigest } from '../../functions/domain/drill/s3-check-verdicts.js';
import { compareS3Keys } from '../../functions/domain/drill/s3-recovery-point.js';
import { SegmentCountsInvalid } from '../../functions/domain/drill/scan-segments.js';
import { sha256Digest, sha256Start, sha256Update } from '../../functions/domain/resumable-sha256.js';

const AT = '2026-12-07T03:00:00.000Z';
const request = (boundaries: string[], measure: ObjectListRequest['measure'] = 'totals'): ObjectListRequest => ({
  checkId: 'object-count',
  measure,
  prefix: 'orders/',
  exclude: ['irdr-canary/x'],
  atPoint: AT,
  buckets: [{ role: 'restored', bucket: 'irdr-drill-orders-run-1' }, { role: 'source', bucket: 'orders-archive' }],
  boundaries,
});

/** Every key of `keys` listed into the range that holds it, as the ranges' invocations would (one page per key). */
function listAll(scans: readonly ObjectScan[], keys: readonly string[], sha = (key: string) => createHash('sha256').update(key).digest('base64')): ObjectProgress[] {
  return scans.map((scan) => {
    let progress = startObjectSegment(scan, undefined);
    for (const key of [...keys].sort(compareS3Keys)) {
      const above = scan.after === undefined || compareS3Keys(key, scan.after) > 0;
      const within = scan.through === undefined || compareS3Keys(key, scan.through) <= 0;
      // A carried progress travels as JSON through the execution's state, as between two invocations.
      if (above && within) progress = startObjectSegment(scan, JSON.parse(JSON.stringify(addListedObjects(progress, [{ key, size: key.length, sha256: sha(key) }], key))) as ObjectProgress);
    }
    return finishObjectSegment({ ...progress, invocations: 1 });
  });
}

describe('a SHA-256 carried between invocations', () => {
  it('equals node:crypto over the same bytes, wherever the data is cut and however the state travels (JSON)', () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 127, 128, 4097]) {
      const data = randomBytes(size);
      let state = sha256Start();
      for (let at = 0; at < size; ) {
        const step = 1 + Math.floor(Math.random() * 70);
        state = JSON.parse(JSON.stringify(sha256Update(state, data.subarray(at, at + step))));
        at += step;
      }
      expect(sha256Digest(state)).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});

describe('cutting a prefix into key ranges', () => {
  it('cuts evenly among the top-level entries, at most segments - 1 times, never twice at one key', () => {
    const folders = Array.from({ length: 12 }, (_, month) => `orders/2026-${String(month + 1).padStart(2, '0')}/`);
    expect(partitionBoundaries(folders, 4)).toEqual(['orders/2026-04/', 'orders/2026-07/', 'orders/2026-10/']);
    expect(partitionBoundaries(folders, 100)).toHaveLength(11);
    expect(partitionBoundaries(['orders/a/', 'orders/a/'], 4)).toEqual(['orders/a/'].slice(1));
    expect(partitionBoundaries([], 8)).toEqual([]);
  });

  it('plans (after, through] ranges per bucket, the source read at the recovery point, thinned out past the room left', () => {
    const scans = planObjectScans([request(['orders/b/', 'orders/d/'])], 300);
    expect(scans.filter((scan) => scan.role === 'restored').map(({ after, through, segment, totalSegments }) => ({ after, through, segment, totalSegments }))).toEqual([
      { after: undefined, through: 'orders/b/', segment: 0, totalSegments: 3 },
      { after: 'orders/b/', through: 'orders/d/', segment: 1, totalSegments: 3 },
      { after: 'orders/d/', through: undefined, segment: 2, totalSegments: 3 },
    ]);
    expect(scans.every((scan) => (scan.role === 'source') === (scan.atPoint === AT))).toBe(true);
    const thinned = planObjectScans([request(Array.from({ length: 99 }, (_, index) => `orders/${String(index).padStart(3, '0')}/`))], 20);
    expect(thinned).toHaveLength(20);
    expect(thinned[0]!.totalSegments).toBe(10);
  });

  it('lists a range under the common prefix of its bounds, never half a character, never less than the check prefix', () => {
    expect(listingPrefixOf({ prefix: 'orders/', after: 'orders/2026-02/', through: 'orders/2026-04/' })).toBe('orders/2026-0');
    expect(listingPrefixOf({ prefix: 'orders/', after: 'orders/a', through: 'orders/b' })).toBe('orders/');
    expect(listingPrefixOf({ prefix: 'orders/', through: 'orders/b' })).toBe('orders/');
    expect(listingPrefixOf({ prefix: '', after: 'x\uD83D\uDE00', through: 'x\uD83D\uDE01' })).toBe('x');
  });

  it('holds every key exactly once, whatever the cuts: a key equal to a cut, keys between folders, the first and last keys', () => {
    const keys = ['orders/', 'orders/a', 'orders/b/', 'orders/b/1', 'orders/b0', 'orders/c/x', 'orders/d/', 'orders/d/1', 'orders/zz', 'orders/é'];
    for (const cuts of [[], ['orders/b/'], ['orders/b/', 'orders/d/'], ['orders/', 'orders/b0', 'orders/é']]) {
      const scans = planObjectScans([{ ...request(cuts), buckets: [{ role: 'restored', bucket: 'irdr-drill-x' }] }], 300);
      const summed = sumObjectSegments(scans, listAll(scans, keys), 'object-count', 'restored');
      expect(summed.objects).toBe(keys.length);
      expect(summed.bytes).toBe(keys.reduce((sum, key) => sum + key.length, 0));
    }
  });
});

describe('summing key ranges', () => {
  const keys = Array.from({ length: 30 }, (_, index) => `orders/${String.fromCharCode(97 + (index % 6))}/${index}`);
  const scans = planObjectScans([request(['orders/b/', 'orders/d/'])], 300);
  const listed = listAll(scans, keys);

  it('sums each side only when every range 0…N-1 was listed to its end exactly once', () => {
    expect(sumObjectSegments(scans, listed, 'object-count', 'restored')).toMatchObject({ objects: 30, totalSegments: 3, invocations: 3 });
  });

  it('refuses a missing range, a doubled one, an unfinished one, and one whose bounds or bucket were not planned', () => {
    const refused = (counted: readonly ObjectProgress[], message: RegExp) => expect(() => sumObjectSegments(scans, counted, 'object-count', 'restored')).toThrow(message);
    const restored = listed.filter((entry) => entry.role === 'restored');
    refused(restored.slice(1), /1 of 3 key ranges of s3:\/\/irdr-drill-orders-run-1 were not listed \(0\)/);
    refused([...restored, restored[1]!], /range 1 of s3:\/\/irdr-drill-orders-run-1 was listed twice/);
    refused([{ ...restored[0]!, done: false }, ...restored.slice(1)], /range 0 .* stopped before its end/);
    // A range stretched to cover its neighbour's keys as well, which would count them twice.
    refused([{ ...restored[0]!, through: 'orders/d/' }, ...restored.slice(1)], /which was not planned/);
    refused([{ ...restored[0]!, bucket: 'orders-archive' }, ...restored.slice(1)], /which was not planned/);
    expect(() => sumObjectSegments(scans, listed, 'prefix-checksum', 'restored')).toThrow(SegmentCountsInvalid);
  });

  it("refuses a progress carried into a range that is another's, or already finished, or has lost its digest", () => {
    const [first, second] = scans;
    const progress = addListedObjects(startObjectSegment(first!, undefined), [{ key: 'orders/a/1', size: 1 }], 'orders/a/1');
    expect(() => startObjectSegment(second!, progress)).toThrow(/belongs to another range/);
    expect(() => startObjectSegment(first!, { ...progress, after: 'orders/' })).toThrow(/belongs to another range/);
    expect(() => startObjectSegment(first!, finishObjectSegment(progress))).toThrow(/already listed/);
    const hashed = planObjectScans([request([], 'checksums')], 300)[0]!;
    const { digest: _lost, ...withoutDigest } = startObjectSegment(hashed, undefined);
    expect(() => startObjectSegment(hashed, withoutDigest)).toThrow(/lost its running digest/);
  });

  it('leaves the canary keys out on both sides', () => {
    const progress = addListedObjects(startObjectSegment(scans[0]!, undefined), [{ key: 'irdr-canary/x', size: 50 }, { key: 'orders/a/1', size: 1 }], 'orders/a/1');
    expect(progress).toMatchObject({ objects: 1, bytes: 1, resumeAfter: 'orders/a/1' });
  });
});

describe('a prefix checksum in key ranges', () => {
  const keys = ['orders/a/1', 'orders/a/2', 'orders/b/1', 'orders/c/1', 'orders/c/2'];
  const hashOf = (key: string) => createHash('sha256').update(`body of ${key}`).digest('base64');
  const sideOf = (cuts: string[], sha = hashOf, present = keys) => {
    const scans = planObjectScans([{ ...request(cuts, 'checksums'), checkId: 'prefix-checksum' }], 300);
    return { scans, listed: listAll(scans, present, sha) };
  };

  it("as one range, digests to exactly prefixDigest over the prefix, so a digest the plan recorded still holds", () => {
    const { scans, listed } = sideOf([]);
    const restored = sumObjectSegments(scans, listed, 'prefix-checksum', 'restored');
    expect(restored.sha256).toBe(prefixDigest(keys.map((key) => ({ key, sha256: hashOf(key) }))));
    expect(rangedPrefixChecksumVerdict({ scope: 'orders/', restored, expected: { basis: 'recorded', sha256: restored.sha256! } }).passed).toBe(true);
  });

  it('passes when both sides hold the same keys and bytes; fails naming the range of a changed, a missing and an added key', () => {
    const { scans, listed } = sideOf(['orders/b/']);
    const same = rangedPrefixChecksumVerdict({ scope: 'orders/', restored: sumObjectSegments(scans, listed, 'prefix-checksum', 'restored'), expected: { basis: 'source-at-recovery-point', source: sumObjectSegments(scans, listed, 'prefix-checksum', 'source') } });
    expect(same).toMatchObject({ passed: true, details: { counting: 'key ranges', segments: 2 } });
    expect(same.expected).toMatch(/the source's 5 objects at the recovery point, in 2 key ranges$/);

    const restoredChanged = listAll(scans.filter((scan) => scan.role === 'restored'), keys, (key) => (key === 'orders/c/2' ? hashOf('other') : hashOf(key)));
    const source = listed.filter((entry) => entry.role === 'source');
    const changed = rangedPrefixChecksumVerdict({ scope: 'orders/', restored: sumObjectSegments(scans, restoredChanged, 'prefix-checksum', 'restored'), expected: { basis: 'source-at-recovery-point', source: sumObjectSegments(scans, source, 'prefix-checksum', 'source') } });
    expect(changed.passed).toBe(false);
    expect(changed.actual).toMatch(/: keys after "orders\/b\/": 3 objects restored, 3 objects at the point, other bytes or keys$/);

    const restoredShort = listAll(scans.filter((scan) => scan.role === 'restored'), keys.filter((key) => key !== 'orders/a/2'), hashOf);
    const short = rangedPrefixChecksumVerdict({ scope: 'orders/', restored: sumObjectSegments(scans, restoredShort, 'prefix-checksum', 'restored'), expected: { basis: 'source-at-recovery-point', source: sumObjectSegments(scans, source, 'prefix-checksum', 'source') } });
    expect(short.actual).toMatch(/: keys through "orders\/b\/": 1 object restored, 2 objects at the point, keys missing or added$/);
  });

  it('a several-range digest differs from a one-range digest of other ranges: the two sides are always cut alike', () => {
    const ranges = [{ segment: 0, objects: 1, bytes: 1, sha256: 'a'.repeat(64) }, { segment: 1, objects: 1, bytes: 1, sha256: 'b'.repeat(64) }];
    expect(rangesDigest(ranges)).not.toBe(rangesDigest([{ ...ranges[1]!, segment: 0 }, { ...ranges[0]!, segment: 1 }]));
    expect(rangesDigest([ranges[0]!])).toBe('a'.repeat(64));
  });
});

describe('the plan', () => {
  it('takes segments on object-count and prefix-checksum; plans without it keep their hash', () => {
    const plan = {
      id: 'bucket', title: 'Bucket', owner: 'sre@example.com', schedule: { expression: 'cron(0 4 ? * SUN *)' },
      source: { type: 'aws-backup-resource', resourceType: 'S3', resourceArn: 'arn:aws:s3:::orders-archive' },
      driver: { type: 'aws-backup', restoreRoleArn: 'arn:aws:iam::123456789012:role/restore' },
      targets: { rtoMinutes: 60, rpoMinutes: 60 },
      checks: [{ type: 'object-count' }, { type: 'prefix-checksum', prefix: 'orders/' }],
      recipients: { roles: ['commander'] },
      controls: ['SOC2 A1.3'],
    };
    const before = DrillPlan.parse(plan);
    expect(JSON.stringify(before)).not.toContain('segments');
    const withSegments = DrillPlan.parse({ ...plan, checks: [{ type: 'object-count', segments: 8 }, { type: 'prefix-checksum', prefix: 'orders/', segments: 4 }] });
    expect(drillPlanHash(withSegments)).not.toBe(drillPlanHash(before));
    expect(DrillPlan.safeParse({ ...plan, checks: [{ type: 'object-count', segments: 0 }] }).success).toBe(false);
  });
});

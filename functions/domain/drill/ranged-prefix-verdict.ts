import type { CheckVerdict } from './check-verdicts.js';
import { rangeInWords, type ListedRange, type SummedObjects } from './object-segments.js';

const objects = (count: number): string => `${count} ${count === 1 ? 'object' : 'objects'}`;

/** Ranges named in a failed verdict at most: the rest is counted. */
const MAX_NAMED_RANGES = 10;

/** The ranges whose keys or bytes differ between the two sides (the same cuts on both). */
function differingRanges(restored: readonly ListedRange[], expected: readonly ListedRange[]): string[] {
  const bySegment = new Map(expected.map((range) => [range.segment, range]));
  return restored.flatMap((range) => {
    const other = bySegment.get(range.segment);
    if (other?.sha256 === range.sha256) return [];
    return [`${rangeInWords(range)}: ${objects(range.objects)} restored, ${objects(other?.objects ?? 0)} at the point, ${range.objects === (other?.objects ?? 0) ? 'other bytes or keys' : 'keys missing or added'}`];
  });
}

/**
 * A prefix checksum read in key ranges (the fan-out): passed when the restored prefix digests to the source's at the
 * recovery point (the same ranges, so range by range the differing ones are named), or to the digest the plan
 * recorded (then listed as one range, whose digest is `prefixDigest`).
 */
export function rangedPrefixChecksumVerdict(input: { readonly scope: string; readonly restored: SummedObjects; readonly expected: { readonly basis: 'source-at-recovery-point'; readonly source: SummedObjects } | { readonly basis: 'recorded'; readonly sha256: string } }): CheckVerdict {
  const { scope, restored, expected } = input;
  const expectedSha256 = expected.basis === 'recorded' ? expected.sha256 : expected.source.sha256!;
  const passed = restored.sha256 === expectedSha256;
  const named = !passed && expected.basis === 'source-at-recovery-point' ? differingRanges(restored.ranges, expected.source.ranges) : [];
  const shown = named.length > MAX_NAMED_RANGES ? [...named.slice(0, MAX_NAMED_RANGES), `and ${named.length - MAX_NAMED_RANGES} more ranges`] : named;
  const ranges = restored.totalSegments === 1 ? '' : `, in ${restored.totalSegments} key ranges`;
  return {
    passed,
    expected:
      expected.basis === 'recorded'
        ? `SHA-256 ${expectedSha256} over ${scope}, as recorded in the plan`
        : `SHA-256 ${expectedSha256} over ${scope}: the source's ${objects(expected.source.objects)} at the recovery point${ranges}`,
    actual: `SHA-256 ${restored.sha256} over ${objects(restored.objects)}${shown.length > 0 ? `: ${shown.join('; ')}` : ''}`,
    details: {
      scope,
      basis: expected.basis,
      restoredSha256: restored.sha256,
      restoredObjectCount: restored.objects,
      expectedSha256,
      ...(expected.basis === 'source-at-recovery-point' && { sourceObjectCount: expected.source.objects }),
      ...(named.length > 0 && { differingRanges: named }),
      counting: 'key ranges',
      segments: restored.totalSegments,
      pages: restored.pages + (expected.basis === 'source-at-recovery-point' ? expected.source.pages : 0),
      invocations: restored.invocations + (expected.basis === 'source-at-recovery-point' ? expected.source.invocations : 0),
    },
  };
}

import { objectCountVerdict, type BucketTotals } from '../../../domain/drill/s3-check-verdicts.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { scopeOf, type S3CheckContext, type S3ObjectCountCheck } from '../../../domain/drill/s3-checks.js';
import { objectsAtRecoveryPoint } from '../../../domain/drill/s3-recovery-point.js';
import { sumObjectSegments } from '../../../domain/drill/object-segments.js';
import type { FannedOutCounts } from './item-count-check.js';
import { listCurrentObjects, listVersions } from './s3-objects.js';

const totalsOf = (objects: readonly { readonly key: string; readonly size: number }[], canaryKeys: readonly string[]): BucketTotals => {
  const counted = objects.filter((object) => !canaryKeys.includes(object.key));
  return { objects: counted.length, bytes: counted.reduce((sum, object) => sum + object.size, 0) };
};

/**
 * The restored bucket's object count and total bytes against the plan's numbers, or against the source as it stood at
 * the recovery point (its version listing: metadata only, no object is read). The canary is left out on both sides.
 */
export async function s3ObjectCountCheck(check: S3ObjectCountCheck, context: S3CheckContext, fannedOut?: FannedOutCounts & { readonly checkId: string }): Promise<CheckVerdict> {
  const scope = scopeOf(context.restoredBucket, check.prefix);
  if (fannedOut) return rangedObjectCount(check, scope, fannedOut);
  const actual = totalsOf(await listCurrentObjects(context.restoredBucket, check.prefix), context.canaryKeys);
  if (check.expected) return objectCountVerdict({ scope, actual, expected: check.expected, tolerancePercent: check.tolerancePercent, basis: 'plan' });
  const atPoint = objectsAtRecoveryPoint(await listVersions(context.sourceBucket, check.prefix), context.recoveryPoint.at);
  return objectCountVerdict({ scope, actual, expected: totalsOf(atPoint, context.canaryKeys), tolerancePercent: check.tolerancePercent, basis: 'source-at-recovery-point' });
}

/** The same verdict from the Map's key ranges: each side summed only if every range was listed to its end exactly once. */
function rangedObjectCount(check: S3ObjectCountCheck, scope: string, { scans, counted, checkId }: FannedOutCounts & { readonly checkId: string }): CheckVerdict {
  const restored = sumObjectSegments(scans, counted, checkId, 'restored');
  const source = check.expected ? undefined : sumObjectSegments(scans, counted, checkId, 'source');
  const verdict = objectCountVerdict({
    scope,
    actual: { objects: restored.objects, bytes: restored.bytes },
    expected: check.expected ?? { objects: source!.objects, bytes: source!.bytes },
    tolerancePercent: check.tolerancePercent,
    basis: check.expected ? 'plan' : 'source-at-recovery-point',
  });
  const read = [restored, ...(source ? [source] : [])];
  return { ...verdict, details: { ...verdict.details, counting: 'key ranges', segments: restored.totalSegments, pages: read.reduce((sum, side) => sum + side.pages, 0), invocations: read.reduce((sum, side) => sum + side.invocations, 0) } };
}

import { objectCountVerdict, type BucketTotals } from '../../../domain/drill/s3-check-verdicts.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { scopeOf, type S3CheckContext, type S3ObjectCountCheck } from '../../../domain/drill/s3-checks.js';
import { objectsAtRecoveryPoint } from '../../../domain/drill/s3-recovery-point.js';
import { listCurrentObjects, listVersions } from './s3-objects.js';

const totalsOf = (objects: readonly { readonly key: string; readonly size: number }[], canaryKeys: readonly string[]): BucketTotals => {
  const counted = objects.filter((object) => !canaryKeys.includes(object.key));
  return { objects: counted.length, bytes: counted.reduce((sum, object) => sum + object.size, 0) };
};

/**
 * The restored bucket's object count and total bytes against the plan's numbers, or against the source as it stood at
 * the recovery point (its version listing: metadata only, no object is read). The canary is left out on both sides.
 */
export async function s3ObjectCountCheck(check: S3ObjectCountCheck, context: S3CheckContext): Promise<CheckVerdict> {
  const scope = scopeOf(context.restoredBucket, check.prefix);
  const actual = totalsOf(await listCurrentObjects(context.restoredBucket, check.prefix), context.canaryKeys);
  if (check.expected) return objectCountVerdict({ scope, actual, expected: check.expected, tolerancePercent: check.tolerancePercent, basis: 'plan' });
  const atPoint = objectsAtRecoveryPoint(await listVersions(context.sourceBucket, check.prefix), context.recoveryPoint.at);
  return objectCountVerdict({ scope, actual, expected: totalsOf(atPoint, context.canaryKeys), tolerancePercent: check.tolerancePercent, basis: 'source-at-recovery-point' });
}

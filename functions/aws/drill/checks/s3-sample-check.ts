import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { bothVerdicts, objectSampleVerdict, pickSample, pinnedObjectsVerdict, type SampledObject } from '../../../domain/drill/s3-check-verdicts.js';
import { scopeOf, type S3CheckContext, type S3SampleCheck } from '../../../domain/drill/s3-checks.js';
import { objectsAtRecoveryPoint } from '../../../domain/drill/s3-recovery-point.js';
import { listVersions, objectSha256 } from './s3-objects.js';

/**
 * Samples keys from the source as it stood at the recovery point (the version each then held, by its version listing)
 * and compares each version's SHA-256 with the restored object's: a key missing from the restore, or restored with
 * other bytes (e.g. a change made after the recovery point), fails the check and is named.
 */
export async function s3SampleCheck(check: S3SampleCheck, context: S3CheckContext, random: () => number = Math.random): Promise<CheckVerdict> {
  const atPoint = objectsAtRecoveryPoint(await listVersions(context.sourceBucket, check.prefix), context.recoveryPoint.at).filter(
    (object) => !context.canaryKeys.includes(object.key),
  );
  const chosen = pickSample(atPoint, check.count, random);
  const samples = await Promise.all(
    chosen.map(async (object): Promise<SampledObject> => {
      const [sourceSha256, restoredSha256] = await Promise.all([objectSha256(context.sourceBucket, object.key, object.versionId), objectSha256(context.restoredBucket, object.key)]);
      if (sourceSha256 === undefined) throw new Error(`s3://${context.sourceBucket}/${object.key} version ${object.versionId} was listed but cannot be read`);
      return { key: object.key, sourceVersionId: object.versionId, sourceSha256, restoredSha256 };
    }),
  );
  const sampled = objectSampleVerdict({ samples, requestedCount: check.count, recoveryPointAt: context.recoveryPoint.at, scope: scopeOf(context.sourceBucket, check.prefix) });
  const pinnedKeys = Object.entries(check.pinned ?? {});
  if (pinnedKeys.length === 0) return sampled;
  const pinned = await Promise.all(
    pinnedKeys.map(async ([key, expectedSha256Hex]) => ({ key, expectedSha256Hex, restoredSha256: await objectSha256(context.restoredBucket, key) })),
  );
  return bothVerdicts(sampled, pinnedObjectsVerdict(pinned, `s3://${context.restoredBucket}`));
}

import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { prefixChecksumVerdict, type KeyChecksum } from '../../../domain/drill/s3-check-verdicts.js';
import { scopeOf, type S3CheckContext, type S3PrefixChecksumCheck } from '../../../domain/drill/s3-checks.js';
import { objectsAtRecoveryPoint } from '../../../domain/drill/s3-recovery-point.js';
import { listCurrentObjects, listVersions, objectSha256 } from './s3-objects.js';
import { sumObjectSegments } from '../../../domain/drill/object-segments.js';
import { rangedPrefixChecksumVerdict } from '../../../domain/drill/ranged-prefix-verdict.js';
import type { FannedOutCounts } from './item-count-check.js';

/** How many objects are hashed at once (each a HEAD, or a GET when S3 has no full-object SHA-256). */
const PARALLEL_READS = 16;

async function checksumsOf(bucket: string, objects: readonly { readonly key: string; readonly versionId?: string }[]): Promise<KeyChecksum[]> {
  const found: KeyChecksum[] = [];
  for (let start = 0; start < objects.length; start += PARALLEL_READS) {
    const batch = objects.slice(start, start + PARALLEL_READS);
    const sums = await Promise.all(batch.map((object) => objectSha256(bucket, object.key, object.versionId)));
    batch.forEach((object, index) => {
      const sha256 = sums[index];
      // Gone since it was listed (deleted meanwhile): it is then not in the prefix either.
      if (sha256 !== undefined) found.push({ key: object.key, sha256 });
    });
  }
  return found;
}

/**
 * One SHA-256 over the restored prefix (sorted keys and each object's SHA-256) against the same over the source's
 * objects at the recovery point, or against a digest the plan recorded. Against the source, differing keys are named.
 */
export async function s3PrefixChecksumCheck(check: S3PrefixChecksumCheck, context: S3CheckContext, fannedOut?: FannedOutCounts & { readonly checkId: string }): Promise<CheckVerdict> {
  const scope = `the prefix ${JSON.stringify(check.prefix)} (${scopeOf(context.restoredBucket, check.prefix)})`;
  if (fannedOut) {
    // Read by the Map in key ranges: summed here only if every range of each side was listed to its end exactly once.
    const { scans, counted, checkId } = fannedOut;
    const restored = sumObjectSegments(scans, counted, checkId, 'restored');
    if (check.expected !== 'source') return rangedPrefixChecksumVerdict({ scope, restored, expected: { basis: 'recorded', sha256: check.expected.sha256 } });
    return rangedPrefixChecksumVerdict({ scope, restored, expected: { basis: 'source-at-recovery-point', source: sumObjectSegments(scans, counted, checkId, 'source') } });
  }
  const keep = (object: { readonly key: string }) => !context.canaryKeys.includes(object.key);
  const restored = await checksumsOf(context.restoredBucket, (await listCurrentObjects(context.restoredBucket, check.prefix)).filter(keep));
  if (check.expected !== 'source') return prefixChecksumVerdict({ scope, restored, expected: { basis: 'recorded', sha256: check.expected.sha256 } });
  const atPoint = objectsAtRecoveryPoint(await listVersions(context.sourceBucket, check.prefix), context.recoveryPoint.at).filter(keep);
  const source = await checksumsOf(context.sourceBucket, atPoint);
  return prefixChecksumVerdict({ scope, restored, expected: { basis: 'source-at-recovery-point', entries: source } });
}

import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { canaryVerdict } from '../../../domain/drill/check-verdicts.js';
import { canaryWrittenAtOf } from '../../../domain/drill/s3-canary.js';
import type { S3CanaryCheck, S3CheckContext } from '../../../domain/drill/s3-checks.js';
import { objectText } from './s3-objects.js';

/** The canary's writtenAt in a bucket: undefined when there is no canary object, or its body is no canary. */
async function canaryWrittenAt(bucket: string, key: string): Promise<string | undefined> {
  const body = await objectText(bucket, key);
  return body === undefined ? undefined : canaryWrittenAtOf(body);
}

/** Reads the restored canary object: how long before the recovery point asked for it was written is the measured RPO. */
export async function s3CanaryCheck(check: S3CanaryCheck, context: S3CheckContext): Promise<CheckVerdict> {
  const [restored, source] = await Promise.all([canaryWrittenAt(context.restoredBucket, check.key), canaryWrittenAt(context.sourceBucket, check.key)]);
  return canaryVerdict({
    requestedAt: context.recoveryPoint.requestedAt,
    recoveryPointAt: context.recoveryPoint.at,
    canaryWrittenAt: restored,
    sourceCanaryWrittenAt: source,
    rpoMinutes: context.targets.rpoMinutes,
    restored: 'bucket',
  });
}

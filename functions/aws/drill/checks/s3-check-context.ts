import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import type { S3CheckContext } from '../../../domain/drill/s3-checks.js';

/** What the S3 checks look at: the source and restored buckets by name, the point, the canary keys they leave out. */
export function s3CheckContextOf(context: DrillCheckContext, checkType: string): S3CheckContext {
  const { source, restored } = context;
  if (source?.type !== 'S3' || restored?.type !== 'S3') throw new Error(`${checkType} reads S3 objects: this run restored a ${restored?.type ?? 'DynamoDB'} resource`);
  return {
    sourceBucket: source.name,
    restoredBucket: restored.arn ? restored.arn.slice(restored.arn.lastIndexOf(':') + 1) : restored.name,
    recoveryPoint: context.recoveryPoint,
    targets: context.targets,
    canaryKeys: context.canaryKeys ?? [],
  };
}

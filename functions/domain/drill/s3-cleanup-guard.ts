import { DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../drill-naming.js';
import type { TableCleanupDecision } from './cleanup-guard.js';

/**
 * Whether a drill may empty and delete a bucket: only one it provably restored for this run (the drill prefix, not the
 * source, tagged with this run). The same rules as for a table; the first that does not hold is the reason to refuse.
 */
export function decideBucketCleanup(facts: {
  readonly bucketName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly runId: string;
  readonly sourceBucketName: string;
}): TableCleanupDecision {
  const { bucketName, tags, runId, sourceBucketName } = facts;
  if (bucketName === sourceBucketName) return { allowed: false, reason: `${bucketName} is the drill's source bucket` };
  if (!bucketName.startsWith(DRILL_TABLE_PREFIX)) return { allowed: false, reason: `${bucketName} does not start with the drill prefix "${DRILL_TABLE_PREFIX}"` };
  // Own tags only: what an object inherits is no tag of the bucket.
  const taggedRun = Object.hasOwn(tags, DRILL_RUN_TAG) ? tags[DRILL_RUN_TAG] : undefined;
  if (taggedRun === undefined) return { allowed: false, reason: `${bucketName} has no ${DRILL_RUN_TAG} tag: no drill run claimed it` };
  if (taggedRun !== runId) return { allowed: false, reason: `${bucketName} is tagged ${DRILL_RUN_TAG}=${taggedRun}, not this run (${runId})` };
  return { allowed: true };
}

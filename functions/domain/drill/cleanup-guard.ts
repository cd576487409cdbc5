import { DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../drill-naming.js';

export type TableCleanupDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Whether a drill may delete a table: only one it provably restored for this run (drill prefix, not the source,
 * tagged with this run). Every rule must hold; the first that does not is the reason to refuse.
 */
export function decideTableCleanup(facts: {
  readonly tableName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly runId: string;
  readonly sourceTableName: string;
}): TableCleanupDecision {
  const { tableName, tags, runId, sourceTableName } = facts;
  if (tableName === sourceTableName) return { allowed: false, reason: `${tableName} is the drill's source table` };
  if (!tableName.startsWith(DRILL_TABLE_PREFIX)) return { allowed: false, reason: `${tableName} does not start with the drill prefix "${DRILL_TABLE_PREFIX}"` };
  const taggedRun = tags[DRILL_RUN_TAG];
  if (taggedRun === undefined) return { allowed: false, reason: `${tableName} has no ${DRILL_RUN_TAG} tag: no drill run claimed it` };
  if (taggedRun !== runId) return { allowed: false, reason: `${tableName} is tagged ${DRILL_RUN_TAG}=${taggedRun}, not this run (${runId})` };
  return { allowed: true };
}

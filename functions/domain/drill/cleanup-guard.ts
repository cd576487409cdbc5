import { DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../drill-naming.js';
import type { RestoredResource, SourceResource } from './restore.js';

export type TableCleanupDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Whether a drill may delete a resource: only one it provably restored for this run (drill-prefixed name, not the
 * source, tagged with this run). Every rule must hold; the first that does not is the reason to refuse. `name` is
 * the resource's own name, or its `Name` tag for types named by id (EFS, EBS, EC2): an untagged one has none.
 */
export function decideRestoredCleanup(facts: {
  readonly restored: { readonly type: RestoredResource['type']; readonly name: string | undefined; readonly arn: string };
  readonly tags: Readonly<Record<string, string>>;
  readonly runId: string;
  readonly source: Pick<SourceResource, 'arn' | 'name'>;
}): TableCleanupDecision {
  const { restored, tags, runId, source } = facts;
  const label = restored.name ?? restored.arn;
  if (restored.arn === source.arn || restored.name === source.name) return { allowed: false, reason: `${label} is the drill's source` };
  if (restored.name === undefined) return { allowed: false, reason: `${restored.arn} has no name: it is not a drill's (no drill-prefixed name or Name tag)` };
  if (!restored.name.startsWith(DRILL_TABLE_PREFIX)) return { allowed: false, reason: `${label} does not start with the drill prefix "${DRILL_TABLE_PREFIX}"` };
  // Own tags only: a tag record whose prototype answers for the run tag claims nothing.
  const taggedRun = Object.hasOwn(tags, DRILL_RUN_TAG) ? tags[DRILL_RUN_TAG] : undefined;
  if (taggedRun === undefined) return { allowed: false, reason: `${label} has no ${DRILL_RUN_TAG} tag: no drill run claimed it` };
  if (taggedRun !== runId) return { allowed: false, reason: `${label} is tagged ${DRILL_RUN_TAG}=${taggedRun}, not this run (${runId})` };
  return { allowed: true };
}

/** The same rules for a DynamoDB table, by name (how drills of tables have always asked). */
export function decideTableCleanup(facts: {
  readonly tableName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly runId: string;
  readonly sourceTableName: string;
}): TableCleanupDecision {
  const { tableName, tags, runId, sourceTableName } = facts;
  if (tableName === sourceTableName) return { allowed: false, reason: `${tableName} is the drill's source table` };
  return decideRestoredCleanup({ restored: { type: 'DynamoDB', name: tableName, arn: `table/${tableName}` }, tags, runId, source: { arn: '', name: sourceTableName } });
}

/**
 * Names and tags that mark what a drill made. Cleanup deletes a table only if its name has DRILL_TABLE_PREFIX and
 * its DRILL_RUN_TAG names the run (see drill-cleanup-guard.ts); IAM in lib/ holds drills to the same prefix.
 */
export const DRILL_TABLE_PREFIX = 'irdr-drill-';
/** Tag on a restored table: the run that made it (what cleanup checks). */
export const DRILL_RUN_TAG = 'irdr:drill-run';
/** Tag on a restored table: the plan it was restored for. */
export const DRILL_PLAN_TAG = 'irdr:drill-plan';

/** A run id is its execution's name, also used in table names: letters, digits, - and _. */
export const DRILL_RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/** The new table a run restores into: never an existing name, always the drill prefix. */
export const drillTableName = (planId: string, runId: string): string => `${DRILL_TABLE_PREFIX}${planId}-${runId}`;

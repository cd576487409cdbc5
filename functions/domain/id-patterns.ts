/*
 * The shapes of the ids people and definitions choose, defined once: the runbook and drill-plan schemas validate
 * definitions with them, the HTTP shell validates path parameters with them (without loading the schemas).
 */

/** A runbook step id (and so a task id): lower-case letters, digits and dashes, starting with a letter, at most 48. */
export const STEP_ID_SOURCE = '[a-z][a-z0-9-]{0,47}';
export const STEP_ID_PATTERN = new RegExp(`^${STEP_ID_SOURCE}$`);
/** A runbook id: 2 to 63 lower-case letters, digits and dashes, starting with a letter. */
export const RUNBOOK_ID_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
/** A drill plan id: short, for it goes into the restored table's name (`irdr-drill-<planId>-<runId>`), tags and schedule names. */
export const DRILL_PLAN_ID_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/** The task ids of regulatory report stages (`report-dora-initial`): step-shaped for the tasks API, so no runbook step may take one. */
export const REPORT_TASK_ID_PREFIX = 'report-';

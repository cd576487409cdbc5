import { DRILL_RUN_ID_PATTERN } from './drill-naming.js';
import { DRILL_PLAN_ID_PATTERN, RUNBOOK_ID_PATTERN, STEP_ID_SOURCE } from './id-patterns.js';
import { printable } from './plain-text.js';
import { ACTION_ID_SOURCE } from './corrective-action.js';
import { EXPORT_ID_PATTERN } from './evidence/export-job.js';

/*
 * What each path parameter of the HTTP API may be, by name (`{incidentId}` means the same in every route). The shell
 * checks every parameter against this before a handler runs, so an id that no record can have (3,000 characters, which
 * DynamoDB refuses as a key, or control characters) is a 404 that says what an id looks like, never a 5xx.
 */

/** An incident id: a UUID (random, or derived from a finding), in any case; shared with the emailed links' ids. */
export const INCIDENT_ID_SOURCE = '[A-Za-z0-9-]{1,64}';
/** A task id: a runbook step id, or the lifecycle's dotted `review.post-incident`; shared with the emailed links' ids. */
export const TASK_ID_SOURCE = `${STEP_ID_SOURCE}(?:\\.${STEP_ID_SOURCE})?`;
/** An emailed link's id: `<incidentId>.<taskId>.<recipient index>.<expiry, epoch seconds>` (see task-link.ts). */
export const TASK_LINK_ID_PATTERN = new RegExp(`^(${INCIDENT_ID_SOURCE})\\.(${TASK_ID_SOURCE})\\.(\\d{1,4})\\.(\\d{10})$`);

interface PathParameterRule {
  /** What the record is, for the message: "no incident …". */
  readonly noun: string;
  readonly pattern: RegExp;
  /** What an id looks like, said to the caller who sent something else. */
  readonly allowed: string;
}

export const PATH_PARAMETER_RULES = {
  incidentId: { noun: 'incident', pattern: new RegExp(`^${INCIDENT_ID_SOURCE}$`), allowed: 'an incident id is 1 to 64 letters, digits and dashes (a UUID)' },
  taskId: {
    noun: 'task',
    pattern: new RegExp(`^${TASK_ID_SOURCE}$`),
    allowed: 'a task id is a step id (lower-case letters, digits and dashes, starting with a letter, at most 48 characters) or review.post-incident',
  },
  runId: { noun: 'drill run', pattern: DRILL_RUN_ID_PATTERN, allowed: 'a drill run id is 1 to 80 letters, digits, dashes and underscores' },
  planId: { noun: 'drill plan', pattern: DRILL_PLAN_ID_PATTERN, allowed: 'a plan id is 2 to 40 lower-case letters, digits and dashes, starting with a letter' },
  runbookId: { noun: 'runbook', pattern: RUNBOOK_ID_PATTERN, allowed: 'a runbook id is 2 to 63 lower-case letters, digits and dashes, starting with a letter' },
  actionId: { noun: 'corrective action', pattern: new RegExp(`^${ACTION_ID_SOURCE}$`), allowed: 'a corrective action id is ca- and 8 hex digits (as POST /incidents/{incidentId}/actions returned it)' },
  exportId: { noun: 'evidence export', pattern: EXPORT_ID_PATTERN, allowed: 'an export id is ex- and 32 hex digits (as POST /evidence/exports returned it)' },
  linkId: { noun: 'task link', pattern: TASK_LINK_ID_PATTERN, allowed: 'open the link exactly as it arrived in your email' },
} as const satisfies Record<string, PathParameterRule>;

export type PathParameterName = keyof typeof PATH_PARAMETER_RULES;

/** The `{name}` parameters of a route path, as a type: `/incidents/{incidentId}/tasks/{taskId}` gives 'incidentId' | 'taskId'. */
export type PathParametersOf<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}` ? Name | PathParametersOf<Rest> : never;

export const isPathParameterName = (name: string): name is PathParameterName => Object.hasOwn(PATH_PARAMETER_RULES, name);

export interface PathParameterRefusal {
  readonly parameter: string;
  readonly message: string;
}

/** A short, printable quote of what was sent: never 3,000 characters, never a raw control character. */
function quoted(value: string): string {
  return value.length > 40 ? `"${printable(value.slice(0, 40))}…" (${value.length} characters)` : `"${printable(value)}"`;
}

/** The first path parameter no record can have, and why; undefined when every one is well formed. */
export function refusedPathParameter(parameters: Readonly<Record<string, string | undefined>> | undefined): PathParameterRefusal | undefined {
  for (const [name, value = ''] of Object.entries(parameters ?? {})) {
    if (!isPathParameterName(name)) return { parameter: name, message: `the path parameter ${name} is not one this API defines` };
    const rule: PathParameterRule = PATH_PARAMETER_RULES[name];
    if (rule.pattern.test(value)) continue;
    return { parameter: name, message: `no ${rule.noun} can have the id ${quoted(value)}: ${rule.allowed}` };
  }
  return undefined;
}

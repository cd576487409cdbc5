import * as z from './zod.js';
import { FindingDetails } from './finding-details.js';
import { multiLine, singleLine } from './plain-text.js';

export const Severity = z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']);

/** Where the incident stands for the people handling it. */
export const IncidentStatus = z.enum(['open', 'acknowledged', 'resolved', 'closed']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Where its runbook's execution stands; set only by the execution itself (and by a failed start). */
// aborted: the run's execution ended without the run recording its end (e.g. the local stack was killed mid-run).
// cancelled: stopped because the incident was resolved while it ran (its open tasks cancelled with it).
export const RunbookStatus = z.enum(['starting', 'running', 'completed', 'failed', 'start-failed', 'aborted', 'cancelled']);
export type RunbookStatus = z.infer<typeof RunbookStatus>;
export type Severity = z.infer<typeof Severity>;

const isoTimestamp = z.iso.datetime({ offset: true });

/** A live incident, or a tabletop exercise run through the same runbook (kept out of response statistics). */
export const IncidentMode = z.enum(['live', 'exercise']);
export type IncidentMode = z.infer<typeof IncidentMode>;

/**
 * How far ahead of this system's clock a caller's clock may run: a time further ahead is in the future, not skew.
 * One constant for every time a request states about the past.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** How many labels an incident may carry. */
export const MAX_LABELS = 50;

/**
 * What is impossible about an incident's stated times: a detection or awareness in the future (it would move the
 * regulatory clocks that run from them, and a report would then show a deadline met), or awareness before detection.
 */
export function incidentTimeProblems(
  times: { readonly detectedAt?: string | undefined; readonly awareAt?: string | undefined },
  now: Date,
): Array<{ path: string[]; message: string }> {
  const latest = now.getTime() + MAX_CLOCK_SKEW_MS;
  const problems: Array<{ path: string[]; message: string }> = [];
  for (const field of ['detectedAt', 'awareAt'] as const) {
    const at = times[field];
    if (at !== undefined && Date.parse(at) > latest) {
      problems.push({
        path: [field],
        message: `${at} is in the future (this system's time is ${now.toISOString()}, give or take ${MAX_CLOCK_SKEW_MS / 60_000} minutes): send when it happened`,
      });
    }
  }
  const { detectedAt, awareAt } = times;
  if (detectedAt !== undefined && awareAt !== undefined && Date.parse(awareAt) < Date.parse(detectedAt)) {
    problems.push({ path: ['awareAt'], message: `${awareAt} is before detectedAt (${detectedAt}): nobody is aware of an incident before it is detected; send awareAt at or after detectedAt` });
  }
  return problems;
}

/**
 * The stated times that lie in the future (beyond the skew). A finding is not refused for one (its detection matters
 * more than its clock), but its incident must not count from it: the opening drops them.
 */
export function futureTimesOf(times: { readonly detectedAt?: string | undefined; readonly awareAt?: string | undefined }, now: Date): Array<'detectedAt' | 'awareAt'> {
  const latest = now.getTime() + MAX_CLOCK_SKEW_MS;
  return (['detectedAt', 'awareAt'] as const).filter((field) => times[field] !== undefined && Date.parse(times[field]!) > latest);
}

/** Body of POST /incidents. */
export const CreateIncidentRequest = z.strictObject({
  runbookId: z.string().check(z.minLength(1), z.maxLength(64), singleLine),
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), singleLine),
  severity: Severity,
  summary: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000), multiLine),
  source: z.optional(z.string().check(z.maxLength(200), singleLine)),
  detectedAt: z.optional(isoTimestamp),
  /** When the organisation became aware of it (GDPR's 72 hours run from here). */
  awareAt: z.optional(isoTimestamp),
  // The labels ride in the incident item (400 KB at most) and its execution input (256 KB): bounded well inside both.
  labels: z.optional(z.record(z.string().check(z.maxLength(64), singleLine), z.string().check(z.maxLength(256), singleLine)).check(z.refine((labels) => Object.keys(labels).length <= MAX_LABELS, { message: `at most ${MAX_LABELS} labels` }))),
  mode: z._default(IncidentMode, 'live'),
}).check(z.superRefine((request, context) => {
  for (const problem of incidentTimeProblems(request, new Date())) context.addIssue({ code: 'custom', ...problem });
}));
export type CreateIncidentRequest = z.infer<typeof CreateIncidentRequest>;

/** A runbook as the API sees it: enough to start it and stamp its identity on the incident. */
export const RunbookCatalogEntry = z.object({
  stateMachineArn: z.string().check(z.minLength(1)),
  title: z.string(),
  version: z.number().check(z.int()),
  hash: z.string().check(z.length(64)),
  /** The controls this version of the runbook evidences: stamped on each incident it opens. */
  controls: z._default(z.array(z.string()), []),
});
export type RunbookCatalogEntry = z.infer<typeof RunbookCatalogEntry>;
export const RunbookCatalog = z.record(z.string(), RunbookCatalogEntry);
export type RunbookCatalog = z.infer<typeof RunbookCatalog>;

/** The catalog's own entry for an id: never what every object inherits (`constructor`, `toString`, ...). */
export const runbookInCatalog = (catalog: RunbookCatalog, runbookId: string): RunbookCatalogEntry | undefined =>
  Object.hasOwn(catalog, runbookId) ? catalog[runbookId] : undefined;

/** What every runbook execution receives as input. */
export const RunbookExecutionInput = z.object({
  incidentId: z.string(),
  runbookId: z.string(),
  runbookTitle: z.string(),
  runbookVersion: z.number().check(z.int()),
  runbookHash: z.string(),
  title: z.string(),
  severity: Severity,
  summary: z.string(),
  mode: IncidentMode,
  // Runbook `choice` steps test these (e.g. labels.nis2) and templates show them; clocks read their anchors
  // (awareAt, detectedAt, openedAt) from the incident item itself.
  source: z.optional(z.string()),
  detectedAt: z.optional(z.string()),
  awareAt: z.optional(z.string()),
  labels: z.optional(z.record(z.string(), z.string())),
  /** What the finding that opened it names to act on (access key, principal, remote IP, API, resources). */
  finding: z.optional(FindingDetails),
});
export type RunbookExecutionInput = z.infer<typeof RunbookExecutionInput>;

/** The incident's META record: what it is and where it stands. Its history is the trail. */
export interface Incident {
  readonly incidentId: string;
  readonly runbookId: string;
  readonly runbookVersion: number;
  readonly runbookHash: string;
  /** The controls its runbook named when it opened (absent on incidents opened before they were stamped). */
  readonly controls?: readonly string[];
  readonly title: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly source?: string;
  readonly detectedAt?: string;
  readonly awareAt?: string;
  readonly labels?: Record<string, string>;
  /** What the finding that opened it names to act on; absent on incidents opened through the API. */
  readonly finding?: FindingDetails;
  readonly mode: IncidentMode;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly status: IncidentStatus;
  readonly runbookStatus: RunbookStatus;
  readonly updatedAt: string;
  readonly executionArn?: string;
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  readonly resolutionSummary?: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
  /** Mean-time-to-acknowledge input: acknowledgedAt − openedAt, in seconds. */
  readonly mttaSeconds?: number;
  /** Mean-time-to-resolve input: resolvedAt − openedAt, in seconds. */
  readonly mttrSeconds?: number;
}

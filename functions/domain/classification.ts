import * as z from './zod.js';
import type { BusinessCalendarsConfig } from './business-calendars.js';
import { clockAnchor } from './clock.js';
import type { RoleName } from './config-schema.js';
import { MAX_CLOCK_SKEW_MS, MAX_LABELS, Severity, type Incident } from './incident.js';
import { multiLine } from './plain-text.js';
import {
  ClassificationLabel,
  calendarFor,
  reportFor,
  type DeadlineTerm,
  type DraftField,
  type RegulatoryCatalog,
  type Regulation,
} from './regulatory-stages.js';
import { stageDeadline } from './regulatory-deadlines.js';
import { authorize } from './roles.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * Reclassifying an incident (POST /incidents/{id}/classify): a commander changes its severity and its regulatory
 * labels, with a reason. Each label added starts its report's stages, due from the classification or from
 * awareness as the regulation says; lowering or removing stops nothing already started or due.
 */

const uniqueLabels = z._default(z.array(ClassificationLabel).check(z.maxLength(ClassificationLabel.options.length), z.refine((labels) => new Set(labels).size === labels.length, { message: 'a label is listed twice: list each once' })), []);

/** Body of POST /incidents/{id}/classify. */
export const ClassifyRequest = z.strictObject({
  severity: z.optional(Severity),
  add: uniqueLabels,
  remove: uniqueLabels,
  /** Why: required unless the change only raises the severity. */
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000), multiLine)),
  /** SEC: when the incident was determined material, if before this request (Form 8-K counts from it). */
  determinedAt: z.optional(z.iso.datetime({ offset: true })),
});
export type ClassifyRequest = z.infer<typeof ClassifyRequest>;

export interface ClassificationRefusal {
  readonly status: 400 | 403 | 409;
  readonly message: string;
  /** The request field to change, when one is at fault. */
  readonly field?: string;
}

export interface StartedStage {
  readonly stageId: string;
  readonly title: string;
  readonly obligation: string;
  /** Absent while it waits for the previous stage's submission. */
  readonly dueAt?: string;
  readonly governedBy?: DeadlineTerm;
  readonly terms: ReadonlyArray<{ readonly term: DeadlineTerm; readonly at?: string }>;
  /** Due at or before the classification itself (e.g. GDPR's 72 hours ran out before the breach was recognised). */
  readonly overdue: boolean;
  readonly draftFields: readonly DraftField[];
  readonly lateNeedsReasons: boolean;
}

export interface StartedReport {
  readonly regulation: Regulation;
  readonly label: ClassificationLabel;
  readonly title: string;
  readonly stages: readonly StartedStage[];
}

export interface Classification {
  readonly severity: Severity;
  readonly labels: Readonly<Record<string, string>>;
  /** The classification labels it carries, in catalog order. */
  readonly classifiedAs: readonly ClassificationLabel[];
}

export interface Reclassification {
  readonly before: Classification;
  readonly after: Classification;
  readonly severityChange?: { readonly from: Severity; readonly to: Severity; readonly direction: 'raised' | 'lowered' };
  readonly added: readonly ClassificationLabel[];
  readonly removed: readonly ClassificationLabel[];
  /** The reports the added labels start, with each stage's deadline. */
  readonly started: readonly StartedReport[];
  /** Reports of removed labels: never stopped here; what is running or due stays so (the trail says it was declassified). */
  readonly keptRunning: readonly Regulation[];
  readonly event: TrailEventBody;
}

export type ClassifyOutcome = { readonly ok: true; readonly reclassification: Reclassification } | ({ readonly ok: false } & ClassificationRefusal);

/** Who classifies: a commander through a channel, or the approver of a runbook's approval step that decides it. */
export interface ClassifyingCaller {
  readonly principal: string;
  readonly roles: readonly RoleName[];
  /** The runbook step whose approval is the decision (its approvers were authorized there). */
  readonly decidedInStep?: string;
}

type ClassifiableIncident = Pick<Incident, 'incidentId' | 'severity' | 'labels' | 'awareAt' | 'detectedAt' | 'openedAt' | 'status'>;

/** SEV1 is the most severe: a lower rank is a higher severity. */
const rank = (severity: Severity): number => Severity.options.indexOf(severity);

/** The classification labels an incident's labels say it carries. */
export function classifiedAs(labels: Readonly<Record<string, string>> | undefined, catalog: RegulatoryCatalog): ClassificationLabel[] {
  return catalog.filter((report) => labels !== undefined && Object.hasOwn(labels, report.incidentLabel.key) && labels[report.incidentLabel.key] === report.incidentLabel.value).map((report) => report.label);
}

const refuse = (status: ClassificationRefusal['status'], message: string, field?: string): ClassifyOutcome => ({ ok: false, status, message, ...(field !== undefined && { field }) });

/** The reports these labels start, each stage with its deadline counted from the anchors, in catalog order. */
export function startReports(
  labels: readonly ClassificationLabel[],
  anchors: { readonly classifiedAt: string; readonly awareAt: string; readonly determinedAt?: string },
  now: Date,
  catalog: RegulatoryCatalog,
  calendars: BusinessCalendarsConfig,
): StartedReport[] {
  return catalog
    .filter((report) => labels.includes(report.label))
    .map((report): StartedReport => {
      const calendar = calendarFor(report.id, calendars);
      return {
        regulation: report.id,
        label: report.label,
        title: report.title,
        stages: report.stages.map((stage): StartedStage => {
          const deadline = stageDeadline(stage, anchors, calendar);
          return {
            stageId: stage.id,
            title: stage.title,
            obligation: stage.obligation,
            ...(deadline.dueAt !== undefined && { dueAt: deadline.dueAt, governedBy: deadline.governedBy! }),
            terms: deadline.terms,
            overdue: deadline.dueAt !== undefined && Date.parse(deadline.dueAt) <= now.getTime(),
            draftFields: stage.draftFields,
            lateNeedsReasons: stage.lateNeedsReasons,
          };
        }),
      };
    });
}

/** The event trail's record of the stages started, per report. */
const reportsDetail = (started: readonly StartedReport[]) =>
  started.map((report) => ({ regulation: report.regulation, stages: report.stages.map((stage) => ({ stageId: stage.stageId, dueAt: stage.dueAt ?? null, overdue: stage.overdue })) }));

/**
 * An incident opened already carrying classification labels (`labels.nis2 = significant`, ...) was classified when it was
 * opened, by whoever opened it: its reports start as a classification at `openedAt` would start them, so that one
 * catalog decides every regulatory deadline (a runbook's own clocks for the same obligation would be a second source).
 * `labels` are the ones it was opened with (the run's input); `skip` the reports already started. Undefined: none to start.
 */
export function classificationAtOpening(
  incident: Pick<Incident, 'incidentId' | 'awareAt' | 'detectedAt' | 'openedAt' | 'openedBy'>,
  labels: Readonly<Record<string, string>> | undefined,
  skip: readonly Regulation[],
  actor: string,
  now: Date,
  catalog: RegulatoryCatalog,
  calendars: BusinessCalendarsConfig,
): Pick<Reclassification, 'started' | 'event'> | undefined {
  const carried = classifiedAs(labels, catalog).filter((label) => !skip.includes(reportFor(catalog, label).id));
  if (carried.length === 0) return undefined;
  const awareAt = clockAnchor('awareAt', incident, new Date(incident.openedAt)).at.toISOString();
  const started = startReports(carried, { classifiedAt: incident.openedAt, awareAt }, now, catalog, calendars);
  const event: TrailEventBody = {
    type: 'incident.classified',
    at: now.toISOString(),
    actor,
    detail: {
      atOpening: true,
      classifiedAt: incident.openedAt,
      ...(incident.openedBy !== undefined && { classifiedBy: incident.openedBy }),
      added: carried,
      removed: [],
      reason: 'the incident was opened carrying these labels',
      awareAt,
      reports: reportsDetail(started),
    },
  };
  return { started, event };
}

/** The reclassification a request asks for, or why it is refused (nothing is written on a refusal). */
export function reclassify(
  incident: ClassifiableIncident,
  request: ClassifyRequest,
  caller: ClassifyingCaller,
  now: Date,
  catalog: RegulatoryCatalog,
  calendars: BusinessCalendarsConfig,
): ClassifyOutcome {
  // A runbook's approval step decided it (e.g. SEC materiality): its approvers were authorized there.
  if (caller.decidedInStep === undefined) {
    const decision = authorize('classifyIncident', caller.principal, caller.roles);
    if (!decision.allowed) return refuse(403, `classifying an incident: ${decision.reason}`);
  }
  if (incident.status === 'closed') return refuse(409, `incident ${incident.incidentId} is closed: its record is final, and a closed incident is not reclassified`);

  const current = classifiedAs(incident.labels, catalog);
  const both = request.add.filter((label) => request.remove.includes(label));
  if (both.length > 0) return refuse(400, `${both.join(', ')} is both added and removed: send it in one of add or remove`, 'add');
  const already = request.add.filter((label) => current.includes(label));
  if (already.length > 0) {
    const carried = already.map((label) => `labels.${reportFor(catalog, label).incidentLabel.key} = ${reportFor(catalog, label).incidentLabel.value}`);
    return refuse(409, `the incident is already classified as ${already.join(', ')} (it carries ${carried.join(', ')}): drop it from add`, 'add');
  }
  const absent = request.remove.filter((label) => !current.includes(label));
  if (absent.length > 0) return refuse(409, `the incident is not classified as ${absent.join(', ')}: drop it from remove (it carries ${current.join(', ') || 'no classification label'})`, 'remove');

  const severity = request.severity ?? incident.severity;
  const severityChange =
    severity === incident.severity ? undefined : { from: incident.severity, to: severity, direction: rank(severity) < rank(incident.severity) ? ('raised' as const) : ('lowered' as const) };
  if (severityChange === undefined && request.add.length === 0 && request.remove.length === 0) {
    return refuse(400, `nothing to change: the incident is ${incident.severity}${current.length > 0 ? `, classified as ${current.join(', ')}` : ''}; send another severity, or labels to add or remove`);
  }
  if (request.reason === undefined) {
    if (severityChange?.direction === 'lowered') return refuse(400, `lowering ${severityChange.from} to ${severityChange.to} needs a reason: send reason`, 'reason');
    if (request.remove.length > 0) return refuse(400, `removing ${request.remove.join(', ')} needs a reason: send reason`, 'reason');
    if (request.add.length > 0) return refuse(400, `classifying as ${request.add.join(', ')} needs a reason (the regulator asks on what grounds): send reason`, 'reason');
  }
  if (request.determinedAt !== undefined) {
    if (!request.add.includes('material')) return refuse(400, 'determinedAt is the SEC materiality determination: send it only with add: ["material"]', 'determinedAt');
    if (Date.parse(request.determinedAt) > now.getTime() + MAX_CLOCK_SKEW_MS) {
      return refuse(400, `determinedAt ${request.determinedAt} is in the future (this system's time is ${now.toISOString()}): send when it was determined`, 'determinedAt');
    }
    if (Date.parse(request.determinedAt) < Date.parse(incident.detectedAt ?? incident.openedAt) - MAX_CLOCK_SKEW_MS) {
      return refuse(400, `determinedAt ${request.determinedAt} is before the incident was detected or opened: nothing can be determined material before it is known`, 'determinedAt');
    }
  }

  const labels: Record<string, string> = { ...incident.labels };
  for (const label of request.remove) delete labels[reportFor(catalog, label).incidentLabel.key];
  for (const label of request.add) {
    const { key, value } = reportFor(catalog, label).incidentLabel;
    labels[key] = value;
  }
  if (Object.keys(labels).length > MAX_LABELS) return refuse(400, `the incident would carry more than ${MAX_LABELS} labels: remove some before classifying`, 'add');

  const classifiedAt = now.toISOString();
  const awareAt = clockAnchor('awareAt', incident, now).at.toISOString();
  const started = startReports(request.add, { classifiedAt, awareAt, ...(request.determinedAt !== undefined && { determinedAt: request.determinedAt }) }, now, catalog, calendars);

  const before: Classification = { severity: incident.severity, labels: { ...incident.labels }, classifiedAs: current };
  const after: Classification = { severity, labels, classifiedAs: classifiedAs(labels, catalog) };
  const keptRunning = catalog.filter((report) => request.remove.includes(report.label)).map((report) => report.id);
  const event: TrailEventBody = {
    type: 'incident.classified',
    at: classifiedAt,
    actor: caller.principal,
    detail: {
      from: { severity: before.severity, classifiedAs: before.classifiedAs },
      to: { severity: after.severity, classifiedAs: after.classifiedAs },
      ...(severityChange !== undefined && { severityChange: severityChange.direction }),
      added: request.add,
      removed: request.remove,
      ...(request.reason !== undefined && { reason: request.reason }),
      ...(request.determinedAt !== undefined && { determinedAt: request.determinedAt }),
      ...(caller.decidedInStep !== undefined && { decidedInStep: caller.decidedInStep }),
      awareAt,
      reports: reportsDetail(started),
      ...(keptRunning.length > 0 && { keptRunning }),
    },
  };
  return { ok: true, reclassification: { before, after, ...(severityChange !== undefined && { severityChange }), added: request.add, removed: request.remove, started, keptRunning, event } };
}

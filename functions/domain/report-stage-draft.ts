import type { PublicHumanTask } from './human-task.js';
import type { Incident } from './incident.js';
import { eventSummary } from './incident-review.js';
import type { DraftField, RegulatoryCatalog } from './regulatory-stages.js';
import { prefilledDraft } from './report-stage-email.js';
import { reportStageTaskId, stageOfTask } from './report-stage-id.js';
import type { TrailEvent } from './trail-event.js';

/*
 * The draft document of a regulatory report stage (GET /incidents/{id}/tasks/{taskId}/draft): every field the stage
 * asks for, pre-filled from the incident, its classification, its findings and its trail (timeline, actions taken,
 * resolution), as Markdown the approver edits into the submission. Built from the record each time it is read.
 */

/** Trail events that say what happened (not who was emailed): the timeline a regulator reads. */
const NOT_TIMELINE = /^(notification\.|notify\.|clock\.reminder$|task\.reminded$|severity\.raise-started$)/;

const FIELD_TITLES: Record<DraftField, string> = {
  incident: 'Incident',
  severity: 'Severity',
  summary: 'Summary',
  detectedAt: 'Detected at',
  awareAt: 'Aware at',
  classifiedAt: 'Classified at',
  classificationReason: 'Classification reason',
  labels: 'Labels',
  findings: 'Findings',
  timeline: 'Timeline',
  actionsTaken: 'Actions taken',
  resolution: 'Resolution',
  previousSubmission: 'Previous submission',
};

/** One line of text: the record's free text never opens a heading or a list of its own in the draft. */
const line = (value: unknown): string => String(value).replace(/\s*\r?\n\s*/g, ' ').trim();

type DraftRecord = {
  readonly incident: Incident;
  readonly events: readonly TrailEvent[];
  readonly tasks: readonly PublicHumanTask[];
};

/** The stage task's draft, or undefined when `taskId` is no report stage's task of this incident. */
export function reportStageDraftMarkdown(record: DraftRecord, taskId: string, catalog: RegulatoryCatalog, now: Date = new Date()): string | undefined {
  const found = stageOfTask(catalog, taskId);
  const task = record.tasks.find((candidate) => candidate.taskId === taskId);
  if (found === undefined || task === undefined) return undefined;
  const { report, index } = found;
  const stage = report.stages[index]!;
  const { incident, events } = record;

  // The classification that started the report: the latest that added its label (a label removed and added again starts anew).
  const classified = events.filter((event) => event.type === 'incident.classified' && (event.detail?.['added'] as unknown[] | undefined)?.includes(report.label)).at(-1);
  const classifiedAt = typeof classified?.detail?.['classifiedAt'] === 'string' ? (classified.detail['classifiedAt'] as string) : classified?.at;
  const classificationReason = typeof classified?.detail?.['reason'] === 'string' ? (classified.detail['reason'] as string) : undefined;
  const previous = index > 0 ? record.tasks.find((candidate) => candidate.taskId === reportStageTaskId({ regulation: report.id }, { stageId: report.stages[index - 1]!.id })) : undefined;
  const previousSubmission = previous?.decision
    ? `${previous.title}: submitted by ${previous.decision.decidedBy} at ${previous.decision.decidedAt}${previous.decision.reference !== undefined ? `, reference ${previous.decision.reference}` : ''}: ${previous.decision.comment}`
    : undefined;

  const known = {
    ...(classifiedAt !== undefined && { classifiedAt }),
    ...(classificationReason !== undefined && { classificationReason }),
    ...(previousSubmission !== undefined && { previousSubmission }),
  };
  const base = new Map(prefilledDraft({ incident, stage, known }).map((entry) => [entry.field, entry.lines]));
  const fromTrail = (field: DraftField): readonly string[] | undefined => {
    switch (field) {
      case 'timeline': {
        const lines = events.filter((event) => !NOT_TIMELINE.test(event.type)).map((event) => {
          const summary = eventSummary(event);
          return `${event.at} — ${event.type}${summary ? ` — ${summary}` : ''} (${event.actor})`;
        });
        return lines.length > 0 ? lines : undefined;
      }
      case 'actionsTaken': {
        const done = record.tasks.filter((candidate) => candidate.decision !== undefined && stageOfTask(catalog, candidate.taskId) === undefined);
        const lines = done
          .sort((a, b) => a.decision!.decidedAt.localeCompare(b.decision!.decidedAt))
          .map((candidate) => `${candidate.decision!.decidedAt} — ${candidate.title}: ${candidate.decision!.outcome} by ${candidate.decision!.decidedBy}${candidate.decision!.comment ? ` ("${candidate.decision!.comment}")` : ''}`);
        return lines.length > 0 ? lines : undefined;
      }
      case 'resolution':
        return incident.resolutionSummary !== undefined ? [`${incident.resolutionSummary}${incident.resolvedAt ? ` (resolved ${incident.resolvedAt})` : ''}`] : undefined;
      default:
        return base.get(field);
    }
  };
  const fields = [...base.keys(), ...stage.draftFields.filter((field) => !base.has(field))];

  const due = task.dueAt;
  const submitted = task.decision;
  const late = due !== undefined && (submitted ? Date.parse(submitted.decidedAt) > Date.parse(due) : now.getTime() > Date.parse(due));
  const lines = [
    `# ${report.title} — ${stage.title}`,
    '',
    `Draft for incident ${incident.incidentId} (${line(incident.title)}), built from its record at ${now.toISOString()}: edit it into the submission.`,
    '',
    `- Obligation: ${stage.obligation}`,
    `- Due: ${due ?? 'no deadline yet'}`,
    submitted
      ? `- Submitted by ${submitted.decidedBy} at ${submitted.decidedAt}; reference: ${submitted.reference ?? 'none recorded'}${submitted.comment ? `; comment: ${line(submitted.comment)}` : ''}`
      : task.status === 'open'
        ? `- Not submitted yet: record the submission with POST /incidents/${incident.incidentId}/tasks/${taskId}/complete (the regulator's reference in \`reference\`)`
        : `- ${task.status}${task.cancelReason !== undefined ? `: ${line(task.cancelReason)}` : ''}`,
    ...(late ? [`- **Late**${stage.lateNeedsReasons ? ': the submission must give the reasons for the delay' : ''}`] : []),
    '',
  ];
  for (const field of fields) {
    const values = fromTrail(field);
    lines.push(`## ${FIELD_TITLES[field]}`, '');
    if (values === undefined) lines.push('_Not in the record: to write._');
    else if (values.length === 1 && field !== 'timeline' && field !== 'actionsTaken') lines.push(line(values[0]));
    else lines.push(...values.map((value) => `- ${line(value)}`));
    lines.push('');
  }
  if (stage.lateNeedsReasons) lines.push('## Reasons for a delay', '', late ? '_Required: to write._' : '_Only if submitted late._', '');
  return lines.join('\n');
}

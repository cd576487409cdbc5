import type { DraftField } from './regulatory-stages.js';
import { subjectFor, type RenderedEmail } from './email-content.js';
import { findingDetailsLines } from './finding-details.js';
import { signedInLines, withLinkButton } from './human-task-email.js';
import type { HumanTaskRecord, TaskRecipient } from './human-task.js';
import type { Incident } from './incident.js';

/*
 * The email of a regulatory report stage's task: which report, stage and deadline in the subject; the draft's fields
 * the incident already knows, pre-filled, and those left to the approver. Sent like any task's (emailEachRecipient).
 */

export interface StageEmailInput {
  readonly incident: Pick<Incident, 'incidentId' | 'title' | 'severity' | 'summary' | 'detectedAt' | 'awareAt' | 'labels' | 'finding' | 'mode'>;
  readonly task: Pick<HumanTaskRecord, 'taskId' | 'incidentId' | 'kind' | 'title' | 'instructions' | 'outcomes' | 'dueAt'>;
  readonly reportTitle: string;
  readonly stage: { readonly title: string; readonly draftFields: readonly DraftField[] };
  /** What the draft's `classifiedAt`, `classificationReason` and `previousSubmission` are filled with, when known. */
  readonly known: { readonly classifiedAt?: string; readonly classificationReason?: string; readonly previousSubmission?: string };
  readonly recipient: TaskRecipient;
  readonly apiUrl: string;
}

/** Each draft field as the email pre-fills it, or undefined when the incident does not know it (the approver writes it). */
export function prefilledDraft(input: Pick<StageEmailInput, 'incident' | 'stage' | 'known'>): Array<{ readonly field: DraftField; readonly lines?: readonly string[] }> {
  const { incident, known } = input;
  const labels = Object.entries(incident.labels ?? {}).map(([key, value]) => `${key}=${value}`);
  const valueOf = (field: DraftField): string[] | undefined => {
    switch (field) {
      case 'incident':
        return [`${incident.title} (${incident.incidentId})`];
      case 'severity':
        return [incident.severity];
      case 'summary':
        return incident.summary ? [incident.summary] : undefined;
      case 'detectedAt':
        return incident.detectedAt ? [incident.detectedAt] : undefined;
      case 'awareAt':
        return incident.awareAt ? [incident.awareAt] : undefined;
      case 'labels':
        return labels.length > 0 ? [labels.join(', ')] : undefined;
      case 'findings': {
        const lines = findingDetailsLines(incident.finding);
        return lines.length > 0 ? lines : undefined;
      }
      case 'classifiedAt':
        return known.classifiedAt ? [known.classifiedAt] : undefined;
      case 'classificationReason':
        return known.classificationReason ? [known.classificationReason] : undefined;
      case 'previousSubmission':
        return known.previousSubmission ? [known.previousSubmission] : undefined;
      default:
        return undefined;
    }
  };
  // The draft also carries title, severity, times and labels whenever the incident has them: the regulator asks for them all.
  const fields: DraftField[] = [...new Set<DraftField>(['incident', 'severity', 'summary', 'detectedAt', 'awareAt', 'labels', 'findings', ...input.stage.draftFields])];
  return fields.map((field) => {
    const lines = valueOf(field);
    return lines === undefined ? { field } : { field, lines };
  });
}

/** One approver's email about a stage: the report, stage and deadline, the pre-filled draft, and how to record the submission. */
export function reportStageEmail(input: StageEmailInput): RenderedEmail {
  const { incident, task, stage } = input;
  const dueAt = task.dueAt ?? 'no deadline yet';
  const subject = subjectFor(`[${incident.severity}] Regulatory report due ${dueAt}: ${input.reportTitle} — ${stage.title} — ${incident.title}`, incident.mode);
  const draft = prefilledDraft(input);
  const filled = draft.filter((entry) => entry.lines !== undefined);
  const left = draft.filter((entry) => entry.lines === undefined).map((entry) => entry.field);
  const lines = [
    `You are asked to submit: ${stage.title} (${input.reportTitle})`,
    `Deadline: ${dueAt}`,
    '',
    ...(task.instructions ? [task.instructions.trim(), ''] : []),
    'Draft, pre-filled from the incident:',
    ...filled.flatMap((entry) => (entry.lines!.length === 1 ? [`  ${entry.field}: ${entry.lines![0]}`] : [`  ${entry.field}:`, ...entry.lines!.map((line) => `    ${line}`)])),
    ...(left.length > 0 ? [`Left for you to write: ${left.join(', ')}.`] : []),
    '',
    ...signedInLines(task, input.apiUrl),
  ];
  return withLinkButton(subject, lines, input.recipient, undefined);
}

import { escapeHtml, htmlDocument } from './email-content.js';
import type { TaskOutcome } from './human-task.js';

/*
 * The pages behind an emailed task link. GET only ever shows a page (mail scanners fetch links before
 * people do); the form on it POSTs the decision back to the same signed URL.
 */

const OUTCOME_LABELS: Record<TaskOutcome, string> = { done: 'Mark as done', approved: 'Approve', rejected: 'Reject' };

export interface TaskLinkPageTask {
  readonly title: string;
  readonly kind: 'task' | 'approval';
  readonly instructions?: string;
  readonly outcomes: readonly TaskOutcome[];
  readonly incidentId: string;
  readonly level: number;
}

/** The confirmation page: what the task is, and a form to decide it (the only way to complete it from a link). */
export function confirmationPage(task: TaskLinkPageTask, recipient: string, formAction: string): string {
  const buttons = task.outcomes
    .map((outcome) => `<button type="submit" name="outcome" value="${escapeHtml(outcome)}">${escapeHtml(OUTCOME_LABELS[outcome])}</button>`)
    .join('\n');
  return htmlDocument(
    task.title,
    [
      `<h1>${escapeHtml(task.title)}</h1>`,
      `<p>Incident <code>${escapeHtml(task.incidentId)}</code>${task.level > 0 ? `, escalation level ${task.level}` : ''}.</p>`,
      ...(task.instructions ? [`<p>${escapeHtml(task.instructions).replace(/\n/g, '<br>')}</p>`] : []),
      `<form method="post" action="${escapeHtml(formAction)}">`,
      `<p><label for="comment">Comment${task.kind === 'approval' ? ' (required to reject: say why)' : ''}</label><br>`,
      '<textarea id="comment" name="comment" maxlength="2000"></textarea></p>',
      `<p>${buttons}</p>`,
      '</form>',
      `<p><small>You are responding as ${escapeHtml(recipient)}; your decision is recorded on the incident's trail.</small></p>`,
    ].join('\n'),
  );
}

export function messagePage(title: string, message: string): string {
  return htmlDocument(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

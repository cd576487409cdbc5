import { signedInLines } from './human-task-email.js';
import type { HumanTaskRecord, TaskRecipient } from './human-task.js';
import type { TaskLinkCheck } from './task-link.js';

/*
 * Whether a verified (or refused) emailed link may open its task, and what the page says when not. Nothing here
 * writes: a refused link records nothing.
 */

export interface LinkRefusal {
  readonly statusCode: 403 | 404 | 409 | 410;
  readonly title: string;
  readonly message: string;
}

const NOT_VALID: LinkRefusal = { statusCode: 403, title: 'This link is not valid', message: 'Open the link exactly as it arrived in your email.' };

/**
 * The task and recipient a link opens, or why it opens nothing: a bad signature (an unknown task or recipient reads
 * the same, so the page tells nobody which exist), expiry (410, saying how to act signed in), a task that requires an
 * authenticated identity (refused however well signed), a recipient who may not complete it, or a closed task.
 */
export function openedByLink(
  check: TaskLinkCheck,
  task: HumanTaskRecord | undefined,
  apiUrl: string,
): { readonly task: HumanTaskRecord; readonly recipient: TaskRecipient } | { readonly refused: LinkRefusal } {
  if (!check.valid) {
    if (check.reason === 'expired' && task) return { refused: { statusCode: 410, title: 'This link has expired', message: expiredMessage(task, apiUrl) } };
    return { refused: NOT_VALID };
  }
  const recipient = task?.recipients[check.claims.recipientIndex];
  if (!task || !recipient) return { refused: NOT_VALID };
  if (task.requires === 'authenticated') {
    return { refused: { statusCode: 403, title: `"${task.title}" cannot be decided by link`, message: `${signedInLines(task, apiUrl).join(' ')} Nothing was recorded.` } };
  }
  if (!recipient.mayComplete) return { refused: { statusCode: 404, title: 'No such task', message: 'This link names no task you can complete.' } };
  if (task.status !== 'open') {
    const message = task.decision
      ? `It was already completed (${task.decision.outcome}) by ${task.decision.decidedBy} at ${task.decision.decidedAt}.`
      : `It expired${task.expiredAt ? ` at ${task.expiredAt}` : ''}; nobody can complete it now.`;
    return { refused: { statusCode: 409, title: `"${task.title}" is closed`, message } };
  }
  return { task, recipient };
}

/** What an expired link's page says: nothing was recorded, and how to act now (signed in). */
function expiredMessage(task: HumanTaskRecord, apiUrl: string): string {
  const state = task.status === 'open' ? 'The task is still open.' : `The task is ${task.status}.`;
  return `Nothing was recorded. Links work only for a short time (docs/approval-links.md). ${state} ${signedInLines(task, apiUrl).join(' ')}`;
}

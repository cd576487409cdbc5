import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { completeHumanTask } from '../aws/human-task-completion.js';
import { getTask } from '../aws/human-task-store.js';
import { taskLinkKeys } from '../aws/task-link-key.js';
import { TaskCompletionRequest, rolesOfAddress, type HumanTaskRecord, type TaskRecipient } from '../domain/human-task.js';
import { recipientLabel, signedInLines } from '../domain/human-task-email.js';
import { isWellFormedSignature, parseTaskLinkId, verifyTaskLink } from '../domain/task-link.js';
import { confirmationPage, messagePage } from '../domain/task-link-page.js';
import { apiHandler, type ApiEvent, type ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** Pages that carry a signed URL: never cached, never framed, never sent on as a referrer. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

const page = (statusCode: number, body: string): ApiResult => ({ statusCode, headers: PAGE_HEADERS, body });
const STATUS = { 'not-found': 404, conflict: 409, forbidden: 403, invalid: 400 } as const;

/**
 * GET/POST /task-links/{linkId}?sig=… — no IAM authorizer (a browser cannot sign): the HMAC signature, made for
 * one recipient's address, is the credential. GET shows the task and a form, and changes nothing; only the form's
 * POST completes the task, acting as `email:<recipient>` with their name. Single use: completion is conditional on
 * the task being open. A task that requires an authenticated identity is refused, however well signed the link.
 */
export const handler = apiHandler(async (event) => {
  const opened = await openLink(event);
  if ('refused' in opened) return opened.refused;
  const { task, recipient, linkId, signature } = opened;

  if (event.requestContext.http.method === 'GET') {
    const formAction = `/task-links/${encodeURIComponent(linkId)}?sig=${encodeURIComponent(signature)}`;
    return page(200, confirmationPage(task, recipientLabel(recipient), formAction));
  }

  const form = new URLSearchParams(bodyText(event));
  const parsed = TaskCompletionRequest.safeParse({ outcome: form.get('outcome') ?? undefined, comment: form.get('comment') ?? '' });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`).join('; ');
    return page(400, messagePage('Nothing was recorded', `${problems}. Go back, change it and send again.`));
  }
  const result = await completeHumanTask(
    tableName,
    { incidentId: task.incidentId, taskId: task.taskId },
    parsed.data,
    { kind: 'email', address: recipient.address, ...(recipient.name !== undefined && { name: recipient.name }), roles: rolesOfAddress(recipient.address, irdrConfig) },
    'email-link',
  );
  if (result.kind !== 'completed') return page(STATUS[result.kind], messagePage('Nothing was recorded', result.message));
  const also = result.alsoCompleted.map((other) => `"${other.title}"`).join(', ');
  const alsoText = also === '' ? '' : ` It is the same review as ${also}, which is completed with it.`;
  // The lifecycle's review has no run waiting on it (no token): only a review held in the run moves a runbook on.
  const carriesOn = task.taskToken !== undefined || result.alsoCompleted.length > 0 ? ' Thank you; the runbook carries on.' : ' Thank you.';
  return page(200, messagePage('Recorded', `"${task.title}": ${parsed.data.outcome}, as ${recipientLabel(recipient)}.${alsoText}${carriesOn}`));
});

type OpenedLink = { task: HumanTaskRecord; recipient: TaskRecipient; linkId: string; signature: string } | { refused: ApiResult };

/**
 * Finds the task and the recipient the link names, checks the signature (made for that recipient's address) and
 * the expiry, then whether the task may be decided by link at all. Unknown task or recipient reads as a bad
 * signature: the page tells nobody which incidents and tasks exist.
 */
async function openLink(event: ApiEvent): Promise<OpenedLink> {
  const linkId = event.pathParameters?.linkId ?? '';
  const signature = event.queryStringParameters?.sig ?? '';
  const claimed = parseTaskLinkId(linkId);
  // Only a well-formed link costs a read: its task holds the address the signature must have been made for.
  const task = claimed && isWellFormedSignature(signature) ? await getTask(tableName, claimed.incidentId, claimed.taskId) : undefined;
  const check = verifyTaskLink(await taskLinkKeys(), linkId, signature, (claims) => task?.recipients[claims.recipientIndex]?.address, Math.floor(Date.now() / 1000));
  if (!check.valid) {
    if (check.reason === 'expired' && task) return { refused: page(410, messagePage('This link has expired', expiredMessage(task))) };
    return { refused: page(403, messagePage('This link is not valid', 'Open the link exactly as it arrived in your email.')) };
  }
  const recipient = task?.recipients[check.claims.recipientIndex];
  if (!task || !recipient) return { refused: page(403, messagePage('This link is not valid', 'Open the link exactly as it arrived in your email.')) };
  if (task.requires === 'authenticated') {
    return { refused: page(403, messagePage(`"${task.title}" cannot be decided by link`, `${signedInLines(task, apiUrl()).join(' ')} Nothing was recorded.`)) };
  }
  if (!recipient.mayComplete) return { refused: page(404, messagePage('No such task', 'This link names no task you can complete.')) };
  if (task.status !== 'open') {
    const message = task.decision
      ? `It was already completed (${task.decision.outcome}) by ${task.decision.decidedBy} at ${task.decision.decidedAt}.`
      : `It expired${task.expiredAt ? ` at ${task.expiredAt}` : ''}; nobody can complete it now.`;
    return { refused: page(409, messagePage(`"${task.title}" is closed`, message)) };
  }
  return { task, recipient, linkId, signature };
}

/** What an expired link's page says: nothing was recorded, and how to act now (signed in). */
function expiredMessage(task: HumanTaskRecord): string {
  const state = task.status === 'open' ? 'The task is still open.' : `The task is ${task.status}.`;
  return `Nothing was recorded. Links work only for a short time (docs/approval-links.md). ${state} ${signedInLines(task, apiUrl()).join(' ')}`;
}

const apiUrl = (): string => requireEnvironment('API_URL').replace(/\/+$/, '');

function bodyText(event: ApiEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

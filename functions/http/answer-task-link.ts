import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { completeHumanTask } from '../aws/human-task-completion.js';
import { getTask } from '../aws/human-task-store.js';
import { taskLinkKeys } from '../aws/task-link-key.js';
import { TaskCompletionRequest, rolesOfAddress, type HumanTaskRecord, type TaskRecipient } from '../domain/human-task.js';
import { recipientLabel } from '../domain/human-task-email.js';
import { isWellFormedSignature, parseTaskLinkId, verifyTaskLink } from '../domain/task-link.js';
import { openedByLink } from '../domain/task-link-access.js';
import { confirmationPage, messagePage } from '../domain/task-link-page.js';
import { apiHandler, type ApiEvent, type ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const apiUrl = requireEnvironment('API_URL').replace(/\/+$/, '');

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
  const alsoText = result.acknowledgedIncident
    ? ` The incident is acknowledged${also === '' ? '' : ` (and ${also} with it)`}.`
    : also === '' ? '' : ` It is the same review as ${also}, which is completed with it.`;
  // The lifecycle's review has no run waiting on it (no token): only a review held in the run moves a runbook on.
  const carriesOn = task.taskToken !== undefined || result.alsoCompleted.length > 0 ? ' Thank you; the runbook carries on.' : ' Thank you.';
  return page(200, messagePage('Recorded', `"${task.title}": ${parsed.data.outcome}, as ${recipientLabel(recipient)}.${alsoText}${carriesOn}`));
}, {
  // A browser's form: a link no task can have, or a body that is not a UTF-8 form, gets a page saying so.
  body: 'application/x-www-form-urlencoded',
  refusal: (statusCode, message) => page(statusCode, messagePage('Nothing was recorded', `${message}.`)),
});

type OpenedLink = { task: HumanTaskRecord; recipient: TaskRecipient; linkId: string; signature: string } | { refused: ApiResult };

/** Reads the task the link names (only for a well-formed link), verifies the signature for its recipient, and decides. */
async function openLink(event: ApiEvent): Promise<OpenedLink> {
  const linkId = event.pathParameters?.linkId ?? '';
  const signature = event.queryStringParameters?.sig ?? '';
  const claimed = parseTaskLinkId(linkId);
  const task = claimed && isWellFormedSignature(signature) ? await getTask(tableName, claimed.incidentId, claimed.taskId) : undefined;
  const check = verifyTaskLink(await taskLinkKeys(), linkId, signature, (claims) => task?.recipients[claims.recipientIndex]?.address, Math.floor(Date.now() / 1000));
  const opened = openedByLink(check, task, apiUrl);
  if ('refused' in opened) return { refused: page(opened.refused.statusCode, messagePage(opened.refused.title, opened.refused.message)) };
  return { ...opened, linkId, signature };
}

function bodyText(event: ApiEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

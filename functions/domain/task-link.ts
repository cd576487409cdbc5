import { createHmac, timingSafeEqual } from 'node:crypto';
import { TASK_LINK_ID_PATTERN } from './path-parameters.js';

/*
 * Emailed task links: `/task-links/<linkId>?sig=<signature>`.
 *
 * linkId = <incidentId>.<taskId>.<recipient index>.<expiry, epoch seconds> — it names the task and which
 * of its recipients the link was made for (their address stays in the TASK# item, out of URLs and logs);
 * a task id is a step id or the lifecycle's dotted `review.post-incident` (still one reading: incident ids
 * have no dot, and a task id's parts start with a letter where the index starts with a digit);
 * sig = base64url(HMAC-SHA256(key, "irdr-task-link/v2\n" + linkId + "\n" + recipient address, lower-cased)):
 * the signed payload names the person, so a link made for one person cannot be pointed at another (or at a
 * recipient list re-ordered since) without the signature failing. The link carries no task token: the
 * token is looked up server-side. It is single-use because completing a task is a conditional write that
 * succeeds once; it expires at the time it names. v1 links (no address) no longer verify.
 */

const SIGNING_CONTEXT = 'irdr-task-link/v2\n';

export interface TaskLinkClaims {
  readonly incidentId: string;
  readonly taskId: string;
  /** Index into the task's recipients. */
  readonly recipientIndex: number;
  /** Epoch seconds after which the link is refused. */
  readonly expiresAt: number;
}

export type TaskLinkCheck =
  | { readonly valid: true; readonly claims: TaskLinkClaims }
  | { readonly valid: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

export function taskLinkId(claims: TaskLinkClaims): string {
  return `${claims.incidentId}.${claims.taskId}.${claims.recipientIndex}.${claims.expiresAt}`;
}

export function parseTaskLinkId(linkId: string): TaskLinkClaims | undefined {
  const match = TASK_LINK_ID_PATTERN.exec(linkId);
  if (!match) return undefined;
  const [, incidentId, taskId, recipientIndex, expiresAt] = match;
  return { incidentId: incidentId!, taskId: taskId!, recipientIndex: Number(recipientIndex), expiresAt: Number(expiresAt) };
}

/** The signature of a link made for this recipient. */
export function signTaskLink(key: string, linkId: string, recipientAddress: string): string {
  return createHmac('sha256', key).update(`${SIGNING_CONTEXT}${linkId}\n${recipientAddress.toLowerCase()}`, 'utf8').digest('base64url');
}

/** The path (with its query) of a link signed for the recipient at `claims.recipientIndex`, whose address this is. */
export function signedTaskLinkPath(key: string, claims: TaskLinkClaims, recipientAddress: string): string {
  const linkId = taskLinkId(claims);
  return `/task-links/${linkId}?sig=${signTaskLink(key, linkId, recipientAddress)}`;
}

/** Whether a signature has the shape of one (base64url of 32 bytes): worth looking its task up for. */
export function isWellFormedSignature(signature: string | undefined): signature is string {
  return signature !== undefined && /^[A-Za-z0-9_-]{43}$/.test(signature);
}

/**
 * Checks a link against the signing keys (the current one first; a previous one keeps links sent before a
 * rotation working) for the recipient its claims name (`recipientAddressOf`, from the task; undefined when there
 * is no such recipient), in constant time per key, then its expiry: an expired link is known to be genuine.
 */
export function verifyTaskLink(
  keys: readonly string[],
  linkId: string,
  signature: string | undefined,
  recipientAddressOf: (claims: TaskLinkClaims) => string | undefined,
  nowEpochSeconds: number,
): TaskLinkCheck {
  const claims = parseTaskLinkId(linkId);
  if (!claims || !isWellFormedSignature(signature)) return { valid: false, reason: 'malformed' };
  const address = recipientAddressOf(claims);
  if (address === undefined) return { valid: false, reason: 'bad-signature' };
  const given = Buffer.from(signature, 'base64url');
  const signed = keys.some((key) => {
    const expected = Buffer.from(signTaskLink(key, linkId, address), 'base64url');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { valid: false, reason: 'bad-signature' };
  if (nowEpochSeconds > claims.expiresAt) return { valid: false, reason: 'expired' };
  return { valid: true, claims };
}

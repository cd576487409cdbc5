import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack): the header
 * X-Slack-Signature is `v0=` + hex HMAC-SHA256, keyed with the app's signing secret, over `v0:<timestamp>:<raw body>`,
 * where the timestamp is X-Slack-Request-Timestamp (Unix seconds). A request older than five minutes is a replay.
 */

export const SLACK_SIGNATURE_VERSION = 'v0';
/** Slack's own advice: refuse a request whose timestamp is more than five minutes from now. */
export const SLACK_MAX_REQUEST_AGE_SECONDS = 5 * 60;

/** The X-Slack-Signature value Slack sends for this body at this timestamp. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:`);
  hmac.update(rawBody);
  return `${SLACK_SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

export interface SignedSlackRequest {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  /** The body exactly as received: never re-serialized, or the HMAC covers something else. */
  readonly rawBody: Buffer;
}

export type SlackSignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * Checks a request's signature before anything of the body is read: missing headers, a timestamp that is not
 * whole seconds or is more than five minutes away, or a signature that does not match (compared in constant time).
 */
export function verifySlackRequest(signingSecret: string, request: SignedSlackRequest, nowSeconds: number): SlackSignatureCheck {
  if (!request.signature || !request.timestamp) return { valid: false, reason: 'the request is not signed (X-Slack-Signature and X-Slack-Request-Timestamp are required)' };
  if (!/^\d{1,12}$/.test(request.timestamp)) return { valid: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  if (Math.abs(nowSeconds - Number(request.timestamp)) > SLACK_MAX_REQUEST_AGE_SECONDS) {
    return { valid: false, reason: 'the request timestamp is more than five minutes from now (a replay, or a clock far off)' };
  }
  const expected = Buffer.from(slackSignature(signingSecret, request.timestamp, request.rawBody), 'utf8');
  const given = Buffer.from(request.signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'the signature does not match the body' };
  return { valid: true };
}

import * as z from '../zod.js';
import { multiLine } from '../plain-text.js';
import type { RoleName } from '../config-schema.js';

/** The trail event a sign-off appends to the record it reviews. */
export const SIGN_OFF_EVENT = 'evidence.signed-off';

/** POST /incidents/{incidentId}/sign-off and /drill-runs/{runId}/sign-off. */
export const SignOffRequest = z.strictObject({
  verdict: z.enum(['accepted', 'exceptions'], { error: 'verdict is "accepted" or "exceptions"' }),
  comment: z.optional(z.string().check(z.trim(), z.minLength(1, 'a comment, if given, needs some text'), z.maxLength(4000, 'at most 4000 characters'), multiLine)),
}).check(z.refine(({ verdict, comment }) => verdict !== 'exceptions' || comment !== undefined, {
  message: 'a sign-off with exceptions needs a comment saying what they are',
  path: ['comment'],
}));
export type SignOffRequest = z.infer<typeof SignOffRequest>;

/** Kept on the record's META item (what listings read); the trail event is the evidence. */
export interface SignOff {
  readonly verdict: SignOffRequest['verdict'];
  readonly comment?: string;
  readonly by: string;
  readonly roles: readonly RoleName[];
  readonly at: string;
}

export type SignOffSubject =
  | { readonly kind: 'incident'; readonly status: string; readonly mode?: string; readonly reviewTask?: { readonly taskId: string; readonly status: string }; readonly signOff?: SignOff }
  | { readonly kind: 'drill-run'; readonly status: string; readonly signOff?: SignOff };

/**
 * Why a record cannot be signed off yet (a 409 message), or undefined. An accepted sign-off is final; one with
 * exceptions may be followed by another once they are dealt with, and both stay in the trail.
 */
export function signOffBlocker(subject: SignOffSubject): string | undefined {
  if (subject.signOff?.verdict === 'accepted') {
    return `signed off already (accepted by ${subject.signOff.by} at ${subject.signOff.at}); an accepted sign-off is final`;
  }
  if (subject.kind === 'drill-run') {
    return subject.status === 'running' ? 'the drill run is still running: sign it off once it has passed or failed' : undefined;
  }
  if (subject.status !== 'resolved' && subject.status !== 'closed') {
    return `the incident is ${subject.status}: resolve it and hold its post-incident review first`;
  }
  if (subject.reviewTask && subject.reviewTask.status !== 'completed') {
    return `the post-incident review task ${subject.reviewTask.taskId} is ${subject.reviewTask.status}: complete it (POST /incidents/{incidentId}/tasks/${subject.reviewTask.taskId}/complete) first`;
  }
  return undefined;
}

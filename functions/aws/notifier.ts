import { irdrConfig } from '../config.js';
import type { RenderedEmail } from '../domain/email-content.js';
import { incidentPk } from '../domain/keys.js';
import { appendEvent } from './event-trail.js';
import { sendEmail } from './mailer.js';
import { logger } from './powertools.js';
import { noticeInSlack } from './slack-notices.js';

export interface EmailRecordContext {
  readonly tableName: string;
  readonly incidentId: string;
  /** Who sends: the run (`states:<execution ARN>`). */
  readonly actor: string;
  readonly stepId?: string;
  /** What the email is about, recorded with it: e.g. { purpose: 'task', taskId, level }. */
  readonly detail?: Record<string, unknown>;
  /** Its Slack reply mentions the urgent group (a raise made the incident urgent). */
  readonly mentionUrgent?: boolean;
}

export type EmailOutcome = { readonly sent: true; readonly messageId: string } | { readonly sent: false; readonly error: string };

/**
 * Sends one email and appends what happened to the incident's trail: `notification.sent` with SES's
 * message id, or `notify.failed` with the error. A failed email never throws: the work it belongs to
 * (a task, a reminder) carries on, and the trail says who was not told.
 */
export async function sendAndRecordEmail(context: EmailRecordContext, to: readonly string[], email: RenderedEmail): Promise<EmailOutcome> {
  let outcome: EmailOutcome;
  try {
    outcome = { sent: true, messageId: await sendEmail({ from: irdrConfig.mail.from, to, ...email }) };
  } catch (error) {
    const failure = error as Error;
    logger.warn('email not sent', { incidentId: context.incidentId, stepId: context.stepId, error: failure });
    outcome = { sent: false, error: `${failure.name}: ${failure.message}` };
  }
  // The same news in the incident's Slack thread, after the email (which a Slack outage never holds up) and before the
  // record of it: once the trail says who was told, the thread (and the incident's SLACK#THREAD item) says it too.
  await noticeInSlack({ tableName: context.tableName, incidentId: context.incidentId, what: email.subject, actor: context.actor, ...(context.stepId !== undefined && { stepId: context.stepId }), ...(context.mentionUrgent === true && { mentionUrgent: true }) });
  await appendEvent(context.tableName, incidentPk(context.incidentId), {
    type: outcome.sent ? 'notification.sent' : 'notify.failed',
    at: new Date().toISOString(),
    actor: context.actor,
    ...(context.stepId !== undefined && { stepId: context.stepId }),
    detail: {
      ...context.detail,
      to: [...to],
      subject: email.subject,
      ...(outcome.sent ? { messageId: outcome.messageId } : { error: outcome.error }),
    },
  });
  return outcome;
}

/** Every configured address of these roles, each once, sorted. */
export function roleAddresses(roles: readonly string[]): string[] {
  return [...new Set(roles.flatMap((role) => irdrConfig.roles[role as keyof typeof irdrConfig.roles]?.emails ?? []))].sort();
}

/** A role's list addresses and every person in it, each once, sorted: whom an overdue escalation reaches, on call or not. */
export function everyAddressOfRole(role: keyof typeof irdrConfig.roles): string[] {
  const configured = irdrConfig.roles[role];
  return [...new Set([...(configured?.emails ?? []), ...(configured?.people ?? []).map((person) => person.email)])].sort();
}

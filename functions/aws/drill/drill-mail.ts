import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import { irdrConfig } from '../../config.js';
import type { RenderedEmail } from '../../domain/email-content.js';
import type { DrillExecutionState } from '../../domain/drill/run.js';
import { sendEmail } from '../mailer.js';
import { roleAddresses } from '../notifier.js';
import { logger } from '../powertools.js';
import { recordDrillEvent } from './drill-step.js';

/** Who hears of a drill: its owner, the plan's roles and addresses; each address once, sorted. */
export function drillRecipients(plan: DrillPlan): string[] {
  return [...new Set([plan.owner, ...roleAddresses(plan.recipients.roles ?? []), ...(plan.recipients.addresses ?? [])])].sort();
}

export type DrillEmailOutcome = { readonly sent: true; readonly messageId: string } | { readonly sent: false; readonly error: string };

/** Sends one drill email and records `<eventPrefix>.sent` (with SES's message id) or `<eventPrefix>.failed` in the run's trail. */
export async function sendAndRecordDrillEmail(
  state: DrillExecutionState,
  eventPrefix: string,
  to: readonly string[],
  email: RenderedEmail,
): Promise<DrillEmailOutcome> {
  let outcome: DrillEmailOutcome;
  try {
    outcome = { sent: true, messageId: await sendEmail({ from: irdrConfig.mail.from, to, ...email }) };
  } catch (error) {
    const failure = error as Error;
    logger.warn('drill email not sent', { eventPrefix, error: failure });
    outcome = { sent: false, error: `${failure.name}: ${failure.message}` };
  }
  await recordDrillEvent(state, outcome.sent ? `${eventPrefix}.sent` : `${eventPrefix}.failed`, {
    to: [...to],
    subject: email.subject,
    ...(outcome.sent ? { messageId: outcome.messageId } : { error: outcome.error }),
  });
  return outcome;
}

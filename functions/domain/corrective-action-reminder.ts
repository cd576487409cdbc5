import * as z from './zod.js';
import type { CorrectiveActionRecord, ReminderPhase } from './corrective-action.js';
import { escapeHtml, htmlDocument, subjectFor, textToHtml, type RenderedEmail } from './email-content.js';
import type { Incident } from './incident.js';

/*
 * A corrective action's reminders: one execution of the reminder state machine per action (workflows/
 * compile-review-reminder.ts, its action branch) waits until remindAt and reminds the owner, then until dueAt and,
 * if the action is still open, records it overdue and escalates to the commanders.
 */

export const ActionReminderInput = z.strictObject({
  incidentId: z.string().check(z.minLength(1)),
  actionId: z.string().check(z.minLength(1)),
  remindAt: z.iso.datetime({ offset: true }),
  dueAt: z.iso.datetime({ offset: true }),
});
export type ActionReminderInput = z.infer<typeof ActionReminderInput>;

/** What the state machine hands RemindCorrectiveAction at each wait's end. */
export const RemindCorrectiveActionPayload = z.strictObject({
  incidentId: z.string().check(z.minLength(1)),
  actionId: z.string().check(z.minLength(1)),
  phase: z.enum(['due-soon', 'overdue']),
  executionArn: z.string().check(z.minLength(1)),
});
export type RemindCorrectiveActionPayload = z.infer<typeof RemindCorrectiveActionPayload>;

/** One execution per action (Step Functions names are at most 80 characters; the action id is what makes it unique). */
export const actionReminderExecutionName = (incidentId: string, actionId: string): string => `action-${actionId}-${incidentId}`.slice(0, 80);

/** The owner's reminder before due, or the overdue escalation (to the owner and the commanders). */
export function actionReminderEmail(
  incident: Pick<Incident, 'incidentId' | 'title' | 'severity' | 'mode'>,
  action: CorrectiveActionRecord,
  phase: ReminderPhase,
  apiUrl: string,
): RenderedEmail {
  const due = action.dueAt.slice(0, 10);
  const subject = subjectFor(
    `[${incident.severity}] Corrective action ${phase === 'overdue' ? 'overdue' : 'due soon'} (due ${due}): ${action.title}`,
    incident.mode,
  );
  const text = [
    phase === 'overdue'
      ? `The corrective action "${action.title}" of ${incident.title} was due ${action.dueAt} and is still open. It is escalated to the incident commanders.`
      : `The corrective action "${action.title}" of ${incident.title} is due ${action.dueAt}.`,
    '',
    `Owner: ${action.owner.name ?? action.owner.email} <${action.owner.email}>`,
    ...(action.detail !== undefined ? ['', action.detail] : []),
    '',
    `Close it with the evidence it was done (a note or a link): irdr incidents actions close ${incident.incidentId} ${action.actionId} --note "…" ` +
      `or POST ${apiUrl}/incidents/${incident.incidentId}/actions/${action.actionId}/close.`,
  ].join('\n');
  return { subject, text, html: htmlDocument(subject, `${textToHtml(text)}\n<p><small>${escapeHtml(action.actionId)}</small></p>`) };
}

import * as z from './zod.js';
import { escapeHtml, htmlDocument, subjectFor, textToHtml, type RenderedEmail } from './email-content.js';
import type { HumanTaskRecord } from './human-task.js';
import type { Incident } from './incident.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * A regulatory report stage's reminders: one execution of the reminder state machine per stage task (its stage
 * branch, workflows/compile-review-reminder.ts) waits until remindAt and reminds the approvers, then until the
 * deadline and, the stage still unsubmitted, records it overdue and escalates to the commanders.
 */

export const StageReminderInput = z.strictObject({
  incidentId: z.string().check(z.minLength(1)),
  taskId: z.string().check(z.minLength(1)),
  remindAt: z.iso.datetime({ offset: true }),
  dueAt: z.iso.datetime({ offset: true }),
});
export type StageReminderInput = z.infer<typeof StageReminderInput>;

export const RemindReportStagePayload = z.strictObject({
  incidentId: z.string().check(z.minLength(1)),
  taskId: z.string().check(z.minLength(1)),
  phase: z.enum(['due-soon', 'overdue']),
  executionArn: z.string().check(z.minLength(1)),
});
export type RemindReportStagePayload = z.infer<typeof RemindReportStagePayload>;
export type StagePhase = RemindReportStagePayload['phase'];

/** One execution per stage task (Step Functions names are at most 80 characters). */
export const stageReminderExecutionName = (incidentId: string, taskId: string): string => `stage-${taskId}-${incidentId}`.slice(0, 80);

/** The longest a reminder comes before a stage's deadline: a day (a month-long final report is reminded a day before). */
const MAX_LEAD_MS = 24 * 3600 * 1000;

/**
 * When the approvers are reminded: a quarter of the stage's window before its deadline, at most a day before (DORA's
 * 4-hour initial notification is reminded an hour before). A stage opened already overdue is reminded at once.
 */
export function stageReminderTime(openedAt: string, dueAt: string): string {
  const window = Date.parse(dueAt) - Date.parse(openedAt);
  if (window <= 0) return openedAt;
  return new Date(Date.parse(dueAt) - Math.min(window / 4, MAX_LEAD_MS)).toISOString();
}

/** The trail event: `task.reminded` before the deadline, `task.overdue` (escalated) after. */
export function stageReminderEvent(task: Pick<HumanTaskRecord, 'taskId' | 'stepId' | 'title' | 'assignee' | 'dueAt'>, phase: StagePhase, at: string, actor: string, escalatedTo: readonly string[]): TrailEventBody {
  return {
    type: phase === 'overdue' ? 'task.overdue' : 'task.reminded',
    at,
    actor,
    stepId: task.stepId,
    detail: {
      taskId: task.taskId,
      kind: 'task',
      title: task.title,
      ...(task.assignee !== undefined && { assignee: task.assignee }),
      dueAt: task.dueAt,
      purpose: 'regulatory-report',
      ...(phase === 'overdue' && { escalatedTo: [...escalatedTo] }),
    },
  };
}

/** The reminder (to the approvers) or the escalation (to them and the commanders): no link, a stage is submitted signed in. */
export function stageReminderEmail(incident: Pick<Incident, 'incidentId' | 'severity' | 'mode'>, task: Pick<HumanTaskRecord, 'taskId' | 'title' | 'dueAt'>, phase: StagePhase, apiUrl: string): RenderedEmail {
  const subject = subjectFor(`[${incident.severity}] Regulatory report ${phase === 'overdue' ? 'OVERDUE' : 'due soon'} (due ${task.dueAt ?? '?'}): ${task.title}`, incident.mode);
  const text = [
    phase === 'overdue'
      ? `"${task.title}" was due ${task.dueAt ?? '?'} and is not recorded as submitted. It is escalated to the incident commanders: submit it now, with the reasons for the delay where the regulation asks for them.`
      : `"${task.title}" is due ${task.dueAt ?? '?'} and is not recorded as submitted yet.`,
    '',
    `Record the submission, signed in, with the regulator's reference number: irdr incidents complete ${incident.incidentId} ${task.taskId} --outcome done --comment "…" ` +
      `(POST ${apiUrl}/incidents/${incident.incidentId}/tasks/${task.taskId}/complete).`,
  ].join('\n');
  return { subject, text, html: htmlDocument(subject, `${textToHtml(text)}\n<p><small>${escapeHtml(task.taskId)}</small></p>`) };
}

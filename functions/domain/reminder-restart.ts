import type { CorrectiveActionRecord } from './corrective-action.js';
import { actionReminderExecutionName, type ActionReminderInput } from './corrective-action-reminder.js';
import type { HumanTaskRecord } from './human-task.js';
import type { Incident } from './incident.js';
import { REVIEW_TASK_ID } from './incident-review.js';
import type { RegulatoryCatalog } from './regulatory-stages.js';
import { stageReminderExecutionName, stageReminderTime, type StageReminderInput } from './report-stage-reminder.js';
import { stageOfTask } from './report-stage-id.js';
import { reviewReminderExecutionName, type ReviewReminderInput } from './review-reminder.js';

/*
 * The reminders an incident still owes, as executions of the reminder state machine: its post-incident review's,
 * each open corrective action's and each unsubmitted report stage's. The local stack keeps executions in memory, so
 * on a start over kept data it starts these again (each phase marks itself once: a phase already sent is not resent).
 */

export type ReminderToRestart =
  | { readonly kind: 'review'; readonly name: string; readonly input: ReviewReminderInput }
  | { readonly kind: 'action'; readonly name: string; readonly input: ActionReminderInput }
  | { readonly kind: 'stage'; readonly name: string; readonly input: StageReminderInput };

/** Every reminder of this incident that has a phase left to run. */
export function remindersOwed(
  incident: Pick<Incident, 'incidentId' | 'status'>,
  tasks: readonly HumanTaskRecord[],
  actions: readonly CorrectiveActionRecord[],
  catalog: RegulatoryCatalog,
): ReminderToRestart[] {
  const { incidentId } = incident;
  const owed: ReminderToRestart[] = [];
  const review = tasks.find((task) => task.taskId === REVIEW_TASK_ID);
  if ((incident.status === 'resolved' || incident.status === 'closed') && review?.status === 'open' && review.remindedAt === undefined && review.dueAt !== undefined) {
    owed.push({ kind: 'review', name: reviewReminderExecutionName(incidentId), input: { incidentId, dueAt: review.dueAt } });
  }
  for (const action of actions) {
    if (action.status !== 'open' || action.overdueAt !== undefined) continue;
    owed.push({ kind: 'action', name: actionReminderExecutionName(incidentId, action.actionId), input: { incidentId, actionId: action.actionId, remindAt: action.remindAt, dueAt: action.dueAt } });
  }
  for (const task of tasks) {
    if (task.status !== 'open' || task.dueAt === undefined || task.overdueAt !== undefined || stageOfTask(catalog, task.taskId) === undefined) continue;
    owed.push({ kind: 'stage', name: stageReminderExecutionName(incidentId, task.taskId), input: { incidentId, taskId: task.taskId, remindAt: stageReminderTime(task.createdAt, task.dueAt), dueAt: task.dueAt } });
  }
  return owed;
}

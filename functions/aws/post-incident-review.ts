import { irdrConfig } from '../config.js';
import type { Incident } from '../domain/incident.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { reviewDueAt } from '../domain/review-due.js';
import { reviewTask } from '../domain/review-task.js';
import { incidentPk } from '../domain/keys.js';
import { appendEvent } from './event-trail.js';
import { completeSameReview } from './human-task-completion.js';
import { listTasks, putNewTask } from './human-task-store.js';
import { emailReview } from './review-mail.js';
import { scheduleReviewReminder } from './review-reminder.js';

/**
 * On resolve: opens the post-incident review task for the commanders (when the severity calls for one),
 * records it in the trail, emails each commander their own signed link to record it, and starts the reminder
 * that emails them again if it is still open when due. Returns the task's due time, or undefined when none is due.
 * If the run's own review task (completedBy: post-incident-review) was already completed, the review was
 * held: the new task is completed at once with that decision, and nobody is emailed or reminded to hold it again.
 */
export async function schedulePostIncidentReview(tableName: string, incident: Incident, resolvedAt: string, actor: string): Promise<string | undefined> {
  const dueAt = reviewDueAt(incident.severity, resolvedAt, irdrConfig.postIncidentReview, irdrConfig.businessCalendars.team);
  if (dueAt === undefined) return undefined;
  const task = reviewTask(incident, resolvedAt, dueAt, irdrConfig);
  // Already there (a retried request): the first one's record, email and reminder stand.
  if (!(await putNewTask(tableName, task))) return dueAt;
  await appendEvent(tableName, incidentPk(incident.incidentId), {
    type: 'task.created',
    at: resolvedAt,
    actor,
    stepId: REVIEW_TASK_ID,
    detail: { taskId: REVIEW_TASK_ID, kind: 'task', title: task.title, assignee: 'commander', dueAt, purpose: 'post-incident-review' },
  });
  // Read after the review task is written: a run task completed at the same moment sees it, or is seen here.
  const heldInRun = (await listTasks(tableName, incident.incidentId)).find(
    (candidate) => candidate.completedBy === 'post-incident-review' && candidate.status === 'completed',
  );
  if (heldInRun !== undefined && (await completeSameReview(tableName, heldInRun)).length > 0) return dueAt;
  if (!(await scheduleReviewReminder({ incidentId: incident.incidentId, dueAt }))) {
    // The review stands without its reminder; the trail says so, so nobody counts on one.
    await appendEvent(tableName, incidentPk(incident.incidentId), {
      type: 'task.reminder-not-scheduled',
      at: new Date().toISOString(),
      actor,
      stepId: REVIEW_TASK_ID,
      detail: { taskId: REVIEW_TASK_ID, dueAt, reason: 'the reminder could not be started (see the function log); remind the commanders by hand' },
    });
  }
  await emailReview(tableName, incident, task, { actor, overdue: false });
  return dueAt;
}

import { irdrConfig } from '../config.js';
import { htmlDocument, subjectFor, textToHtml } from '../domain/email-content.js';
import type { Incident } from '../domain/incident.js';
import { REVIEW_TASK_ID, reviewDueAt, reviewTask } from '../domain/incident-review.js';
import { incidentPk } from '../domain/keys.js';
import { appendEvent } from './event-trail.js';
import { completeSameReview } from './human-task-completion.js';
import { listTasks, putNewTask } from './human-task-store.js';
import { roleAddresses, sendAndRecordEmail } from './notifier.js';

/**
 * On resolve: opens the post-incident review task for the commanders (when the severity calls for one),
 * records it in the trail and emails them. Returns the task's due time, or undefined when none is due.
 * If the run's own review task (completedBy: post-incident-review) was already completed, the review was
 * held: the new task is completed at once with that decision, and nobody is emailed to hold it again.
 */
export async function schedulePostIncidentReview(tableName: string, incident: Incident, resolvedAt: string, actor: string): Promise<string | undefined> {
  const dueAt = reviewDueAt(incident.severity, resolvedAt, irdrConfig.postIncidentReview);
  if (dueAt === undefined) return undefined;
  const task = reviewTask(incident, resolvedAt, dueAt);
  // Already there (a retried request): the first one's record and email stand.
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
  const to = roleAddresses(['commander']);
  if (to.length === 0) return dueAt;
  const subject = subjectFor(`[${incident.severity}] Post-incident review due ${dueAt.slice(0, 10)}: ${incident.title}`, incident.mode);
  const text = [
    `${incident.title} was resolved at ${resolvedAt}.`,
    '',
    `Hold the post-incident review by ${dueAt}: walk the timeline, agree lessons learned and an owner for each follow-up action.`,
    `A draft built from the incident record: GET /incidents/${incident.incidentId}/review`,
    `When it is done: POST /incidents/${incident.incidentId}/tasks/${REVIEW_TASK_ID}/complete`,
  ].join('\n');
  await sendAndRecordEmail(
    { tableName, incidentId: incident.incidentId, actor, stepId: REVIEW_TASK_ID, detail: { purpose: 'post-incident-review', taskId: REVIEW_TASK_ID } },
    to,
    { subject, text, html: htmlDocument(subject, textToHtml(text)) },
  );
  return dueAt;
}

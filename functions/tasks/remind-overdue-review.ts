import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { markTaskReminded } from '../aws/human-task-store.js';
import { getIncident } from '../aws/incident-store.js';
import { logger } from '../aws/powertools.js';
import { emailReview } from '../aws/review-mail.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { incidentPk } from '../domain/keys.js';
import { RemindOverdueReviewPayload, overdueEvent } from '../domain/review-reminder.js';
import { stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Reminder step, at the review's due time: if the post-incident review is still open, records `task.overdue`
 * and emails each commander again with their own link. Once: the task is marked reminded first (a conditional
 * write), so a retried attempt, or a review completed in time, sends nothing.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ reminded: boolean }> => {
  logger.addContext(context);
  const request = RemindOverdueReviewPayload.parse(payload);
  const key = { incidentId: request.incidentId, taskId: REVIEW_TASK_ID };
  const at = new Date().toISOString();
  const task = await markTaskReminded(tableName, key, at);
  if (!task) {
    logger.info('post-incident review completed in time, or already reminded: no reminder', key);
    return { reminded: false };
  }
  const incident = await getIncident(tableName, request.incidentId);
  if (!incident) throw new Error(`no incident ${request.incidentId} for its open review task`);
  const actor = stepActor(request.executionArn);
  await appendEvent(tableName, incidentPk(request.incidentId), overdueEvent(task, at, actor));
  await emailReview(tableName, incident, task, { actor, overdue: true });
  logger.info('post-incident review overdue: commanders reminded', { ...key, dueAt: task.dueAt });
  return { reminded: true };
};

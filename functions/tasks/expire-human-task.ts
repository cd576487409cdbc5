import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { expireTask } from '../aws/human-task-store.js';
import { logger } from '../aws/powertools.js';
import { ExpireHumanTaskPayload } from '../domain/human-task.js';
import { incidentPk } from '../domain/keys.js';
import { stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Runbook step: the last escalation level has waited in vain. Closes the task (`task.expired`) and tells the
 * run what to do: `expired`, `auto-rejected`, or — when a decision got in first — that decision's outcome.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ outcome: string }> => {
  logger.addContext(context);
  const request = ExpireHumanTaskPayload.parse(payload);
  const key = { incidentId: request.incidentId, taskId: request.stepId };
  const at = new Date().toISOString();
  const result = await expireTask(tableName, key, at);
  if (!result.expired) {
    if (result.task?.decision) return { outcome: result.task.decision.outcome };
    throw new Error(`task ${key.taskId} of incident ${key.incidentId} is ${result.task?.status ?? 'missing'}, not open`);
  }
  const outcome = request.onExhausted === 'auto-reject' ? 'auto-rejected' : 'expired';
  await appendEvent(tableName, incidentPk(key.incidentId), {
    type: 'task.expired',
    at,
    actor: stepActor(request.executionArn),
    stepId: result.task.stepId,
    detail: { taskId: key.taskId, kind: result.task.kind, title: result.task.title, levels: result.task.levels.length, onExhausted: request.onExhausted },
  });
  logger.info('human task expired', { ...key, outcome });
  return { outcome };
};

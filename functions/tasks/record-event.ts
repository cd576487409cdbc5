import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { updateRunbookStatus } from '../aws/incident-store.js';
import { logger } from '../aws/powertools.js';
import { incidentPk } from '../domain/keys.js';
import { RecordEventTask, stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

/** Runbook step: appends an event to the incident's trail and, when given, moves its runbookStatus. */
export const handler = async (payload: unknown, context: Context): Promise<{ seq: number; hash: string }> => {
  logger.addContext(context);
  const task = RecordEventTask.parse(payload);
  const at = new Date().toISOString();
  const event = await appendEvent(tableName, incidentPk(task.incidentId), {
    type: task.type,
    at,
    actor: stepActor(task.executionArn),
    stepId: task.stepId,
    detail: task.detail,
  });
  if (task.runbookStatus) {
    await updateRunbookStatus(tableName, task.incidentId, { runbookStatus: task.runbookStatus, updatedAt: at, executionArn: task.executionArn });
  }
  logger.info('event recorded', { incidentId: task.incidentId, type: task.type, seq: event.seq });
  return { seq: event.seq, hash: event.hash };
};

import { appendEvent } from './event-trail.js';
import { completeTask } from './human-task-store.js';
import { logger } from './powertools.js';
import { answerWaitingRun } from './task-answer.js';
import { decisionEvent, taskOutput, type HumanTaskRecord, type TaskDecision } from '../domain/human-task.js';
import { incidentPk } from '../domain/keys.js';

export type RecordedDecision =
  | { readonly completed: true; readonly task: HumanTaskRecord }
  | { readonly completed: false; readonly task: HumanTaskRecord | undefined };

/**
 * The one write of a decision (conditional on the task being open), then the trail event, then the decision
 * handed to the run waiting on the task's current token, if any. Callers have checked who may decide.
 */
export async function recordDecision(tableName: string, task: HumanTaskRecord, decision: TaskDecision): Promise<RecordedDecision> {
  const key = { incidentId: task.incidentId, taskId: task.taskId };
  const result = await completeTask(tableName, key, decision);
  if (!result.completed) return result;
  await appendEvent(tableName, incidentPk(key.incidentId), decisionEvent(task, decision, result.task.level));
  // No token: no run waits on this task (the post-incident review); the decision on the task is all there is.
  if (result.task.taskToken === undefined) return result;
  try {
    const delivered = await answerWaitingRun(result.task.taskToken, taskOutput(result.task, decision));
    // Not delivered: the level was timing out; the next escalation (or the expiry) reads the decision and passes it on.
    if (!delivered) logger.info('the run had stopped waiting on that token; the next level will pass the decision on', key);
  } catch (error) {
    logger.error('could not hand the decision to the run now; the next level will', { ...key, error: error as Error });
  }
  return result;
}

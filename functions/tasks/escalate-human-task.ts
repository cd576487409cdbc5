import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { emailTaskLevel } from '../aws/human-task-mail.js';
import { getTask, rearmTask } from '../aws/human-task-store.js';
import { logger } from '../aws/powertools.js';
import { answerWaitingRun } from '../aws/task-answer.js';
import { EscalateHumanTaskPayload, taskOutput } from '../domain/human-task.js';
import { recipientsForLevel } from '../domain/human-task-email.js';
import { incidentPk } from '../domain/keys.js';
import { stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Runbook step (.waitForTaskToken), one per escalation level: records `task.escalated`, re-arms the same
 * task with this state's token and emails the level's roles. If a decision was recorded while the
 * previous level was timing out, hands that decision to the run on this state's token (a result, not an error).
 */
export const handler = async (payload: unknown, context: Context): Promise<{ taskId: string; level: number; decided?: true }> => {
  logger.addContext(context);
  const request = EscalateHumanTaskPayload.parse(payload);
  const key = { incidentId: request.incidentId, taskId: request.stepId };
  const existing = await getTask(tableName, key.incidentId, key.taskId);
  if (!existing) throw new Error(`incident ${key.incidentId} has no task ${key.taskId} to escalate`);
  const level = existing.levels.find((candidate) => candidate.level === request.level);
  if (!level) throw new Error(`task ${key.taskId} has no escalation level ${request.level}`);

  const at = new Date().toISOString();
  const newRecipients = recipientsForLevel(existing, request.level, level.notify, irdrConfig, new Date(at));
  const rearmed = await rearmTask(tableName, key, {
    taskToken: request.taskToken,
    level: request.level,
    levelStartedAt: at,
    levelSeconds: level.afterSeconds,
    newRecipients,
  });
  if (!rearmed.rearmed) {
    if (!rearmed.task?.decision) throw new Error(`task ${key.taskId} is ${rearmed.task?.status ?? 'gone'}: nothing to escalate`);
    logger.info('the decision arrived as the level timed out', { ...key, escalationLevel: request.level, decidedBy: rearmed.task.decision.decidedBy });
    await answerWaitingRun(request.taskToken, taskOutput(rearmed.task, rearmed.task.decision));
    return { taskId: key.taskId, level: request.level, decided: true };
  }

  const actor = stepActor(request.executionArn);
  await appendEvent(tableName, incidentPk(key.incidentId), {
    type: 'task.escalated',
    at,
    actor,
    stepId: existing.stepId,
    detail: {
      taskId: key.taskId,
      level: request.level,
      of: existing.levels.length,
      notify: level.notify,
      recipients: newRecipients.map((recipient) => recipient.address),
      waitSeconds: level.afterSeconds,
    },
  });
  await emailTaskLevel({
    tableName,
    task: rearmed.task,
    level: request.level,
    firstIndex: rearmed.task.recipients.length - newRecipients.length,
    actor,
    variables: request.input,
  });
  logger.info('human task escalated', { ...key, escalationLevel: request.level });
  return { taskId: key.taskId, level: request.level };
};

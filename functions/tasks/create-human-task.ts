import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { emailTaskLevel } from '../aws/human-task-mail.js';
import { putNewTask, rearmTask } from '../aws/human-task-store.js';
import { logger } from '../aws/powertools.js';
import { CreateHumanTaskPayload, outcomesFor, type HumanTaskRecord } from '../domain/human-task.js';
import { firstLevelRoles, recipientsForLevel } from '../domain/human-task-email.js';
import { incidentPk } from '../domain/keys.js';
import { stepActor } from '../domain/runbook-step.js';
import { renderTemplate } from '../domain/template.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Runbook step (.waitForTaskToken): stores the human task with its token, records it, and emails those who
 * may complete it their own signed link. The run then waits for the decision, or for the level's timeout.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ taskId: string }> => {
  logger.addContext(context);
  const request = CreateHumanTaskPayload.parse(payload);
  const { task: definition } = request;
  const taskId = request.stepId;
  const at = new Date().toISOString();
  const who = { kind: definition.kind, assignee: definition.assignee, approvers: definition.approvers };
  const task: HumanTaskRecord = {
    taskId,
    incidentId: request.incidentId,
    stepId: request.stepId,
    executionArn: request.executionArn,
    kind: definition.kind,
    title: definition.title,
    // Rendered once, here: the link page and the API show what the emails said.
    ...(definition.instructions !== undefined && { instructions: renderTemplate(definition.instructions, request.input) }),
    ...(definition.assignee !== undefined && { assignee: definition.assignee }),
    ...(definition.approvers !== undefined && { approvers: definition.approvers }),
    outcomes: outcomesFor(definition.kind),
    status: 'open',
    level: 0,
    levels: definition.levels,
    deadlineSeconds: definition.deadlineSeconds,
    onExhausted: definition.onExhausted,
    createdAt: at,
    updatedAt: at,
    levelStartedAt: at,
    levelSeconds: definition.deadlineSeconds,
    recipients: recipientsForLevel(who, 0, firstLevelRoles(who), irdrConfig),
    taskToken: request.taskToken,
  };

  if (!(await putNewTask(tableName, task))) {
    // A retried attempt of this step: the same task waits on the new token; the first attempt's emails stand.
    const rearmed = await rearmTask(tableName, { incidentId: task.incidentId, taskId }, {
      taskToken: request.taskToken,
      level: 0,
      levelStartedAt: at,
      levelSeconds: task.levelSeconds,
      newRecipients: [],
    });
    logger.info('human task re-armed after a retry', { incidentId: task.incidentId, taskId, rearmed: rearmed.rearmed });
    return { taskId };
  }

  const actor = stepActor(request.executionArn);
  await appendEvent(tableName, incidentPk(task.incidentId), {
    type: 'task.created',
    at,
    actor,
    stepId: task.stepId,
    detail: {
      taskId,
      kind: task.kind,
      title: task.title,
      ...(task.assignee !== undefined && { assignee: task.assignee }),
      ...(task.approvers !== undefined && { approvers: task.approvers }),
      deadlineSeconds: task.deadlineSeconds,
      escalationLevels: task.levels.length,
      onExhausted: task.onExhausted,
      recipients: task.recipients.map((recipient) => recipient.address),
    },
  });
  await emailTaskLevel({ tableName, task, level: 0, firstIndex: 0, actor, variables: request.input });
  logger.info('human task created', { incidentId: task.incidentId, taskId });
  return { taskId };
};

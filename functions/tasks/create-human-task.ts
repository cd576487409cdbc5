import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { emailTaskLevel } from '../aws/human-task-mail.js';
import { completeTask, getTask, putNewTask, rearmTask } from '../aws/human-task-store.js';
import { getIncident } from '../aws/incident-store.js';
import { logger } from '../aws/powertools.js';
import { answerWaitingRun } from '../aws/task-answer.js';
import {
  ACKNOWLEDGED_THROUGH_INCIDENT,
  CreateHumanTaskPayload,
  outcomesFor,
  taskOutput,
  type HumanTaskRecord,
  type TaskDecision,
  decisionEvent,
} from '../domain/human-task.js';
import { firstLevelRoles, recipientsForLevel } from '../domain/human-task-email.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { incidentPk } from '../domain/keys.js';
import { stepActor } from '../domain/runbook-step.js';
import { renderTemplate } from '../domain/template.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Runbook step (.waitForTaskToken): stores the human task with its token, records it, and emails those who
 * may complete it their own signed link. The run then waits for the decision, or for the level's timeout.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ taskId: string; decided?: true }> => {
  logger.addContext(context);
  const request = CreateHumanTaskPayload.parse(payload);
  const { task: definition } = request;
  const taskId = request.stepId;
  const at = new Date().toISOString();
  const who = { kind: definition.kind, assignee: definition.assignee, approvers: definition.approvers, requires: definition.requires };
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
    ...(definition.completedBy !== undefined && { completedBy: definition.completedBy }),
    ...(definition.requires !== undefined && { requires: definition.requires }),
    createdAt: at,
    updatedAt: at,
    levelStartedAt: at,
    levelSeconds: definition.deadlineSeconds,
    recipients: recipientsForLevel(who, 0, firstLevelRoles(who), irdrConfig, new Date(at)),
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
      ...(task.requires !== undefined && { requires: task.requires }),
      recipients: task.recipients.map((recipient) => recipient.address),
    },
  });
  if (task.completedBy !== undefined && (await completeIfAlreadyDecided(task, request.taskToken))) return { taskId, decided: true };
  await emailTaskLevel({ tableName, task, level: 0, firstIndex: 0, actor, variables: request.input });
  logger.info('human task created', { incidentId: task.incidentId, taskId });
  return { taskId };
};

/**
 * What the task is marked completed by happened before the run reached it: the incident was acknowledged
 * (completedBy: acknowledgement), or the lifecycle's post-incident review was already held
 * (completedBy: post-incident-review). The task is born completed by whoever did that, and the run is handed
 * that decision on this state's own token (a result, not an error: no false Lambda Errors alarm) rather than
 * waiting for a decision that already happened. Nobody is emailed. True when it did so.
 */
async function completeIfAlreadyDecided(task: HumanTaskRecord, taskToken: string): Promise<boolean> {
  const prior = task.completedBy === 'acknowledgement' ? await acknowledgedBefore(task) : await reviewHeldBefore(task);
  if (prior === undefined) return false;
  const { decision, reason } = prior;
  const result = await completeTask(tableName, { incidentId: task.incidentId, taskId: task.taskId }, decision);
  if (result.completed) {
    await appendEvent(tableName, incidentPk(task.incidentId), decisionEvent(task, decision, 0));
  }
  // Completed by someone else in between: theirs is the decision the run takes.
  const taken = result.task?.decision ?? decision;
  await answerWaitingRun(taskToken, taskOutput(task, taken));
  logger.info('human task born decided', { incidentId: task.incidentId, taskId: task.taskId, reason: `${reason}, before the run reached "${task.title}"` });
  return true;
}

type PriorDecision = { readonly decision: TaskDecision; readonly reason: string } | undefined;

async function acknowledgedBefore(task: HumanTaskRecord): Promise<PriorDecision> {
  const incident = await getIncident(tableName, task.incidentId);
  if (incident?.acknowledgedAt === undefined || incident.acknowledgedBy === undefined) return undefined;
  return {
    decision: { outcome: 'done', decidedBy: incident.acknowledgedBy, comment: ACKNOWLEDGED_THROUGH_INCIDENT, decidedAt: new Date().toISOString(), via: 'incident-acknowledgement' },
    reason: `the incident was acknowledged at ${incident.acknowledgedAt}`,
  };
}

/** The lifecycle's review task (review.post-incident) already completed: this task is the same review. */
async function reviewHeldBefore(task: HumanTaskRecord): Promise<PriorDecision> {
  const review = await getTask(tableName, task.incidentId, REVIEW_TASK_ID);
  const held = review?.status === 'completed' ? review.decision : undefined;
  if (held === undefined || !task.outcomes.includes(held.outcome)) return undefined;
  return {
    decision: {
      outcome: held.outcome,
      decidedBy: held.decidedBy,
      ...(held.decidedByName !== undefined && { decidedByName: held.decidedByName }),
      comment: held.comment,
      decidedAt: new Date().toISOString(),
      via: 'post-incident-review',
      through: REVIEW_TASK_ID,
    },
    reason: `the post-incident review was held (${REVIEW_TASK_ID} completed by ${held.decidedBy} at ${held.decidedAt})`,
  };
}

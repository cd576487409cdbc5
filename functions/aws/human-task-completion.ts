import { appendEvent } from './event-trail.js';
import { completeTask, getTask, listTasks } from './human-task-store.js';
import { logger } from './powertools.js';
import { answerWaitingRun } from './task-answer.js';
import {
  actorName,
  mayComplete,
  publicTaskView,
  taskOutput,
  whoMayComplete,
  type HumanTaskRecord,
  type PublicHumanTask,
  type TaskActor,
  type TaskCompletionRequest,
  type TaskDecision,
  decisionEvent,
} from '../domain/human-task.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { incidentPk } from '../domain/keys.js';

export type CompletionResult =
  | {
      readonly kind: 'completed';
      readonly task: PublicHumanTask;
      /** Other tasks completed with it: the other task of the same post-incident review. */
      readonly alsoCompleted: readonly PublicHumanTask[];
    }
  | { readonly kind: 'not-found' | 'conflict' | 'forbidden' | 'invalid'; readonly message: string };

/**
 * Completes a human task for the API and for emailed links alike. Every check comes before the one
 * write (a conditional update on `status = open`), so a refused request writes nothing, and of two
 * completions racing only one succeeds. Then the decision goes on the trail, and to the waiting run
 * through the token read back from the task item (it never leaves the backend). A post-incident review
 * held through one of its two tasks completes the other too (see completeSameReview).
 */
export async function completeHumanTask(
  tableName: string,
  key: { readonly incidentId: string; readonly taskId: string },
  request: TaskCompletionRequest,
  actor: TaskActor,
  via: Exclude<TaskDecision['via'], 'post-incident-review'>,
): Promise<CompletionResult> {
  const task = await getTask(tableName, key.incidentId, key.taskId);
  if (!task) return { kind: 'not-found', message: `incident ${key.incidentId} has no task "${key.taskId}"` };
  const refusal = refusalFor(task.status, task.decision, task.expiredAt);
  if (refusal) return { kind: 'conflict', message: refusal };
  if (!task.outcomes.includes(request.outcome)) {
    return { kind: 'invalid', message: `this ${task.kind} takes the outcome ${task.outcomes.join(' or ')}, not "${request.outcome}"` };
  }
  // Acknowledging the incident completes a task marked for it: the acknowledge route has already checked the caller's role.
  if (via === 'incident-acknowledgement' && task.completedBy !== 'acknowledgement') {
    return { kind: 'invalid', message: `"${task.title}" is not completed by acknowledging the incident` };
  }
  if (via !== 'incident-acknowledgement' && !mayComplete(task, actor)) {
    const roles = actor.roles.length > 0 ? `acts as ${actor.roles.join(', ')}` : 'acts in no irdr role';
    return { kind: 'forbidden', message: `only ${whoMayComplete(task)} may complete "${task.title}"; ${actorName(actor)} ${roles}` };
  }

  const decision: TaskDecision = {
    outcome: request.outcome,
    decidedBy: actorName(actor),
    ...(actor.kind === 'email' && actor.name !== undefined && { decidedByName: actor.name }),
    comment: request.comment,
    decidedAt: new Date().toISOString(),
    via,
  };
  const result = await recordDecision(tableName, task, decision);
  if (!result.completed) {
    return { kind: 'conflict', message: refusalFor(result.task?.status ?? 'expired', result.task?.decision, result.task?.expiredAt) ?? 'the task is no longer open' };
  }
  const alsoCompleted = await completeSameReview(tableName, result.task);
  return { kind: 'completed', task: publicTaskView(result.task), alsoCompleted };
}

/**
 * The post-incident review is one review, whichever of its two tasks records it: the lifecycle's
 * `review.post-incident` (opened on resolve) and the run's task(s) marked `completedBy: post-incident-review`.
 * Given the one just completed, completes the other(s) still open with its decision (same person, outcome
 * and comment; via post-incident-review, through the completed task), so the run moves on and nobody is
 * asked again. A task that is neither, or a decision that was itself carried over, carries nothing further.
 * A failure here is logged, not thrown: the completion it follows stands.
 */
export async function completeSameReview(tableName: string, completed: HumanTaskRecord): Promise<PublicHumanTask[]> {
  const { decision } = completed;
  if (completed.status !== 'completed' || decision === undefined || decision.via === 'post-incident-review') return [];
  const isLifecycleReview = completed.taskId === REVIEW_TASK_ID;
  if (!isLifecycleReview && completed.completedBy !== 'post-incident-review') return [];
  const alsoCompleted: PublicHumanTask[] = [];
  try {
    const targets = isLifecycleReview
      ? (await listTasks(tableName, completed.incidentId)).filter((task) => task.completedBy === 'post-incident-review')
      : [await getTask(tableName, completed.incidentId, REVIEW_TASK_ID)].filter((task) => task !== undefined);
    for (const target of targets.filter((task) => task.status === 'open')) {
      if (!target.outcomes.includes(decision.outcome)) {
        logger.warn('the other task of the review takes other outcomes; left open', { incidentId: completed.incidentId, taskId: target.taskId });
        continue;
      }
      const carried: TaskDecision = {
        outcome: decision.outcome,
        decidedBy: decision.decidedBy,
        ...(decision.decidedByName !== undefined && { decidedByName: decision.decidedByName }),
        comment: decision.comment,
        decidedAt: new Date().toISOString(),
        via: 'post-incident-review',
        through: completed.taskId,
      };
      const result = await recordDecision(tableName, target, carried);
      if (result.completed) alsoCompleted.push(publicTaskView(result.task));
      else logger.info('the other task of the review was no longer open', { incidentId: completed.incidentId, taskId: target.taskId });
    }
  } catch (error) {
    logger.error('could not complete the other task of the post-incident review', { incidentId: completed.incidentId, taskId: completed.taskId, error: error as Error });
  }
  return alsoCompleted;
}

/**
 * The one write (conditional on the task being open), then the trail event, then the decision handed to
 * the run waiting on the task's current token, if any.
 */
async function recordDecision(
  tableName: string,
  task: HumanTaskRecord,
  decision: TaskDecision,
): Promise<{ readonly completed: true; readonly task: HumanTaskRecord } | { readonly completed: false; readonly task: HumanTaskRecord | undefined }> {
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

function refusalFor(status: string, decision: TaskDecision | undefined, expiredAt: string | undefined): string | undefined {
  if (status === 'completed' && decision) {
    return `the task was already completed (${decision.outcome}) by ${decision.decidedBy} at ${decision.decidedAt}`;
  }
  if (status === 'expired') return `the task expired${expiredAt ? ` at ${expiredAt}` : ''}, after its last escalation level; nobody can complete it now`;
  return status === 'open' ? undefined : `the task is ${status}`;
}

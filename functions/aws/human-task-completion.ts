import { reviewActionsBlocker } from './review-completion-rule.js';
import { getTask, listTasks } from './human-task-store.js';
import { getIncident } from './incident-store.js';
import { acknowledgeIncident } from './incident-acknowledgement.js';
import { logger } from './powertools.js';
import { noticeInSlack } from './slack-notices.js';
import { recordDecision } from './task-decision.js';
import {
  actorName,
  mayComplete,
  publicTaskView,
  whoMayComplete,
  type HumanTaskRecord,
  type PublicHumanTask,
  type TaskActor,
  type TaskCompletionRequest,
  type TaskDecision,
} from '../domain/human-task.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { REPORT_TASK_ID_PREFIX } from '../domain/id-patterns.js';

export type CompletionResult =
  | {
      readonly kind: 'completed';
      readonly task: PublicHumanTask;
      /** Other tasks completed with it: the other task of the same post-incident review, or the other acknowledgement tasks. */
      readonly alsoCompleted: readonly PublicHumanTask[];
      /** Completing an acknowledgement task acknowledged the incident (it was still open). */
      readonly acknowledgedIncident?: true;
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
  via: Extract<TaskDecision['via'], 'api' | 'email-link' | 'slack'>,
): Promise<CompletionResult> {
  const task = await getTask(tableName, key.incidentId, key.taskId);
  if (!task) return { kind: 'not-found', message: `incident ${key.incidentId} has no task "${key.taskId}"` };
  const refusal = refusalFor(task.status, task.decision, task.expiredAt);
  if (refusal) return { kind: 'conflict', message: refusal };
  if (!task.outcomes.includes(request.outcome)) {
    return { kind: 'invalid', message: `this ${task.kind} takes the outcome ${task.outcomes.join(' or ')}, not "${request.outcome}"` };
  }
  if (request.reference !== undefined && !task.taskId.startsWith(REPORT_TASK_ID_PREFIX)) {
    return { kind: 'invalid', message: `a reference is a regulator's reference for a report stage's submission (a report-<regulation>-<stage> task); "${task.title}" is none: put it in the comment` };
  }
  if (!mayComplete(task, actor)) {
    const roles = actor.roles.length > 0 ? `acts as ${actor.roles.join(', ')}` : 'acts in no irdr role';
    return { kind: 'forbidden', message: `only ${whoMayComplete(task)} may complete "${task.title}"; ${actorName(actor)} ${roles}` };
  }
  if (task.taskId === REVIEW_TASK_ID || task.completedBy === 'post-incident-review') {
    // Before the one write: a SEV1/SEV2 review without a corrective action (or a recorded reason for none) is not complete.
    const incident = await getIncident(tableName, key.incidentId);
    const blocker = incident ? await reviewActionsBlocker(tableName, incident) : undefined;
    if (blocker) return { kind: 'conflict', message: blocker };
  }

  const decision: TaskDecision = {
    outcome: request.outcome,
    decidedBy: actorName(actor),
    ...(actor.kind === 'email' && actor.name !== undefined && { decidedByName: actor.name }),
    comment: request.comment,
    ...(request.reference !== undefined && { reference: request.reference }),
    decidedAt: new Date().toISOString(),
    via,
  };
  const result = await recordDecision(tableName, task, decision);
  if (!result.completed) {
    return { kind: 'conflict', message: refusalFor(result.task?.status ?? 'expired', result.task?.decision, result.task?.expiredAt) ?? 'the task is no longer open' };
  }
  await noticeInSlack({ tableName, incidentId: task.incidentId, what: `"${task.title}": ${request.outcome}, by ${decision.decidedBy} (via ${via})`, actor: decision.decidedBy });
  if (task.completedBy === 'acknowledgement') return completedAcknowledging(tableName, result.task, actor, via);
  const alsoCompleted = await completeSameReview(tableName, result.task);
  return { kind: 'completed', task: publicTaskView(result.task), alsoCompleted };
}

/**
 * An acknowledgement task completed through any channel acknowledges the incident, exactly as
 * POST /incidents/{id}/acknowledge does (status, milestone, who, MTTA, the other acknowledgement tasks).
 * An incident already acknowledged or resolved stays as it is: the task's completion stands either way.
 */
async function completedAcknowledging(
  tableName: string,
  task: HumanTaskRecord,
  actor: TaskActor,
  via: 'api' | 'email-link' | 'slack',
): Promise<CompletionResult> {
  const acknowledged = await acknowledgeIncident(tableName, task.incidentId, actor, via, task.decision?.decidedAt);
  if (acknowledged.kind !== 'acknowledged') {
    logger.info('the acknowledgement task was completed; the incident was not open', { incidentId: task.incidentId, taskId: task.taskId, reason: acknowledged.message });
    return { kind: 'completed', task: publicTaskView(task), alsoCompleted: [] };
  }
  return { kind: 'completed', task: publicTaskView(task), alsoCompleted: acknowledged.completedTasks, acknowledgedIncident: true };
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

function refusalFor(status: string, decision: TaskDecision | undefined, expiredAt: string | undefined): string | undefined {
  if (status === 'completed' && decision) {
    return `the task was already completed (${decision.outcome}) by ${decision.decidedBy} at ${decision.decidedAt}`;
  }
  if (status === 'expired') return `the task expired${expiredAt ? ` at ${expiredAt}` : ''}, after its last escalation level; nobody can complete it now`;
  return status === 'open' ? undefined : `the task is ${status}`;
}

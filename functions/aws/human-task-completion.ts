import { appendEvent } from './event-trail.js';
import { completeTask, getTask } from './human-task-store.js';
import { logger } from './powertools.js';
import { answerWaitingRun } from './task-answer.js';
import {
  actorName,
  mayComplete,
  publicTaskView,
  taskOutput,
  whoMayComplete,
  type PublicHumanTask,
  type TaskActor,
  type TaskCompletionRequest,
  type TaskDecision,
} from '../domain/human-task.js';
import { incidentPk } from '../domain/keys.js';

export type CompletionResult =
  | { readonly kind: 'completed'; readonly task: PublicHumanTask }
  | { readonly kind: 'not-found' | 'conflict' | 'forbidden' | 'invalid'; readonly message: string };

/**
 * Completes a human task for the API and for emailed links alike. Every check comes before the one
 * write (a conditional update on `status = open`), so a refused request writes nothing, and of two
 * completions racing only one succeeds. Then the decision goes on the trail, and to the waiting run
 * through the token read back from the task item (it never leaves the backend).
 */
export async function completeHumanTask(
  tableName: string,
  key: { readonly incidentId: string; readonly taskId: string },
  request: TaskCompletionRequest,
  actor: TaskActor,
  via: TaskDecision['via'],
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

  const decision: TaskDecision = { outcome: request.outcome, decidedBy: actorName(actor), comment: request.comment, decidedAt: new Date().toISOString(), via };
  const result = await completeTask(tableName, key, decision);
  if (!result.completed) {
    return { kind: 'conflict', message: refusalFor(result.task?.status ?? 'expired', result.task?.decision, result.task?.expiredAt) ?? 'the task is no longer open' };
  }
  await appendEvent(tableName, incidentPk(key.incidentId), {
    type: task.kind === 'approval' ? 'approval.decided' : 'task.completed',
    at: decision.decidedAt,
    actor: decision.decidedBy,
    stepId: task.stepId,
    detail: { taskId: task.taskId, kind: task.kind, title: task.title, outcome: decision.outcome, comment: decision.comment, via, level: result.task.level },
  });
  // No token: no run waits on this task (the post-incident review); the decision on the task is all there is.
  if (result.task.taskToken === undefined) return { kind: 'completed', task: publicTaskView(result.task) };
  try {
    const delivered = await answerWaitingRun(result.task.taskToken, taskOutput(result.task, decision));
    // Not delivered: the level was timing out; the next escalation (or the expiry) reads the decision and passes it on.
    if (!delivered) logger.info('the run had stopped waiting on that token; the next level will pass the decision on', key);
  } catch (error) {
    logger.error('could not hand the decision to the run now; the next level will', { ...key, error: error as Error });
  }
  return { kind: 'completed', task: publicTaskView(result.task) };
}

function refusalFor(status: string, decision: TaskDecision | undefined, expiredAt: string | undefined): string | undefined {
  if (status === 'completed' && decision) {
    return `the task was already completed (${decision.outcome}) by ${decision.decidedBy} at ${decision.decidedAt}`;
  }
  if (status === 'expired') return `the task expired${expiredAt ? ` at ${expiredAt}` : ''}, after its last escalation level; nobody can complete it now`;
  return status === 'open' ? undefined : `the task is ${status}`;
}

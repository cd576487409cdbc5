import { appendEvent } from './event-trail.js';
import { listTasks } from './human-task-store.js';
import { getIncident, transitionIncident } from './incident-store.js';
import { logger } from './powertools.js';
import { noticeInSlack } from './slack-notices.js';
import { recordDecision } from './task-decision.js';
import { ACKNOWLEDGED_THROUGH_INCIDENT, actorName, publicTaskView, type PublicHumanTask, type TaskActor, type TaskDecision } from '../domain/human-task.js';
import type { Incident, IncidentStatus } from '../domain/incident.js';
import { lifecycleTransitions, transitionChanges, transitionConflictMessage } from '../domain/incident-lifecycle.js';
import { incidentPk } from '../domain/keys.js';

/** The channel someone acknowledged through: the API (and the CLI, its client), an emailed task link, or a Slack button. */
export type AcknowledgementChannel = 'api' | 'email-link' | 'slack';

export type AcknowledgementResult =
  | { readonly kind: 'acknowledged'; readonly incident: Incident; readonly completedTasks: readonly PublicHumanTask[] }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'conflict'; readonly status: IncidentStatus; readonly message: string };

/**
 * Acknowledging an incident, whichever channel it came through: one operation, one effect. The incident moves
 * open → acknowledged with its milestone, who, and MTTA (a conditional update: of racing acknowledgements one
 * wins), the trail records it, and the run's open tasks marked `completedBy: acknowledgement` are completed as
 * the acknowledger, so the run moves on and the SLA clocks they meet are met. Completing such a task (API or
 * link) is itself an acknowledgement: human-task-completion calls this after it.
 */
export async function acknowledgeIncident(
  tableName: string,
  incidentId: string,
  actor: TaskActor,
  via: AcknowledgementChannel,
  at: string = new Date().toISOString(),
): Promise<AcknowledgementResult> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return { kind: 'not-found', message: `no incident with id "${incidentId}"` };
  const transition = lifecycleTransitions.acknowledge;
  if (!transition.from.includes(incident.status)) {
    return { kind: 'conflict', status: incident.status, message: transitionConflictMessage(incidentId, 'acknowledge', incident.status) };
  }
  const by = actorName(actor);
  const changes = transitionChanges('acknowledge', incident, at, by);
  const outcome = await transitionIncident(tableName, incidentId, { from: transition.from, to: transition.to, changes, updatedAt: at });
  if (outcome.outcome === 'not-found') return { kind: 'not-found', message: `no incident with id "${incidentId}"` };
  if (outcome.outcome === 'conflict') {
    return { kind: 'conflict', status: outcome.status, message: transitionConflictMessage(incidentId, 'acknowledge', outcome.status) };
  }
  await appendEvent(tableName, incidentPk(incidentId), {
    type: transition.eventType,
    at,
    actor: by,
    detail: { from: incident.status, to: transition.to, mode: incident.mode, via, ...changes },
  });
  const completedTasks = await completeAcknowledgementTasks(tableName, incidentId, by);
  await noticeInSlack({ tableName, incidentId, what: `Acknowledged by ${by} (via ${via}), MTTA ${changes.mttaSeconds ?? '?'} s`, actor: by });
  return { kind: 'acknowledged', incident: outcome.incident, completedTasks };
}

/**
 * The run's open tasks marked `completedBy: acknowledgement`, completed as the acknowledger (whose right to
 * acknowledge was checked by the channel). One already completed or expired is left as it is; a task the run has
 * not reached yet is completed when it is created (CreateHumanTask reads the acknowledgement from the incident).
 */
async function completeAcknowledgementTasks(tableName: string, incidentId: string, by: string): Promise<PublicHumanTask[]> {
  const open = (await listTasks(tableName, incidentId)).filter((task) => task.status === 'open' && task.completedBy === 'acknowledgement');
  const completed: PublicHumanTask[] = [];
  for (const task of open) {
    if (!task.outcomes.includes('done')) {
      logger.warn('an acknowledgement task that takes no "done" outcome; left open', { incidentId, taskId: task.taskId });
      continue;
    }
    const decision: TaskDecision = { outcome: 'done', decidedBy: by, comment: ACKNOWLEDGED_THROUGH_INCIDENT, decidedAt: new Date().toISOString(), via: 'incident-acknowledgement' };
    const result = await recordDecision(tableName, task, decision);
    if (result.completed) completed.push(publicTaskView(result.task));
    else logger.info('acknowledgement left a task as it was', { incidentId, taskId: task.taskId });
  }
  return completed;
}

import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { completeHumanTask } from '../aws/human-task-completion.js';
import { listTasks } from '../aws/human-task-store.js';
import { getIncident, transitionIncident } from '../aws/incident-store.js';
import { schedulePostIncidentReview } from '../aws/post-incident-review.js';
import { logger } from '../aws/powertools.js';
import { ACKNOWLEDGED_THROUGH_INCIDENT, type PublicHumanTask } from '../domain/human-task.js';
import {
  ResolveIncidentRequest,
  lifecycleTransitions,
  transitionChanges,
  transitionConflictMessage,
  type LifecycleAction,
} from '../domain/incident-lifecycle.js';
import { incidentPk } from '../domain/keys.js';
import type { ApiAction } from '../domain/roles.js';
import { requireRole, type AuthorizedCaller } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody, type ApiEvent } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

const actionOfRoute: Readonly<Record<string, { lifecycle: LifecycleAction; api: ApiAction }>> = {
  'POST /incidents/{incidentId}/acknowledge': { lifecycle: 'acknowledge', api: 'acknowledgeIncident' },
  'POST /incidents/{incidentId}/resolve': { lifecycle: 'resolve', api: 'resolveIncident' },
  'POST /incidents/{incidentId}/close': { lifecycle: 'close', api: 'closeIncident' },
};

/** Only resolve takes a body (an optional summary); the others take none. */
function resolveRequestOf(event: ApiEvent, action: LifecycleAction): ResolveIncidentRequest {
  if (!event.body) return {};
  if (action !== 'resolve') throw new HttpError(400, `POST /incidents/{incidentId}/${action} takes no body; send none`);
  return parseJsonBody(event, ResolveIncidentRequest);
}

/**
 * POST /incidents/{incidentId}/acknowledge | resolve | close: moves the lifecycle on with a conditional
 * update (of racing callers one wins, the others get 409), then records who did it in the trail.
 * Acknowledging completes the run's acknowledgement task; resolving opens the post-incident review task
 * (completed at once if the run's own review task, completedBy: post-incident-review, was already completed).
 */
export const handler = apiHandler(async (event) => {
  const route = actionOfRoute[event.routeKey];
  if (!route) throw new Error(`ChangeIncidentStatus serves no route ${event.routeKey}`);
  const caller = requireRole(event, route.api);
  const request = resolveRequestOf(event, route.lifecycle);
  const incidentId = event.pathParameters?.incidentId ?? '';

  const incident = await getIncident(tableName, incidentId);
  if (!incident) throw new HttpError(404, `no incident with id "${incidentId}"`);
  const transition = lifecycleTransitions[route.lifecycle];
  if (!transition.from.includes(incident.status)) {
    throw new HttpError(409, transitionConflictMessage(incidentId, route.lifecycle, incident.status));
  }

  const at = new Date().toISOString();
  const changes = transitionChanges(route.lifecycle, incident, at, caller.arn, request);
  const outcome = await transitionIncident(tableName, incidentId, { from: transition.from, to: transition.to, changes, updatedAt: at });
  if (outcome.outcome === 'not-found') throw new HttpError(404, `no incident with id "${incidentId}"`);
  if (outcome.outcome === 'conflict') {
    throw new HttpError(409, transitionConflictMessage(incidentId, route.lifecycle, outcome.status));
  }

  await appendEvent(tableName, incidentPk(incidentId), {
    type: transition.eventType,
    at,
    actor: caller.arn,
    detail: { from: incident.status, to: transition.to, mode: incident.mode, ...changes },
  });
  if (route.lifecycle === 'resolve') {
    const reviewDueAt = await schedulePostIncidentReview(tableName, outcome.incident, at, caller.arn);
    return jsonResponse(200, { incident: outcome.incident, ...(reviewDueAt !== undefined && { reviewDueAt }) });
  }
  if (route.lifecycle !== 'acknowledge') return jsonResponse(200, { incident: outcome.incident });
  const completedTasks = await completeAcknowledgementTasks(incidentId, caller);
  return jsonResponse(200, { incident: outcome.incident, ...(completedTasks.length > 0 && { completedTasks }) });
});

/**
 * Acknowledging the incident completes the run's open tasks marked `completedBy: acknowledgement`, through
 * the tasks API's own completion path, as the caller: the run moves on and the clocks they meet are met.
 * One already completed (or expired) is left as it is; the acknowledgement stands either way. A task the
 * run has not reached yet is completed when it is created (CreateHumanTask reads the acknowledgement).
 */
async function completeAcknowledgementTasks(incidentId: string, caller: AuthorizedCaller): Promise<PublicHumanTask[]> {
  const open = (await listTasks(tableName, incidentId)).filter((task) => task.status === 'open' && task.completedBy === 'acknowledgement');
  const completed: PublicHumanTask[] = [];
  for (const task of open) {
    const result = await completeHumanTask(
      tableName,
      { incidentId, taskId: task.taskId },
      { outcome: 'done', comment: ACKNOWLEDGED_THROUGH_INCIDENT },
      { kind: 'principal', principalArn: caller.arn, roles: caller.roles },
      'incident-acknowledgement',
    );
    if (result.kind === 'completed') completed.push(result.task);
    else logger.info('acknowledgement left a task as it was', { incidentId, taskId: task.taskId, result: result.kind, reason: result.message });
  }
  return completed;
}

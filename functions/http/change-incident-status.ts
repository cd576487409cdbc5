import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { acknowledgeIncident } from '../aws/incident-acknowledgement.js';
import { getIncident, transitionIncident } from '../aws/incident-store.js';
import { schedulePostIncidentReview } from '../aws/post-incident-review.js';
import { closeRunOnResolve } from '../aws/run-cancellation.js';
import { noticeInSlack } from '../aws/slack-notices.js';
import {
  ResolveIncidentRequest,
  lifecycleTransitions,
  transitionChanges,
  transitionConflictMessage,
  type LifecycleAction,
} from '../domain/incident-lifecycle.js';
import { reviewDueAt as reviewDueAtFor } from '../domain/review-due.js';
import { incidentPk } from '../domain/keys.js';
import type { ApiAction } from '../domain/roles.js';
import { requireRole } from './authorization.js';
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

  if (route.lifecycle === 'acknowledge') {
    // One operation for every channel (API, CLI, emailed link): see functions/aws/incident-acknowledgement.ts.
    const acknowledged = await acknowledgeIncident(tableName, incidentId, { kind: 'principal', principalArn: caller.arn, roles: caller.roles }, 'api');
    if (acknowledged.kind === 'not-found') throw new HttpError(404, acknowledged.message);
    if (acknowledged.kind === 'conflict') throw new HttpError(409, acknowledged.message);
    const { incident, completedTasks } = acknowledged;
    return jsonResponse(200, { incident, ...(completedTasks.length > 0 && { completedTasks }) });
  }

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
  // Resolution and closing are milestones of the incident's Slack thread (acknowledging posts its own, in its operation).
  await noticeInSlack({ tableName, incidentId, what: `${transition.to === 'resolved' ? 'Resolved' : 'Closed'} by ${caller.arn}${outcome.incident.resolutionSummary && transition.to === 'resolved' ? `: ${outcome.incident.resolutionSummary}` : ''}`, actor: caller.arn });
  if (route.lifecycle === 'resolve') {
    // The run ends with the incident (unless a regulatory clock still runs), before the review task is opened beside it.
    const reviewOpens = reviewDueAtFor(outcome.incident.severity, at, irdrConfig.postIncidentReview, irdrConfig.businessCalendars.team) !== undefined;
    const run = await closeRunOnResolve(tableName, outcome.incident, at, caller.arn, { reviewOpens });
    const reviewDueAt = await schedulePostIncidentReview(tableName, outcome.incident, at, caller.arn);
    const resolved = (await getIncident(tableName, incidentId)) ?? outcome.incident;
    return jsonResponse(200, { incident: resolved, run, ...(reviewDueAt !== undefined && { reviewDueAt }) });
  }
  return jsonResponse(200, { incident: outcome.incident });
});

import { addCorrectiveAction, closeCorrectiveAction, listCorrectiveActions, recordReviewFindings } from '../aws/corrective-actions.js';
import { requireEnvironment } from '../aws/environment.js';
import { actionView, CloseActionRequest, CorrectiveActionRequest, ReviewFindingsRequest, type Refusal } from '../domain/corrective-action.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody, type ApiEvent, type ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

const refuse = (refusal: Refusal): never => {
  throw new HttpError(refusal.status, refusal.message);
};

const routes: Readonly<Record<string, (event: ApiEvent, incidentId: string) => Promise<ApiResult>>> = {
  'GET /incidents/{incidentId}/actions': async (event, incidentId) => {
    requireRole(event, 'readIncidents');
    const result = await listCorrectiveActions(tableName, incidentId);
    if (!result.ok) return refuse(result);
    const now = new Date();
    return jsonResponse(200, { incidentId, actions: result.actions.map((action) => actionView(action, now)) });
  },
  'POST /incidents/{incidentId}/actions': async (event, incidentId) => {
    const caller = requireRole(event, 'addCorrectiveAction');
    const request = parseJsonBody(event, CorrectiveActionRequest);
    const result = await addCorrectiveAction(tableName, incidentId, request, caller);
    if (!result.ok) return refuse(result);
    return jsonResponse(201, { incidentId, action: actionView(result.action, new Date()) });
  },
  'POST /incidents/{incidentId}/actions/{actionId}/close': async (event, incidentId) => {
    // Any role gets past this: whether the caller may close it (its owner or a commander) is the action's to say.
    const caller = requireRole(event, 'readIncidents');
    const request = parseJsonBody(event, CloseActionRequest);
    const result = await closeCorrectiveAction(tableName, { incidentId, actionId: event.pathParameters?.actionId ?? '' }, request, caller);
    if (!result.ok) return refuse(result);
    return jsonResponse(200, { incidentId, action: actionView(result.action, new Date()), event: { seq: result.event.seq, hash: result.event.hash } });
  },
  'POST /incidents/{incidentId}/review': async (event, incidentId) => {
    const caller = requireRole(event, 'recordReview');
    const request = parseJsonBody(event, ReviewFindingsRequest);
    const result = await recordReviewFindings(tableName, incidentId, request, caller);
    if (!result.ok) return refuse(result);
    return jsonResponse(201, { incidentId, review: request, event: { seq: result.event.seq, hash: result.event.hash } });
  },
};

/**
 * The post-incident review's findings (POST /incidents/{incidentId}/review) and its corrective actions: list, add
 * (a commander), close with evidence (the owner or a commander). See docs/corrective-actions.md.
 */
export const handler = apiHandler(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new Error(`CorrectiveActions serves no route ${event.routeKey}`);
  return route(event, event.pathParameters?.incidentId ?? '');
});

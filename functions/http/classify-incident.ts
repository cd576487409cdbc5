import { requireEnvironment } from '../aws/environment.js';
import { classifyIncident } from '../aws/incident-classification.js';
import { ClassifyRequest } from '../domain/classification.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * POST /incidents/{incidentId}/classify {severity?, add?, remove?, reason?, determinedAt?}: a commander's
 * reclassification; each regulatory label added starts its report's stages as tasks (docs/regulatory-stages.md).
 */
export const handler = apiHandler(async (event) => {
  const caller = requireRole(event, 'classifyIncident');
  const request = parseJsonBody(event, ClassifyRequest);
  const incidentId = event.pathParameters?.incidentId ?? '';
  const result = await classifyIncident(tableName, incidentId, request, { principal: caller.arn, roles: caller.roles });
  if (!result.ok) throw new HttpError(result.status, result.message);
  const { reclassification } = result;
  return jsonResponse(200, {
    incident: result.incident,
    ...(reclassification.severityChange !== undefined && { severityChange: reclassification.severityChange }),
    added: reclassification.added,
    removed: reclassification.removed,
    started: reclassification.started,
    keptRunning: reclassification.keptRunning,
    taskIds: result.taskIds,
  });
});

import { requireEnvironment } from '../aws/environment.js';
import { loadIncidentRecord } from '../aws/incident-record.js';
import { milestonesOf } from '../domain/incident-lifecycle.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** GET /incidents/{incidentId}: the incident, its milestones, tasks (never a token), clocks and trail, oldest event first. */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readIncidents');
  const incidentId = event.pathParameters?.incidentId ?? '';
  const record = await loadIncidentRecord(tableName, incidentId);
  if (!record) throw new HttpError(404, `no incident with id "${incidentId}"`);
  const { incident, tasks, clocks, events } = record;
  return jsonResponse(200, { incident, milestones: milestonesOf(incident), tasks, clocks, events });
});

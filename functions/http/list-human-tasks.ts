import { requireEnvironment } from '../aws/environment.js';
import { listTasks } from '../aws/human-task-store.js';
import { getIncident } from '../aws/incident-store.js';
import { publicTaskView } from '../domain/human-task.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** GET /incidents/{incidentId}/tasks: the incident's human tasks, who may complete them, and their decisions; never a token. */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readIncidents');
  const incidentId = event.pathParameters?.incidentId ?? '';
  if (!(await getIncident(tableName, incidentId))) throw new HttpError(404, `no incident with id "${incidentId}"`);
  const tasks = await listTasks(tableName, incidentId);
  return jsonResponse(200, { incidentId, tasks: tasks.map(publicTaskView) });
});

import { requireEnvironment } from '../aws/environment.js';
import { listClocks } from '../aws/clock-store.js';
import { listEvents } from '../aws/event-trail.js';
import { listTasks } from '../aws/human-task-store.js';
import { getIncident } from '../aws/incident-store.js';
import { publicTaskView } from '../domain/human-task.js';
import { milestonesOf } from '../domain/incident-lifecycle.js';
import { incidentPk } from '../domain/keys.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** GET /incidents/{incidentId}: the incident, its milestones, tasks (never a token), clocks and trail, oldest event first. */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readIncidents');
  const incidentId = event.pathParameters?.incidentId ?? '';
  const incident = await getIncident(tableName, incidentId);
  if (!incident) throw new HttpError(404, `no incident with id "${incidentId}"`);
  const [events, tasks, clocks] = await Promise.all([
    listEvents(tableName, incidentPk(incidentId)),
    listTasks(tableName, incidentId),
    listClocks(tableName, incidentId),
  ]);
  return jsonResponse(200, { incident, milestones: milestonesOf(incident), tasks: tasks.map(publicTaskView), clocks, events });
});

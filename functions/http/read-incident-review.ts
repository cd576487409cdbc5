import { requireEnvironment } from '../aws/environment.js';
import { listClocks } from '../aws/clock-store.js';
import { listEvents } from '../aws/event-trail.js';
import { listTasks } from '../aws/human-task-store.js';
import { getIncident } from '../aws/incident-store.js';
import { publicTaskView } from '../domain/human-task.js';
import { reviewDraftMarkdown } from '../domain/incident-review.js';
import { incidentPk } from '../domain/keys.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** GET /incidents/{incidentId}/review: a Markdown draft of the post-incident review, built from the record. */
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
  const markdown = reviewDraftMarkdown({ incident, events, tasks: tasks.map(publicTaskView), clocks });
  return { statusCode: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: markdown };
});

import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { getIncident } from '../aws/incident-store.js';
import { AddNoteRequest } from '../domain/incident-lifecycle.js';
import { incidentPk } from '../domain/keys.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** POST /incidents/{incidentId}/notes {text}: appends the note, with its author, to the incident's trail. */
export const handler = apiHandler(async (event) => {
  const caller = requireRole(event, 'addIncidentNote');
  const request = parseJsonBody(event, AddNoteRequest);
  const incidentId = event.pathParameters?.incidentId ?? '';
  if (!(await getIncident(tableName, incidentId))) throw new HttpError(404, `no incident with id "${incidentId}"`);
  const note = await appendEvent(tableName, incidentPk(incidentId), {
    type: 'incident.note-added',
    at: new Date().toISOString(),
    actor: caller.arn,
    detail: { text: request.text },
  });
  return jsonResponse(201, { incidentId, note });
});

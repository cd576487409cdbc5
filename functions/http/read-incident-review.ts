import { requireEnvironment } from '../aws/environment.js';
import { loadIncidentRecord } from '../aws/incident-record.js';
import { reviewDraftMarkdown } from '../domain/incident-review.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

/** GET /incidents/{incidentId}/review: a Markdown draft of the post-incident review, built from the record. */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readIncidents');
  const incidentId = event.pathParameters?.incidentId ?? '';
  const record = await loadIncidentRecord(tableName, incidentId);
  if (!record) throw new HttpError(404, `no incident with id "${incidentId}"`);
  return { statusCode: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: reviewDraftMarkdown(record) };
});

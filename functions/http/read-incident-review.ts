import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { loadIncidentRecord } from '../aws/incident-record.js';
import { reviewDraftMarkdown } from '../domain/incident-review.js';
import { regulatoryCatalog } from '../domain/regulatory-stages.js';
import { reportStageDraftMarkdown } from '../domain/report-stage-draft.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const catalog = regulatoryCatalog(irdrConfig.regulatory);

/**
 * The drafts built from an incident's record, as Markdown: GET /incidents/{incidentId}/review (the post-incident
 * review) and GET /incidents/{incidentId}/tasks/{taskId}/draft (a regulatory report stage's submission).
 */
export const handler = apiHandler(async (event) => {
  requireRole(event, 'readIncidents');
  const incidentId = event.pathParameters?.incidentId ?? '';
  const taskId = event.pathParameters?.taskId;
  const record = await loadIncidentRecord(tableName, incidentId);
  if (!record) throw new HttpError(404, `no incident with id "${incidentId}"`);
  const body = taskId === undefined ? reviewDraftMarkdown(record) : reportStageDraftMarkdown(record, taskId, catalog);
  if (body === undefined) throw new HttpError(404, `incident ${incidentId} has no regulatory report stage task "${taskId}": a draft is made for report-<regulation>-<stage> tasks (GET /incidents/${incidentId}/tasks lists them)`);
  return { statusCode: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body };
});

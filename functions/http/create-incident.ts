import { requireEnvironment } from '../aws/environment.js';
import { idempotentOperation } from '../aws/idempotency.js';
import { openIncident } from '../aws/incident-opening.js';
import { CreateIncidentRequest, RunbookCatalog, runbookInCatalog } from '../domain/incident.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { idempotencyConflict, idempotencyKeyOf } from './idempotency-key.js';
import { apiHandler, jsonResponse, parseJsonBody, type ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');
const runbooks = RunbookCatalog.parse(JSON.parse(requireEnvironment('RUNBOOK_CATALOG')));

/**
 * Records the incident, then starts its runbook: at most once per caller and Idempotency-Key. A throw
 * (e.g. the runbook did not start) deletes the key's record, so the caller may retry with the same key.
 */
const openIncidentOnce = idempotentOperation<CreateIncidentRequest, ApiResult>(
  {
    operation: 'CreateIncident',
    tableName: deduplicationTableName,
    onReplay: (response) => ({ ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } }),
  },
  async ({ idempotencyKey: { caller: actor }, request }) =>
    // A throw (e.g. the runbook did not start) reaches the caller as a 5xx, and the incident says why.
    jsonResponse(202, await openIncident({ tableName, runbooks, request, actor })),
);

/**
 * POST /incidents: who may, which key, which body and runbook are all checked before anything is
 * written (a 4xx writes nothing, not even an idempotency record); then the incident is opened once.
 */
export const handler = apiHandler(async (event, context) => {
  const caller = requireRole(event, 'openIncident');
  const key = idempotencyKeyOf(event, 'incident');
  const request = parseJsonBody(event, CreateIncidentRequest);
  if (!runbookInCatalog(runbooks, request.runbookId)) {
    throw new HttpError(400, `unknown runbookId "${request.runbookId}"; use one of: ${Object.keys(runbooks).join(', ')}`);
  }
  try {
    return await openIncidentOnce({ idempotencyKey: { caller: caller.arn, key }, request }, context);
  } catch (error) {
    idempotencyConflict(error, key, 'incident');
  }
});

import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { requireEnvironment } from '../aws/environment.js';
import { idempotentOperation } from '../aws/idempotency.js';
import { openIncident } from '../aws/incident-opening.js';
import { CreateIncidentRequest, RunbookCatalog } from '../domain/incident.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, headerValue, jsonResponse, parseJsonBody, type ApiEvent, type ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const runbooks = RunbookCatalog.parse(JSON.parse(requireEnvironment('RUNBOOK_CATALOG')));

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The required Idempotency-Key header; a missing, empty or overlong one is a 400. */
function idempotencyKeyOf(event: ApiEvent): string {
  const key = headerValue(event, IDEMPOTENCY_KEY_HEADER)?.trim();
  if (!key) {
    throw new HttpError(400, `the request needs an ${IDEMPOTENCY_KEY_HEADER} header (e.g. a UUID) so that a retry cannot open a second incident`);
  }
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new HttpError(400, `the ${IDEMPOTENCY_KEY_HEADER} header is ${key.length} characters long; use at most ${MAX_IDEMPOTENCY_KEY_LENGTH}`);
  }
  return key;
}

/**
 * Records the incident, then starts its runbook: at most once per caller and Idempotency-Key. A throw
 * (e.g. the runbook did not start) deletes the key's record, so the caller may retry with the same key.
 */
const openIncidentOnce = idempotentOperation<CreateIncidentRequest, ApiResult>(
  {
    operation: 'CreateIncident',
    tableName,
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
  const key = idempotencyKeyOf(event);
  const request = parseJsonBody(event, CreateIncidentRequest);
  if (!runbooks[request.runbookId]) {
    throw new HttpError(400, `unknown runbookId "${request.runbookId}"; use one of: ${Object.keys(runbooks).join(', ')}`);
  }
  try {
    return await openIncidentOnce({ idempotencyKey: { caller: caller.arn, key }, request }, context);
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new HttpError(
        409,
        `${IDEMPOTENCY_KEY_HEADER} "${key}" was already used with a different body; resend the original body to get its response, or use a new key for a new incident`,
      );
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new HttpError(409, `a request with ${IDEMPOTENCY_KEY_HEADER} "${key}" is still being processed; retry shortly to get its response`);
    }
    throw error;
  }
});

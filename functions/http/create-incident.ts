import { randomUUID } from 'node:crypto';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../aws/sfn-client.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { idempotentOperation } from '../aws/idempotency.js';
import { putNewIncident, updateRunbookStatus } from '../aws/incident-store.js';
import {
  CreateIncidentRequest,
  RunbookCatalog,
  type Incident,
  type RunbookExecutionInput,
} from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';
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
  async ({ idempotencyKey: { caller: actor }, request }) => {
    const runbook = runbooks[request.runbookId]!;
    const now = new Date().toISOString();
    const incident: Incident = {
      incidentId: randomUUID(),
      runbookId: request.runbookId,
      runbookVersion: runbook.version,
      runbookHash: runbook.hash,
      title: request.title,
      severity: request.severity,
      summary: request.summary,
      source: request.source,
      detectedAt: request.detectedAt,
      awareAt: request.awareAt,
      labels: request.labels,
      mode: request.mode,
      openedAt: now,
      openedBy: actor,
      status: 'open',
      runbookStatus: 'starting',
      updatedAt: now,
    };
    await putNewIncident(tableName, incident);
    const pk = incidentPk(incident.incidentId);
    await appendEvent(tableName, pk, {
      type: 'incident.opened',
      at: now,
      actor,
      detail: {
        runbookId: incident.runbookId,
        runbookVersion: runbook.version,
        runbookHash: runbook.hash,
        severity: incident.severity,
        mode: incident.mode,
      },
    });

    const input: RunbookExecutionInput = {
      incidentId: incident.incidentId,
      runbookId: incident.runbookId,
      runbookTitle: runbook.title,
      runbookVersion: runbook.version,
      runbookHash: runbook.hash,
      title: incident.title,
      severity: incident.severity,
      summary: incident.summary,
      mode: incident.mode,
      source: incident.source,
      detectedAt: incident.detectedAt,
      awareAt: incident.awareAt,
      labels: incident.labels,
    };
    let executionArn: string;
    try {
      const started = await stepFunctions.send(
        new StartExecutionCommand({ stateMachineArn: runbook.stateMachineArn, name: incident.incidentId, input: JSON.stringify(input) }),
      );
      executionArn = started.executionArn!;
    } catch (error) {
      // The incident stands and says why its runbook did not start; the caller gets a 5xx.
      const failedAt = new Date().toISOString();
      await appendEvent(tableName, pk, {
        type: 'runbook.start-failed',
        at: failedAt,
        actor,
        detail: { error: (error as Error).name, message: (error as Error).message },
      });
      await updateRunbookStatus(tableName, incident.incidentId, { runbookStatus: 'start-failed', updatedAt: failedAt });
      throw error;
    }
    // From here on the execution records its own progress (runbook.started is its first state).
    return jsonResponse(202, { incidentId: incident.incidentId, executionArn, status: incident.status, runbookStatus: incident.runbookStatus });
  },
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

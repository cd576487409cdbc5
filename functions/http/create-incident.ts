import { randomUUID } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../aws/sfn-client.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { putNewIncident, updateRunbookStatus } from '../aws/incident-store.js';
import {
  CreateIncidentRequest,
  RunbookCatalog,
  type Incident,
  type RunbookExecutionInput,
} from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';
import { HttpError } from './http-errors.js';
import { apiHandler, callerArn, jsonResponse, parseJsonBody } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
const runbooks = RunbookCatalog.parse(JSON.parse(requireEnvironment('RUNBOOK_CATALOG')));

/** POST /incidents: records the incident, then starts its runbook. Nothing is written on a 4xx. */
export const handler = apiHandler(async (event) => {
  const actor = callerArn(event);
  const request = parseJsonBody(event, CreateIncidentRequest);
  const runbook = runbooks[request.runbookId];
  if (!runbook) {
    throw new HttpError(400, `unknown runbookId "${request.runbookId}"; use one of: ${Object.keys(runbooks).join(', ')}`);
  }

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
    labels: request.labels,
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
    detail: { runbookId: incident.runbookId, runbookVersion: runbook.version, runbookHash: runbook.hash, severity: incident.severity },
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
});

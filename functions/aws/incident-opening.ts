import { randomUUID } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { runbookInCatalog, type CreateIncidentRequest, type Incident, type IncidentStatus, type RunbookCatalog, type RunbookExecutionInput, type RunbookStatus } from '../domain/incident.js';
import { futureTimesOf } from '../domain/incident.js';
import type { FindingDetails } from '../domain/finding-details.js';
import { incidentPk } from '../domain/keys.js';
import { appendEvent } from './event-trail.js';
import { putNewIncident, updateRunbookStatus } from './incident-store.js';
import { stepFunctions } from './sfn-client.js';

export class UnknownRunbookError extends Error {
  override name = 'UnknownRunbookError';
}

export interface OpenIncidentCommand {
  readonly tableName: string;
  readonly runbooks: RunbookCatalog;
  readonly request: CreateIncidentRequest;
  /** Who opens it: an IAM principal ARN (the API), or `events:<source>` (a finding). */
  readonly actor: string;
  /** The id to open it under (a finding's claim fixes it beforehand); @default a new UUID */
  readonly incidentId?: string;
  /** What the finding that opens it names to act on. @default none (an incident opened through the API) */
  readonly finding?: FindingDetails;
}

export interface OpenedIncident {
  readonly incidentId: string;
  readonly executionArn: string;
  readonly status: IncidentStatus;
  readonly runbookStatus: RunbookStatus;
}

/**
 * Opens an incident, whoever asks (POST /incidents, a security finding): records it and its
 * `incident.opened` event, then starts its runbook under the incident's id (so a second start of the same
 * incident cannot run it twice). If the start fails, the incident records why and the error is rethrown.
 * Throws IncidentAlreadyExistsError if `incidentId` is taken, before writing anything.
 */
export async function openIncident({ tableName, runbooks, request, actor, incidentId, finding }: OpenIncidentCommand): Promise<OpenedIncident> {
  const runbook = runbookInCatalog(runbooks, request.runbookId);
  if (!runbook) throw new UnknownRunbookError(`unknown runbookId "${request.runbookId}"; use one of: ${Object.keys(runbooks).join(', ')}`);
  const now = new Date().toISOString();
  // A stated time in the future would move the clocks that run from it: a request is refused for it (CreateIncidentRequest),
  // a finding is not (its detection matters more), so its incident counts from when it opened, and the trail says what was dropped.
  const dropped = futureTimesOf(request, new Date(now));
  const incident: Incident = {
    incidentId: incidentId ?? randomUUID(),
    runbookId: request.runbookId,
    runbookVersion: runbook.version,
    runbookHash: runbook.hash,
    controls: runbook.controls,
    title: request.title,
    severity: request.severity,
    summary: request.summary,
    source: request.source,
    detectedAt: dropped.includes('detectedAt') ? undefined : request.detectedAt,
    awareAt: dropped.includes('awareAt') ? undefined : request.awareAt,
    labels: request.labels,
    ...(finding !== undefined && { finding }),
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
      controls: runbook.controls,
      severity: incident.severity,
      mode: incident.mode,
      ...(finding !== undefined && { finding }),
      ...(dropped.length > 0 && { futureTimesDropped: Object.fromEntries(dropped.map((field) => [field, request[field]])) }),
    },
  });

  return startIncidentRunbook({ tableName, runbooks, incident, actor });
}


/**
 * Starts an opened incident's runbook under the incident's id (a second start of the same incident cannot
 * run it twice). If the start fails, the incident records why (`runbook.start-failed`) and the error is rethrown.
 */
export async function startIncidentRunbook({ tableName, runbooks, incident, actor }: {
  readonly tableName: string;
  readonly runbooks: RunbookCatalog;
  readonly incident: Incident;
  readonly actor: string;
}): Promise<OpenedIncident> {
  const runbook = runbookInCatalog(runbooks, incident.runbookId);
  if (!runbook) throw new UnknownRunbookError(`unknown runbookId "${incident.runbookId}"; use one of: ${Object.keys(runbooks).join(', ')}`);
  const pk = incidentPk(incident.incidentId);
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
    ...(incident.finding !== undefined && { finding: incident.finding }),
  };
  try {
    const started = await stepFunctions.send(
      new StartExecutionCommand({ stateMachineArn: runbook.stateMachineArn, name: incident.incidentId, input: JSON.stringify(input) }),
    );
    // From here on the execution records its own progress (runbook.started is its first state).
    return { incidentId: incident.incidentId, executionArn: started.executionArn!, status: incident.status, runbookStatus: incident.runbookStatus };
  } catch (error) {
    // The incident stands and says why its runbook did not start.
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
}

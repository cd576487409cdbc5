import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { getRun } from '../aws/drill/drill-run-store.js';
import { queueCompliancePush } from '../aws/compliance-platform-trigger.js';
import { recordSignOff } from '../aws/evidence-sign-off.js';
import { listTasks } from '../aws/human-task-store.js';
import { getIncident } from '../aws/incident-store.js';
import { drillRunParticipants, incidentParticipants, principalsOfAddress, selfSignOffRefusal, type RecordParticipant } from '../domain/evidence/separation-of-duties.js';
import { SignOffRequest, signOffBlocker, type SignOff, type SignOffSubject } from '../domain/evidence/sign-off.js';
import { REVIEW_TASK_ID } from '../domain/incident-review.js';
import { drillRunPk, incidentPk } from '../domain/keys.js';
import { requireRole, rolePrincipals } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody, type ApiEvent } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');
/** Who each person of the config signs in as: an emailed link's actor is compared as that person. */
const principalsOf = principalsOfAddress(irdrConfig, rolePrincipals);

/** The record a sign-off route names, as the sign-off rules see it, and its trail's partition. */
async function subjectOf(event: ApiEvent): Promise<{ subject: SignOffSubject; partitionKey: string; id: string; participants: RecordParticipant[] }> {
  if (event.routeKey === 'POST /incidents/{incidentId}/sign-off') {
    const incidentId = event.pathParameters?.incidentId ?? '';
    const incident = (await getIncident(tableName, incidentId)) as (Awaited<ReturnType<typeof getIncident>> & { signOff?: SignOff }) | undefined;
    if (!incident) throw new HttpError(404, `no incident "${incidentId}"`);
    // One Query: the review task (for the blocker) and the commander's tasks (who commanded, for separation of duties).
    const tasks = await listTasks(tableName, incidentId);
    const reviewTask = tasks.find((task) => task.taskId === REVIEW_TASK_ID);
    return {
      id: incidentId,
      partitionKey: incidentPk(incidentId),
      participants: incidentParticipants(incident, tasks),
      subject: { kind: 'incident', status: incident.status, mode: incident.mode, signOff: incident.signOff, ...(reviewTask && { reviewTask: { taskId: REVIEW_TASK_ID, status: reviewTask.status } }) },
    };
  }
  if (event.routeKey === 'POST /drill-runs/{runId}/sign-off') {
    const runId = event.pathParameters?.runId ?? '';
    const run = (await getRun(tableName, runId)) as (Awaited<ReturnType<typeof getRun>> & { signOff?: SignOff }) | undefined;
    if (!run) throw new HttpError(404, `no drill run "${runId}"`);
    return { id: runId, partitionKey: drillRunPk(runId), participants: drillRunParticipants(run), subject: { kind: 'drill-run', status: run.status, signOff: run.signOff } };
  }
  throw new Error(`SignOffEvidence serves no route ${event.routeKey}`);
}

/**
 * POST /incidents/{incidentId}/sign-off and /drill-runs/{runId}/sign-off: an owner (commander) or auditor records that
 * they reviewed the record, `accepted` or with `exceptions`; appended to its hash-chained trail. Nobody signs off a
 * record they ran (separation of duties).
 */
export const handler = apiHandler(async (event) => {
  const caller = requireRole(event, 'signOffEvidence');
  const request = parseJsonBody(event, SignOffRequest);
  const { subject, partitionKey, id, participants } = await subjectOf(event);
  // Who ran the record may not review it (on unless configured off): refused before anything is written.
  const selfReview = irdrConfig.evidence.separationOfDuties ? selfSignOffRefusal(caller.arn, participants, subject.kind === 'incident' ? 'incident' : 'drill run', principalsOf) : undefined;
  if (selfReview) throw new HttpError(403, selfReview);
  const blocker = signOffBlocker(subject);
  if (blocker) throw new HttpError(409, blocker);
  const signOff: SignOff = { verdict: request.verdict, ...(request.comment !== undefined && { comment: request.comment }), by: caller.arn, roles: caller.roles, at: new Date().toISOString() };
  const outcome = await recordSignOff(tableName, partitionKey, signOff);
  if (!outcome.recorded) throw new HttpError(409, 'someone signed it off at the same moment (accepted); read the record for their verdict');
  // Its signed report goes to the compliance platforms (Vanta, Drata) when configured: queued here, pushed asynchronously.
  await queueCompliancePush({ kind: subject.kind, id }, signOff.at);
  return jsonResponse(201, { [subject.kind === 'incident' ? 'incidentId' : 'runId']: id, signOff, event: { seq: outcome.event.seq, hash: outcome.event.hash } });
});

import { randomBytes } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { irdrConfig } from '../config.js';
import {
  actionClosedEvent,
  actionCreatedEvent,
  closeRefusal,
  newCorrectiveAction,
  REVIEW_RECORDED_EVENT,
  newActionId,
  type CloseActionRequest,
  type CorrectiveActionRecord,
  type CorrectiveActionRequest,
  type Refusal,
  type ReviewFindingsRequest,
} from '../domain/corrective-action.js';
import { actionReminderExecutionName, type ActionReminderInput } from '../domain/corrective-action-reminder.js';
import { actingIdentity } from '../domain/evidence/separation-of-duties.js';
import { incidentPk } from '../domain/keys.js';
import type { TrailEvent } from '../domain/trail-event.js';
import { closeAction, getAction, listActions, putNewAction } from './corrective-action-store.js';
import { requireEnvironment } from './environment.js';
import { appendEvent } from './event-trail.js';
import { getIncident } from './incident-store.js';
import { logger } from './powertools.js';
import { stepFunctions } from './sfn-client.js';

/* The corrective-action operations, for every channel (API, CLI): decided in domain/corrective-action.ts, written here. */

export interface Caller {
  readonly arn: string;
  readonly roles: readonly string[];
}

const notFound = (incidentId: string): Refusal => ({ ok: false, status: 404, message: `no incident with id "${incidentId}"` });

/**
 * Starts the action's reminder execution (remind the owner at remindAt, escalate at dueAt if still open). A failure is
 * logged and said in the trail, not thrown: the action stands either way.
 */
async function scheduleActionReminder(tableName: string, input: ActionReminderInput, actor: string): Promise<void> {
  try {
    await stepFunctions.send(
      new StartExecutionCommand({
        stateMachineArn: requireEnvironment('REVIEW_REMINDER_STATE_MACHINE_ARN'),
        name: actionReminderExecutionName(input.incidentId, input.actionId),
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    logger.error('could not schedule the corrective action reminder', { ...input, error: error as Error });
    await appendEvent(tableName, incidentPk(input.incidentId), {
      type: 'action.reminder-not-scheduled',
      at: new Date().toISOString(),
      actor,
      detail: { actionId: input.actionId, dueAt: input.dueAt, reason: 'the reminder could not be started (see the function log); remind the owner by hand' },
    });
  }
}

/** Records a new corrective action on the incident, in its trail, and starts its reminders. */
export async function addCorrectiveAction(
  tableName: string,
  incidentId: string,
  request: CorrectiveActionRequest,
  caller: Caller,
): Promise<{ ok: true; action: CorrectiveActionRecord } | Refusal> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return notFound(incidentId);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const decided = newCorrectiveAction(incident, request, { actionId: newActionId(randomBytes(4).toString('hex')), actor: caller.arn, now: new Date(), config: irdrConfig });
    if (!decided.ok) return decided;
    // A taken id (32 random bits) is drawn again.
    if (!(await putNewAction(tableName, decided.action))) continue;
    await appendEvent(tableName, incidentPk(incidentId), actionCreatedEvent(decided.action));
    const { actionId, remindAt, dueAt } = decided.action;
    await scheduleActionReminder(tableName, { incidentId, actionId, remindAt, dueAt }, caller.arn);
    return decided;
  }
  throw new Error(`could not draw a free corrective action id on incident ${incidentId}`);
}

/** Closes an open action with evidence: its owner or a commander, once (409 after). */
export async function closeCorrectiveAction(
  tableName: string,
  key: { incidentId: string; actionId: string },
  evidence: CloseActionRequest,
  caller: Caller,
): Promise<{ ok: true; action: CorrectiveActionRecord; event: TrailEvent } | Refusal> {
  const action = await getAction(tableName, key.incidentId, key.actionId);
  if (!action) {
    return (await getIncident(tableName, key.incidentId)) ? { ok: false, status: 404, message: `incident ${key.incidentId} has no corrective action "${key.actionId}"` } : notFound(key.incidentId);
  }
  const refusal = closeRefusal(action, caller, (a, b) => actingIdentity(a) === actingIdentity(b));
  if (refusal) return refusal;
  const closedAt = new Date().toISOString();
  const closed = await closeAction(tableName, key, { closedAt, closedBy: caller.arn, evidence });
  if (!closed) {
    const now = await getAction(tableName, key.incidentId, key.actionId);
    return closeRefusal(now ?? action, caller, () => true) ?? { ok: false, status: 409, message: `corrective action ${key.actionId} is no longer open` };
  }
  const event = await appendEvent(tableName, incidentPk(key.incidentId), actionClosedEvent(closed, closedAt, caller.arn, evidence));
  return { ok: true, action: closed, event };
}

/** The incident's actions, or 404 for an incident that is not there. */
export async function listCorrectiveActions(tableName: string, incidentId: string): Promise<{ ok: true; actions: CorrectiveActionRecord[] } | Refusal> {
  const actions = await listActions(tableName, incidentId);
  if (actions.length === 0 && !(await getIncident(tableName, incidentId))) return notFound(incidentId);
  return { ok: true, actions };
}

/** Records what the review found (root cause, what went well and what did not, a reason for no action) in the trail. */
export async function recordReviewFindings(tableName: string, incidentId: string, findings: ReviewFindingsRequest, caller: Caller): Promise<{ ok: true; event: TrailEvent } | Refusal> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return notFound(incidentId);
  if (incident.status !== 'resolved' && incident.status !== 'closed') {
    return { ok: false, status: 409, message: `incident ${incidentId} is ${incident.status}: its review is recorded once it is resolved` };
  }
  const event = await appendEvent(tableName, incidentPk(incidentId), { type: REVIEW_RECORDED_EVENT, at: new Date().toISOString(), actor: caller.arn, detail: { ...findings } });
  return { ok: true, event };
}

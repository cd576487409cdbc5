import type { Context } from 'aws-lambda';
import { markActionReminded } from '../aws/corrective-action-store.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { getIncident } from '../aws/incident-store.js';
import { everyAddressOfRole, sendAndRecordEmail } from '../aws/notifier.js';
import { logger } from '../aws/powertools.js';
import { actionReminderEvent } from '../domain/corrective-action.js';
import { actionReminderEmail, RemindCorrectiveActionPayload } from '../domain/corrective-action-reminder.js';
import { incidentPk } from '../domain/keys.js';
import { stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');


/**
 * Reminder step of a corrective action: before due, reminds the owner; at the due time, if still open, records it
 * overdue and escalates to the owner and the commanders. Each phase once: the action is marked first (a conditional
 * write), so a retried attempt, or an action closed in time, sends nothing.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ reminded: boolean }> => {
  logger.addContext(context);
  const request = RemindCorrectiveActionPayload.parse(payload);
  const key = { incidentId: request.incidentId, actionId: request.actionId };
  const at = new Date().toISOString();
  const action = await markActionReminded(tableName, key, request.phase, at);
  if (!action) {
    logger.info('corrective action closed, or this reminder already sent: nothing to do', { ...key, phase: request.phase });
    return { reminded: false };
  }
  const incident = await getIncident(tableName, request.incidentId);
  if (!incident) throw new Error(`no incident ${request.incidentId} for its corrective action ${request.actionId}`);
  const actor = stepActor(request.executionArn);
  const escalatedTo = request.phase === 'overdue' ? everyAddressOfRole('commander').filter((address) => address !== action.owner.email) : [];
  await appendEvent(tableName, incidentPk(request.incidentId), actionReminderEvent(action, request.phase, at, actor, escalatedTo));
  const email = actionReminderEmail(incident, action, request.phase, requireEnvironment('API_URL').replace(/\/+$/, ''));
  await sendAndRecordEmail(
    { tableName, incidentId: request.incidentId, actor, detail: { purpose: request.phase === 'overdue' ? 'corrective-action-overdue' : 'corrective-action-reminder', actionId: action.actionId } },
    [action.owner.email, ...escalatedTo],
    email,
  );
  return { reminded: true };
};

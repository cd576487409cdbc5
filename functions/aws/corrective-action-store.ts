import type { CloseActionRequest, CorrectiveActionRecord, ReminderPhase } from '../domain/corrective-action.js';
import { ACTION_SK_PREFIX, actionSk } from '../domain/keys.js';
import { getIncidentItem, listIncidentItems, putNewIncidentItem, reminderPhaseUpdate, updateIncidentItemIf } from './incident-items.js';

/* ACTION# items. Closing and each reminder are conditional writes, so each happens once whoever races for it. */

export const getAction = (tableName: string, incidentId: string, actionId: string): Promise<CorrectiveActionRecord | undefined> =>
  getIncidentItem<CorrectiveActionRecord>(tableName, incidentId, actionSk(actionId));

/** Every corrective action of an incident, oldest first. */
export async function listActions(tableName: string, incidentId: string): Promise<CorrectiveActionRecord[]> {
  const actions = await listIncidentItems<CorrectiveActionRecord>(tableName, incidentId, ACTION_SK_PREFIX);
  return actions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.actionId.localeCompare(b.actionId));
}

/** Writes a new action; false when its id is taken (the caller draws another). */
export const putNewAction = (tableName: string, action: CorrectiveActionRecord): Promise<boolean> =>
  putNewIncidentItem(tableName, action.incidentId, actionSk(action.actionId), action);

/** Closes an open action with its evidence; undefined when it was no longer open (someone closed it first). */
export const closeAction = (
  tableName: string,
  key: { incidentId: string; actionId: string },
  closing: { closedAt: string; closedBy: string; evidence: CloseActionRequest },
): Promise<CorrectiveActionRecord | undefined> =>
  updateIncidentItemIf<CorrectiveActionRecord>(tableName, key.incidentId, actionSk(key.actionId), {
    UpdateExpression: 'SET #status = :closed, #closedAt = :at, #closedBy = :by, #evidence = :evidence',
    ConditionExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status', '#closedAt': 'closedAt', '#closedBy': 'closedBy', '#evidence': 'evidence' },
    ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': closing.closedAt, ':by': closing.closedBy, ':evidence': { ...closing.evidence } },
  });

/** Marks a reminder phase sent on an open action, once; undefined when it was closed or this phase already ran. */
export const markActionReminded = (tableName: string, key: { incidentId: string; actionId: string }, phase: ReminderPhase, at: string): Promise<CorrectiveActionRecord | undefined> =>
  updateIncidentItemIf<CorrectiveActionRecord>(tableName, key.incidentId, actionSk(key.actionId), reminderPhaseUpdate(phase === 'overdue' ? 'overdueAt' : 'remindedAt', at));

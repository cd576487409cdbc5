import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloseActionRequest, CorrectiveActionRecord, ReminderPhase } from '../domain/corrective-action.js';
import { ACTION_SK_PREFIX, actionSk, incidentPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { getIncidentItem, isConditionFailure, listIncidentItems, putNewIncidentItem, recordOf } from './incident-items.js';

/* ACTION# items. Closing and each reminder are conditional writes, so each happens once whoever races for it. */

const { partitionKey: PK, sortKey: SK } = tableDesign;

const fromItem = (item: Record<string, unknown>): CorrectiveActionRecord => recordOf<CorrectiveActionRecord>(item);

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
export async function closeAction(
  tableName: string,
  key: { incidentId: string; actionId: string },
  closing: { closedAt: string; closedBy: string; evidence: CloseActionRequest },
): Promise<CorrectiveActionRecord | undefined> {
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: actionSk(key.actionId) },
        UpdateExpression: 'SET #status = :closed, #closedAt = :at, #closedBy = :by, #evidence = :evidence',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status', '#closedAt': 'closedAt', '#closedBy': 'closedBy', '#evidence': 'evidence' },
        ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': closing.closedAt, ':by': closing.closedBy, ':evidence': { ...closing.evidence } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(result.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** Marks a reminder phase sent on an open action, once; undefined when it was closed or this phase already ran. */
export async function markActionReminded(tableName: string, key: { incidentId: string; actionId: string }, phase: ReminderPhase, at: string): Promise<CorrectiveActionRecord | undefined> {
  const field = phase === 'overdue' ? 'overdueAt' : 'remindedAt';
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: actionSk(key.actionId) },
        UpdateExpression: 'SET #field = :at',
        ConditionExpression: '#status = :open AND attribute_not_exists(#field)',
        ExpressionAttributeNames: { '#status': 'status', '#field': field },
        ExpressionAttributeValues: { ':at': at, ':open': 'open' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(result.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloseActionRequest, CorrectiveActionRecord, ReminderPhase } from '../domain/corrective-action.js';
import { ACTION_SK_PREFIX, actionSk, incidentPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

/* ACTION# items. Closing and each reminder are conditional writes, so each happens once whoever races for it. */

const { partitionKey: PK, sortKey: SK } = tableDesign;

const fromItem = (item: Record<string, unknown>): CorrectiveActionRecord => {
  const { [PK]: _pk, [SK]: _sk, ...action } = item;
  return action as unknown as CorrectiveActionRecord;
};

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

export async function getAction(tableName: string, incidentId: string, actionId: string): Promise<CorrectiveActionRecord | undefined> {
  const result = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: actionSk(actionId) }, ConsistentRead: true }));
  return result.Item ? fromItem(result.Item) : undefined;
}

/** Every corrective action of an incident, oldest first. */
export async function listActions(tableName: string, incidentId: string): Promise<CorrectiveActionRecord[]> {
  const actions: CorrectiveActionRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': ACTION_SK_PREFIX },
        ConsistentRead: true,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    actions.push(...(page.Items ?? []).map(fromItem));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return actions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.actionId.localeCompare(b.actionId));
}

/** Writes a new action; false when its id is taken (the caller draws another). */
export async function putNewAction(tableName: string, action: CorrectiveActionRecord): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: { [PK]: incidentPk(action.incidentId), [SK]: actionSk(action.actionId), ...action },
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': SK },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

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

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HumanTaskRecord, TaskDecision, TaskRecipient } from '../domain/human-task.js';
import { TASK_SK_PREFIX, incidentPk, taskSk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { getIncidentItem, isConditionFailure, listIncidentItems, putNewIncidentItem, recordOf, reminderPhaseUpdate, updateIncidentItemIf } from './incident-items.js';

/*
 * TASK# items. Every change of state is a conditional write on `status = open`, so of a completion,
 * an escalation and an expiry racing for the same task exactly one wins, and the others learn why.
 */

const { partitionKey: PK, sortKey: SK } = tableDesign;

const fromItem = (item: Record<string, unknown>): HumanTaskRecord => recordOf<HumanTaskRecord>(item);

export const getTask = (tableName: string, incidentId: string, taskId: string): Promise<HumanTaskRecord | undefined> =>
  getIncidentItem<HumanTaskRecord>(tableName, incidentId, taskSk(taskId));

/** Every task of an incident, in task id order. */
export const listTasks = (tableName: string, incidentId: string): Promise<HumanTaskRecord[]> => listIncidentItems<HumanTaskRecord>(tableName, incidentId, TASK_SK_PREFIX);

/** Writes a new task; false if one with this id already exists (a retried step), which is left as it is. */
export const putNewTask = (tableName: string, task: HumanTaskRecord): Promise<boolean> => putNewIncidentItem(tableName, task.incidentId, taskSk(task.taskId), task);

export type RearmResult = { readonly rearmed: true; readonly task: HumanTaskRecord } | { readonly rearmed: false; readonly task: HumanTaskRecord | undefined };

/**
 * Gives an open task a new token (a new waiting state of the run) and, for an escalation, its new
 * level and recipients. Refused when the task is no longer open: the caller then hands the recorded
 * decision to the new token itself.
 */
export async function rearmTask(
  tableName: string,
  key: { incidentId: string; taskId: string },
  changes: { taskToken: string; level: number; levelStartedAt: string; levelSeconds: number; newRecipients: readonly TaskRecipient[] },
): Promise<RearmResult> {
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: taskSk(key.taskId) },
        UpdateExpression:
          'SET #token = :token, #level = :level, #levelStartedAt = :levelStartedAt, #levelSeconds = :levelSeconds, ' +
          '#updatedAt = :levelStartedAt, #recipients = list_append(#recipients, :newRecipients)',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: {
          '#token': 'taskToken',
          '#level': 'level',
          '#levelStartedAt': 'levelStartedAt',
          '#levelSeconds': 'levelSeconds',
          '#updatedAt': 'updatedAt',
          '#recipients': 'recipients',
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ':token': changes.taskToken,
          ':level': changes.level,
          ':levelStartedAt': changes.levelStartedAt,
          ':levelSeconds': changes.levelSeconds,
          ':newRecipients': [...changes.newRecipients],
          ':open': 'open',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { rearmed: true, task: fromItem(result.Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { rearmed: false, task: await getTask(tableName, key.incidentId, key.taskId) };
  }
}

export type CompletionResult = { readonly completed: true; readonly task: HumanTaskRecord } | { readonly completed: false; readonly task: HumanTaskRecord | undefined };

/** Records the decision on an open task, once: a second completion (or one after expiry) is refused. */
export async function completeTask(tableName: string, key: { incidentId: string; taskId: string }, decision: TaskDecision): Promise<CompletionResult> {
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: taskSk(key.taskId) },
        UpdateExpression: 'SET #status = :completed, #decision = :decision, #updatedAt = :at',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status', '#decision': 'decision', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':completed': 'completed', ':decision': decision, ':at': decision.decidedAt, ':open': 'open' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { completed: true, task: fromItem(result.Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { completed: false, task: await getTask(tableName, key.incidentId, key.taskId) };
  }
}

/** Marks an open task reminded of being overdue, once: the task, or undefined when it is no longer open or was already reminded. */
export const markTaskReminded = (tableName: string, key: { incidentId: string; taskId: string }, at: string): Promise<HumanTaskRecord | undefined> =>
  updateIncidentItemIf<HumanTaskRecord>(tableName, key.incidentId, taskSk(key.taskId), reminderPhaseUpdate('remindedAt', at));

export type ExpiryResult = { readonly expired: true; readonly task: HumanTaskRecord } | { readonly expired: false; readonly task: HumanTaskRecord | undefined };

/** Closes an open task nobody completed; refused (with the task) if a decision got in first. */
export async function expireTask(tableName: string, key: { incidentId: string; taskId: string }, at: string): Promise<ExpiryResult> {
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: taskSk(key.taskId) },
        UpdateExpression: 'SET #status = :expired, #expiredAt = :at, #updatedAt = :at',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status', '#expiredAt': 'expiredAt', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':expired': 'expired', ':at': at, ':open': 'open' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { expired: true, task: fromItem(result.Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { expired: false, task: await getTask(tableName, key.incidentId, key.taskId) };
  }
}

/** Closes an open task as cancelled (its incident was resolved), once; false when it was no longer open. */
export async function cancelTask(tableName: string, key: { incidentId: string; taskId: string }, at: string, reason: string): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: taskSk(key.taskId) },
        UpdateExpression: 'SET #status = :cancelled, #cancelledAt = :at, #cancelReason = :reason, #updatedAt = :at',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status', '#cancelledAt': 'cancelledAt', '#cancelReason': 'cancelReason', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':at': at, ':reason': reason, ':open': 'open' },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
}

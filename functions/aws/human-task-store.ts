import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HumanTaskRecord, TaskDecision, TaskRecipient } from '../domain/human-task.js';
import { TASK_SK_PREFIX, incidentPk, taskSk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

/*
 * TASK# items. Every change of state is a conditional write on `status = open`, so of a completion,
 * an escalation and an expiry racing for the same task exactly one wins, and the others learn why.
 */

const { partitionKey: PK, sortKey: SK } = tableDesign;

const fromItem = (item: Record<string, unknown>): HumanTaskRecord => {
  const { [PK]: _pk, [SK]: _sk, ...task } = item;
  return task as unknown as HumanTaskRecord;
};

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

export async function getTask(tableName: string, incidentId: string, taskId: string): Promise<HumanTaskRecord | undefined> {
  const result = await dynamodb.send(
    new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: taskSk(taskId) }, ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

/** Every task of an incident, in task id order. */
export async function listTasks(tableName: string, incidentId: string): Promise<HumanTaskRecord[]> {
  const tasks: HumanTaskRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': TASK_SK_PREFIX },
        ConsistentRead: true,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    tasks.push(...(page.Items ?? []).map(fromItem));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return tasks;
}

/** Writes a new task; false if one with this id already exists (a retried step), which is left as it is. */
export async function putNewTask(tableName: string, task: HumanTaskRecord): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: { [PK]: incidentPk(task.incidentId), [SK]: taskSk(task.taskId), ...task },
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
export async function markTaskReminded(tableName: string, key: { incidentId: string; taskId: string }, at: string): Promise<HumanTaskRecord | undefined> {
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: taskSk(key.taskId) },
        UpdateExpression: 'SET #remindedAt = :at',
        ConditionExpression: '#status = :open AND attribute_not_exists(#remindedAt)',
        ExpressionAttributeNames: { '#status': 'status', '#remindedAt': 'remindedAt' },
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

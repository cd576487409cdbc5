import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { incidentPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

/*
 * Records kept beside an incident (its `INC#<id>` partition, one sort-key prefix per kind: TASK#, CLOCK#, ACTION#):
 * read, listed and created the same way by each kind's store, which keeps only its own conditional changes.
 */

const { partitionKey: PK, sortKey: SK } = tableDesign;

/** A conditional write that found the item otherwise (the SDK's class, or its name once serialized across a boundary). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

/** The record an item holds, without its keys. */
export function recordOf<Record>(item: { [name: string]: unknown }): Record {
  const { [PK]: _pk, [SK]: _sk, ...record } = item;
  return record as Record;
}

/** The incident's item at `sortKey`, read consistently. */
export async function getIncidentItem<Record>(tableName: string, incidentId: string, sortKey: string): Promise<Record | undefined> {
  const result = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: sortKey }, ConsistentRead: true }));
  return result.Item ? recordOf<Record>(result.Item) : undefined;
}

/** Every item of the incident under `prefix`, in sort-key order, page after page. */
export async function listIncidentItems<Record>(tableName: string, incidentId: string, prefix: string): Promise<Record[]> {
  const records: Record[] = [];
  let exclusiveStartKey: { [name: string]: unknown } | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    records.push(...(page.Items ?? []).map((item) => recordOf<Record>(item)));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return records;
}

/** Writes a new item at `sortKey`; false (nothing written) when one is there already. */
export async function putNewIncidentItem(tableName: string, incidentId: string, sortKey: string, record: object): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: { [PK]: incidentPk(incidentId), [SK]: sortKey, ...record },
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

/** A conditional change of one item: what to set, and what must hold for it to be set. */
export type ConditionalUpdate = Required<Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>>;

/** Applies `update` to the incident's item at `sortKey`: the record as it is now, or undefined (nothing written) when the condition did not hold. */
export async function updateIncidentItemIf<Record>(tableName: string, incidentId: string, sortKey: string, update: ConditionalUpdate): Promise<Record | undefined> {
  try {
    const result = await dynamodb.send(new UpdateCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: sortKey }, ...update, ReturnValues: 'ALL_NEW' }));
    return recordOf<Record>(result.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** Sets `field` to `at` on an open item (a task, an action) where it is not set yet: each reminder phase happens once. */
export const reminderPhaseUpdate = (field: string, at: string): ConditionalUpdate => ({
  UpdateExpression: 'SET #field = :at',
  ConditionExpression: '#status = :open AND attribute_not_exists(#field)',
  ExpressionAttributeNames: { '#status': 'status', '#field': field },
  ExpressionAttributeValues: { ':at': at, ':open': 'open' },
});

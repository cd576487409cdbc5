import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClockRecord, ClockStatus } from '../domain/clock.js';
import { CLOCK_SK_PREFIX, clockSk, incidentPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

/* CLOCK# items. A clock leaves `running` once, by a conditional write: met, missed or stopped, whichever comes first. */

const { partitionKey: PK, sortKey: SK } = tableDesign;

const fromItem = (item: Record<string, unknown>): ClockRecord => {
  const { [PK]: _pk, [SK]: _sk, ...clock } = item;
  return clock as unknown as ClockRecord;
};

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

export async function getClock(tableName: string, incidentId: string, clockId: string): Promise<ClockRecord | undefined> {
  const result = await dynamodb.send(
    new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: clockSk(clockId) }, ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

export async function listClocks(tableName: string, incidentId: string): Promise<ClockRecord[]> {
  const result = await dynamodb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':prefix': CLOCK_SK_PREFIX },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map(fromItem);
}

/** Writes a new clock; when one exists already (a retried start, or a step that met it first) returns that instead. */
export async function putNewClock(tableName: string, clock: ClockRecord): Promise<{ created: boolean; clock: ClockRecord }> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: { [PK]: incidentPk(clock.incidentId), [SK]: clockSk(clock.clockId), ...clock },
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': SK },
      }),
    );
    return { created: true, clock };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getClock(tableName, clock.incidentId, clock.clockId);
    if (!existing) throw error;
    return { created: false, clock: existing };
  }
}

/** Moves a clock from `from` to `to` with the given fields; false (and nothing written) if it was not in `from`. */
export async function transitionClock(
  tableName: string,
  key: { incidentId: string; clockId: string },
  from: ClockStatus,
  to: ClockStatus,
  fields: Record<string, string>,
): Promise<boolean> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': to, ':from': from };
  const sets = ['#status = :to'];
  for (const [index, [name, value]] of Object.entries(fields).entries()) {
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    sets.push(`#f${index} = :f${index}`);
  }
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(key.incidentId), [SK]: clockSk(key.clockId) },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

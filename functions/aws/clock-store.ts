import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClockRecord, ClockStatus } from '../domain/clock.js';
import { CLOCK_SK_PREFIX, clockSk, incidentPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { getIncidentItem, isConditionFailure, listIncidentItems, putNewIncidentItem } from './incident-items.js';

/* CLOCK# items. A clock leaves `running` once, by a conditional write: met, missed or stopped, whichever comes first. */

const { partitionKey: PK, sortKey: SK } = tableDesign;

export const getClock = (tableName: string, incidentId: string, clockId: string): Promise<ClockRecord | undefined> =>
  getIncidentItem<ClockRecord>(tableName, incidentId, clockSk(clockId));

export const listClocks = (tableName: string, incidentId: string): Promise<ClockRecord[]> => listIncidentItems<ClockRecord>(tableName, incidentId, CLOCK_SK_PREFIX);

/** Writes a new clock; when one exists already (a retried start, or a step that met it first) returns that instead. */
export async function putNewClock(tableName: string, clock: ClockRecord): Promise<{ created: boolean; clock: ClockRecord }> {
  if (await putNewIncidentItem(tableName, clock.incidentId, clockSk(clock.clockId), clock)) return { created: true, clock };
  const existing = await getClock(tableName, clock.incidentId, clock.clockId);
  if (!existing) throw new Error(`clock ${clock.clockId} of incident ${clock.incidentId} was there when written and gone when read`);
  return { created: false, clock: existing };
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

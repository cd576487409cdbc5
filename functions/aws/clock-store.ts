import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClockPlan, ClockRecord, ClockStatus } from '../domain/clock.js';
import { CLOCK_SK_PREFIX, clockSk, incidentPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { getIncidentItem, isConditionFailure, listIncidentItems, putNewIncidentItem, updateIncidentItemIf } from './incident-items.js';

/* CLOCK# items. A clock leaves `running` once, by a conditional write: met, missed or stopped, whichever comes first. */

const { partitionKey: PK, sortKey: SK } = tableDesign;
/** The CLOCK# field that holds the token of a clock branch waiting for a raise: never leaves the backend (read here alone). */
const CLOCK_ARM_TOKEN_FIELD = 'armToken';

/** A clock as the rest of the system sees it: the token of a branch waiting for a raise stays in the table. */
function withoutToken(clock: ClockRecord & { [CLOCK_ARM_TOKEN_FIELD]?: string }): ClockRecord {
  const { [CLOCK_ARM_TOKEN_FIELD]: _token, ...rest } = clock;
  return rest;
}

export const getClock = async (tableName: string, incidentId: string, clockId: string): Promise<ClockRecord | undefined> => {
  const clock = await getIncidentItem<ClockRecord>(tableName, incidentId, clockSk(clockId));
  return clock && withoutToken(clock);
};

export const listClocks = async (tableName: string, incidentId: string): Promise<ClockRecord[]> =>
  (await listIncidentItems<ClockRecord>(tableName, incidentId, CLOCK_SK_PREFIX)).map(withoutToken);

/** Keeps the token of the clock branch waiting for a raise; false when the clock is no longer not applicable (a raise came first). */
export async function keepArmToken(tableName: string, key: { incidentId: string; clockId: string }, token: string): Promise<boolean> {
  const kept = await updateIncidentItemIf<ClockRecord>(tableName, key.incidentId, clockSk(key.clockId), {
    UpdateExpression: 'SET #token = :token',
    ConditionExpression: '#status = :notApplicable',
    ExpressionAttributeNames: { '#token': CLOCK_ARM_TOKEN_FIELD, '#status': 'status' },
    ExpressionAttributeValues: { ':token': token, ':notApplicable': 'not-applicable' },
  });
  return kept !== undefined;
}

/** The step that would meet a clock not applicable (yet) is done: kept, so that a later raise does not start it. */
export async function markMetWhileNotApplicable(tableName: string, key: { incidentId: string; clockId: string }, metBy: string, at: string): Promise<boolean> {
  const marked = await updateIncidentItemIf<ClockRecord>(tableName, key.incidentId, clockSk(key.clockId), {
    UpdateExpression: 'SET #metBy = :metBy, #metAt = :at',
    ConditionExpression: '#status = :notApplicable AND attribute_not_exists(#metAt)',
    ExpressionAttributeNames: { '#metBy': 'metBy', '#metAt': 'metAt', '#status': 'status' },
    ExpressionAttributeValues: { ':metBy': metBy, ':at': at, ':notApplicable': 'not-applicable' },
  });
  return marked !== undefined;
}

/**
 * Starts a clock that was not applicable, as a raise of the severity planned it: once (not-applicable → running, and
 * only while its step is not done). Returns the token of its waiting branch (undefined when the branch has not asked
 * yet: it then finds the clock running and carries on itself), or false when nothing was started.
 */
export async function armClock(
  tableName: string,
  key: { incidentId: string; clockId: string },
  plan: ClockPlan,
  armedBy: NonNullable<ClockRecord['armedBy']>,
): Promise<{ token: string | undefined } | false> {
  const armed = await updateIncidentItemIf<ClockRecord & { [CLOCK_ARM_TOKEN_FIELD]?: string }>(tableName, key.incidentId, clockSk(key.clockId), {
    UpdateExpression: 'SET #status = :running, #anchor = :anchor, #anchorAt = :anchorAt, #deadlineAt = :deadlineAt, #startedAt = :at, #updatedAt = :at, #armedBy = :armedBy, #armedPlan = :plan',
    ConditionExpression: '#status = :notApplicable AND attribute_not_exists(#metAt)',
    ExpressionAttributeNames: {
      '#status': 'status',
      '#anchor': 'anchor',
      '#anchorAt': 'anchorAt',
      '#deadlineAt': 'deadlineAt',
      '#startedAt': 'startedAt',
      '#updatedAt': 'updatedAt',
      '#armedBy': 'armedBy',
      '#armedPlan': 'armedPlan',
      '#metAt': 'metAt',
    },
    ExpressionAttributeValues: {
      ':running': 'running',
      ':notApplicable': 'not-applicable',
      ':anchor': plan.anchor,
      ':anchorAt': plan.anchorAt,
      ':deadlineAt': plan.deadlineAt,
      ':at': armedBy.at,
      ':armedBy': armedBy,
      ':plan': plan,
    },
  });
  return armed === undefined ? false : { token: armed[CLOCK_ARM_TOKEN_FIELD] };
}

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

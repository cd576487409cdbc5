import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SIGN_OFF_EVENT, type SignOff } from '../domain/evidence/sign-off.js';
import { META_SK } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import type { TrailEvent } from '../domain/trail-event.js';
import { dynamodb } from './dynamodb-client.js';
import { appendEvent } from './event-trail.js';
import { queryMonthIndex } from './month-index.js';
import type { VerificationPeriod } from './trail-verification.js';
import type { UnreviewedRecord } from '../domain/evidence/unreviewed-record.js';

export type { UnreviewedRecord };

const { partitionKey: PK, sortKey: SK } = tableDesign;

export type SignOffOutcome = { readonly recorded: true; readonly event: TrailEvent } | { readonly recorded: false };

/**
 * Claims the record's sign-off on its META item (conditional: none yet, or the last one had exceptions), then appends
 * the sign-off to its trail. Of two racing sign-offs one wins; if the append fails the claim is taken back.
 */
export async function recordSignOff(tableName: string, partitionKey: string, signOff: SignOff): Promise<SignOffOutcome> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: partitionKey, [SK]: META_SK },
        UpdateExpression: 'SET #signOff = :signOff',
        ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#signOff) OR #signOff.#verdict = :exceptions)',
        ExpressionAttributeNames: { '#pk': PK, '#signOff': 'signOff', '#verdict': 'verdict' },
        ExpressionAttributeValues: { ':signOff': signOff, ':exceptions': 'exceptions' },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { recorded: false };
    throw error;
  }
  try {
    const event = await appendEvent(tableName, partitionKey, {
      type: SIGN_OFF_EVENT,
      at: signOff.at,
      actor: signOff.by,
      detail: { verdict: signOff.verdict, roles: signOff.roles, ...(signOff.comment !== undefined && { comment: signOff.comment }) },
    });
    return { recorded: true, event };
  } catch (error) {
    // No trail event, no sign-off: take the claim back (only ours, by its time and signer).
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: partitionKey, [SK]: META_SK },
        UpdateExpression: 'REMOVE #signOff',
        ConditionExpression: '#signOff.#at = :at AND #signOff.#by = :by',
        ExpressionAttributeNames: { '#signOff': 'signOff', '#at': 'at', '#by': 'by' },
        ExpressionAttributeValues: { ':at': signOff.at, ':by': signOff.by },
      }),
    );
    throw error;
  }
}


/**
 * Incidents (live and exercises) resolved or closed, and drill runs finished, in the period, that nobody has signed off: a Query per
 * month of the month index with the filter applied by DynamoDB, never a Scan.
 */
export async function listUnreviewed(tableName: string, period: VerificationPeriod): Promise<UnreviewedRecord[]> {
  const found: UnreviewedRecord[] = [];
  for (const kind of ['INCIDENT', 'DRILLRUN'] as const) {
    const finished = kind === 'INCIDENT' ? ['resolved', 'closed'] : ['passed', 'failed'];
    const filter = {
      // Exercises too: each is the evidence that the IR plan was tested, and is reviewed like an incident.
      expression: '#status IN (:first, :second) AND attribute_not_exists(#signOff)',
      names: { '#status': 'status', '#signOff': 'signOff' },
      values: { ':first': finished[0], ':second': finished[1] },
    };
    for await (const item of queryMonthIndex({ tableName, kind, ...period, filter })) {
      found.push(
        kind === 'INCIDENT'
          ? { kind: 'incident', id: String(item.incidentId), title: String(item.title), status: String(item.status), openedAt: String(item.openedAt), severity: String(item.severity), mode: item.mode === 'exercise' ? 'exercise' : 'live' }
          : { kind: 'drill-run', id: String(item.runId), title: `drill ${String(item.planId)}`, status: String(item.status), openedAt: String(item.startedAt), planId: String(item.planId) },
      );
    }
  }
  return found;
}

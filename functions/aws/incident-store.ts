import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Incident, IncidentStatus, RunbookStatus, Severity } from '../domain/incident.js';
import type { IncidentListPosition, IncidentListQuery } from '../domain/incident-listing.js';
import { META_SK, incidentPk, monthPartition, monthPartitionsNewestFirst, timeOrderedSk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
const [byMonth] = tableDesign.globalIndexes;

export class IncidentAlreadyExistsError extends Error {
  override name = 'IncidentAlreadyExistsError';
}

/** Writes a new incident's META item; never overwrites one. */
export async function putNewIncident(tableName: string, incident: Incident): Promise<void> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [PK]: incidentPk(incident.incidentId),
          [SK]: META_SK,
          [byMonth.partitionKey]: monthPartition('INCIDENT', incident.openedAt),
          [byMonth.sortKey]: timeOrderedSk(incident.openedAt, incident.incidentId),
          ...incident,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      throw new IncidentAlreadyExistsError(`incident ${incident.incidentId} already exists`);
    }
    throw error;
  }
}

export async function getIncident(tableName: string, incidentId: string): Promise<Incident | undefined> {
  const result = await dynamodb.send(
    new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: META_SK }, ConsistentRead: true }),
  );
  return result.Item ? incidentFromItem(result.Item) : undefined;
}

/** The incident an item holds, without its keys; incidents recorded before modes existed were live. */
export function incidentFromItem(item: Record<string, unknown>): Incident {
  const { [PK]: _pk, [SK]: _sk, [byMonth.partitionKey]: _g1pk, [byMonth.sortKey]: _g1sk, ...incident } = item;
  return { mode: 'live', ...incident } as Incident;
}

/** Queries one listing request may make: a sparse filter cannot keep a request busy for long. */
const MAX_QUERIES_PER_PAGE = 10;

export interface IncidentPage {
  readonly incidents: Incident[];
  /** Where the next page starts; absent when the period is exhausted. */
  readonly next?: IncidentListPosition;
}

/**
 * One page of incidents opened in the query's period, newest first: a Query on GSI1 per month
 * partition (never a Scan), filters applied by DynamoDB. A page may hold fewer than `limit`
 * incidents and still have a next one (filtered-out items count towards each Query's limit).
 */
export async function listIncidents(
  tableName: string,
  query: IncidentListQuery,
  start: IncidentListPosition | undefined,
  limit: number,
): Promise<IncidentPage> {
  const months = monthPartitionsNewestFirst('INCIDENT', query.from, query.to);
  let monthIndex = start ? months.indexOf(start.month) : 0;
  if (monthIndex < 0) throw new RangeError(`position ${start?.month} is outside the period ${query.from} .. ${query.to}`);
  let startKey: Record<string, unknown> | undefined = start?.startKey;

  const names: Record<string, string> = { '#month': byMonth.partitionKey, '#opened': byMonth.sortKey };
  // `to` is exclusive: an incident opened exactly then sorts as `<to>#<id>`, after `<to>`.
  const values: Record<string, unknown> = { ':from': query.from, ':to': query.to };
  const filters: string[] = [];
  const addInFilter = (attribute: string, wanted: readonly string[] | undefined): void => {
    if (!wanted?.length) return;
    names[`#${attribute}`] = attribute;
    const placeholders = wanted.map((value, index) => {
      values[`:${attribute}${index}`] = value;
      return `:${attribute}${index}`;
    });
    filters.push(`#${attribute} IN (${placeholders.join(', ')})`);
  };
  addInFilter('status', query.status);
  addInFilter('severity', query.severity);
  if (query.mode === 'live') {
    // Incidents from before modes existed have none, and were live.
    names['#mode'] = 'mode';
    values[':mode'] = 'exercise';
    filters.push('(attribute_not_exists(#mode) OR #mode <> :mode)');
  } else {
    addInFilter('mode', query.mode && [query.mode]);
  }

  const incidents: Incident[] = [];
  for (let queries = 0; monthIndex < months.length; queries += 1) {
    const month = months[monthIndex]!;
    if (incidents.length >= limit || queries >= MAX_QUERIES_PER_PAGE) {
      return { incidents, next: { month, ...(startKey && { startKey: startKey as NonNullable<IncidentListPosition['startKey']> }) } };
    }
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: byMonth.indexName,
        KeyConditionExpression: '#month = :month AND #opened BETWEEN :from AND :to',
        ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':month': month },
        ScanIndexForward: false,
        Limit: limit - incidents.length,
        ExclusiveStartKey: startKey,
      }),
    );
    incidents.push(...(page.Items ?? []).map(incidentFromItem));
    if (page.LastEvaluatedKey) {
      startKey = page.LastEvaluatedKey;
    } else {
      monthIndex += 1;
      startKey = undefined;
    }
  }
  return { incidents };
}

const PERIOD_PAGE_SIZE = 100;

/** Every incident opened in the period (`to` exclusive), newest first: listIncidents page after page. */
export async function listIncidentsOpenedIn(tableName: string, period: { readonly from: string; readonly to: string }): Promise<Incident[]> {
  const incidents: Incident[] = [];
  let position: IncidentListPosition | undefined;
  do {
    const page = await listIncidents(tableName, { from: period.from, to: period.to }, position, PERIOD_PAGE_SIZE);
    incidents.push(...page.incidents);
    position = page.next;
  } while (position);
  return incidents;
}

export type TransitionOutcome =
  | { readonly outcome: 'changed'; readonly incident: Incident }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'conflict'; readonly status: IncidentStatus };

/**
 * Moves an incident to `to` only if it is still in one of `from` (a conditional update), so of two
 * callers racing for the same transition exactly one wins; the other learns the status it met.
 */
export async function transitionIncident(
  tableName: string,
  incidentId: string,
  transition: { from: readonly IncidentStatus[]; to: IncidentStatus; changes: Partial<Incident>; updatedAt: string },
): Promise<TransitionOutcome> {
  const names: Record<string, string> = { '#pk': PK, '#status': 'status', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':to': transition.to, ':updatedAt': transition.updatedAt };
  const assignments = ['#status = :to', '#updatedAt = :updatedAt'];
  for (const [name, value] of Object.entries(transition.changes)) {
    if (value === undefined || name === 'status' || name === 'updatedAt') continue;
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    assignments.push(`#${name} = :${name}`);
  }
  const fromPlaceholders = transition.from.map((status, index) => {
    values[`:from${index}`] = status;
    return `:from${index}`;
  });
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(incidentId), [SK]: META_SK },
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: `attribute_exists(#pk) AND #status IN (${fromPlaceholders.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { outcome: 'changed', incident: incidentFromItem(result.Attributes ?? {}) };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const current = await getIncident(tableName, incidentId);
    return current ? { outcome: 'conflict', status: current.status } : { outcome: 'not-found' };
  }
}

/** Sets where the incident's runbook execution stands; its history lives in the append-only trail. */
export async function updateRunbookStatus(
  tableName: string,
  incidentId: string,
  changes: { runbookStatus: RunbookStatus; updatedAt: string; executionArn?: string },
): Promise<void> {
  const names: Record<string, string> = { '#runbookStatus': 'runbookStatus', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':runbookStatus': changes.runbookStatus, ':updatedAt': changes.updatedAt };
  let expression = 'SET #runbookStatus = :runbookStatus, #updatedAt = :updatedAt';
  if (changes.executionArn) {
    names['#executionArn'] = 'executionArn';
    values[':executionArn'] = changes.executionArn;
    expression += ', #executionArn = :executionArn';
  }
  await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [PK]: incidentPk(incidentId), [SK]: META_SK },
      UpdateExpression: expression,
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { ...names, '#pk': PK },
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Raises an incident's severity to `to` only while it is one of the less severe `below` (a conditional update):
 * never lowers it, and of two raises racing the more severe one stands. Undefined when nothing changed.
 */
export async function raiseIncidentSeverity(
  tableName: string,
  incidentId: string,
  raise: { readonly to: Severity; readonly below: readonly Severity[]; readonly updatedAt: string },
): Promise<Incident | undefined> {
  if (raise.below.length === 0) return undefined;
  const values: Record<string, unknown> = { ':to': raise.to, ':updatedAt': raise.updatedAt };
  const placeholders = raise.below.map((severity, index) => {
    values[`:below${index}`] = severity;
    return `:below${index}`;
  });
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(incidentId), [SK]: META_SK },
        UpdateExpression: 'SET #severity = :to, #updatedAt = :updatedAt',
        ConditionExpression: `attribute_exists(#pk) AND #severity IN (${placeholders.join(', ')})`,
        ExpressionAttributeNames: { '#pk': PK, '#severity': 'severity', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return incidentFromItem(result.Attributes ?? {});
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

/** Marks the incident's run cancelled while it still starts or runs (a conditional update); false when it had ended. */
export async function cancelRunbookStatus(tableName: string, incidentId: string, updatedAt: string): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(incidentId), [SK]: META_SK },
        UpdateExpression: 'SET #runbookStatus = :cancelled, #updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(#pk) AND #runbookStatus IN (:starting, :running)',
        ExpressionAttributeNames: { '#pk': PK, '#runbookStatus': 'runbookStatus', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':updatedAt': updatedAt, ':starting': 'starting', ':running': 'running' },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Incident, RunbookStatus } from '../domain/incident.js';
import { META_SK, incidentPk, monthPartition, timeOrderedSk } from '../domain/keys.js';
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
  if (!result.Item) return undefined;
  const { [PK]: _pk, [SK]: _sk, [byMonth.partitionKey]: _g1pk, [byMonth.sortKey]: _g1sk, ...incident } = result.Item;
  return incident as Incident;
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

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { META_SK, findingPk } from '../domain/keys.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;

export type FindingClaim =
  | { readonly outcome: 'claimed'; readonly incidentId: string }
  | { readonly outcome: 'already-claimed'; readonly incidentId: string };

/**
 * Claims a finding for an incident with a conditional put of its `FINDING#` item: of any number of
 * deliveries of one finding (retries, updates, the same GuardDuty finding through Security Hub) exactly one
 * claims it; the others learn which incident it opened.
 */
export async function claimFinding(
  tableName: string,
  claim: { dedupKey: string; findingId: string; incidentId: string; claimedAt: string; source: string },
): Promise<FindingClaim> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [PK]: findingPk(claim.dedupKey),
          [SK]: META_SK,
          findingId: claim.findingId,
          incidentId: claim.incidentId,
          claimedAt: claim.claimedAt,
          source: claim.source,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
    return { outcome: 'claimed', incidentId: claim.incidentId };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await dynamodb.send(
      new GetCommand({ TableName: tableName, Key: { [PK]: findingPk(claim.dedupKey), [SK]: META_SK }, ConsistentRead: true }),
    );
    return { outcome: 'already-claimed', incidentId: existing.Item!.incidentId as string };
  }
}

import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { META_SK, findingPk } from '../domain/keys.js';
import { deduplicationTableDesign, tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

// In the deduplication table (DEDUPLICATION_TABLE_NAME): a claim is not evidence, and the evidence table grants no FINDING# writes.
const { partitionKey: PK, sortKey: SK } = deduplicationTableDesign;

export type FindingClaim =
  | { readonly outcome: 'claimed'; readonly incidentId: string }
  /** runStarted: false while no delivery has started the incident's runbook (the one that claimed it failed to). */
  | {
      readonly outcome: 'already-claimed';
      readonly incidentId: string;
      readonly runStarted: boolean;
      /** The EventBridge event whose delivery claimed it (absent on claims made before it was kept). */
      readonly eventId?: string;
    };

/**
 * Claims a finding for an incident with a conditional put of its `FINDING#` item: of any number of
 * deliveries of one finding (retries, updates, the same GuardDuty finding through Security Hub) exactly one
 * claims it; the others learn which incident it opened. A claim made before claims moved out of the evidence
 * table (`evidenceTableName`) is adopted instead: put into the deduplication table as it was, so a finding
 * delivered again after the upgrade does not open a second incident.
 */
export async function claimFinding(
  tableName: string,
  claim: { dedupKey: string; findingId: string; incidentId: string; claimedAt: string; source: string; eventId: string },
  evidenceTableName?: string,
): Promise<FindingClaim> {
  const earlier = evidenceTableName === undefined ? undefined : await claimInEvidenceTable(evidenceTableName, claim.dedupKey);
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...(earlier ?? {
            findingId: claim.findingId,
            incidentId: claim.incidentId,
            claimedAt: claim.claimedAt,
            source: claim.source,
            // A redelivery of this very event is no repeat of the finding: it appends nothing.
            eventId: claim.eventId,
            // Set once the runbook started (markFindingRunStarted): until then a repeated delivery retries the start.
            runStarted: false,
          }),
          [PK]: findingPk(claim.dedupKey),
          [SK]: META_SK,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
    if (earlier) return alreadyClaimed(earlier);
    return { outcome: 'claimed', incidentId: claim.incidentId };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await dynamodb.send(
      new GetCommand({ TableName: tableName, Key: { [PK]: findingPk(claim.dedupKey), [SK]: META_SK }, ConsistentRead: true }),
    );
    return alreadyClaimed(existing.Item!);
  }
}

// Claims made before runStarted was recorded had started their runs.
const alreadyClaimed = (item: Record<string, unknown>): FindingClaim => ({
  outcome: 'already-claimed',
  incidentId: item.incidentId as string,
  runStarted: item.runStarted !== false,
  ...(typeof item.eventId === 'string' && { eventId: item.eventId }),
});

/** A claim the evidence table still holds from before the deduplication table (read only: nothing writes FINDING# there now). */
async function claimInEvidenceTable(evidenceTableName: string, dedupKey: string): Promise<Record<string, unknown> | undefined> {
  const { Item: item } = await dynamodb.send(
    new GetCommand({ TableName: evidenceTableName, Key: { [tableDesign.partitionKey]: findingPk(dedupKey), [tableDesign.sortKey]: META_SK }, ConsistentRead: true }),
  );
  if (!item) return undefined;
  const { [tableDesign.partitionKey]: _pk, [tableDesign.sortKey]: _sk, ...claim } = item;
  return claim;
}

/** Records on the finding's claim that its incident's runbook started, so later deliveries only count as repeats. */
export async function markFindingRunStarted(tableName: string, dedupKey: string, executionArn: string): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [PK]: findingPk(dedupKey), [SK]: META_SK },
      UpdateExpression: 'SET runStarted = :started, executionArn = :executionArn',
      ExpressionAttributeValues: { ':started': true, ':executionArn': executionArn },
    }),
  );
}

/**
 * The claim a finding already has, read only (a closed finding must never claim a key: it opens nothing).
 * A claim the evidence table still holds from before the deduplication table counts too.
 */
export async function findClaim(tableName: string, dedupKey: string, evidenceTableName?: string): Promise<{ readonly incidentId: string } | undefined> {
  const { Item: item } = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: findingPk(dedupKey), [SK]: META_SK }, ConsistentRead: true }));
  const claim = item ?? (evidenceTableName === undefined ? undefined : await claimInEvidenceTable(evidenceTableName, dedupKey));
  return typeof claim?.incidentId === 'string' ? { incidentId: claim.incidentId } : undefined;
}

/** Sort key of a dropped sample finding's record, beside (never in place of) a claim's `META`. */
export const SAMPLE_FINDING_SK = 'SAMPLE';
/** Sort key of the record of a closed (suppressed, resolved) finding that opened nothing. */
export const CLOSED_FINDING_SK = 'CLOSED';

/**
 * Records a closed finding that opened no incident (`FINDING#<key>`, `CLOSED`): who sent it, when, and why.
 * The first delivery's record is kept; repeats change nothing.
 */
export async function recordClosedFinding(
  tableName: string,
  closed: { dedupKey: string; findingId: string; reason: string; droppedAt: string; source: string; eventId: string; status: string },
): Promise<void> {
  await putFirstRecord(tableName, closed.dedupKey, CLOSED_FINDING_SK, {
    findingId: closed.findingId,
    disposition: 'dropped-closed',
    workflowStatus: closed.status,
    reason: closed.reason,
    droppedAt: closed.droppedAt,
    source: closed.source,
    eventId: closed.eventId,
  });
}

/**
 * Records a sample finding that was dropped (`FINDING#<key>`, `SAMPLE`): who sent it, when, and why it opened
 * nothing, for whoever later asks what became of it. The first delivery's record is kept; repeats change nothing.
 */
export async function recordSampleFinding(
  tableName: string,
  sample: { dedupKey: string; findingId: string; reason: string; droppedAt: string; source: string; eventId: string },
): Promise<void> {
  await putFirstRecord(tableName, sample.dedupKey, SAMPLE_FINDING_SK, {
    findingId: sample.findingId,
    disposition: 'dropped-sample',
    reason: sample.reason,
    droppedAt: sample.droppedAt,
    source: sample.source,
    eventId: sample.eventId,
  });
}

/** Puts a record beside a finding's claim unless one is there: the first delivery's stands. */
async function putFirstRecord(tableName: string, dedupKey: string, sortKey: string, record: Record<string, unknown>): Promise<void> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: { [PK]: findingPk(dedupKey), [SK]: sortKey, ...record },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

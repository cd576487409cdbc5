import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { subjectRef, type PlannedPush, type PushSubject } from '../domain/compliance-platform/push-plan.js';
import { PUSH_PK_PREFIX } from '../domain/keys.js';
import { deduplicationTableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';

/*
 * Push records in the deduplication table (no TTL set on them: they outlive the idempotency records beside them).
 * PUSH#<key> holds one push's state (pending, pushed, rejected); PUSH#PENDING lists the subjects with a push not yet
 * made, which the scheduled retry reads. A push is attempted only under a lease, so two invocations never make it twice.
 */

const { partitionKey: PK, sortKey: SK } = deduplicationTableDesign;
const PENDING_PK = `${PUSH_PK_PREFIX}PENDING`;
const PUSH_SK = 'PUSH';
/** Longer than the push function's timeout: a lease left by a crash expires before the next hourly retry. */
const LEASE_MS = 10 * 60_000;

export type PushStatus = 'pending' | 'pushed' | 'rejected';

export interface PushRecord extends PlannedPush {
  readonly subject: string;
  readonly status: PushStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly vendorId?: string;
  readonly rejection?: { readonly status: number; readonly message: string };
  /** When it was last settled (pushed or rejected). */
  readonly settledAt?: string;
  readonly lastError?: string;
}

/** Queues a subject for pushing (idempotent): written before any attempt, so a failed or lost invocation is retried. */
export async function queueSubject(tableName: string, subject: PushSubject, at: string): Promise<void> {
  await dynamodb.send(new PutCommand({ TableName: tableName, Item: { [PK]: PENDING_PK, [SK]: subjectRef(subject), subject, queuedAt: at } }));
}

export async function unqueueSubject(tableName: string, subject: PushSubject): Promise<void> {
  await dynamodb.send(new DeleteCommand({ TableName: tableName, Key: { [PK]: PENDING_PK, [SK]: subjectRef(subject) } }));
}

export async function queuedSubjects(tableName: string): Promise<PushSubject[]> {
  const subjects: PushSubject[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': PK }, ExpressionAttributeValues: { ':pk': PENDING_PK }, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) subjects.push(item.subject as PushSubject);
    start = page.LastEvaluatedKey;
  } while (start);
  return subjects;
}

/** The push's record, created pending on first sight (conditional put: of two racing creators one writes). */
export async function pushRecordOf(tableName: string, push: PlannedPush, subject: PushSubject, at: string): Promise<PushRecord> {
  const fresh: PushRecord = { ...push, subject: subjectRef(subject), status: 'pending', attempts: 0, createdAt: at };
  try {
    await dynamodb.send(
      new PutCommand({ TableName: tableName, Item: { [PK]: PUSH_PK_PREFIX + push.key, [SK]: PUSH_SK, ...fresh }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }),
    );
    return fresh;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const existing = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: PUSH_PK_PREFIX + push.key, [SK]: PUSH_SK }, ConsistentRead: true }));
  const { [PK]: _pk, [SK]: _sk, ...record } = existing.Item ?? {};
  return record as PushRecord;
}

/** Takes the lease to attempt a pending push; false when it is done, or another invocation holds a live lease. */
export async function leasePush(tableName: string, key: string, now: Date): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: PUSH_PK_PREFIX + key, [SK]: PUSH_SK },
        UpdateExpression: 'SET #leaseUntil = :until ADD #attempts :one',
        ConditionExpression: '#status = :pending AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)',
        ExpressionAttributeNames: { '#leaseUntil': 'leaseUntil', '#attempts': 'attempts', '#status': 'status' },
        ExpressionAttributeValues: { ':until': now.getTime() + LEASE_MS, ':now': now.getTime(), ':one': 1, ':pending': 'pending' },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The attempt's end: pushed (with the vendor's id), rejected (with its message), or still pending (lease released, error kept). */
export async function settlePush(
  tableName: string,
  key: string,
  outcome: { status: 'pushed'; vendorId: string; at: string } | { status: 'rejected'; rejection: { status: number; message: string }; at: string } | { status: 'pending'; error: string; at: string },
): Promise<void> {
  const fields: Record<string, unknown> =
    outcome.status === 'pushed' ? { status: 'pushed', vendorId: outcome.vendorId, settledAt: outcome.at } : outcome.status === 'rejected' ? { status: 'rejected', rejection: outcome.rejection, settledAt: outcome.at } : { lastError: outcome.error, lastErrorAt: outcome.at };
  const names = Object.fromEntries(Object.keys(fields).map((name) => [`#${name}`, name]));
  const values = Object.fromEntries(Object.entries(fields).map(([name, value]) => [`:${name}`, value]));
  await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { [PK]: PUSH_PK_PREFIX + key, [SK]: PUSH_SK },
      UpdateExpression: `SET ${Object.keys(fields).map((name) => `#${name} = :${name}`).join(', ')} REMOVE #leaseUntil`,
      ExpressionAttributeNames: { ...names, '#leaseUntil': 'leaseUntil' },
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Opens a rejected push again (a person asked, its cause fixed): pending, its rejection moved to previousRejections so
 * the record keeps every answer. Conditional on the rejection read (its time): of two racing requests one reopens, the other gets false.
 */
export async function reopenRejectedPush(tableName: string, key: string, rejected: Pick<PushRecord, 'rejection' | 'settledAt'>, at: string): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: PUSH_PK_PREFIX + key, [SK]: PUSH_SK },
        UpdateExpression: 'SET #status = :pending, #reopenedAt = :at, #previous = list_append(if_not_exists(#previous, :empty), :rejections) REMOVE #rejection, #settledAt',
        ConditionExpression: '#status = :rejected AND #settledAt = :rejectedAt',
        ExpressionAttributeNames: { '#status': 'status', '#reopenedAt': 'reopenedAt', '#previous': 'previousRejections', '#rejection': 'rejection', '#settledAt': 'settledAt' },
        ExpressionAttributeValues: { ':pending': 'pending', ':rejected': 'rejected', ':at': at, ':empty': [], ':rejections': [{ ...rejected.rejection, rejectedAt: rejected.settledAt, reopenedAt: at }], ':rejectedAt': rejected.settledAt },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

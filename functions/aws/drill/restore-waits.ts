import { DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RESTORE_WAIT_SK, restoreWaitPk } from '../../domain/keys.js';
import { isRdsAwaited } from '../../domain/drill/rds-restore-event.js';
import { RESTORE_JOB_END_STATUSES, RESTORE_JOB_ENDED_UNFINISHED, type RestoreWaitAnswer } from '../../domain/drill/restore-job-event.js';
import { deduplicationTableDesign } from '../../domain/table-design.js';
import { backupClient } from '../backup-client.js';
import { dynamodb } from '../dynamodb-client.js';
import { restoredDatabaseEnd } from './restored-resources/rds.js';
import { stepFunctions } from '../sfn-client.js';

// In the deduplication table (DEDUPLICATION_TABLE_NAME): a token is not evidence, and it expires with the wait.
const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = deduplicationTableDesign;

export interface RestoreWait {
  /** An AWS Backup restore job id, or a restored RDS database's ARN: what the end event names. */
  readonly awaited: string;
  readonly runId: string;
  readonly taskToken: string;
}

export class RestoreWaitTaken extends Error {
  override name = 'RestoreWaitTaken';
}

/**
 * Keeps the token a run waits on under what its restore's end event names (replacing the run's earlier wait; never
 * another run's), until a day after the wait would time out.
 */
export async function storeRestoreWait(tableName: string, wait: RestoreWait, waitSeconds: number, now = new Date()): Promise<void> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [PK]: restoreWaitPk(wait.awaited),
          [SK]: RESTORE_WAIT_SK,
          ...wait,
          storedAt: now.toISOString(),
          [TTL]: Math.floor(now.getTime() / 1000) + waitSeconds + 24 * 3600,
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR runId = :runId',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':runId': wait.runId },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw new RestoreWaitTaken(`${wait.awaited} is waited on by another run`);
    throw error;
  }
}

/** The wait on a restore, if a drill stored one (a job or database irdr did not restore has none). */
export async function restoreWaitOf(tableName: string, awaited: string): Promise<RestoreWait | undefined> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: restoreWaitPk(awaited), [SK]: RESTORE_WAIT_SK }, ConsistentRead: true }));
  // Waits kept before RDS restores waited by event name their job `restoreJobId`.
  const kept: unknown = Item?.awaited ?? Item?.restoreJobId;
  if (!Item || typeof Item.taskToken !== 'string' || kept !== awaited || typeof Item.runId !== 'string') return undefined;
  return { awaited, runId: Item.runId, taskToken: Item.taskToken };
}

/**
 * Whether the restore has ended, and how (the waiting step looks once after storing its token: the event may have
 * come first): an AWS Backup job's status, or a restored database's own status.
 */
export async function restoreEndStatus(awaited: string): Promise<RestoreWaitAnswer['status'] | undefined> {
  if (isRdsAwaited(awaited)) return restoredDatabaseEnd(awaited);
  const { Status } = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: awaited }));
  return (RESTORE_JOB_END_STATUSES as readonly string[]).includes(Status ?? '') ? (Status as RestoreWaitAnswer['status']) : undefined;
}

/** What Step Functions says of a token whose wait has ended (answered already, timed out, or its run stopped). */
const NO_LONGER_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Ends the wait: SendTaskSuccess when the restore completed, SendTaskFailure (DrillRestoreJobEnded) when it failed or
 * was aborted; either way the drill's next step reads the job or database itself. `already-ended` when the wait was over (a duplicate).
 */
export async function endRestoreWait(wait: RestoreWait, answer: RestoreWaitAnswer): Promise<'answered' | 'already-ended'> {
  try {
    if (answer.status === 'COMPLETED') {
      await stepFunctions.send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify(answer) }));
    } else {
      const what = isRdsAwaited(answer.awaited) ? `restored database ${answer.awaited}` : `AWS Backup restore job ${answer.awaited}`;
      const cause = `${what} ended ${answer.status} (seen by ${answer.seenBy})`;
      await stepFunctions.send(new SendTaskFailureCommand({ taskToken: wait.taskToken, error: RESTORE_JOB_ENDED_UNFINISHED, cause }));
    }
    return 'answered';
  } catch (error) {
    if (NO_LONGER_WAITING.has((error as Error).name)) return 'already-ended';
    throw error;
  }
}

import { DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RESTORE_WAIT_SK, restoreWaitPk } from '../../domain/keys.js';
import { RESTORE_JOB_END_STATUSES, RESTORE_JOB_ENDED_UNFINISHED, type RestoreWaitAnswer } from '../../domain/drill/restore-job-event.js';
import { deduplicationTableDesign } from '../../domain/table-design.js';
import { backupClient } from '../backup-client.js';
import { dynamodb } from '../dynamodb-client.js';
import { stepFunctions } from '../sfn-client.js';

// In the deduplication table (DEDUPLICATION_TABLE_NAME): a token is not evidence, and it expires with the wait.
const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = deduplicationTableDesign;

export interface RestoreWait {
  readonly restoreJobId: string;
  readonly runId: string;
  readonly taskToken: string;
}

export class RestoreWaitTaken extends Error {
  override name = 'RestoreWaitTaken';
}

/**
 * Keeps the token a run waits on under its restore job's id (replacing the run's earlier wait; never another run's),
 * until a day after the wait would time out.
 */
export async function storeRestoreWait(tableName: string, wait: RestoreWait, waitSeconds: number, now = new Date()): Promise<void> {
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [PK]: restoreWaitPk(wait.restoreJobId),
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
    if ((error as Error).name === 'ConditionalCheckFailedException') throw new RestoreWaitTaken(`restore job ${wait.restoreJobId} is waited on by another run`);
    throw error;
  }
}

/** The wait on a restore job, if a drill stored one (a job irdr did not start has none). */
export async function restoreWaitOf(tableName: string, restoreJobId: string): Promise<RestoreWait | undefined> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: restoreWaitPk(restoreJobId), [SK]: RESTORE_WAIT_SK }, ConsistentRead: true }));
  if (!Item || typeof Item.taskToken !== 'string' || Item.restoreJobId !== restoreJobId || typeof Item.runId !== 'string') return undefined;
  return { restoreJobId, runId: Item.runId, taskToken: Item.taskToken };
}

/** The job's end status, if it has ended (the waiting step looks once after storing its token: the event may have come first). */
export async function restoreJobEndStatus(restoreJobId: string): Promise<RestoreWaitAnswer['status'] | undefined> {
  const { Status } = await backupClient.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  return (RESTORE_JOB_END_STATUSES as readonly string[]).includes(Status ?? '') ? (Status as RestoreWaitAnswer['status']) : undefined;
}

/** What Step Functions says of a token whose wait has ended (answered already, timed out, or its run stopped). */
const NO_LONGER_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Ends the wait: SendTaskSuccess when the job completed, SendTaskFailure (DrillRestoreJobEnded) when it failed or was
 * aborted; either way the drill's next step reads the job itself. `already-ended` when the wait was over (a duplicate).
 */
export async function endRestoreWait(wait: RestoreWait, answer: RestoreWaitAnswer): Promise<'answered' | 'already-ended'> {
  try {
    if (answer.status === 'COMPLETED') {
      await stepFunctions.send(new SendTaskSuccessCommand({ taskToken: wait.taskToken, output: JSON.stringify(answer) }));
    } else {
      const cause = `AWS Backup restore job ${answer.restoreJobId} ended ${answer.status} (seen by ${answer.seenBy})`;
      await stepFunctions.send(new SendTaskFailureCommand({ taskToken: wait.taskToken, error: RESTORE_JOB_ENDED_UNFINISHED, cause }));
    }
    return 'answered';
  } catch (error) {
    if (NO_LONGER_WAITING.has((error as Error).name)) return 'already-ended';
    throw error;
  }
}

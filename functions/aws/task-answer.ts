import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from './sfn-client.js';

/** What Step Functions says of a token whose waiting state has ended (timed out, escalated, or its run stopped). */
const NO_LONGER_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Hands a decision to the run waiting on `token` (SendTaskSuccess). Returns false when that wait is over:
 * an escalation or expiry that raced the decision reads it from the task item and passes it on instead.
 */
export async function answerWaitingRun(token: string, output: string): Promise<boolean> {
  try {
    await stepFunctions.send(new SendTaskSuccessCommand({ taskToken: token, output }));
    return true;
  } catch (error) {
    if (NO_LONGER_WAITING.has((error as Error).name)) return false;
    throw error;
  }
}

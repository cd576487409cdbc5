import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ReminderToRestart } from '../domain/reminder-restart.js';
import { requireEnvironment } from './environment.js';
import { logger } from './powertools.js';
import { stepFunctions } from './sfn-client.js';

/**
 * Starts an owed reminder again, under the name its first start used (one execution per review, action or stage).
 * True when started; a failure is logged, not thrown, so one reminder that cannot start holds up no other.
 */
export async function restartReminder(reminder: ReminderToRestart): Promise<boolean> {
  try {
    await stepFunctions.send(
      new StartExecutionCommand({ stateMachineArn: requireEnvironment('REVIEW_REMINDER_STATE_MACHINE_ARN'), name: reminder.name, input: JSON.stringify(reminder.input) }),
    );
    return true;
  } catch (error) {
    logger.error('could not restart a reminder', { kind: reminder.kind, name: reminder.name, error: error as Error });
    return false;
  }
}

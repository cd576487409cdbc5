import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { reviewReminderExecutionName, type ReviewReminderInput } from '../domain/review-reminder.js';
import { requireEnvironment } from './environment.js';
import { logger } from './powertools.js';
import { stepFunctions } from './sfn-client.js';

/**
 * Starts the review's reminder: an execution of the reminder state machine that waits until `dueAt`, then
 * reminds the commanders if the review is still open. Named after the incident, so it is started once. True
 * when started; a failure is logged, not thrown: the review itself is recorded and emailed either way.
 */
export async function scheduleReviewReminder(input: ReviewReminderInput): Promise<boolean> {
  try {
    await stepFunctions.send(
      new StartExecutionCommand({
        stateMachineArn: requireEnvironment('REVIEW_REMINDER_STATE_MACHINE_ARN'),
        name: reviewReminderExecutionName(input.incidentId),
        input: JSON.stringify(input),
      }),
    );
    return true;
  } catch (error) {
    logger.error('could not schedule the post-incident review reminder; nobody will be reminded', { incidentId: input.incidentId, error: error as Error });
    return false;
  }
}

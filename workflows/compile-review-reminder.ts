import { functionArnPlaceholder } from '../functions/registry.js';
import { transientRetry, type AslDefinition } from './asl-fragments.js';

/*
 * The post-incident review's reminder: one execution per review, started when the review task opens on
 * resolve ({incidentId, dueAt}), waits until the due time (a Wait state: no polling, nothing runs meanwhile),
 * then hands RemindOverdueReview the review to remind of. A review completed in time is left alone there:
 * completing it needs no grant on this state machine.
 */

export const REVIEW_REMINDER_STATE_MACHINE_LOGICAL_ID = 'Review-reminder';

/** Step Functions keeps a Standard execution a year at most; reviews fall due in at most 60 business days. */
const EXECUTION_TIMEOUT_SECONDS = 120 * 24 * 60 * 60;

export function compileReviewReminderStateMachine(): AslDefinition {
  return {
    Comment: 'irdr post-incident review reminder: waits until the review is due, then reminds the commanders if it is still open',
    StartAt: 'Wait until due',
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      'Wait until due': { Type: 'Wait', TimestampPath: '$.dueAt', Next: 'Remind if still open' },
      'Remind if still open': {
        Type: 'Task',
        Resource: '${' + functionArnPlaceholder('RemindOverdueReview') + '}',
        Parameters: { 'incidentId.$': '$.incidentId', 'dueAt.$': '$.dueAt', 'executionArn.$': '$$.Execution.Id' },
        TimeoutSeconds: 60,
        Retry: transientRetry,
        End: true,
      },
    },
  };
}

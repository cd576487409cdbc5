import { functionArnPlaceholder } from '../functions/registry.js';
import { transientRetry, type AslDefinition } from './asl-fragments.js';

/*
 * The reminders of the post-incident review and of its corrective actions: one execution per review or action.
 * A review ({incidentId, dueAt}, started on resolve) waits until it is due (a Wait state: no polling, nothing runs
 * meanwhile), then hands RemindOverdueReview the review to remind of. A corrective action ({incidentId, actionId,
 * remindAt, dueAt}, started when it is added) waits until remindAt to remind its owner, then until dueAt to escalate
 * if it is still open. A regulatory report stage ({incidentId, taskId, remindAt, dueAt}, started when the stage opens)
 * does the same for its approvers. Completing or closing in time needs no grant here: the reminder finds it done.
 */

export const REVIEW_REMINDER_STATE_MACHINE_LOGICAL_ID = 'Review-reminder';

/** Step Functions keeps a Standard execution a year at most; reviews fall due in at most 60 business days, actions in 180 days. */
const EXECUTION_TIMEOUT_SECONDS = 200 * 24 * 60 * 60;

/** A reminder phase of a report stage (its task) or a corrective action: the function looks whether it is still open. */
const remind = (fn: 'RemindReportStage' | 'RemindCorrectiveAction', idField: 'taskId' | 'actionId', phase: 'due-soon' | 'overdue') => ({
  Type: 'Task',
  Resource: '${' + functionArnPlaceholder(fn) + '}',
  Parameters: { 'incidentId.$': '$.incidentId', [`${idField}.$`]: `$.${idField}`, phase, 'executionArn.$': '$$.Execution.Id' },
  ResultPath: null,
  TimeoutSeconds: 60,
  Retry: transientRetry,
});
const remindStage = (phase: 'due-soon' | 'overdue') => remind('RemindReportStage', 'taskId', phase);
const remindAction = (phase: 'due-soon' | 'overdue') => remind('RemindCorrectiveAction', 'actionId', phase);

export function compileReviewReminderStateMachine(): AslDefinition {
  return {
    Comment: 'irdr reminders: a post-incident review when due, a corrective action or a report stage before due and when overdue, each only if still open',
    StartAt: 'Review or action',
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      'Review or action': {
        Type: 'Choice',
        Choices: [
          { Variable: '$.actionId', IsPresent: true, Next: 'Wait until the action is nearly due' },
          { Variable: '$.taskId', IsPresent: true, Next: 'Wait until the report stage is nearly due' },
        ],
        Default: 'Wait until due',
      },
      'Wait until due': { Type: 'Wait', TimestampPath: '$.dueAt', Next: 'Remind if still open' },
      'Remind if still open': {
        Type: 'Task',
        Resource: '${' + functionArnPlaceholder('RemindOverdueReview') + '}',
        Parameters: { 'incidentId.$': '$.incidentId', 'dueAt.$': '$.dueAt', 'executionArn.$': '$$.Execution.Id' },
        TimeoutSeconds: 60,
        Retry: transientRetry,
        End: true,
      },
      'Wait until the action is nearly due': { Type: 'Wait', TimestampPath: '$.remindAt', Next: 'Remind the owner if still open' },
      'Remind the owner if still open': { ...remindAction('due-soon'), Next: 'Wait until the action is due' },
      'Wait until the action is due': { Type: 'Wait', TimestampPath: '$.dueAt', Next: 'Escalate if still open' },
      'Escalate if still open': { ...remindAction('overdue'), End: true },
      'Wait until the report stage is nearly due': { Type: 'Wait', TimestampPath: '$.remindAt', Next: 'Remind the approvers if unsubmitted' },
      'Remind the approvers if unsubmitted': { ...remindStage('due-soon'), Next: 'Wait until the report stage is due' },
      'Wait until the report stage is due': { Type: 'Wait', TimestampPath: '$.dueAt', Next: 'Escalate if unsubmitted' },
      'Escalate if unsubmitted': { ...remindStage('overdue'), End: true },
    },
  };
}

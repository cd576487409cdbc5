import * as z from './zod.js';
import type { HumanTaskRecord } from './human-task.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * The overdue reminder of the post-incident review: one per review, sent at its due time if it is still
 * open (the reminder state machine waits until then; see workflows/compile-review-reminder.ts).
 */

/** What the reminder state machine starts with. */
export const ReviewReminderInput = z.strictObject({
  incidentId: z.string().check(z.minLength(1)),
  dueAt: z.iso.datetime({ offset: true }),
});
export type ReviewReminderInput = z.infer<typeof ReviewReminderInput>;

/** What it hands RemindOverdueReview at the due time: the input and its own execution (the reminder's actor). */
export const RemindOverdueReviewPayload = z.extend(ReviewReminderInput, { executionArn: z.string().check(z.minLength(1)) });
export type RemindOverdueReviewPayload = z.infer<typeof RemindOverdueReviewPayload>;

/** The reminder's execution name: one per incident, so a repeated start is the same execution, not a second reminder. */
export const reviewReminderExecutionName = (incidentId: string): string => `review-${incidentId}`;

/** The trail event of a review still open at its due time (`task.overdue`), recorded before the commanders are reminded. */
export function overdueEvent(task: Pick<HumanTaskRecord, 'taskId' | 'stepId' | 'kind' | 'title' | 'assignee' | 'dueAt'>, at: string, actor: string): TrailEventBody {
  return {
    type: 'task.overdue',
    at,
    actor,
    stepId: task.stepId,
    detail: {
      taskId: task.taskId,
      kind: task.kind,
      title: task.title,
      ...(task.assignee !== undefined && { assignee: task.assignee }),
      dueAt: task.dueAt,
      purpose: 'post-incident-review',
    },
  };
}

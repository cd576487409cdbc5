import { requireEnvironment } from '../aws/environment.js';
import { completeHumanTask } from '../aws/human-task-completion.js';
import { openNextReportStage } from '../aws/report-stage-next.js';
import { TaskCompletionRequest } from '../domain/human-task.js';
import { requireRole } from './authorization.js';
import { HttpError } from './http-errors.js';
import { apiHandler, jsonResponse, parseJsonBody } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

const STATUS = { 'not-found': 404, conflict: 409, forbidden: 403, invalid: 400 } as const;

/**
 * POST /incidents/{incidentId}/tasks/{taskId}/complete `{outcome, comment}`: only the task's assigned role
 * (or, for an approval, an allow-listed approver) may; a second completion, or one after expiry, is 409.
 * Completing one task of the post-incident review (review.post-incident, or the run's task marked
 * completedBy: post-incident-review) completes the other too: those are listed in `completedTasks`.
 * Submitting a report stage opens the next stage counted from that submission (NIS2's final report): `openedTaskId`.
 */
export const handler = apiHandler(async (event) => {
  // Any role gets past this; whether it may complete this task is the task's to say.
  const caller = requireRole(event, 'readIncidents');
  const request = parseJsonBody(event, TaskCompletionRequest);
  const key = { incidentId: event.pathParameters?.incidentId ?? '', taskId: event.pathParameters?.taskId ?? '' };
  const result = await completeHumanTask(tableName, key, request, { kind: 'principal', principalArn: caller.arn, roles: caller.roles }, 'api');
  if (result.kind !== 'completed') throw new HttpError(STATUS[result.kind], result.message);
  // Here, not in completeHumanTask: a report stage is submitted signed in only (never by link), so only this route opens the next.
  const openedTaskId = await openNextReportStage(tableName, key, caller.arn);
  return jsonResponse(200, {
    incidentId: key.incidentId,
    task: result.task,
    ...(openedTaskId !== undefined && { openedTaskId }),
    ...(result.alsoCompleted.length > 0 && { completedTasks: result.alsoCompleted }),
  });
});

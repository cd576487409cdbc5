import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HumanTaskRecord } from '../domain/human-task.js';
import { incidentPk, taskSk } from '../domain/keys.js';
import { stageReminderExecutionName, stageReminderTime, type StagePhase } from '../domain/report-stage-reminder.js';
import { requireEnvironment } from './environment.js';
import { appendEvent } from './event-trail.js';
import { reminderPhaseUpdate, updateIncidentItemIf } from './incident-items.js';
import { logger } from './powertools.js';
import { stepFunctions } from './sfn-client.js';

/**
 * Starts the stage task's reminder execution (remind before the deadline, escalate when overdue). A failure is logged
 * and said in the trail, not thrown: the stage stands, and its email has gone out.
 */
export async function scheduleStageReminder(tableName: string, task: Pick<HumanTaskRecord, 'incidentId' | 'taskId' | 'createdAt' | 'dueAt'>, actor: string): Promise<void> {
  if (task.dueAt === undefined) return;
  const input = { incidentId: task.incidentId, taskId: task.taskId, remindAt: stageReminderTime(task.createdAt, task.dueAt), dueAt: task.dueAt };
  try {
    await stepFunctions.send(
      new StartExecutionCommand({ stateMachineArn: requireEnvironment('REVIEW_REMINDER_STATE_MACHINE_ARN'), name: stageReminderExecutionName(task.incidentId, task.taskId), input: JSON.stringify(input) }),
    );
  } catch (error) {
    logger.error('could not schedule the report stage reminder', { ...input, error: error as Error });
    await appendEvent(tableName, incidentPk(task.incidentId), {
      type: 'task.reminder-not-scheduled',
      at: new Date().toISOString(),
      actor,
      stepId: task.taskId,
      detail: { taskId: task.taskId, dueAt: task.dueAt, reason: 'the reminder could not be started (see the function log); remind the approvers by hand' },
    });
  }
}

/** Marks a reminder phase on a still-open stage task, once; undefined when it was submitted or this phase already ran. */
export const markStageReminded = (tableName: string, key: { incidentId: string; taskId: string }, phase: StagePhase, at: string): Promise<HumanTaskRecord | undefined> =>
  updateIncidentItemIf<HumanTaskRecord>(tableName, key.incidentId, taskSk(key.taskId), reminderPhaseUpdate(phase === 'overdue' ? 'overdueAt' : 'remindedAt', at));

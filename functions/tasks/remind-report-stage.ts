import type { Context } from 'aws-lambda';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { getIncident } from '../aws/incident-store.js';
import { everyAddressOfRole, sendAndRecordEmail } from '../aws/notifier.js';
import { logger } from '../aws/powertools.js';
import { markStageReminded } from '../aws/report-stage-reminder.js';
import { incidentPk } from '../domain/keys.js';
import { RemindReportStagePayload, stageReminderEmail, stageReminderEvent } from '../domain/report-stage-reminder.js';
import { stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');


/**
 * Reminder step of a regulatory report stage: before the deadline, reminds the approvers the task was sent to; at the
 * deadline, if still unsubmitted, records task.overdue and escalates to them and the commanders. Each phase once (a
 * conditional write first), so a retried attempt, or a stage submitted in time, sends nothing.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ reminded: boolean }> => {
  logger.addContext(context);
  const request = RemindReportStagePayload.parse(payload);
  const key = { incidentId: request.incidentId, taskId: request.taskId };
  const at = new Date().toISOString();
  const task = await markStageReminded(tableName, key, request.phase, at);
  if (!task) {
    logger.info('report stage submitted, or this reminder already sent: nothing to do', { ...key, phase: request.phase });
    return { reminded: false };
  }
  const incident = await getIncident(tableName, request.incidentId);
  if (!incident) throw new Error(`no incident ${request.incidentId} for its report stage ${request.taskId}`);
  const actor = stepActor(request.executionArn);
  const approvers = [...new Set(task.recipients.map((recipient) => recipient.address))];
  const escalatedTo = request.phase === 'overdue' ? everyAddressOfRole('commander').filter((address) => !approvers.includes(address)) : [];
  await appendEvent(tableName, incidentPk(request.incidentId), stageReminderEvent(task, request.phase, at, actor, escalatedTo));
  await sendAndRecordEmail(
    { tableName, incidentId: request.incidentId, actor, stepId: task.taskId, detail: { purpose: request.phase === 'overdue' ? 'regulatory-report-overdue' : 'regulatory-report-reminder', taskId: task.taskId } },
    [...approvers, ...escalatedTo],
    stageReminderEmail(incident, task, request.phase, requireEnvironment('API_URL').replace(/\/+$/, '')),
  );
  return { reminded: true };
};

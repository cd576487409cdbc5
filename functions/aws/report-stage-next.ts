import { irdrConfig } from '../config.js';
import { clockAnchor } from '../domain/clock.js';
import type { HumanTaskRecord } from '../domain/human-task.js';
import { incidentPk } from '../domain/keys.js';
import { regulatoryCatalog } from '../domain/regulatory-stages.js';
import { nextStageAfterSubmission, stageOfTask, stageTask } from '../domain/report-stage-task.js';
import { appendEvent, listEvents } from './event-trail.js';
import { getTask, putNewTask } from './human-task-store.js';
import { getIncident } from './incident-store.js';
import { logger } from './powertools.js';
import { emailReportStage } from './report-stage-mail.js';
import { scheduleStageReminder } from './report-stage-reminder.js';

/* A report stage's submission opens the next stage that counts from it (NIS2's final report), emailed like the first. */

const catalog = regulatoryCatalog(irdrConfig.regulatory);

/**
 * Given a task just completed: if it is a report stage's (submitted), opens and emails the next stage whose deadline
 * counts from that submission; nothing for any other task. Returns the opened task's id. Opened once: a second call
 * finds it there.
 */
export async function openNextReportStage(tableName: string, key: { readonly incidentId: string; readonly taskId: string }, actor: string): Promise<string | undefined> {
  const report = stageOfTask(catalog, key.taskId)?.report;
  if (report === undefined) return undefined;
  const submitted: HumanTaskRecord | undefined = await getTask(tableName, key.incidentId, key.taskId);
  const decision = submitted?.decision;
  if (submitted?.status !== 'completed' || decision === undefined) return undefined;
  const incident = await getIncident(tableName, submitted.incidentId);
  if (incident === undefined) return undefined;
  const events = await listEvents(tableName, incidentPk(incident.incidentId));
  // The classification that started this report (the latest that added its label): what its other terms count from.
  const classified = events.filter((event) => event.type === 'incident.classified' && (event.detail?.['added'] as unknown[] | undefined)?.includes(report.label)).at(-1);
  const next = nextStageAfterSubmission(catalog, irdrConfig.businessCalendars, submitted.taskId, {
    classifiedAt: classified?.at ?? submitted.createdAt,
    awareAt: clockAnchor('awareAt', incident, new Date()).at.toISOString(),
    submittedAt: decision.decidedAt,
  });
  if (next === undefined) return undefined;
  const task = stageTask(incident, { regulation: next.report.id }, next.stage, decision.decidedAt, irdrConfig);
  if (!(await putNewTask(tableName, task))) {
    logger.info('the next report stage was already open', { incidentId: incident.incidentId, taskId: task.taskId });
    return undefined;
  }
  await appendEvent(tableName, incidentPk(incident.incidentId), {
    type: 'task.created',
    at: decision.decidedAt,
    actor,
    stepId: task.taskId,
    detail: { taskId: task.taskId, kind: 'task', title: task.title, assignee: task.assignee, dueAt: task.dueAt, purpose: 'regulatory-report', after: submitted.taskId },
  });
  const reason = classified?.detail?.['reason'];
  await emailReportStage({
    tableName,
    incident,
    task,
    reportTitle: next.report.title,
    stage: next.stage,
    known: {
      ...(classified !== undefined && { classifiedAt: classified.at }),
      ...(typeof reason === 'string' && { classificationReason: reason }),
      previousSubmission: `${decision.decidedBy} at ${decision.decidedAt}${decision.reference !== undefined ? `, reference ${decision.reference}` : ''}: ${decision.comment}`,
    },
    actor,
  });
  await scheduleStageReminder(tableName, task, actor);
  return task.taskId;
}

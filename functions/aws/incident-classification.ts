import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { irdrConfig } from '../config.js';
import { classificationAtOpening, reclassify, type ClassificationRefusal, type ClassifyingCaller, type ClassifyRequest, type Reclassification } from '../domain/classification.js';
import type { Incident } from '../domain/incident.js';
import { incidentPk, META_SK } from '../domain/keys.js';
import { regulatoryCatalog } from '../domain/regulatory-stages.js';
import { reportStageTaskId, reportStageTasks } from '../domain/report-stage-task.js';
import { tableDesign } from '../domain/table-design.js';
import { dynamodb } from './dynamodb-client.js';
import { appendEvent } from './event-trail.js';
import { listTasks, putNewTask } from './human-task-store.js';
import { getIncident, incidentFromItem } from './incident-store.js';
import { emailReportStage } from './report-stage-mail.js';
import { scheduleStageReminder } from './report-stage-reminder.js';
import { startWhatTheSeverityStarts } from './severity-raise.js';

/* The classify operation, for every channel (API, CLI, later Slack): decided in the domain, written here. */

const { partitionKey: PK, sortKey: SK } = tableDesign;
const catalog = regulatoryCatalog(irdrConfig.regulatory);

export type ClassifyResult =
  | { readonly ok: true; readonly incident: Incident; readonly reclassification: Reclassification; readonly taskIds: readonly string[] }
  | ({ readonly ok: false } & ClassificationRefusal)
  | { readonly ok: false; readonly status: 404; readonly message: string };

/**
 * Reclassifies the incident: writes its new severity and labels only if nobody changed them since they were read
 * (else works the change out again on the incident as it is now, a few times, then a 409 to re-read), then records the classification and opens each started stage's task, emailed to its recipients.
 */
export async function classifyIncident(
  tableName: string,
  incidentId: string,
  request: ClassifyRequest,
  caller: ClassifyingCaller,
): Promise<ClassifyResult> {
  // The request is a change (add, remove, raise): on a concurrent write it is worked out again on what is there now.
  for (let attempt = 1; ; attempt += 1) {
    const written = await classifyOnce(tableName, incidentId, request, caller);
    if (written !== 'changed-meanwhile') return written;
    if (attempt === CLASSIFY_ATTEMPTS) {
      return { ok: false, status: 409, message: 'the incident kept changing while it was being classified: read it again and send the classification anew' };
    }
  }
}

/** As many tries as concurrent writers can make one lose in a row in practice (each round, one of them wins). */
const CLASSIFY_ATTEMPTS = 5;

async function classifyOnce(tableName: string, incidentId: string, request: ClassifyRequest, caller: ClassifyingCaller): Promise<ClassifyResult | 'changed-meanwhile'> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return { ok: false, status: 404, message: `no incident with id "${incidentId}"` };
  const outcome = reclassify(incident, request, caller, new Date(), catalog, irdrConfig.businessCalendars);
  if (!outcome.ok) return outcome;
  const { reclassification } = outcome;
  let updated: Incident;
  try {
    const result = await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [PK]: incidentPk(incidentId), [SK]: META_SK },
        UpdateExpression: 'SET #severity = :severity, #labels = :labels, #updatedAt = :at',
        // As read: every change of severity, labels or status sets updatedAt (maps are not compared: dynalite cannot).
        ConditionExpression: '#severity = :before AND #updatedAt = :beforeUpdatedAt AND #status = :status',
        ExpressionAttributeNames: { '#severity': 'severity', '#labels': 'labels', '#updatedAt': 'updatedAt', '#status': 'status' },
        ExpressionAttributeValues: {
          ':severity': reclassification.after.severity,
          ':labels': reclassification.after.labels,
          ':at': reclassification.event.at,
          ':before': incident.severity,
          ':status': incident.status,
          ':beforeUpdatedAt': incident.updatedAt,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = incidentFromItem(result.Attributes ?? {});
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return 'changed-meanwhile';
  }
  await appendEvent(tableName, incidentPk(incidentId), reclassification.event);
  const { severityChange } = reclassification;
  if (severityChange?.direction === 'raised') {
    await startWhatTheSeverityStarts({
      tableName,
      incident: updated,
      from: severityChange.from,
      to: severityChange.to,
      at: reclassification.event.at,
      actor: caller.principal,
      cause: { by: caller.principal, reason: request.reason },
    });
  }
  const taskIds = await openReportStages(tableName, updated, reclassification, caller.principal, {
    classifiedAt: reclassification.event.at,
    ...(request.reason !== undefined && { classificationReason: request.reason }),
  });
  return { ok: true, incident: updated, reclassification, taskIds };
}

/**
 * Opens each started stage's task (once: a task already there is left as it is), records it, emails it to its
 * recipients and starts its reminder. Returns the ids of the tasks it opened.
 */
export async function openReportStages(
  tableName: string,
  incident: Incident,
  classification: Pick<Reclassification, 'started' | 'event'>,
  actor: string,
  known: { readonly classifiedAt: string; readonly classificationReason?: string },
): Promise<string[]> {
  const tasks = reportStageTasks(incident, classification, irdrConfig);
  const stageOf = new Map(classification.started.flatMap((report) => report.stages.map((stage) => [reportStageTaskId(report, stage), { report, stage }] as const)));
  const taskIds: string[] = [];
  for (const task of tasks) {
    if (!(await putNewTask(tableName, task))) continue;
    taskIds.push(task.taskId);
    await appendEvent(tableName, incidentPk(incident.incidentId), {
      type: 'task.created',
      at: classification.event.at,
      actor,
      stepId: task.taskId,
      detail: { taskId: task.taskId, kind: 'task', title: task.title, assignee: task.assignee, dueAt: task.dueAt, purpose: 'regulatory-report' },
    });
    const { report, stage } = stageOf.get(task.taskId)!;
    await emailReportStage({ tableName, incident, task, reportTitle: report.title, stage, known, actor });
    await scheduleStageReminder(tableName, task, actor);
  }
  return taskIds;
}

/**
 * The reports of the classification labels the incident was opened with (`labels`, the run's input), started as a
 * classification at its opening: recorded as `incident.classified` (atOpening) and each stage opened as a task. Reports
 * with a stage task already are left alone (a retried step, or a commander's classification first). Returns the task ids.
 */
export async function startReportsAtOpening(tableName: string, incidentId: string, labels: Readonly<Record<string, string>> | undefined, actor: string): Promise<string[]> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) throw new Error(`no incident with id "${incidentId}"`);
  const existing = new Set((await listTasks(tableName, incidentId)).map((task) => task.taskId));
  const started = catalog.filter((report) => report.stages.some((stage) => existing.has(reportStageTaskId({ regulation: report.id }, { stageId: stage.id })))).map((report) => report.id);
  const classification = classificationAtOpening(incident, labels, started, actor, new Date(), catalog, irdrConfig.businessCalendars);
  if (classification === undefined) return [];
  await appendEvent(tableName, incidentPk(incidentId), classification.event);
  return openReportStages(tableName, incident, classification, actor, { classifiedAt: incident.openedAt, classificationReason: 'the incident was opened carrying these labels' });
}

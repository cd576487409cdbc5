import { irdrConfig } from '../config.js';
import type { ClassificationLabel } from '../domain/classification-label.js';
import { incidentPk } from '../domain/keys.js';
import { regulatoryCatalog } from '../domain/regulatory-stages.js';
import { stageOfTask } from '../domain/report-stage-id.js';
import { appendEvent } from './event-trail.js';
import { cancelTask, listTasks } from './human-task-store.js';

/* A report found not owed (GDPR Art. 33(1)'s "unlikely to result in a risk"): its open stages closed, with the reasons. */

const catalog = regulatoryCatalog(irdrConfig.regulatory);

export interface NotOwedDecision {
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly comment?: string | undefined;
  /** The runbook step that closes it, after the approval that decided so. */
  readonly stepId: string;
}

/**
 * Closes (status `cancelled`, with the reason) every open stage task of the report `label` starts, each recorded as
 * `task.cancelled` naming who decided and why, so no reminder or overdue escalation follows. A stage already submitted
 * stays as it is. Returns the closed task ids.
 */
export async function closeReportStages(tableName: string, incidentId: string, label: ClassificationLabel, decision: NotOwedDecision, actor: string): Promise<string[]> {
  const open = (await listTasks(tableName, incidentId)).filter((task) => task.status === 'open' && stageOfTask(catalog, task.taskId)?.report.label === label);
  const reason = `not owed: decided by ${decision.decidedBy} at ${decision.decidedAt}${decision.comment ? `: ${decision.comment}` : ''}`;
  const closed: string[] = [];
  for (const task of open) {
    const at = new Date().toISOString();
    if (!(await cancelTask(tableName, { incidentId, taskId: task.taskId }, at, reason))) continue;
    closed.push(task.taskId);
    await appendEvent(tableName, incidentPk(incidentId), {
      type: 'task.cancelled',
      at,
      actor,
      stepId: task.stepId,
      detail: { taskId: task.taskId, kind: task.kind, title: task.title, reason, decidedBy: decision.decidedBy, decidedInStep: decision.stepId, purpose: 'regulatory-report' },
    });
  }
  return closed;
}

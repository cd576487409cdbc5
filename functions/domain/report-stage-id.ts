import type { StartedReport, StartedStage } from './classification.js';
import { REPORT_TASK_ID_PREFIX } from './id-patterns.js';
import type { RegulatoryCatalog, RegulatoryReport } from './regulatory-stages.js';

/* Report stage task ids, and the stage an id names: calendar-free, for what only reads stages (drafts, restarts). */

/** The stage's task id: shaped like a step id so the tasks API reaches it (`report-dora-initial`). */
export const reportStageTaskId = (report: Pick<StartedReport, 'regulation'>, stage: Pick<StartedStage, 'stageId'>): string => `${REPORT_TASK_ID_PREFIX}${report.regulation}-${stage.stageId}`;

/** The report and stage a task id names (`report-nis2-notification`), if it is a stage's task. */
export function stageOfTask(catalog: RegulatoryCatalog, taskId: string): { readonly report: RegulatoryReport; readonly index: number } | undefined {
  if (!taskId.startsWith(REPORT_TASK_ID_PREFIX)) return undefined;
  for (const report of catalog) {
    const index = report.stages.findIndex((stage) => reportStageTaskId({ regulation: report.id }, { stageId: stage.id }) === taskId);
    if (index >= 0) return { report, index };
  }
  return undefined;
}

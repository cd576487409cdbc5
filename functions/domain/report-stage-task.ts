import type { Reclassification, StartedReport, StartedStage } from './classification.js';
import type { IrdrConfig } from './config-schema.js';
import type { HumanTaskRecord } from './human-task.js';
import { recipientsForLevel } from './human-task-email.js';
import { REPORT_TASK_ID_PREFIX } from './id-patterns.js';
import type { Incident } from './incident.js';

/*
 * Each report stage a classification starts, as a task for the approvers (DPO, legal) with its deadline and what
 * its draft is pre-filled with. No run waits on it (no token); it is submitted signed in, never by an emailed link.
 */

const STAGE_ASSIGNMENT = { kind: 'task', assignee: 'approver', requires: 'authenticated' } as const;

/** The stage's task id: shaped like a step id so the tasks API reaches it (`report-dora-initial`). */
export const reportStageTaskId = (report: Pick<StartedReport, 'regulation'>, stage: Pick<StartedStage, 'stageId'>): string => `${REPORT_TASK_ID_PREFIX}${report.regulation}-${stage.stageId}`;

/** The tasks for the stages that have a deadline now (a stage waiting for the previous submission gets its task then). */
export function reportStageTasks(
  incident: Pick<Incident, 'incidentId' | 'title' | 'executionArn'>,
  reclassification: Pick<Reclassification, 'started' | 'event'>,
  config: Pick<IrdrConfig, 'roles'>,
): HumanTaskRecord[] {
  const at = reclassification.event.at;
  return reclassification.started.flatMap((report) =>
    report.stages
      .filter((stage): stage is StartedStage & { dueAt: string } => stage.dueAt !== undefined)
      .map((stage): HumanTaskRecord => {
        const taskId = reportStageTaskId(report, stage);
        const seconds = Math.max(1, Math.round((Date.parse(stage.dueAt) - Date.parse(at)) / 1000));
        return {
          taskId,
          incidentId: incident.incidentId,
          stepId: taskId,
          executionArn: incident.executionArn ?? '',
          ...STAGE_ASSIGNMENT,
          title: `${stage.title} — ${incident.title}`,
          instructions: [
            `${stage.obligation}.`,
            `Due ${stage.dueAt}${stage.overdue ? ' (already past when the incident was classified: say why it is late)' : ''}.`,
            `The draft is pre-filled with: ${stage.draftFields.join(', ')}.`,
            `Record the submission here, with the regulator's reference number in the comment${stage.lateNeedsReasons ? ', and the reasons if late' : ''}.`,
          ].join(' '),
          outcomes: ['done'],
          status: 'open',
          level: 0,
          levels: [],
          deadlineSeconds: seconds,
          onExhausted: 'continue',
          dueAt: stage.dueAt,
          createdAt: at,
          updatedAt: at,
          levelStartedAt: at,
          levelSeconds: seconds,
          recipients: recipientsForLevel(STAGE_ASSIGNMENT, 0, [STAGE_ASSIGNMENT.assignee], config, new Date(at)),
        };
      }),
  );
}

import type { Reclassification, StartedReport, StartedStage } from './classification.js';
import type { IrdrConfig } from './config-schema.js';
import type { HumanTaskRecord } from './human-task.js';
import { recipientsForLevel } from './human-task-email.js';
import type { BusinessCalendarsConfig } from './business-calendars.js';
import { calendarFor, type RegulatoryCatalog, type RegulatoryReport } from './regulatory-stages.js';
import { reportStageTaskId, stageOfTask } from './report-stage-id.js';
export { reportStageTaskId, stageOfTask } from './report-stage-id.js';
import { stageDeadline } from './regulatory-deadlines.js';
import type { Incident } from './incident.js';

/*
 * Each report stage a classification starts, as a task for the approvers (DPO, legal) with its deadline and what
 * its draft is pre-filled with. No run waits on it (no token); it is submitted signed in, never by an emailed link.
 */

const STAGE_ASSIGNMENT = { kind: 'task', assignee: 'approver', requires: 'authenticated' } as const;


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
      .map((stage) => stageTask(incident, report, stage, at, config)),
  );
}

/** A stage's task, opened at `at` (the classification, or the previous stage's submission), due at the stage's deadline. */
export function stageTask(
  incident: Pick<Incident, 'incidentId' | 'title' | 'executionArn'>,
  report: Pick<StartedReport, 'regulation'>,
  stage: Pick<StartedStage, 'stageId' | 'title' | 'obligation' | 'overdue' | 'draftFields' | 'lateNeedsReasons'> & { readonly dueAt: string },
  at: string,
  config: Pick<IrdrConfig, 'roles'>,
): HumanTaskRecord {
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
      `Due ${stage.dueAt}${stage.overdue ? ' (already past when the stage opened: say why it is late)' : ''}.`,
      `The draft is pre-filled with: ${stage.draftFields.join(', ')}.`,
      `Record the submission here, with the regulator's reference number as its reference (irdr incidents complete --reference)${stage.lateNeedsReasons ? ', and the reasons if late in the comment' : ''}.`,
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
}


/**
 * The stage a submission opens: the next stage of the same report when one of its terms counts from the previous
 * stage's submission (NIS2's final report; DORA's when configured so), due from `submittedAt`. Undefined otherwise
 * (the next stage, counted from classification or awareness, got its task at classification).
 */
export function nextStageAfterSubmission(
  catalog: RegulatoryCatalog,
  calendars: BusinessCalendarsConfig,
  submittedTaskId: string,
  anchors: { readonly classifiedAt: string; readonly awareAt: string; readonly submittedAt: string },
): { readonly report: RegulatoryReport; readonly stage: StartedStage & { readonly dueAt: string } } | undefined {
  const found = stageOfTask(catalog, submittedTaskId);
  const next = found?.report.stages[found.index + 1];
  if (found === undefined || next === undefined || !next.deadline.some((term) => term.from === 'previous-submitted')) return undefined;
  const deadline = stageDeadline(next, { classifiedAt: anchors.classifiedAt, awareAt: anchors.awareAt, previousSubmittedAt: anchors.submittedAt }, calendarFor(found.report.id, calendars));
  const dueAt = deadline.dueAt!;
  return {
    report: found.report,
    stage: {
      stageId: next.id,
      title: next.title,
      obligation: next.obligation,
      dueAt,
      governedBy: deadline.governedBy!,
      terms: deadline.terms,
      overdue: Date.parse(dueAt) <= Date.parse(anchors.submittedAt),
      draftFields: next.draftFields,
      lateNeedsReasons: next.lateNeedsReasons,
    },
  };
}

import type { IrdrConfig } from './config-schema.js';
import type { HumanTaskRecord } from './human-task.js';
import { recipientsForLevel } from './human-task-email.js';
import type { Incident } from './incident.js';
import { REVIEW_TASK_ID } from './incident-review.js';

/*
 * The post-incident review as a human task (review.post-incident): opened on resolve, the commanders' to
 * complete through the tasks API or their emailed links. Apart from incident-review.ts, which the config
 * schema reads and so must not reach back to the task modules.
 */

/** Who holds the review: a task for the commander role (its members may complete it, through the API or a link). */
const REVIEW_ASSIGNMENT = { kind: 'task', assignee: 'commander' } as const;

/**
 * The review task: the commanders' to complete, through the tasks API or each one's emailed link (the
 * recipients are the role's configured people); no run waits on it, so no token.
 */
export function reviewTask(
  incident: Pick<Incident, 'incidentId' | 'title' | 'executionArn'>,
  resolvedAt: string,
  dueAt: string,
  config: Pick<IrdrConfig, 'roles'>,
): HumanTaskRecord {
  const seconds = Math.max(1, Math.round((Date.parse(dueAt) - Date.parse(resolvedAt)) / 1000));
  return {
    taskId: REVIEW_TASK_ID,
    incidentId: incident.incidentId,
    stepId: REVIEW_TASK_ID,
    executionArn: incident.executionArn ?? '',
    ...REVIEW_ASSIGNMENT,
    title: 'Hold the post-incident review',
    instructions:
      `Walk the timeline of ${incident.title}, agree lessons learned and an owner for each follow-up action (ISO/IEC 27001 A.5.27). ` +
      `Start from the draft: GET /incidents/${incident.incidentId}/review. Due ${dueAt}.`,
    outcomes: ['done'],
    status: 'open',
    level: 0,
    levels: [],
    deadlineSeconds: seconds,
    onExhausted: 'continue',
    dueAt,
    createdAt: resolvedAt,
    updatedAt: resolvedAt,
    levelStartedAt: resolvedAt,
    levelSeconds: seconds,
    recipients: recipientsForLevel(REVIEW_ASSIGNMENT, 0, [REVIEW_ASSIGNMENT.assignee], config, new Date(resolvedAt)),
  };
}

import * as z from './zod.js';
import type { ClockRecord } from './clock.js';
import { formatDuration } from './duration.js';
import type { PublicHumanTask } from './human-task.js';
import { Severity, type Incident } from './incident.js';
import { actionsFromTrail, reviewFindingsFromTrail } from './corrective-action-trail.js';
import { milestonesOf } from './incident-lifecycle.js';
import type { TrailEventBody } from './trail-event.js';

/*
 * The post-incident review: a task for the commanders, due some business days after resolution, and a
 * Markdown draft of the review built from the record (nobody reconstructs the timeline by hand).
 */

/** How many business days (on the team's calendar, config businessCalendars.team) after resolution the review is due, per severity; a severity left out gets none. */
export const PostIncidentReviewConfig = z.strictObject({
  dueInBusinessDays: z.partialRecord(Severity, z.number().check(z.int(), z.gte(1), z.lte(60))),
});
export type PostIncidentReviewConfig = z.infer<typeof PostIncidentReviewConfig>;
export const defaultPostIncidentReviewConfig: PostIncidentReviewConfig = { dueInBusinessDays: { SEV1: 5, SEV2: 5 } };

/** The review's task id: a dot, which no step id has, so it never meets a runbook's own task. */
export const REVIEW_TASK_ID = 'review.post-incident';


export interface ReviewRecord {
  readonly incident: Incident;
  /** The trail, oldest first. */
  readonly events: readonly TrailEventBody[];
  readonly tasks: readonly PublicHumanTask[];
  readonly clocks: readonly ClockRecord[];
  /** When the draft is made (an action past due reads overdue); now, by default. */
  readonly now?: Date;
}

/** A table cell: one line, pipes escaped. */
const cell = (value: unknown): string =>
  value === undefined || value === null || value === '' ? '—' : String(value).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
const table = (head: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string[] => [
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
];
const durationOrDash = (seconds: number | undefined): string => (seconds === undefined ? 'not yet' : formatDuration(seconds));

/** Each milestone's name for people, by its field. */
export const MILESTONE_NAMES: Readonly<Record<string, string>> = {
  detectedAt: 'Detected',
  awareAt: 'Aware',
  openedAt: 'Opened',
  acknowledgedAt: 'Acknowledged',
  resolvedAt: 'Resolved',
  closedAt: 'Closed',
};

/** What an event was about, in a few words (its title, outcome or clock), for the timeline. */
export function eventSummary(event: TrailEventBody): string {
  const detail = event.detail ?? {};
  const parts = [
    detail.title,
    detail.outcome !== undefined ? `outcome ${String(detail.outcome)}` : undefined,
    detail.level !== undefined && event.type === 'task.escalated' ? `level ${String(detail.level)}` : undefined,
    typeof detail.comment === 'string' && detail.comment !== '' ? `"${detail.comment}"` : undefined,
    typeof detail.text === 'string' ? `"${detail.text}"` : undefined,
  ].filter((part) => part !== undefined && part !== '');
  return parts.join(', ');
}

/** The clock's result in words: met on time, met late, missed, still running... */
function clockResult(clock: ClockRecord): string {
  switch (clock.status) {
    case 'met':
      return clock.missedAt !== undefined ? `met late (${clock.metAt ?? ''})` : `met (${clock.metAt ?? ''})`;
    case 'missed':
      return `**missed** (${clock.missedAt ?? clock.deadlineAt ?? ''})`;
    default:
      return clock.status;
  }
}

/**
 * The tasks as the review lists them: in the order they were created (the store returns them by id), and the
 * post-incident review once. The lifecycle's `review.post-incident` and a run's task marked
 * `completedBy: post-incident-review` are one review (one completes the other): the run's copy goes when the
 * lifecycle's is there, and a decision carried over from one to the other (via post-incident-review) is not a second one.
 */
export function reviewTasksInOrder(tasks: readonly PublicHumanTask[]): PublicHumanTask[] {
  const lifecycleReview = tasks.some((task) => task.taskId === REVIEW_TASK_ID);
  return tasks
    .filter((task) => !(lifecycleReview && task.taskId !== REVIEW_TASK_ID && task.completedBy === 'post-incident-review'))
    .filter((task) => task.decision?.via !== 'post-incident-review')
    .map((task, index) => ({ task, index }))
    .sort((a, b) => a.task.createdAt.localeCompare(b.task.createdAt) || a.index - b.index)
    .map(({ task }) => task);
}

/**
 * The review's findings and corrective actions as recorded (POST /incidents/{id}/review and /actions), or the blanks to
 * fill; each action with its owner, due date and state.
 */
function lessonsLearned(record: ReviewRecord): string[] {
  const findings = reviewFindingsFromTrail(record.events);
  const actions = actionsFromTrail(record.incident, record.events, record.now ?? new Date());
  const oneLine = (value: string | undefined): string => (value === undefined || value === '' ? '' : ` ${value.replace(/\r?\n/g, ' ')}`);
  return [
    '## Lessons learned',
    '',
    ...(findings ? [`Recorded by ${findings.recordedBy} at ${findings.recordedAt}.`, ''] : []),
    `- Root cause:${oneLine(findings?.rootCause)}`,
    `- What went well:${oneLine(findings?.wentWell)}`,
    `- What did not:${oneLine(findings?.wentBadly)}`,
    '',
    '## Corrective actions',
    '',
    ...(actions.length > 0
      ? table(
          ['Action', 'Title', 'Owner', 'Due', 'State', 'Evidence'],
          actions.map((action) => [action.actionId, action.title, action.owner, action.dueAt, action.state, action.evidenceLink ?? action.evidenceNote]),
        )
      : findings?.noCorrectiveActionReason !== undefined
        ? [`None, because: ${oneLine(findings.noCorrectiveActionReason).trim()}`]
        : ['None yet: add each (owner, due date) with POST /incidents/{incidentId}/actions, or record why none with POST /incidents/{incidentId}/review.']),
    '',
  ];
}

/** The review draft, in Markdown: everything it says comes from the record. */
export function reviewDraftMarkdown(record: ReviewRecord): string {
  const { incident, events, clocks } = record;
  const tasks = reviewTasksInOrder(record.tasks);
  const lines: string[] = [
    `# Post-incident review: ${incident.title}`,
    '',
    `Draft built from the incident record of ${incident.incidentId}; edit it into the review.`,
    '',
    ...table(
      ['Incident', 'Severity', 'Runbook', 'Status', 'Mode'],
      [[incident.incidentId, incident.severity, `${incident.runbookId} v${incident.runbookVersion}`, incident.status, incident.mode]],
    ),
    '',
    '## Summary',
    '',
    incident.summary,
    ...(incident.resolutionSummary !== undefined ? ['', `**Resolution:** ${incident.resolutionSummary}`] : []),
    '',
    '## Milestones',
    '',
    ...table(
      ['Milestone', 'At'],
      Object.entries(milestonesOf(incident)).map(([name, at]) => [MILESTONE_NAMES[name] ?? name, at]),
    ),
    '',
    `- Time to acknowledge (MTTA): ${durationOrDash(incident.mttaSeconds)}${incident.acknowledgedBy ? `, by ${incident.acknowledgedBy}` : ''}`,
    `- Time to resolve (MTTR): ${durationOrDash(incident.mttrSeconds)}${incident.resolvedBy ? `, by ${incident.resolvedBy}` : ''}`,
    ...(incident.mode === 'exercise' ? ['- An exercise: it does not count in response statistics.'] : []),
    '',
    '## SLA and regulatory clocks',
    '',
    ...(clocks.length === 0
      ? ['No clocks ran.']
      : table(
          ['Clock', 'Kind', 'Obligation', 'Deadline', 'Result'],
          clocks.map((clock) => [clock.title, clock.kind, clock.obligation, clock.deadlineAt, clockResult(clock)]),
        )),
    '',
    '## Decisions and approvals',
    '',
  ];
  const decided = tasks.filter((task) => task.decision !== undefined || task.status === 'expired' || task.status === 'cancelled');
  lines.push(
    ...(decided.length === 0
      ? ['None recorded.']
      : table(
          ['Task', 'Kind', 'Decided by', 'Outcome', 'Comment', 'At'],
          decided.map((task) =>
            task.decision
              ? [task.title, task.kind, task.decision.decidedBy, task.decision.outcome, task.decision.comment, task.decision.decidedAt]
              : task.status === 'cancelled'
                ? [task.title, task.kind, 'nobody', 'cancelled', task.cancelReason, task.cancelledAt]
                : [task.title, task.kind, 'nobody', 'expired', `after ${task.levelCount} escalation level(s)`, task.expiredAt],
          ),
        )),
    '',
    '## Open actions',
    '',
  );
  const open = tasks.filter((task) => task.status === 'open');
  lines.push(
    ...(open.length === 0
      ? ['None.']
      : open.map((task) => `- [ ] ${task.title} — ${task.assignee ?? 'approvers'}${task.dueAt ? `, due ${task.dueAt}` : `, open since ${task.createdAt}`}`)),
    '',
    '## Timeline',
    '',
    ...events.map((event) => {
      const summary = eventSummary(event);
      return `- ${event.at} — \`${event.type}\`${summary ? ` — ${summary.replace(/\r?\n/g, ' ')}` : ''} (${event.actor})`;
    }),
    '',
    ...lessonsLearned(record),
  );
  return lines.join('\n');
}

import type { ClockRecord } from '../functions/domain/clock.js';
import { formatDuration } from '../functions/domain/duration.js';
import type { PublicHumanTask } from '../functions/domain/human-task.js';
import type { Incident } from '../functions/domain/incident.js';
import { MILESTONE_NAMES, eventSummary } from '../functions/domain/incident-review.js';
import type { TrailEvent } from '../functions/domain/trail-event.js';

/** `irdr incidents …` output for people: pure text from the API's answers (no I/O, no AWS). */

/** GET /incidents/{id}, as the API answers it. */
export interface IncidentView {
  readonly incident: Incident;
  readonly milestones: Readonly<Record<string, string>>;
  readonly tasks: readonly PublicHumanTask[];
  readonly clocks: readonly ClockRecord[];
  readonly events: readonly TrailEvent[];
}

/** Columns padded to their widest cell, two spaces apart; the last column is left ragged. */
export function textTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = head.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

/** One line of a cell: newlines folded. */
const oneLine = (text: string): string => text.replace(/\s*\r?\n\s*/g, ' ');

/** The incidents of GET /incidents: id, opened, severity, status, title (exercises marked). */
export function incidentTable(incidents: readonly Incident[]): string[] {
  if (incidents.length === 0) return ['no incidents match'];
  return textTable(
    ['id', 'opened', 'severity', 'status', 'title'],
    incidents.map((incident) => [
      incident.incidentId,
      incident.openedAt,
      incident.severity,
      incident.status,
      `${oneLine(incident.title)}${incident.mode === 'exercise' ? ' (exercise)' : ''}`,
    ]),
  );
}

/** Who may complete a task: its role, or an approval's roles and allow-listed approvers. */
export function whoCompletes(task: Pick<PublicHumanTask, 'assignee' | 'approvers'>): string {
  if (task.assignee !== undefined) return task.assignee;
  const who = [...(task.approvers?.roles ?? []), ...(task.approvers?.principals ?? [])];
  return who.length > 0 ? who.join(', ') : '-';
}

/** Tasks as a table: id, status, kind, who completes it, outcomes, title (and the decision, once made). */
export function taskTable(tasks: readonly PublicHumanTask[]): string[] {
  return textTable(
    ['task', 'status', 'kind', 'who', 'outcomes', 'title'],
    tasks.map((task) => [
      task.taskId,
      task.status,
      task.kind,
      whoCompletes(task),
      task.outcomes.join('|'),
      `${oneLine(task.title)}${task.decision ? ` — ${task.decision.outcome} by ${task.decision.decidedBy}${task.decision.comment ? `: "${oneLine(task.decision.comment)}"` : ''}` : ''}`,
    ]),
  );
}

/**
 * An actor, shortened where it would fill the line: a runbook step (`states:<execution ARN>`) by its state machine,
 * as `states:<state machine name>` (the incident's own run; --json has the whole ARN). People keep their whole ARN.
 */
export function actorLabel(actor: string): string {
  const machine = /^states:arn:[^:]+:states:[^:]*:[^:]*:execution:([^:]+):/.exec(actor)?.[1];
  return machine === undefined ? actor : `states:${machine}`;
}

/** The trail, oldest first: seq, time, type, actor, and what it was about. */
export function timelineTable(events: readonly TrailEvent[]): string[] {
  return textTable(
    ['seq', 'at', 'type', 'actor', 'about'],
    events.map((event) => [String(event.seq), event.at, event.type, actorLabel(event.actor), oneLine(eventSummary(event))]),
  );
}

const clockLine = (clock: ClockRecord): string => {
  const result =
    clock.status === 'met' ? `met ${clock.metAt ?? ''}${clock.missedAt !== undefined ? ' (late)' : ''}` : clock.status === 'missed' ? `MISSED ${clock.missedAt ?? ''}` : clock.status;
  return `${clock.title} (${clock.kind}): ${result.trim()}${clock.deadlineAt && clock.status === 'running' ? `, due ${clock.deadlineAt}` : ''}`;
};

/** Who reached each milestone, where the incident records it. */
const MILESTONE_BY: Readonly<Record<string, keyof Incident>> = {
  openedAt: 'openedBy',
  acknowledgedAt: 'acknowledgedBy',
  resolvedAt: 'resolvedBy',
  closedAt: 'closedBy',
};

/** `irdr incidents show`: the incident, its milestones, open tasks, clocks and timeline. */
export function incidentDetail(view: IncidentView): string[] {
  const { incident } = view;
  const labels = Object.entries(incident.labels ?? {}).map(([key, value]) => `${key}=${value}`);
  const open = view.tasks.filter((task) => task.status === 'open');
  const milestones = Object.entries(view.milestones).map(([name, at]) => {
    const byField = MILESTONE_BY[name];
    const by = byField === undefined ? undefined : incident[byField];
    return [MILESTONE_NAMES[name] ?? name, at, typeof by === 'string' ? `by ${by}` : ''];
  });
  return [
    `incident ${incident.incidentId}: ${incident.severity}, ${incident.status}${incident.mode === 'exercise' ? ', an exercise' : ''}`,
    `  title    ${oneLine(incident.title)}`,
    `  summary  ${oneLine(incident.summary)}`,
    `  runbook  ${incident.runbookId} v${incident.runbookVersion}, run ${incident.runbookStatus}`,
    ...(incident.source !== undefined ? [`  source   ${incident.source}`] : []),
    ...(labels.length > 0 ? [`  labels   ${labels.join(', ')}`] : []),
    ...(incident.resolutionSummary !== undefined ? [`  resolved ${oneLine(incident.resolutionSummary)}`] : []),
    `  MTTA ${incident.mttaSeconds === undefined ? '-' : formatDuration(incident.mttaSeconds)}, MTTR ${incident.mttrSeconds === undefined ? '-' : formatDuration(incident.mttrSeconds)}`,
    '',
    'milestones',
    ...textTable(['milestone', 'at', 'by'], milestones).map((line) => `  ${line}`),
    '',
    `open tasks (${open.length} of ${view.tasks.length})`,
    ...(open.length === 0 ? ['  none'] : taskTable(open).map((line) => `  ${line}`)),
    ...(view.clocks.length > 0 ? ['', 'clocks', ...view.clocks.map((clock) => `  ${clockLine(clock)}`)] : []),
    '',
    `timeline (${view.events.length} events)`,
    ...timelineTable(view.events).map((line) => `  ${line}`),
  ];
}

/** What POST /incidents answered; a replay (same caller, key and body) opened nothing new. */
export function openedLine(opened: { incidentId: string; status: string; runbookStatus?: string }, replayed: boolean): string {
  return replayed
    ? `incident ${opened.incidentId}: ${opened.status} (already opened with this idempotency key: nothing new was opened)`
    : `incident ${opened.incidentId}: ${opened.status}, runbook ${opened.runbookStatus ?? 'starting'}`;
}

/** The answer to acknowledge, resolve or close: where the incident stands now and what came with it. */
export function transitionLines(
  action: string,
  answer: { incident: Incident; reviewDueAt?: string; completedTasks?: readonly PublicHumanTask[] },
): string[] {
  const { incident } = answer;
  const seconds = action === 'acknowledge' ? incident.mttaSeconds : action === 'resolve' ? incident.mttrSeconds : undefined;
  const measure = seconds === undefined ? '' : ` (${action === 'acknowledge' ? 'MTTA' : 'MTTR'} ${formatDuration(seconds)})`;
  return [
    `incident ${incident.incidentId}: ${incident.status}${measure}`,
    ...(answer.completedTasks ?? []).map((task) => `  completed task ${task.taskId}: ${oneLine(task.title)}`),
    ...(answer.reviewDueAt !== undefined ? [`  post-incident review due ${answer.reviewDueAt} (task review.post-incident)`] : []),
  ];
}

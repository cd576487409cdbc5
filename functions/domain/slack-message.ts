import type { ClockRecord } from './clock.js';
import type { HumanTaskRecord } from './human-task.js';
import type { Incident, Severity } from './incident.js';
import { channelFor, type SlackConfig } from './slack-config.js';
import { slackText } from './slack-text.js';

/*
 * The Block Kit of an incident's one Slack message (its current state) and of the replies in its thread. Every
 * piece of text that came from outside (titles, summaries, names) goes through slackText: escaped, so it can
 * neither mention anyone nor make a link. Only irdr's own mentions (the configured user group) and links are raw.
 */

/** What a button does; its action_id is `irdr.<verb>` (+ `:<taskId>` for a task, as action_ids are unique in a message). */
export const SLACK_ACTION_VERBS = ['acknowledge', 'complete', 'approve', 'reject'] as const;
export type SlackActionVerb = (typeof SLACK_ACTION_VERBS)[number];
export const SLACK_ACTION_PREFIX = 'irdr.';

/** What a button's `value` carries: which incident (and task) it acts on. Never a token: the backend looks it up. */
export interface SlackButtonTarget {
  readonly incidentId: string;
  readonly taskId?: string;
}

export interface IncidentMessageState {
  readonly incident: Incident;
  readonly tasks: readonly HumanTaskRecord[];
  readonly clocks: readonly ClockRecord[];
  /** The API's base URL: the incident's record is linked from the message. */
  readonly apiUrl: string;
}

type Block = Record<string, unknown>;
export interface SlackMessage {
  readonly channel: string;
  /** The notification text (and what a client without Block Kit shows). */
  readonly text: string;
  readonly blocks: Block[];
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (verb: SlackActionVerb, label: string, target: SlackButtonTarget, style?: 'primary' | 'danger'): Block => ({
  type: 'button',
  action_id: `${SLACK_ACTION_PREFIX}${verb}${target.taskId ? `:${target.taskId}` : ''}`,
  text: { type: 'plain_text', text: slackText(label, 75) },
  value: JSON.stringify(target),
  ...(style && { style }),
});

/** Tasks that take buttons: open ones, except those that acknowledging completes (the Acknowledge button is theirs). */
const actionableTasks = (tasks: readonly HumanTaskRecord[]) => tasks.filter((task) => task.status === 'open' && task.completedBy !== 'acknowledgement');

/** The incident's top message: title, severity, runbook, status, clocks and deadlines, who is on it, links, buttons. */
export function incidentMessage(config: SlackConfig, state: IncidentMessageState): SlackMessage {
  const { incident } = state;
  const urgent = config.urgentSeverities.includes(incident.severity) && config.urgentUserGroup !== undefined;
  const title = slackText(incident.title, 200);
  const headline = `${urgent ? `<!subteam^${config.urgentUserGroup}> ` : ''}*${incident.severity} · ${title}*`;
  const fields = [
    `*Severity*\n${incident.severity}${incident.mode === 'exercise' ? ' (exercise)' : ''}`,
    `*Status*\n${incident.status}`,
    `*Runbook*\n${slackText(incident.runbookId, 80)} v${incident.runbookVersion}`,
    `*Opened*\n${incident.openedAt}`,
  ];
  if (incident.acknowledgedAt) fields.push(`*Acknowledged*\n${incident.acknowledgedAt} by ${slackText(incident.acknowledgedBy ?? 'someone', 120)} (MTTA ${incident.mttaSeconds ?? '?'} s)`);
  if (incident.resolvedAt) fields.push(`*Resolved*\n${incident.resolvedAt} by ${slackText(incident.resolvedBy ?? 'someone', 120)}`);

  const clocks = state.clocks.map((clock) => `• ${slackText(clock.title, 120)}: ${clock.status}${clock.deadlineAt ? `, due ${clock.deadlineAt}` : ''}`);
  const openTasks = state.tasks.filter((task) => task.status === 'open');
  const onIt = openTasks.map((task) => `• ${slackText(task.title, 120)}: ${task.assignee ?? task.approvers?.roles?.join(', ') ?? 'approvers'} (level ${task.level})`);
  const blocks: Block[] = [
    { type: 'section', block_id: 'headline', text: mrkdwn(headline) },
    { type: 'section', block_id: 'summary', text: mrkdwn(slackText(incident.summary || '(no summary)', 2900)) },
    { type: 'section', block_id: 'facts', fields: fields.slice(0, 10).map(mrkdwn) },
    { type: 'section', block_id: 'clocks', text: mrkdwn(`*Clocks*\n${clocks.length > 0 ? clocks.join('\n') : 'none running'}`.slice(0, 3000)) },
    { type: 'section', block_id: 'on-it', text: mrkdwn(`*Waiting on*\n${onIt.length > 0 ? onIt.join('\n') : 'nobody'}`.slice(0, 3000)) },
    { type: 'context', block_id: 'links', elements: [mrkdwn(`<${state.apiUrl}/incidents/${encodeURIComponent(incident.incidentId)}|Incident ${incident.incidentId}> · runbook ${slackText(incident.runbookId, 80)}`)] },
  ];
  const buttons: Block[] = [];
  if (incident.status === 'open') buttons.push(button('acknowledge', 'Acknowledge', { incidentId: incident.incidentId }, 'primary'));
  for (const task of actionableTasks(state.tasks)) {
    const target = { incidentId: incident.incidentId, taskId: task.taskId };
    if (task.kind === 'task') buttons.push(button('complete', `Complete: ${task.title}`, target));
    else buttons.push(button('approve', `Approve: ${task.title}`, target, 'primary'), button('reject', `Reject: ${task.title}`, target, 'danger'));
  }
  // An actions block holds at most 25 elements.
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'actions', elements: buttons.slice(0, 25) });
  return { channel: channelFor(config, incident), text: `${urgent ? `<!subteam^${config.urgentUserGroup}> ` : ''}${incident.severity}: ${title} (${incident.status})`, blocks };
}

/** A reply in the incident's thread: one line of what happened, escaped. */
export function threadReply(what: string, mentionUserGroup?: string): { text: string; blocks: Block[] } {
  // The mention is ours (a configured group id), added after escaping: the reply notifies the group, as the top message's first post did.
  const text = `${mentionUserGroup === undefined ? '' : `<!subteam^${mentionUserGroup}> `}${slackText(what, 2900)}`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** Whether a raise from `from` to `to` makes an incident urgent that was not: its thread's reply then mentions the urgent group. */
export const becomesUrgent = (config: Pick<SlackConfig, 'urgentSeverities'>, from: Severity, to: Severity): boolean =>
  config.urgentSeverities.includes(to) && !config.urgentSeverities.includes(from);

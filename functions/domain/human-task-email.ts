import { FindingDetails, findingDetailsLines } from './finding-details.js';
import type { IrdrConfig, RoleName } from './config-schema.js';
import { formatDuration } from './duration.js';
import { escapeHtml, htmlDocument, subjectFor, textToHtml, type RenderedEmail } from './email-content.js';
import { mayComplete, rolesOfAddress, type HumanTaskRecord, type TaskRecipient } from './human-task.js';
import { pagedPeople } from './on-call/paged-people.js';

/**
 * Who is emailed at a level of a task: level 0 goes to those who may complete it (the assignee's role,
 * or the approvers' roles and allow-listed `email:` principals); an escalation level to its roles. A role's
 * people are emailed each at their own address (never its list, so a link is one person's), only the one on call
 * at `at` when the role has a schedule; a role without people gets a notice at its list addresses. Each address once
 * per level; whether they may complete it decides whether their email carries a link.
 */
export function recipientsForLevel(
  task: Pick<HumanTaskRecord, 'kind' | 'assignee' | 'approvers' | 'requires'>,
  level: number,
  roles: readonly RoleName[],
  config: Pick<IrdrConfig, 'roles'>,
  at: Date,
): TaskRecipient[] {
  const recipients = new Map<string, TaskRecipient>();
  const add = (address: string, role: RoleName | undefined, name: string | undefined, onCall?: TaskRecipient['onCall']): void => {
    const key = address.toLowerCase();
    if (recipients.has(key)) return;
    const allowed = mayComplete(task, { kind: 'email', address, roles: rolesOfAddress(address, config) });
    recipients.set(key, { address, ...(name !== undefined && { name }), ...(role !== undefined && { role }), level, mayComplete: allowed, ...(onCall && { onCall }) });
  };
  for (const role of roles) {
    const { people, onCall } = pagedPeople(role, config, at);
    if (people.length > 0) for (const person of people) add(person.email, role, person.name, onCall);
    else for (const address of config.roles[role]?.emails ?? []) add(address, role, undefined);
  }
  if (level === 0) {
    for (const principal of task.approvers?.principals ?? []) if (principal.startsWith('email:')) add(principal.slice('email:'.length), undefined, undefined);
  }
  return [...recipients.values()];
}

/** The roles level 0 of a task is addressed to. */
export function firstLevelRoles(task: Pick<HumanTaskRecord, 'kind' | 'assignee' | 'approvers'>): RoleName[] {
  return task.kind === 'task' ? (task.assignee ? [task.assignee] : []) : [...(task.approvers?.roles ?? [])];
}

/** A recipient's own signed link to a task. */
export interface EmailedLink {
  readonly url: string;
  readonly expiresAt: Date;
}

export interface TaskEmailInput {
  readonly task: Pick<HumanTaskRecord, 'taskId' | 'incidentId' | 'kind' | 'title' | 'instructions' | 'outcomes' | 'levels' | 'requires'>;
  readonly recipient: TaskRecipient;
  readonly level: number;
  /** How long this level waits before the next (or before the task expires). */
  readonly levelSeconds: number;
  /** The recipient's own signed link, when they may complete the task. */
  readonly link?: EmailedLink;
  readonly apiUrl: string;
  /** The runbook input: incidentId, title, severity, summary, runbookTitle, mode, ... */
  readonly variables: Readonly<Record<string, unknown>>;
}

const withBlankAfter = (lines: string[]): string[] => (lines.length > 0 ? [...lines, ''] : []);

/** One recipient's email about a task: what to do, by when, and (if they may) their own link to do it. */
export function taskEmail(input: TaskEmailInput): RenderedEmail {
  const { task, recipient, level, variables } = input;
  const severity = String(variables['severity'] ?? '');
  const incidentTitle = String(variables['title'] ?? '');
  const action = task.kind === 'approval' ? 'Decision needed' : 'Action needed';
  const rawSubject =
    level === 0 ? `[${severity}] ${action}: ${task.title} — ${incidentTitle}` : `[${severity}] Escalation ${level}: ${task.title} — ${incidentTitle}`;
  const subject = subjectFor(rawSubject, variables['mode']);
  // Rendered from the runbook input when the task was created.
  const instructions = task.instructions;
  const next = level < task.levels.length ? `It escalates to level ${level + 1} in ${formatDuration(input.levelSeconds)}.` : `It expires in ${formatDuration(input.levelSeconds)}.`;
  const apiPath = `${input.apiUrl}/incidents/${task.incidentId}/tasks/${task.taskId}/complete`;
  const outcomes = task.outcomes.join(' or ');

  const lines = [
    level === 0
      ? `${task.kind === 'approval' ? 'Your decision is needed' : 'You are asked to act'}: ${task.title}`
      : `Nobody has completed "${task.title}" yet: this is escalation level ${level}.`,
    '',
    ...(instructions ? [instructions.trim(), ''] : []),
    ...withBlankAfter(findingDetailsLines(FindingDetails.safeParse(variables['finding']).data)),
    `Incident: ${incidentTitle} (${severity}), ${task.incidentId}`,
    `Runbook: ${String(variables['runbookTitle'] ?? '')}`,
    next,
    '',
    ...(task.requires === 'authenticated'
      ? signedInLines(task, input.apiUrl)
      : input.link
      ? [
          ...linkTextLines(input.link),
          '',
          `Or with the API (SigV4): POST ${apiPath} {"outcome": ${task.outcomes.map((outcome) => `"${outcome}"`).join(' | ')}, "comment": "..."}`,
        ]
      : [`Please make sure someone completes it (${outcomes}). The task and who may complete it: GET ${input.apiUrl}/incidents/${task.incidentId}/tasks`]),
  ];
  return withLinkButton(subject, lines, recipient, input.link);
}

/**
 * How to decide a task that requires an authenticated identity: the CLI command and the API route, never a link
 * (a link is whoever holds it; this decision must be someone's own signed-in identity).
 */
export function signedInLines(task: Pick<HumanTaskRecord, 'taskId' | 'incidentId' | 'kind' | 'outcomes'>, apiUrl: string): string[] {
  const outcomes = task.outcomes.join('|');
  return [
    `This ${task.kind === 'approval' ? 'decision' : 'task'} must be made signed in as yourself, not through an email link. If you may make it, run:`,
    `  irdr incidents complete ${task.incidentId} ${task.taskId} --outcome ${outcomes} --comment "..."`,
    `or call the API (SigV4): POST ${apiUrl}/incidents/${task.incidentId}/tasks/${task.taskId}/complete {"outcome": ${task.outcomes.map((outcome) => `"${outcome}"`).join(' | ')}, "comment": "..."}`,
  ];
}

/** An emailed link, as the text of an email shows it: what it is, then the URL on its own line. */
export function linkTextLines(link: EmailedLink): string[] {
  return [`Respond here (this link is yours alone, works once, and expires ${link.expiresAt.toISOString()}):`, link.url];
}

/** The email of these text lines; in its HTML the link's URL line becomes a button (with who it is for). */
export function withLinkButton(subject: string, lines: readonly string[], recipient: Pick<TaskRecipient, 'address' | 'name'>, link: EmailedLink | undefined): RenderedEmail {
  const linkHtml = link
    ? `<p><a class="button" href="${escapeHtml(link.url)}">Open the task to respond</a></p>\n<p><small>This link is for ${escapeHtml(recipientLabel(recipient))} alone, works once, and expires ${escapeHtml(link.expiresAt.toISOString())}.</small></p>`
    : '';
  const html = htmlDocument(subject, `${textToHtml(lines.filter((line) => line !== link?.url).join('\n'))}\n${linkHtml}`);
  return { subject, text: lines.join('\n'), html };
}

/** A recipient as pages and emails name them: `Ada Lovelace <ada@example.com>`, or the bare address of a list. */
export function recipientLabel(recipient: Pick<TaskRecipient, 'address' | 'name'>): string {
  return recipient.name === undefined ? recipient.address : `${recipient.name} <${recipient.address}>`;
}

import { subjectFor, type RenderedEmail } from './email-content.js';
import type { HumanTaskRecord, TaskRecipient } from './human-task.js';
import { linkTextLines, withLinkButton, type EmailedLink } from './human-task-email.js';
import type { Incident } from './incident.js';

export interface ReviewEmailInput {
  readonly incident: Pick<Incident, 'incidentId' | 'title' | 'severity' | 'mode'>;
  /** The review task: created when the incident was resolved, due at `dueAt`. */
  readonly task: Pick<HumanTaskRecord, 'taskId' | 'createdAt' | 'dueAt'>;
  readonly recipient: TaskRecipient;
  /** The recipient's own signed link, when they may complete the review. */
  readonly link?: EmailedLink;
  readonly apiUrl: string;
  /** The reminder sent when the review is still open at its due date, rather than the request sent on resolve. */
  readonly overdue: boolean;
}

/** One commander's email about the post-incident review: what to do, by when, the draft, and their own link to record it. */
export function reviewEmail(input: ReviewEmailInput): RenderedEmail {
  const { incident, task, link } = input;
  const due = task.dueAt ?? '';
  const rawSubject = input.overdue
    ? `[${incident.severity}] Post-incident review overdue (due ${due.slice(0, 10)}): ${incident.title}`
    : `[${incident.severity}] Post-incident review due ${due.slice(0, 10)}: ${incident.title}`;
  const subject = subjectFor(rawSubject, incident.mode);
  const incidentUrl = `${input.apiUrl}/incidents/${incident.incidentId}`;
  const lines = [
    input.overdue
      ? `The post-incident review of ${incident.title} was due at ${due} and nobody has recorded it yet.`
      : `${incident.title} was resolved at ${task.createdAt}.`,
    '',
    `${input.overdue ? 'Hold the post-incident review now' : `Hold the post-incident review by ${due}`}: walk the timeline, agree lessons learned and an owner for each follow-up action.`,
    `A draft built from the incident record: GET ${incidentUrl}/review`,
    '',
    ...(link ? [...linkTextLines(link), '', 'Or, when it is done, with the API (SigV4):'] : ['When it is done:']),
    `POST ${incidentUrl}/tasks/${task.taskId}/complete {"outcome": "done", "comment": "..."}`,
  ];
  return withLinkButton(subject, lines, input.recipient, link);
}

import { renderTemplate } from './template.js';

/**
 * The error a notification step's handler throws when SES would not take an email: the state machine
 * retries it with backoff, then records `notify.failed` and carries on (a runbook never fails for an email).
 */
export const NOTIFICATION_NOT_SENT = 'NotificationNotSent';

export class NotificationNotSentError extends Error {
  override name = NOTIFICATION_NOT_SENT;
}

const EXERCISE_PREFIX = '[EXERCISE] ';

/** Exercises (tabletop runs of a runbook) say so in every subject, so nobody mistakes one for the real thing. */
export function subjectFor(subject: string, mode: unknown): string {
  return mode === 'exercise' && !subject.startsWith(EXERCISE_PREFIX) ? EXERCISE_PREFIX + subject : subject;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Plain text as HTML: escaped, paragraphs on blank lines, line breaks kept. */
export function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

/** A whole, minimal HTML document (email clients and browsers alike). */
export function htmlDocument(title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}',
    '.button{display:inline-block;padding:.5rem 1rem;border-radius:.3rem;background:#1f4e8c;color:#fff;text-decoration:none}',
    'textarea{width:100%;min-height:6rem}</style>',
    `</head><body>\n${bodyHtml}\n</body></html>`,
  ].join('\n');
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Renders a notify step's templates: the text as written, the HTML from its own template or from the text. */
export function renderNotification(
  templates: { readonly subject: string; readonly body: string; readonly html?: string | undefined },
  variables: Readonly<Record<string, unknown>>,
): RenderedEmail {
  const subject = subjectFor(renderTemplate(templates.subject, variables), variables['mode']);
  const text = renderTemplate(templates.body, variables);
  const html = templates.html === undefined ? textToHtml(text) : renderTemplate(templates.html, variables, { escape: escapeHtml });
  return { subject, text, html: htmlDocument(subject, html) };
}

import type { ClockPlan, ClockStage } from './clock.js';
import { formatDuration } from './duration.js';
import { subjectFor, htmlDocument, textToHtml, type RenderedEmail } from './email-content.js';

/** A reminder, or the news that a deadline passed unmet, for the clock's roles. */
export function clockEmail(
  plan: Pick<ClockPlan, 'title' | 'kind' | 'anchor' | 'anchorAt' | 'deadlineAt'>,
  stage: Pick<ClockStage, 'kind' | 'at' | 'fraction'>,
  obligation: string | undefined,
  variables: Readonly<Record<string, unknown>>,
): RenderedEmail {
  const severity = String(variables['severity'] ?? '');
  const incidentTitle = String(variables['title'] ?? '');
  const left = formatDuration((Date.parse(plan.deadlineAt) - Date.parse(stage.at)) / 1000);
  const rawSubject =
    stage.kind === 'deadline'
      ? `[${severity}] Deadline missed: ${plan.title} — ${incidentTitle}`
      : `[${severity}] Reminder: ${left} left — ${plan.title} — ${incidentTitle}`;
  const subject = subjectFor(rawSubject, variables['mode']);
  const text = [
    stage.kind === 'deadline'
      ? `The deadline "${plan.title}" passed at ${plan.deadlineAt} without the step that meets it being completed.`
      : `${Math.round((stage.fraction ?? 0) * 100)}% of the time for "${plan.title}" has passed: ${left} left, until ${plan.deadlineAt}.`,
    '',
    ...(obligation ? [`Obligation: ${obligation}`] : []),
    `Counted from: ${plan.anchor} (${plan.anchorAt})`,
    `Incident: ${incidentTitle} (${severity}), ${String(variables['incidentId'] ?? '')}`,
    `Runbook: ${String(variables['runbookTitle'] ?? '')}`,
  ].join('\n');
  return { subject, text, html: htmlDocument(subject, textToHtml(text)) };
}

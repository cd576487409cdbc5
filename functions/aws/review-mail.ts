import type { HumanTaskRecord } from '../domain/human-task.js';
import type { Incident } from '../domain/incident.js';
import { reviewEmail } from '../domain/incident-review-email.js';
import { irdrConfig } from '../config.js';
import { reviewLinkExpiresAt } from '../domain/link-lifetime.js';
import { requireEnvironment } from './environment.js';
import { emailEachRecipient } from './human-task-mail.js';

/**
 * Emails each commander the post-incident review, with their own signed link to record it: the request on
 * resolve, or the reminder once it is overdue. Each send is recorded on the trail (never the link).
 */
export async function emailReview(
  tableName: string,
  incident: Pick<Incident, 'incidentId' | 'title' | 'severity' | 'mode'>,
  task: HumanTaskRecord,
  options: { readonly actor: string; readonly overdue: boolean },
): Promise<void> {
  const apiUrl = requireEnvironment('API_URL').replace(/\/+$/, '');
  await emailEachRecipient({
    tableName,
    task,
    firstIndex: 0,
    actor: options.actor,
    expiresAt: reviewLinkExpiresAt(irdrConfig.links, new Date()),
    detail: { purpose: options.overdue ? 'post-incident-review-overdue' : 'post-incident-review' },
    compose: (recipient, link) => reviewEmail({ incident, task, recipient, ...(link && { link }), apiUrl, overdue: options.overdue }),
  });
}

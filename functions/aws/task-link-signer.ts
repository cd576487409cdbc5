import type { HumanTaskRecord } from '../domain/human-task.js';
import type { EmailedLink } from '../domain/human-task-email.js';
import { signedTaskLinkPath } from '../domain/task-link.js';
import { requireEnvironment } from './environment.js';
import { logger } from './powertools.js';
import { taskLinkKeys } from './task-link-key.js';


/**
 * Signs each recipient's link to a task, for that recipient's address, all expiring at `expiresAt`: only for a
 * recipient who may complete it by link.
 * The key is fetched once, when the first link is signed; without it (unavailable) nobody gets a link, and the
 * emails point at the API instead: an email never fails for want of a link.
 */
export function taskLinkSigner(
  task: Pick<HumanTaskRecord, 'incidentId' | 'taskId' | 'recipients' | 'requires'>,
  expiresAt: Date,
): (recipientIndex: number) => Promise<EmailedLink | undefined> {
  const apiUrl = requireEnvironment('API_URL').replace(/\/+$/, '');
  const expiresAtSeconds = Math.floor(expiresAt.getTime() / 1000);
  let key: Promise<string | undefined> | undefined;
  const signingKey = (): Promise<string | undefined> =>
    (key ??= taskLinkKeys().then(
      ([current]) => current,
      (error: unknown) => {
        logger.error('task-link key unavailable; emailing without links', { error: error as Error, taskId: task.taskId });
        return undefined;
      },
    ));
  return async (recipientIndex) => {
    const recipient = task.recipients[recipientIndex];
    // A task that requires an authenticated identity has no links at all (and the link handler refuses any).
    if (recipient?.mayComplete !== true || task.requires === 'authenticated') return undefined;
    const current = await signingKey();
    if (current === undefined) return undefined;
    const path = signedTaskLinkPath(current, { incidentId: task.incidentId, taskId: task.taskId, recipientIndex, expiresAt: expiresAtSeconds }, recipient.address);
    return { url: apiUrl + path, expiresAt: new Date(expiresAtSeconds * 1000) };
  };
}

import type { HumanTaskRecord } from '../domain/human-task.js';
import { taskEmail } from '../domain/human-task-email.js';
import { signedTaskLinkPath } from '../domain/task-link.js';
import { requireEnvironment } from './environment.js';
import { sendAndRecordEmail } from './notifier.js';
import { logger } from './powertools.js';
import { taskLinkKeys } from './task-link-key.js';

/** Links stay valid a while past the task's last level: past it, the task itself refuses them (expired). */
const LINK_GRACE_SECONDS = 3600;

/**
 * Emails this level's recipients of a task (those from `firstIndex` on), each their own email: with a
 * signed link for those who may complete it, a notice for the rest. Each send is recorded on the trail
 * (never the link). A failed email, or an unavailable signing key, never fails the task.
 */
export async function emailTaskLevel(options: {
  readonly tableName: string;
  readonly task: HumanTaskRecord;
  readonly level: number;
  readonly firstIndex: number;
  readonly actor: string;
  readonly variables: Readonly<Record<string, unknown>>;
}): Promise<void> {
  const { task, level } = options;
  const apiUrl = requireEnvironment('API_URL').replace(/\/+$/, '');
  const remainingSeconds = task.levelSeconds + task.levels.slice(level).reduce((sum, next) => sum + next.afterSeconds, 0);
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + remainingSeconds + LINK_GRACE_SECONDS) * 1000);
  const recipients = task.recipients.map((recipient, index) => ({ recipient, index })).slice(options.firstIndex);

  let key: string | undefined;
  if (recipients.some(({ recipient }) => recipient.mayComplete)) {
    try {
      [key] = await taskLinkKeys();
    } catch (error) {
      // Without the key the emails still go out, pointing at the API instead of a link.
      logger.error('task-link key unavailable; emailing without links', { error: error as Error, taskId: task.taskId });
    }
  }

  for (const { recipient, index } of recipients) {
    const link =
      recipient.mayComplete && key !== undefined
        ? {
            url: apiUrl + signedTaskLinkPath(key, { incidentId: task.incidentId, taskId: task.taskId, recipientIndex: index, expiresAt: expiresAt.getTime() / 1000 }),
            expiresAt,
          }
        : undefined;
    const email = taskEmail({ task, recipient, level, levelSeconds: task.levelSeconds, ...(link && { link }), apiUrl, variables: options.variables });
    await sendAndRecordEmail(
      {
        tableName: options.tableName,
        incidentId: task.incidentId,
        actor: options.actor,
        stepId: task.stepId,
        detail: { purpose: level === 0 ? task.kind : 'escalation', taskId: task.taskId, level, withLink: link !== undefined, ...(recipient.role && { role: recipient.role }) },
      },
      [recipient.address],
      email,
    );
  }
}

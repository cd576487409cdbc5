import { irdrConfig } from '../config.js';
import type { RenderedEmail } from '../domain/email-content.js';
import type { HumanTaskRecord, TaskRecipient } from '../domain/human-task.js';
import { taskEmail, type EmailedLink } from '../domain/human-task-email.js';
import { taskLinkExpiresAt } from '../domain/link-lifetime.js';
import { requireEnvironment } from './environment.js';
import { sendAndRecordEmail } from './notifier.js';
import { taskLinkSigner } from './task-link-signer.js';

/**
 * Emails this level's recipients of a task (those from `firstIndex` on), each their own email: with a
 * signed link for those who may complete it (valid for this level only), a notice for the rest. Each send is recorded on the trail
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
  await emailEachRecipient({
    ...options,
    expiresAt: taskLinkExpiresAt(task, irdrConfig.links, new Date()),
    detail: { purpose: level === 0 ? task.kind : 'escalation', level },
    compose: (recipient, link) => taskEmail({ task, recipient, level, levelSeconds: task.levelSeconds, ...(link && { link }), apiUrl, variables: options.variables }),
  });
}

/**
 * Sends each recipient of a task (from `firstIndex` on) their own email, composed with their signed link
 * when they may complete the task (valid until `expiresAt`), and records each send on the trail with
 * `detail`, the task, whether it carried a link (never the link itself) and the role it went to.
 */
export async function emailEachRecipient(options: {
  readonly tableName: string;
  readonly task: HumanTaskRecord;
  readonly firstIndex: number;
  readonly actor: string;
  readonly expiresAt: Date;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly compose: (recipient: TaskRecipient, link: EmailedLink | undefined) => RenderedEmail;
}): Promise<void> {
  const { task } = options;
  const linkFor = taskLinkSigner(task, options.expiresAt);
  for (const [index, recipient] of task.recipients.entries()) {
    if (index < options.firstIndex) continue;
    const link = await linkFor(index);
    await sendAndRecordEmail(
      {
        tableName: options.tableName,
        incidentId: task.incidentId,
        actor: options.actor,
        stepId: task.stepId,
        detail: { ...options.detail, taskId: task.taskId, withLink: link !== undefined, ...(recipient.role && { role: recipient.role }), ...(recipient.onCall && { onCall: recipient.onCall }) },
      },
      [recipient.address],
      options.compose(recipient, link),
    );
  }
}

import { irdrConfig } from '../config.js';
import type { HumanTaskRecord } from '../domain/human-task.js';
import { taskLinkExpiresAt } from '../domain/link-lifetime.js';
import { reportStageEmail, type StageEmailInput } from '../domain/report-stage-email.js';
import { requireEnvironment } from './environment.js';
import { emailEachRecipient } from './human-task-mail.js';

/**
 * Emails each approver a report stage's task, as every task is emailed (each their own email, each send on the
 * trail as notification.sent with the task id); no links: a submission is made signed in.
 */
export async function emailReportStage(options: {
  readonly tableName: string;
  readonly incident: StageEmailInput['incident'];
  readonly task: HumanTaskRecord;
  readonly reportTitle: string;
  readonly stage: StageEmailInput['stage'];
  readonly known: StageEmailInput['known'];
  readonly actor: string;
}): Promise<void> {
  const apiUrl = requireEnvironment('API_URL').replace(/\/+$/, '');
  const { task } = options;
  await emailEachRecipient({
    tableName: options.tableName,
    task,
    firstIndex: 0,
    actor: options.actor,
    expiresAt: taskLinkExpiresAt(task, irdrConfig.links, new Date()),
    detail: { purpose: 'regulatory-report', level: 0 },
    compose: (recipient) => reportStageEmail({ ...options, recipient, apiUrl }),
  });
}

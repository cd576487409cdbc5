import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { sendEmail } from '../aws/mailer.js';
import { logger } from '../aws/powertools.js';
import { noticeInSlack } from '../aws/slack-notices.js';
import { NotificationNotSentError, renderNotification } from '../domain/email-content.js';
import { incidentPk } from '../domain/keys.js';
import { noticeAddresses } from '../domain/on-call/paged-people.js';
import { SendNotificationTask, stepActor } from '../domain/runbook-step.js';

const tableName = requireEnvironment('TABLE_NAME');

/**
 * Runbook step: emails the step's roles and addresses (text and HTML), and the person on call of a role with a
 * schedule, and records who was told what (with who was on call), with SES's message id. When SES will not take it, throws NotificationNotSent: the state machine retries with
 * backoff, then records `notify.failed` and carries on.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ messageId: string }> => {
  logger.addContext(context);
  const task = SendNotificationTask.parse(payload);
  const paged = noticeAddresses(task.to.roles ?? [], irdrConfig, new Date());
  const to = [...new Set([...paged.to, ...(task.to.addresses ?? [])])].sort();
  const email = renderNotification(task, task.variables);
  let messageId: string;
  try {
    messageId = await sendEmail({ from: irdrConfig.mail.from, to, ...email });
  } catch (error) {
    logger.warn('SES did not take the email', { incidentId: task.incidentId, stepId: task.stepId, error: error as Error });
    throw new NotificationNotSentError(`SES did not take the email to ${to.join(', ')}: ${(error as Error).name}: ${(error as Error).message}`);
  }
  // Once the email is out (SES's retries of this step never post twice), and before the record of it, as notifier.ts does.
  await noticeInSlack({ tableName, incidentId: task.incidentId, what: email.subject, actor: stepActor(task.executionArn), stepId: task.stepId });
  await appendEvent(tableName, incidentPk(task.incidentId), {
    type: 'notification.sent',
    at: new Date().toISOString(),
    actor: stepActor(task.executionArn),
    stepId: task.stepId,
    detail: { ...(task.to.roles && { roles: task.to.roles }), ...(paged.onCall.length > 0 && { onCall: paged.onCall }), to, subject: email.subject, messageId },
  });
  logger.info('notification sent', { incidentId: task.incidentId, stepId: task.stepId, messageId });
  return { messageId };
};

import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { sendEmail } from '../aws/mailer.js';
import { logger } from '../aws/powertools.js';
import { incidentPk } from '../domain/keys.js';
import { SendNotificationTask, stepActor } from '../domain/runbook-step.js';
import { renderTemplate } from '../domain/template.js';

const tableName = requireEnvironment('TABLE_NAME');

/** Runbook step: emails the step's roles and records who was told what, with SES's message id. */
export const handler = async (payload: unknown, context: Context): Promise<{ messageId: string }> => {
  logger.addContext(context);
  const task = SendNotificationTask.parse(payload);
  const to = [...new Set(task.to.roles.flatMap((role) => irdrConfig.roles[role]?.emails ?? []))].sort();
  const subject = renderTemplate(task.subject, task.variables);
  const messageId = await sendEmail({
    from: irdrConfig.mail.from,
    to,
    subject,
    text: renderTemplate(task.body, task.variables),
  });
  await appendEvent(tableName, incidentPk(task.incidentId), {
    type: 'notification.sent',
    at: new Date().toISOString(),
    actor: stepActor(task.executionArn),
    stepId: task.stepId,
    detail: { roles: task.to.roles, to, subject, messageId },
  });
  logger.info('notification sent', { incidentId: task.incidentId, stepId: task.stepId, messageId });
  return { messageId };
};

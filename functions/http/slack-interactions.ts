import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { logger } from '../aws/powertools.js';
import { getTask } from '../aws/human-task-store.js';
import { performSlackCommand, slackActor } from '../aws/slack-actions.js';
import { slackAppSecret, slackClient } from '../aws/slack-client.js';
import { whoMayComplete } from '../domain/human-task.js';
import { rolesAllowedTo } from '../domain/roles.js';
import { BlockActionsPayload, commandOf, foreignWorkspace, type SlackCommand } from '../domain/slack-interaction.js';
import { verifySlackRequest } from '../domain/slack-signature.js';
import { slackText } from '../domain/slack-text.js';
import type { ApiEvent, ApiResult } from './http-shell.js';

const tableName = requireEnvironment('TABLE_NAME');

const answer = (statusCode: number, message: string): ApiResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });

/**
 * POST /slack/interactions — Slack's interactivity request URL. No IAM authorizer (Slack cannot sign with SigV4): the
 * credential is Slack's signature, checked over the raw body before anything of it is read (401 when unsigned, stale
 * or wrong). Then: a block_actions payload from the configured workspace (else 403), from a person the config maps
 * (else an ephemeral refusal), pressing one of irdr's buttons, which calls the same operation as the API.
 * Slack wants a 200 within 3 seconds for anything it should not show as failed: an unmapped person of the configured
 * workspace, or one without the role, is refused with a 200 and an ephemeral message naming the role (a 4xx would show
 * them only Slack's generic error), and nothing changes.
 */
export const handler = middy<ApiEvent, ApiResult>().handler(async (event: ApiEvent, context: Context) => {
  logger.addContext(context);
  const config = irdrConfig.slack;
  if (!config) return answer(404, 'Slack is not configured for this deployment');
  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const { signingSecret } = await slackAppSecret();
  const check = verifySlackRequest(signingSecret, { signature: event.headers?.['x-slack-signature'], timestamp: event.headers?.['x-slack-request-timestamp'], rawBody }, Math.floor(Date.now() / 1000));
  if (!check.valid) return answer(401, check.reason);

  // Signed by Slack from here on; still checked, as Slack's payloads are only as good as the button values irdr sent.
  if (!(event.headers?.['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return answer(415, 'an interaction is application/x-www-form-urlencoded');
  let json: unknown;
  try {
    json = JSON.parse(new URLSearchParams(rawBody.toString('utf8')).get('payload') ?? '');
  } catch {
    return answer(400, 'the body has no payload= JSON');
  }
  const parsed = BlockActionsPayload.safeParse(json);
  if (!parsed.success) return answer(400, 'irdr answers block_actions interactions (a button pressed) only');
  const payload = parsed.data;
  // A workspace or organization not configured: 403, the one refusal Slack may show as an error (no one there is ours to tell).
  const foreign = foreignWorkspace(payload, config);
  if (foreign) return answer(403, foreign);
  const command = commandOf(payload.actions[0]!);
  if ('refused' in command) return answer(400, command.refused);

  const client = await slackClient();
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  const tell = async (text: string) => {
    if (!channel) return;
    try {
      // In the thread of the message whose button was pressed: the answer sits beside what it answers.
      const threadTs = payload.container?.message_ts ?? payload.message?.ts;
      await client.chat.postEphemeral({ channel, user: payload.user.id, text: slackText(text, 2900), ...(threadTs !== undefined && { thread_ts: threadTs }) });
    } catch (error) {
      logger.warn('ephemeral reply not posted', { error: error as Error });
    }
  };
  const actor = await slackActor(client, config, payload.user.id);
  if (!actor) {
    await tell(`You are not mapped to anyone in irdr, so you cannot ${verbText(command)}: it needs ${await neededRoles(command)}. Nothing was changed.`);
    logger.info('Slack user not mapped; refused', { userId: payload.user.id, verb: command.verb });
    return answer(200, 'refused: not mapped');
  }
  const result = await performSlackCommand(tableName, command, actor);
  await tell(result.message);
  logger.info('Slack button', { verb: command.verb, incidentId: command.incidentId, done: result.done });
  return answer(200, result.done ? 'done' : 'refused');
});

const verbText = (command: SlackCommand): string => (command.verb === 'acknowledge' ? 'acknowledge incidents' : `${command.verb} tasks`);
/** Who a refusal names: for acknowledging, the API's roles; for a task, who may complete it (its assignee role or approvers). */
async function neededRoles(command: SlackCommand): Promise<string> {
  if (command.verb === 'acknowledge') return `the ${rolesAllowedTo.acknowledgeIncident.join(' or ')} role`;
  const task = await getTask(tableName, command.incidentId, command.taskId);
  return task ? whoMayComplete(task) : 'a task that exists';
}

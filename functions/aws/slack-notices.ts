import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebClient } from '@slack/web-api';
import { irdrConfig } from '../config.js';
import { incidentPk } from '../domain/keys.js';
import type { Incident } from '../domain/incident.js';
import { incidentMessage, threadReply } from '../domain/slack-message.js';
import type { SlackConfig } from '../domain/slack-config.js';
import { tableDesign } from '../domain/table-design.js';
import { listClocks } from './clock-store.js';
import { dynamodb } from './dynamodb-client.js';
import { appendEvent } from './event-trail.js';
import { listTasks } from './human-task-store.js';
import { getIncident } from './incident-store.js';
import { logger } from './powertools.js';
import { slackClient } from './slack-client.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
/** The incident's Slack message (`INC#<id>`, `SLACK#THREAD`): channel and ts once posted, or who is posting it. */
export const SLACK_THREAD_SK = 'SLACK#THREAD';
/** A claim to post the top message that has not produced one in this long was abandoned (its poster failed). */
const CLAIM_STALE_MS = 30_000;
/**
 * After Slack failed to answer (past the client's retries), this container skips Slack for this long and records each
 * notice as not told at once: a step or an API call with several notices (a review emailed to each commander) must not
 * spend the client's retries on each one during an outage and run out of its Lambda timeout.
 */
const OUTAGE_PAUSE_MS = 30_000;
let slackUnreachableUntil = 0;
/** How long a second poster waits for the first one's ts before giving up on this reply. */
const CLAIM_WAIT_MS = 6_000;

export interface SlackThread {
  readonly channel: string;
  readonly ts: string;
}

export interface SlackNotice {
  readonly tableName: string;
  readonly incidentId: string;
  /** What happened, one line: the thread's reply (escaped on the way out). */
  readonly what: string;
  /** Who the trail names if Slack cannot be told (the run, or the caller). */
  readonly actor: string;
  readonly stepId?: string;
  /** Mention the configured urgent group in the reply (a raise made the incident urgent). */
  readonly mentionUrgent?: boolean;
}

/**
 * Tells the incident's Slack thread what happened and brings its top message up to date: the first notice of an
 * incident posts that message (once, whoever races for it), every notice is a reply in its thread, then the top
 * message is updated with the current state. Never throws: when Slack cannot be told (after the client's retries),
 * the trail records `notify.failed` with channel `slack`, and the caller's work (and its email) goes on.
 */
export async function noticeInSlack(notice: SlackNotice): Promise<void> {
  const config = irdrConfig.slack;
  if (!config) return;
  try {
    if (Date.now() < slackUnreachableUntil) throw new Error('Slack did not answer moments ago; not tried again until the pause ends');
    const client = await slackClient();
    const thread = await incidentThread(client, config, notice.tableName, notice.incidentId);
    if (!thread) return;
    const reply = threadReply(notice.what, notice.mentionUrgent === true ? config.urgentUserGroup : undefined);
    // The reply and the top message's refresh are independent: sent together, a step waits on Slack once, not twice.
    await Promise.all([
      client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: reply.text, blocks: reply.blocks as never }),
      refreshTopMessage(client, config, notice.tableName, notice.incidentId, thread),
    ]);
  } catch (error) {
    const failure = error as Error & { data?: { error?: string }; code?: string };
    // Transport failures (no answer, 5xx, 429) pause Slack; an answer with ok: false (a bad channel) does not.
    if (failure.code === 'slack_webapi_request_error' || failure.code === 'slack_webapi_http_error' || failure.code === 'slack_webapi_rate_limited_error') {
      slackUnreachableUntil = Date.now() + OUTAGE_PAUSE_MS;
    }
    const reason = `${failure.name}: ${failure.data?.error ?? failure.message}`;
    logger.warn('Slack not told', { incidentId: notice.incidentId, stepId: notice.stepId, reason });
    try {
      await appendEvent(notice.tableName, incidentPk(notice.incidentId), {
        type: 'notify.failed',
        at: new Date().toISOString(),
        actor: notice.actor,
        ...(notice.stepId !== undefined && { stepId: notice.stepId }),
        detail: { channel: 'slack', what: notice.what.slice(0, 300), error: reason.slice(0, 500) },
      });
    } catch (recordError) {
      logger.error('could not record that Slack was not told', { incidentId: notice.incidentId, error: recordError as Error });
    }
  }
}

/** Rewrites the top message with the incident as it stands now (status, clocks, who is on it, the buttons left). */
export async function refreshTopMessage(client: WebClient, config: SlackConfig, tableName: string, incidentId: string, thread: SlackThread): Promise<void> {
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return;
  const message = await renderState(config, tableName, incident);
  await client.chat.update({ channel: thread.channel, ts: thread.ts, text: message.text, blocks: message.blocks as never });
}

async function renderState(config: SlackConfig, tableName: string, incident: Incident) {
  const [tasks, clocks] = await Promise.all([listTasks(tableName, incident.incidentId), listClocks(tableName, incident.incidentId)]);
  return incidentMessage(config, { incident, tasks, clocks, apiUrl: (process.env.API_URL ?? '').replace(/\/+$/, '') });
}

/** The incident's message as stored (channel and ts), if it has been posted. */
export async function storedThread(tableName: string, incidentId: string): Promise<SlackThread | undefined> {
  const result = await dynamodb.send(new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(incidentId), [SK]: SLACK_THREAD_SK }, ConsistentRead: true }));
  const item = result.Item;
  return typeof item?.['ts'] === 'string' && typeof item['channel'] === 'string' ? { channel: item['channel'], ts: item['ts'] } : undefined;
}

/**
 * The incident's message, posted now if it has none: a conditional claim first (one poster wins; a claim left by a
 * poster that failed goes stale and can be taken), then chat.postMessage, then the ts stored with the incident.
 */
async function incidentThread(client: WebClient, config: SlackConfig, tableName: string, incidentId: string): Promise<SlackThread | undefined> {
  const existing = await storedThread(tableName, incidentId);
  if (existing) return existing;
  const incident = await getIncident(tableName, incidentId);
  if (!incident) return undefined;
  const claimId = randomUUID();
  const now = Date.now();
  const key = { [PK]: incidentPk(incidentId), [SK]: SLACK_THREAD_SK };
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #claimId = :claimId, #claimedAt = :now',
        ConditionExpression: 'attribute_not_exists(#ts) AND (attribute_not_exists(#claimedAt) OR #claimedAt < :stale)',
        ExpressionAttributeNames: { '#ts': 'ts', '#claimId': 'claimId', '#claimedAt': 'claimedAt' },
        ExpressionAttributeValues: { ':claimId': claimId, ':now': now, ':stale': now - CLAIM_STALE_MS },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return waitForThread(tableName, incidentId);
  }
  const message = await renderState(config, tableName, incident);
  const posted = await client.chat.postMessage({ channel: message.channel, text: message.text, blocks: message.blocks as never });
  if (!posted.ts || !posted.channel) throw new Error('Slack accepted the message but returned no ts');
  await dynamodb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #ts = :ts, #channel = :channel, #postedAt = :postedAt',
      ConditionExpression: '#claimId = :claimId',
      ExpressionAttributeNames: { '#ts': 'ts', '#channel': 'channel', '#postedAt': 'postedAt', '#claimId': 'claimId' },
      ExpressionAttributeValues: { ':ts': posted.ts, ':channel': posted.channel, ':postedAt': new Date().toISOString(), ':claimId': claimId },
    }),
  );
  return { channel: posted.channel, ts: posted.ts };
}

async function waitForThread(tableName: string, incidentId: string): Promise<SlackThread> {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const thread = await storedThread(tableName, incidentId);
    if (thread) return thread;
  }
  throw new Error("another step is posting the incident's Slack message and has not finished");
}

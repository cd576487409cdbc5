import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { LogLevel, WebClient, type RetryOptions } from '@slack/web-api';
import { SlackAppSecret } from '../domain/slack-config.js';
import { requireEnvironment } from './environment.js';

/** Cached for five minutes per container, like the task-link key: a rotated token reaches every function within that. */
const SECRET_CACHE_SECONDS = 300;
const secrets = new SecretsProvider();


export async function slackAppSecret(): Promise<SlackAppSecret> {
  const secretId = requireEnvironment('SLACK_SECRET_ID');
  const value = await secrets.get(secretId, { maxAge: SECRET_CACHE_SECONDS });
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`secret ${secretId} is not JSON {"botToken": "xoxb-…", "signingSecret": "…"}`);
  }
  const secret = SlackAppSecret.safeParse(parsed);
  if (!secret.success) throw new Error(`secret ${secretId} needs botToken and signingSecret (see docs/slack.md)`);
  return secret.data;
}

/**
 * A Slack outage must never hold a runbook step or an API call for long: three tries within about five seconds
 * (each cut off at 1.5 s), then the caller records notify.failed. A 429 is not waited out (its Retry-After can be
 * minutes): it fails at once, like an outage.
 */
export const SLACK_RETRY: RetryOptions = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 800, randomize: true };
export const SLACK_REQUEST_TIMEOUT_MS = 1500;

let cached: { token: string; client: WebClient } | undefined;

/** The official client, with the bot token; SLACK_API_URL (set only by the local stack) points it at the local Slack. */
export async function slackClient(): Promise<WebClient> {
  const { botToken } = await slackAppSecret();
  if (cached?.token === botToken) return cached.client;
  const client = new WebClient(botToken, {
    ...(process.env.SLACK_API_URL && { slackApiUrl: process.env.SLACK_API_URL }),
    retryConfig: SLACK_RETRY,
    timeout: SLACK_REQUEST_TIMEOUT_MS,
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
  cached = { token: botToken, client };
  return client;
}

import { createServer, type Server } from 'node:http';
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { slackSignature, verifySlackRequest } from '../../functions/domain/slack-signature.js';
import { LOCAL_SLACK_LOOKALIKE_ID, LOCAL_SLACK_OUTSIDER, localSlackWorkspace } from '../../local/slack/seed.js';
import { startLocalSlack, type RunningLocalSlack } from '../../local/slack/server.js';

/**
 * The local Slack at the wire, driven by the official client as irdr drives it: answers as Slack's reference documents
 * them (ok/error, ts, channel, message), the bearer token checked, form and JSON bodies, and a pressed button delivered
 * as a signed block_actions interaction.
 */
describe('local Slack (Web API and interactions)', () => {
  const credentials = { botToken: 'xoxb-local-test-token-0001', signingSecret: 'local-signing-secret-000000000001' };
  let slack: RunningLocalSlack;
  let received: { headers: Headers; body: string } | undefined;
  /** Stands in for the app's interactivity route: keeps what the local Slack sent. */
  let receiver: Server | undefined;
  const client = () => new WebClient(credentials.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const platformError = async (call: Promise<unknown>) => ((await call.then(() => undefined, (error: WebAPIPlatformError) => error))?.data?.error);

  beforeAll(async () => {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = { headers: new Headers(request.headers as Record<string, string>), body: Buffer.concat(chunks).toString('utf8') };
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"ok"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    receiver = server;
    slack = await startLocalSlack({ host: '127.0.0.1', port: 0, workspace: localSlackWorkspace(irdrConfig)!, credentials, interactivityUrl: () => `http://127.0.0.1:${port}/slack/interactions` });
  });
  afterAll(async () => {
    await slack?.stop();
    receiver?.close();
  });

  it('posts, threads and updates as chat.postMessage and chat.update document it', async () => {
    const posted = await client().chat.postMessage({ channel: 'C0COMPLIANCE', text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] });
    expect(posted).toMatchObject({ ok: true, channel: 'C0COMPLIANCE', ts: expect.stringMatching(/^\d{10}\.\d{6}$/), message: { type: 'message', text: 'hello', ts: posted.ts } });
    const reply = await client().chat.postMessage({ channel: 'C0COMPLIANCE', thread_ts: posted.ts!, text: 'a reply' });
    expect(reply.message).toMatchObject({ thread_ts: posted.ts });
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));
    const updated = await client().chat.update({ channel: 'C0COMPLIANCE', ts: posted.ts!, text: 'changed' });
    expect(updated).toMatchObject({ ok: true, channel: 'C0COMPLIANCE', ts: posted.ts, text: 'changed' });
    expect(slack.workspace.replies('C0COMPLIANCE', posted.ts!)).toHaveLength(1);
  });

  it('answers ok: false with the documented errors', async () => {
    expect(await platformError(client().chat.postMessage({ channel: 'C0NOSUCH', text: 'x' }))).toBe('channel_not_found');
    expect(await platformError(client().chat.postMessage({ channel: 'C0COMPLIANCE', text: '' }))).toBe('no_text');
    expect(await platformError(client().chat.update({ channel: 'C0COMPLIANCE', ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    expect(await platformError(client().users.lookupByEmail({ email: 'nobody@example.com' }))).toBe('users_not_found');
    expect(await platformError(client().users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    expect(await platformError(client().chat.postEphemeral({ channel: 'C0COMPLIANCE', user: 'U0NOBODY', text: 'x' }))).toBe('user_not_found');
    const wrongToken = new WebClient('xoxb-someone-elses-token', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect(await platformError(wrongToken.auth.test())).toBe('invalid_auth');
    // No token at all (a raw call, as the client always sends one): not_authed.
    const raw = await fetch(`${slack.apiUrl}chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'channel=C0COMPLIANCE&text=x' });
    expect(await raw.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('takes a JSON body with a bearer token, and finds people by email', async () => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${credentials.botToken}` },
      body: JSON.stringify({ channel: 'C0COMPLIANCE', text: 'as JSON', blocks: [{ type: 'section', text: { type: 'plain_text', text: 'as JSON' } }] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0COMPLIANCE' });
    const found = await client().users.lookupByEmail({ email: 'Carl@Example.com' });
    expect(found.user).toMatchObject({ id: expect.stringMatching(/^U/), profile: { email: 'carl@example.com' } });
    // users.info: the user object as its reference shows it; the same address held by another organisation's member is not found by lookupByEmail.
    expect((await client().users.info({ user: found.user!.id! })).user).toMatchObject({ id: found.user!.id, team_id: irdrConfig.slack!.teamId, deleted: false, is_bot: false, is_restricted: false, is_email_confirmed: true, profile: { email: 'carl@example.com' } });
    expect((await client().users.info({ user: LOCAL_SLACK_LOOKALIKE_ID })).user).toMatchObject({ team_id: 'T0OTHERORG', profile: { email: 'carl@example.com' } });
    expect(await client().auth.test()).toMatchObject({ ok: true, team_id: irdrConfig.slack!.teamId });
  });

  it('delivers a pressed button as a block_actions payload, form-encoded and signed as Slack signs', async () => {
    const posted = await client().chat.postMessage({
      channel: 'C0COMPLIANCE',
      text: 'press me',
      blocks: [{ type: 'actions', block_id: 'actions', elements: [{ type: 'button', action_id: 'irdr.acknowledge', text: { type: 'plain_text', text: 'Acknowledge' }, value: '{"incidentId":"inc-1"}' }] }],
    });
    expect(await slack.press({ channel: 'C0COMPLIANCE', ts: posted.ts!, actionId: 'irdr.acknowledge', userId: LOCAL_SLACK_OUTSIDER.id })).toMatchObject({ status: 200 });
    const { headers, body } = received!;
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const check = verifySlackRequest(credentials.signingSecret, { signature: headers.get('x-slack-signature') ?? undefined, timestamp: headers.get('x-slack-request-timestamp') ?? undefined, rawBody: Buffer.from(body) }, Math.floor(Date.now() / 1000));
    expect(check).toEqual({ valid: true });
    expect(headers.get('x-slack-signature')).toBe(slackSignature(credentials.signingSecret, headers.get('x-slack-request-timestamp')!, body));
    const payload = JSON.parse(new URLSearchParams(body).get('payload')!);
    expect(payload).toMatchObject({
      type: 'block_actions',
      team: { id: irdrConfig.slack!.teamId },
      user: { id: LOCAL_SLACK_OUTSIDER.id },
      container: { type: 'message', message_ts: posted.ts, channel_id: 'C0COMPLIANCE', is_ephemeral: false },
      channel: { id: 'C0COMPLIANCE' },
      message: { ts: posted.ts },
      trigger_id: expect.any(String),
      response_url: expect.any(String),
      actions: [{ action_id: 'irdr.acknowledge', block_id: 'actions', type: 'button', value: '{"incidentId":"inc-1"}', action_ts: expect.any(String) }],
    });
    // A button the message does not have cannot be pressed.
    expect(await slack.press({ channel: 'C0COMPLIANCE', ts: posted.ts!, actionId: 'irdr.resolve', userId: LOCAL_SLACK_OUTSIDER.id })).toMatchObject({ status: 404 });
  });

  it('answers 503 to every call while refusing (an outage), and recovers', async () => {
    slack.refuseCalls(true);
    const error = await client().auth.test().then(() => undefined, (failure: Error & { statusCode?: number }) => failure);
    expect(error).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    slack.refuseCalls(false);
    expect(await client().auth.test()).toMatchObject({ ok: true });
  });
});

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import { slackSignature } from '../../functions/domain/slack-signature.js';
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import { LOCAL_SLACK_LOOKALIKE_ID, LOCAL_SLACK_OUTSIDER } from '../../local/slack/seed.js';
import type { LocalSlackMessage } from '../../local/slack/workspace.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_SLACK_SECRET_NAME } from '../../local/stack-config.js';
import { runbookSession, type TrailEventView } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * Slack on the local stack: the runbook's notices become one message per incident (in the configured channel) with a
 * thread that follows it; a button pressed in the local Slack, signed as Slack signs, acknowledges through the same
 * operation as the API; anyone the config does not map, or without the role, is refused ephemerally and nothing
 * changes; and when Slack is down the email still goes out and the trail says Slack was not told.
 */
describe('Slack notices and buttons', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  const channel = 'C0COMPLIANCE';
  let findingIncidentId = '';

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 60 });
    session = runbookSession(local);
  });
  afterAll(async () => {
    await local?.stop();
  });

  const slack = () => local.stack.slack!;
  const until = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, attempts = 300): Promise<T> => {
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const topMessagesOf = (incidentId: string) =>
    slack().workspace.messages.filter((message) => message.threadTs === undefined && message.visibleTo === undefined && JSON.stringify(message.blocks).includes(`Incident ${incidentId}`));
  const repliesOf = (top: LocalSlackMessage) => slack().workspace.replies(top.channel, top.ts).filter((message) => message.visibleTo === undefined);
  const ephemeralFor = (userId: string) => slack().workspace.messages.filter((message) => message.visibleTo === userId);
  const buttonsOf = (message: LocalSlackMessage) =>
    message.blocks.flatMap((block) => ((block as { type: string; elements?: Array<{ action_id: string }> }).type === 'actions' ? (block as { elements: Array<{ action_id: string }> }).elements : [])).map((element) => element.action_id);
  const incidentOf = async (incidentId: string) => (await local.api('GET', `/incidents/${incidentId}`)).body.incident as Record<string, any>;
  const ofType = (events: TrailEventView[], type: string) => events.filter((event) => event.type === type);
  const openIncident = async (title: string) => (await session.open({ runbookId: 'security-incident', title, severity: 'SEV2', summary: 'test' })).incidentId;
  const topMessage = (incidentId: string) => until(`the Slack message of ${incidentId}`, () => topMessagesOf(incidentId)[0]);

  it('a SEV2 GuardDuty finding posts one message in the configured channel, mentioning the group, whose thread follows the incident', async () => {
    const delivery = await local.stack.events.deliver(guardDutySample as unknown as BusEvent);
    const incidentId = (delivery.deliveries[0]!.result as { findings: Array<{ incidentId: string }> }).findings[0]!.incidentId;
    findingIncidentId = incidentId;
    const top = await topMessage(incidentId);
    expect(top.channel).toBe(channel);
    expect(top.text).toMatch(/^<!subteam\^S0COMPLIANCE> SEV2: /);
    expect(buttonsOf(top)).toContain('irdr.acknowledge');
    // The thread receives the runbook's notices (the first task's email), as replies to that one message.
    await until('a reply in the thread', () => (repliesOf(top).length > 0 ? true : undefined));
    await session.waitForTaskNotified(incidentId, 'revoke-credentials');
    await until('the task notice in the thread', () => (repliesOf(top).some((reply) => reply.text.includes('Revoke the compromised credentials')) ? true : undefined));
    // The top message carries the current state: the task is waiting on the responder, with its button.
    await until('the top message updated with the task', () => (buttonsOf(slack().workspace.find(channel, top.ts)!).includes('irdr.complete:revoke-credentials') ? true : undefined));
    expect(topMessagesOf(incidentId)).toHaveLength(1);
    // Its ts is stored with the incident.
    const stored = (await local.tableItems()).find((item) => item.PK?.S === `INC#${incidentId}` && item.SK?.S === 'SLACK#THREAD');
    expect(stored).toMatchObject({ ts: { S: top.ts }, channel: { S: channel } });
  });

  it("Complete pressed on the finding's task: refused to an approver naming the role, done by the responder, and the run moves on", async () => {
    const top = await topMessage(findingIncidentId);
    const press = (userId: string) => slack().press({ channel, ts: top.ts, actionId: 'irdr.complete:revoke-credentials', userId });
    expect(await press(LOCAL_SLACK_OUTSIDER.id)).toMatchObject({ status: 200, body: expect.stringContaining('not mapped') });
    expect(ephemeralFor(LOCAL_SLACK_OUTSIDER.id).at(-1)?.text).toMatch(/cannot complete tasks: it needs .*responder.*Nothing was changed/);
    expect(await press('U0ADA')).toMatchObject({ status: 200, body: expect.stringContaining('refused') });
    expect(ephemeralFor('U0ADA').at(-1)?.text).toMatch(/only .*responder.* may complete "Revoke the compromised credentials".*Nothing was changed/);
    expect((await session.tasks(findingIncidentId)).find((task) => task.taskId === 'revoke-credentials')).toMatchObject({ status: 'open' });

    expect(await press('U0RITA')).toMatchObject({ status: 200, body: expect.stringContaining('done') });
    expect((await session.tasks(findingIncidentId)).find((task) => task.taskId === 'revoke-credentials')).toMatchObject({
      status: 'completed',
      decision: expect.objectContaining({ outcome: 'done', decidedBy: 'email:rita@example.com', via: 'slack' }),
    });
    // The run goes on to the next tasks, whose notices land in the same thread.
    await session.waitForOpenTask(findingIncidentId, 'rotate-secrets');
    await until('the completion in the thread', () => (repliesOf(top).some((reply) => reply.text.includes('Revoke the compromised credentials&quot;') || reply.text.includes('"Revoke the compromised credentials": done')) ? true : undefined));
    expect(topMessagesOf(findingIncidentId)).toHaveLength(1);
  });

  it("a drill failure's incident goes to the drills channel; Approve is refused to a responder and decided by an approver, and the run takes the approved branch", async () => {
    const { incidentId } = await session.open({ runbookId: 'dr-drill-failure', title: 'Drill orders-pitr failed: RPO missed', severity: 'SEV3', summary: 'test' });
    const top = await until('the drill incident message', () => topMessagesOf(incidentId)[0]);
    expect(top.channel).toBe('C0DRILLS');
    expect(top.text).not.toContain('subteam');
    await session.waitForOpenTask(incidentId, 'investigate');
    await until('Complete on the message', () => (buttonsOf(slack().workspace.find(top.channel, top.ts)!).includes('irdr.complete:investigate') ? true : undefined));
    expect(await slack().press({ channel: top.channel, ts: top.ts, actionId: 'irdr.complete:investigate', userId: 'U0RITA' })).toMatchObject({ body: expect.stringContaining('done') });
    await session.waitForOpenTask(incidentId, 'remediation-decision');
    await until('Approve on the message', () => (buttonsOf(slack().workspace.find(top.channel, top.ts)!).includes('irdr.approve:remediation-decision') ? true : undefined));

    expect(await slack().press({ channel: top.channel, ts: top.ts, actionId: 'irdr.approve:remediation-decision', userId: 'U0RITA' })).toMatchObject({ body: expect.stringContaining('refused') });
    expect(ephemeralFor('U0RITA').at(-1)?.text).toMatch(/approver.*Nothing was changed/);
    expect((await session.tasks(incidentId)).find((task) => task.taskId === 'remediation-decision')).toMatchObject({ status: 'open' });

    expect(await slack().press({ channel: top.channel, ts: top.ts, actionId: 'irdr.approve:remediation-decision', userId: 'U0ADA' })).toMatchObject({ body: expect.stringContaining('done') });
    expect((await session.tasks(incidentId)).find((task) => task.taskId === 'remediation-decision')).toMatchObject({
      status: 'completed',
      decision: expect.objectContaining({ outcome: 'approved', decidedBy: 'email:ada@example.com', via: 'slack' }),
    });
    await session.waitForOpenTask(incidentId, 'remediate');
  });

  it('Acknowledge pressed by a mapped responder acknowledges the incident through the same operation (MTTA), once', async () => {
    const incidentId = await openIncident('Console login from an unknown country');
    const top = await topMessage(incidentId);
    const pressed = await slack().press({ channel, ts: top.ts, actionId: 'irdr.acknowledge', userId: 'U0RITA' });
    expect(pressed).toMatchObject({ status: 200 });
    const incident = await incidentOf(incidentId);
    expect(incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'email:rita@example.com', mttaSeconds: expect.any(Number) });
    const events = await session.events(incidentId);
    expect(ofType(events, 'incident.acknowledged')).toEqual([expect.objectContaining({ actor: 'email:rita@example.com', detail: expect.objectContaining({ via: 'slack', mttaSeconds: incident.mttaSeconds }) })]);
    // The thread says so and the top message no longer offers Acknowledge.
    await until('the acknowledgement in the thread', () => (repliesOf(top).some((reply) => reply.text.startsWith('Acknowledged by email:rita@example.com')) ? true : undefined));
    expect(buttonsOf(slack().workspace.find(channel, top.ts)!)).not.toContain('irdr.acknowledge');
    expect(slack().workspace.find(channel, top.ts)!.editedTs).toBeDefined();

    expect(ephemeralFor('U0RITA').at(-1)?.text).toMatch(/^Acknowledged incident .* \(MTTA \d+ s\)\.$/);
    // The button is gone from the message: it cannot be pressed again (the replay of a captured press: see below).
    expect(await slack().press({ channel, ts: top.ts, actionId: 'irdr.acknowledge', userId: 'U0RITA' })).toMatchObject({ status: 404 });
  });

  it('an unmapped user, and a mapped one without the role, are refused ephemerally naming the role; nothing changes', async () => {
    const incidentId = await openIncident('Unmapped user presses Acknowledge');
    const top = await topMessage(incidentId);
    const before = await session.events(incidentId);

    expect(await slack().press({ channel, ts: top.ts, actionId: 'irdr.acknowledge', userId: LOCAL_SLACK_OUTSIDER.id })).toMatchObject({ status: 200, body: expect.stringContaining('not mapped') });
    expect(ephemeralFor(LOCAL_SLACK_OUTSIDER.id).at(-1)?.text).toMatch(/not mapped to anyone in irdr.*responder or commander role.*Nothing was changed/);
    // Ada is mapped (an approver), but acknowledging needs the responder or commander role.
    expect(await slack().press({ channel, ts: top.ts, actionId: 'irdr.acknowledge', userId: 'U0ADA' })).toMatchObject({ status: 200, body: expect.stringContaining('refused') });
    expect(ephemeralFor('U0ADA').at(-1)?.text).toContain('Acknowledging needs the responder or commander role');
    expect((await incidentOf(incidentId)).status).toBe('open');
    const after = await session.events(incidentId);
    expect(ofType(after, 'incident.acknowledged')).toEqual([]);
    expect(after.filter((event) => !before.some((old) => old.seq === event.seq)).map((event) => event.type)).not.toContain('incident.acknowledged');

    // Someone of another organisation (Slack Connect) who set Carl's address: an address Slack holds for them is theirs to set, so no one.
    expect(await slack().press({ channel, ts: top.ts, actionId: 'irdr.acknowledge', userId: LOCAL_SLACK_LOOKALIKE_ID })).toMatchObject({ status: 200, body: expect.stringContaining('not mapped') });
    expect(ephemeralFor(LOCAL_SLACK_LOOKALIKE_ID).at(-1)?.text).toMatch(/not mapped to anyone in irdr.*Nothing was changed/);
    expect((await incidentOf(incidentId)).status).toBe('open');

    // Carl is mapped by email only: users.info gives the address Slack holds for whoever pressed (one call, however many
    // people the config maps by address), and as commander he may acknowledge, recorded as that person.
    const carl = slack().workspace.userByEmail('carl@example.com')!;
    const callsBefore = slack().workspace.calls.length;
    expect(await slack().press({ channel, ts: top.ts, actionId: 'irdr.acknowledge', userId: carl.id })).toMatchObject({ status: 200, body: expect.stringContaining('done') });
    expect(slack().workspace.calls.slice(callsBefore).filter((method) => method.startsWith('users.'))).toEqual(['users.info']);
    expect(await incidentOf(incidentId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'email:carl@example.com' });
    expect(ofType(await session.events(incidentId), 'incident.acknowledged')).toEqual([expect.objectContaining({ actor: 'email:carl@example.com', detail: expect.objectContaining({ via: 'slack' }) })]);
  });

  it('the interactivity route refuses unsigned, stale, tampered and foreign-team requests, and changes nothing', async () => {
    const incidentId = await openIncident('Forged interactions');
    await topMessage(incidentId);
    const secrets = new SecretsManagerClient({ endpoint: local.stack.secretsManagerEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const { signingSecret } = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: LOCAL_SLACK_SECRET_NAME }))).SecretString!) as { signingSecret: string };
    secrets.destroy();
    const payload = (teamId: string) => ({
      type: 'block_actions',
      team: { id: teamId, domain: 'x' },
      user: { id: 'U0RITA', username: 'rita', team_id: teamId },
      channel: { id: channel, name: 'compliance' },
      actions: [{ action_id: 'irdr.acknowledge', type: 'button', value: JSON.stringify({ incidentId }), action_ts: '1' }],
    });
    const send = (body: string, headers: Record<string, string>) =>
      fetch(`${local.stack.urls.api}/slack/interactions`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    const bodyOf = (teamId: string) => new URLSearchParams({ payload: JSON.stringify(payload(teamId)) }).toString();
    const now = () => String(Math.floor(Date.now() / 1000));
    const body = bodyOf('T0IRDRLOCAL');

    expect((await send(body, {})).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 400);
    expect((await send(body, { 'x-slack-request-timestamp': stale, 'x-slack-signature': slackSignature(signingSecret, stale, body) })).status).toBe(401);
    const at = now();
    expect((await send(body.replace('U0RITA', 'U0ADA0'), { 'x-slack-request-timestamp': at, 'x-slack-signature': slackSignature(signingSecret, at, body) })).status).toBe(401);
    expect((await send(body, { 'x-slack-request-timestamp': at, 'x-slack-signature': slackSignature('not-the-signing-secret-00000000', at, body) })).status).toBe(401);
    // Slack signs every workspace's interactions with the app's one secret: another workspace the app is installed in,
    // another workspace of an organization it is installed across, and an organization-level surface (team null) are
    // validly signed, and refused by the workspace (403, saying which), not the signature.
    const documented = { ...payload('T0IRDRLOCAL'), api_app_id: 'A0IRDRAPP1', token: 'Shh_its_a_seekrit', trigger_id: '12345.98765.abcd2358fdea', response_url: 'https://hooks.slack.com/actions/T0/1/x' };
    const foreignPayloads = {
      'another workspace': { ...payload('T0SOMEONEELSE'), enterprise: null, is_enterprise_install: false },
      'another workspace of an organization': { ...documented, team: { id: 'T0SISTER', domain: 'sister', enterprise_id: 'E0ORG', enterprise_name: 'Org' }, user: { id: 'U0RITA', username: 'rita', team_id: 'E0ORG' }, enterprise: { id: 'E0ORG', name: 'Org' }, is_enterprise_install: true },
      'an organization-level surface': { ...documented, team: null, user: { id: 'U0RITA', username: 'rita', team_id: 'E0ORG' }, enterprise: { id: 'E0ORG', name: 'Org' }, is_enterprise_install: true },
      'the workspace under an organization the config does not name': { ...documented, team: { id: 'T0IRDRLOCAL', domain: 'x', enterprise_id: 'E0ORG' }, enterprise: { id: 'E0ORG', name: 'Org' } },
    };
    for (const [what, foreignPayload] of Object.entries(foreignPayloads)) {
      const foreign = new URLSearchParams({ payload: JSON.stringify(foreignPayload) }).toString();
      const refused = await send(foreign, { 'x-slack-request-timestamp': at, 'x-slack-signature': slackSignature(signingSecret, at, foreign) });
      expect(refused.status, what).toBe(403);
      expect(((await refused.json()) as { message: string }).message, what).toMatch(/^this app answers its own workspace only/);
    }
    expect((await incidentOf(incidentId)).status).toBe('open');
    expect(ofType(await session.events(incidentId), 'incident.acknowledged')).toEqual([]);

    // Correctly signed, it works: the refusals above were the signature's and the team's, nothing else.
    const fresh = now();
    const signed = { 'x-slack-request-timestamp': fresh, 'x-slack-signature': slackSignature(signingSecret, fresh, body) };
    expect((await send(body, signed)).status).toBe(200);
    expect((await incidentOf(incidentId)).status).toBe('acknowledged');
    // The same signed request replayed within the 5 minutes: one operation, one effect (the second is a conflict, said ephemerally).
    const replay = await send(body, signed);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ message: 'refused' });
    expect(ofType(await session.events(incidentId), 'incident.acknowledged')).toHaveLength(1);
    expect(ephemeralFor('U0RITA').at(-1)?.text).toContain('Nothing was changed');
  });

  it('with Slack down, the runbook goes on: the email is sent, and the trail records notify.failed for Slack', async () => {
    local.stack.faults.slack.refuseCalls(true);
    try {
      const incidentId = await openIncident('Slack is down');
      await session.waitForTaskNotified(incidentId, 'acknowledge');
      const failed = await session.waitForEvent(incidentId, (event) => event.type === 'notify.failed' && event.detail?.channel === 'slack');
      expect(failed.detail).toMatchObject({ channel: 'slack', error: expect.stringContaining('503') });
      const events = await session.events(incidentId);
      expect(ofType(events, 'notification.sent').length).toBeGreaterThan(0);
      expect(topMessagesOf(incidentId)).toEqual([]);
      // Acknowledging still works through the API while Slack is down; having just failed, Slack is not tried again for
      // a while, so a call with several notices does not spend the client's retries on each (and outlast its timeout).
      expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
      const slackFailures = (await session.events(incidentId)).filter((event) => event.type === 'notify.failed' && event.detail?.channel === 'slack');
      expect(slackFailures.at(-1)?.detail?.error).toContain('not tried again');
    } finally {
      local.stack.faults.slack.refuseCalls(false);
    }
  });
});

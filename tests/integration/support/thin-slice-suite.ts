import { randomUUID } from 'node:crypto';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbBackend } from '../../../local/dynamodb/servers.js';
import { GENESIS_HASH, hashEvent } from '../../../functions/domain/hash-chain.js';
import { startTestStack, type TestStack } from './stack-session.js';

const newIncident = {
  runbookId: 'triage-notify',
  title: 'Suspicious console login',
  severity: 'SEV2',
  summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin from an unknown ASN',
};

/**
 * The thin slice, run on each DynamoDB backend (one file each: handlers keep their SDK clients for the
 * life of the process, as in Lambda, so one process hosts one local stack).
 */
export function describeThinSlice(backend: DynamoDbBackend): void {
describe(`thin slice on ${backend} DynamoDB: HTTP API -> Step Functions -> handlers -> DynamoDB -> SES`, () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack({ dynamodb: backend });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('answers /health once everything is ready', async () => {
    const response = await fetch(`${local.stack.urls.api}/health`);
    expect(response.status).toBe(200);
  });

  it('opens an incident whose runbook succeeds, records every step and emails the responders', async () => {
    const created = await local.openIncident(newIncident);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ incidentId: expect.any(String), executionArn: expect.stringContaining(':execution:') });
    const { incidentId, executionArn } = created.body;

    const execution = await local.waitForExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');

    const history = await local.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events!.map((event) => event.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.filter((type) => type === 'TaskSucceeded')).toHaveLength(4);

    const incident = await local.api('GET', `/incidents/${incidentId}`);
    expect(incident.status).toBe(200);
    expect(incident.body.incident).toMatchObject({
      incidentId,
      status: 'open',
      runbookStatus: 'completed',
      severity: 'SEV2',
      runbookId: 'triage-notify',
      runbookHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      openedBy: 'arn:aws:iam::000000000000:user/rita-responder',
      executionArn,
    });
    const events = incident.body.events as Array<Record<string, any>>;
    expect(events.map((event) => event.type)).toEqual([
      'incident.opened',
      'runbook.started',
      'triage.started',
      'notification.sent',
      'runbook.completed',
    ]);

    // The trail is a hash chain: recompute every link.
    let prevHash = GENESIS_HASH;
    events.forEach((event, index) => {
      const { seq, prevHash: storedPrev, hash, ...body } = event;
      expect(seq).toBe(index + 1);
      expect(storedPrev).toBe(prevHash);
      expect(hashEvent(body, seq, storedPrev)).toBe(hash);
      prevHash = hash;
    });

    const notified = events.find((event) => event.type === 'notification.sent')!;
    const emails = await local.mailbox();
    const email = emails.find((candidate) => candidate.subject === '[SEV2] Suspicious console login');
    expect(email).toBeDefined();
    expect(email!.destination.to).toEqual(['security-oncall@example.com']);
    expect(email!.from).toBe('irdr@example.com');
    expect(email!.body.text).toContain(incidentId);
    expect(notified.detail).toMatchObject({ to: ['security-oncall@example.com'], roles: ['responder'] });
  });

  it('rejects a bad body with 400 naming each field to fix, and writes nothing', async () => {
    const before = await local.tableItems();
    const response = await local.openIncident({ runbookId: 'triage-notify', title: '', severity: 'SEV9', summary: 'x', extra: true });
    expect(response.status).toBe(400);
    const paths = (response.body.issues as Array<{ path: string }>).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['title', 'severity']));
    expect(response.body.message).toMatch(/severity/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('rejects malformed JSON and an unknown runbook with 400, and writes nothing', async () => {
    const before = await local.tableItems();
    const malformed = await local.api('POST', '/incidents', { rawBody: '{"runbookId":', headers: { 'idempotency-key': randomUUID() } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/not valid JSON/);
    const unknown = await local.openIncident({ ...newIncident, runbookId: 'no-such-runbook' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/unknown runbookId "no-such-runbook"; use one of: .*triage-notify/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('refuses callers without a valid identity (403), as IAM authorization does', async () => {
    const before = await local.tableItems();
    expect((await local.openIncident(newIncident, { token: null })).status).toBe(403);
    expect((await local.openIncident(newIncident, { token: 'not-a-dev-token' })).status).toBe(403);
    expect(await local.tableItems()).toEqual(before);
  });

  it('answers 404 for an incident that does not exist', async () => {
    const response = await local.api('GET', '/incidents/does-not-exist');
    expect(response.status).toBe(404);
  });
});
}

import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';

const newIncident = {
  runbookId: 'triage-notify',
  title: 'Access key used from an unknown ASN',
  severity: 'SEV2',
  summary: 'GuardDuty: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration',
};

describe('POST /incidents: roles, Idempotency-Key, awareness and exercise mode', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  const incidentItems = async () => (await local.tableItems()).filter((item) => item.SK?.S === 'META' && item.PK?.S?.startsWith('INC#'));
  const executionCount = async () => {
    const stateMachineArn = local.stack.stateMachines.find((machine) => machine.blueprint.runbookId === 'triage-notify')!.stateMachineArn;
    return (await local.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }))).executions!.length;
  };

  it('needs an Idempotency-Key of at most 255 characters: 400 saying so, and nothing written', async () => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const missing = await local.api('POST', '/incidents', { body: newIncident });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/needs an Idempotency-Key header/);

    const blank = await local.api('POST', '/incidents', { body: newIncident, headers: { 'idempotency-key': '   ' } });
    expect(blank.status).toBe(400);

    const overlong = await local.openIncident(newIncident, { idempotencyKey: 'k'.repeat(256) });
    expect(overlong.status).toBe(400);
    expect(overlong.body.message).toMatch(/256 characters long; use at most 255/);
    expect(await local.tableItems()).toEqual(before);

    expect((await local.openIncident(newIncident, { idempotencyKey: 'k'.repeat(255) })).status).toBe(202);
  });

  it('replays the first response for the same key and body: no new incident, no new execution', async () => {
    const key = randomUUID();
    const first = await local.openIncident(newIncident, { idempotencyKey: key });
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    await local.waitForExecution(first.body.executionArn);
    const incidents = (await incidentItems()).length;
    const executions = await executionCount();

    const replay = await local.openIncident(newIncident, { idempotencyKey: key });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    // The same body written differently (key order, whitespace, a default spelled out) is the same request.
    const reordered = JSON.stringify({ summary: newIncident.summary, severity: 'SEV2', mode: 'live', title: newIncident.title, runbookId: 'triage-notify' }, null, 2);
    const respelled = await local.api('POST', '/incidents', { rawBody: reordered, headers: { 'idempotency-key': key } });
    expect(respelled.status).toBe(202);
    expect(respelled.body).toEqual(first.body);

    expect((await incidentItems()).length).toBe(incidents);
    expect(await executionCount()).toBe(executions);
  });

  it('keeps the key as an IDEM# record in the deduplication table, expiring through its TTL, never in the evidence table', async () => {
    expect((await local.evidenceItems()).filter((item) => item.PK?.S?.startsWith('IDEM#'))).toEqual([]);
    const records = (await local.deduplicationItems()).filter((item) => item.PK?.S?.startsWith('IDEM#'));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record.PK!.S).toBe('IDEM#CreateIncident');
      expect(record.SK!.S).toMatch(/^IDEM#/);
      expect(record.idempotencyStatus!.S).toBe('COMPLETED');
      const expiresAt = Number(record.ttl!.N);
      expect(expiresAt).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
      expect(expiresAt).toBeLessThan(Date.now() / 1000 + 25 * 3600);
    }
  });

  it('refuses the same key with a different body (409) and writes nothing', async () => {
    const key = randomUUID();
    expect((await local.openIncident(newIncident, { idempotencyKey: key })).status).toBe(202);
    await local.waitForQuiet();
    const before = await local.tableItems();
    const changed = await local.openIncident({ ...newIncident, severity: 'SEV1' }, { idempotencyKey: key });
    expect(changed.status).toBe(409);
    expect(changed.body.message).toMatch(/already used with a different body; .*use a new key/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('scopes keys to the caller: another person with the same key opens their own incident', async () => {
    const key = randomUUID();
    const rita = await local.openIncident(newIncident, { idempotencyKey: key });
    const carl = await local.openIncident(newIncident, { idempotencyKey: key, token: 'dev-commander' });
    expect(rita.status).toBe(202);
    expect(carl.status).toBe(202);
    expect(carl.body.incidentId).not.toBe(rita.body.incidentId);
  });

  it('opens exactly one incident and one execution for 50 concurrent identical requests', async () => {
    const key = randomUUID();
    const body = { ...newIncident, title: 'Fifty retries at once' };
    const incidents = (await incidentItems()).length;
    const executions = await executionCount();

    const responses = await Promise.all(Array.from({ length: 50 }, () => local.openIncident(body, { idempotencyKey: key })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 202 || status === 409), statuses.join(',')).toBe(true);
    const accepted = responses.filter((response) => response.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((response) => response.body.incidentId)).size).toBe(1);
    for (const busy of responses.filter((response) => response.status === 409)) {
      expect(busy.body.message).toMatch(/still being processed; retry shortly/);
    }

    await local.waitForExecution(accepted[0]!.body.executionArn);
    expect((await incidentItems()).filter((item) => item.title?.S === body.title)).toHaveLength(1);
    expect((await incidentItems()).length).toBe(incidents + 1);
    expect(await executionCount()).toBe(executions + 1);

    // Once the first has finished, a retry gets its answer.
    const retry = await local.openIncident(body, { idempotencyKey: key });
    expect(retry.status).toBe(202);
    expect(retry.body.incidentId).toBe(accepted[0]!.body.incidentId);
  });

  it('lets responders and commanders open incidents, and refuses everyone else with 403 naming the role, writing nothing', async () => {
    expect((await local.openIncident(newIncident, { token: 'dev-commander' })).status).toBe(202);
    expect((await local.openIncident(newIncident, { token: 'dev-admin' })).status).toBe(202);

    await local.waitForQuiet();
    const before = await local.tableItems();
    const auditor = await local.openIncident(newIncident, { token: 'dev-auditor' });
    expect(auditor.status).toBe(403);
    expect(auditor.body.message).toBe(
      'this needs the role responder or commander; arn:aws:iam::000000000000:user/otto-auditor acts only as auditor (auditors have read-only access)',
    );
    const approver = await local.openIncident(newIncident, { token: 'dev-approver' });
    expect(approver.status).toBe(403);
    expect(approver.body.message).toMatch(/needs the role responder or commander/);
    const outsider = await local.openIncident(newIncident, { token: 'dev-outsider' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.message).toMatch(/oz-outsider acts in no irdr role; add it .* to roles.<role>.principals in config\/irdr.config.json/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('records awareAt and mode, and carries an exercise into its runbook execution', async () => {
    const awareAt = '2026-11-20T08:30:00.000Z';
    const exercise = await local.openIncident({ ...newIncident, title: 'Tabletop: leaked key', awareAt, detectedAt: '2026-11-20T08:00:00Z', mode: 'exercise' });
    expect(exercise.status).toBe(202);
    const live = await local.openIncident(newIncident);
    expect(live.status).toBe(202);

    const exerciseIncident = (await local.api('GET', `/incidents/${exercise.body.incidentId}`)).body;
    expect(exerciseIncident.incident).toMatchObject({ mode: 'exercise', awareAt, detectedAt: '2026-11-20T08:00:00Z' });
    expect(exerciseIncident.milestones).toEqual({
      detectedAt: '2026-11-20T08:00:00Z',
      awareAt,
      openedAt: exerciseIncident.incident.openedAt,
    });
    expect(exerciseIncident.events[0]).toMatchObject({ type: 'incident.opened', detail: { mode: 'exercise' } });
    expect((await local.api('GET', `/incidents/${live.body.incidentId}`)).body.incident.mode).toBe('live');

    const inputOf = async (executionArn: string) =>
      JSON.parse((await local.sfn.send(new DescribeExecutionCommand({ executionArn }))).input!) as Record<string, unknown>;
    expect(await inputOf(exercise.body.executionArn)).toMatchObject({ incidentId: exercise.body.incidentId, mode: 'exercise' });
    expect(await inputOf(live.body.executionArn)).toMatchObject({ mode: 'live' });
  });

  it('rejects a bad awareAt or mode with 400 naming the field, and writes nothing', async () => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    const response = await local.openIncident({ ...newIncident, awareAt: 'yesterday', mode: 'drill' });
    expect(response.status).toBe(400);
    expect((response.body.issues as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual(['awareAt', 'mode']);
    expect(await local.tableItems()).toEqual(before);
  });
});

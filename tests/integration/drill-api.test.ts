import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const SOURCE = 'irdr-api-orders';
const plans = [testPlan({ id: 'api-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })];

let local: TestStack;
let drills: ReturnType<typeof drillSession>;

beforeAll(async () => {
  local = await startTestStack({
    timeScale: 60,
    drillPlans: plans,
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  drills = drillSession(local);
  await drills.restorableSource(SOURCE, 10);
});

afterAll(async () => {
  await local?.stop();
});

const startRun = (planId: string, options: { token?: string; key?: string | null; body?: unknown } = {}) =>
  local.api('POST', `/drills/${planId}/runs`, {
    token: options.token ?? 'dev-responder',
    ...(options.body !== undefined && { body: options.body }),
    headers: options.key === null ? {} : { 'idempotency-key': options.key ?? randomUUID() },
  });

describe('POST /drills/{planId}/runs', () => {
  it('refuses, writing nothing: no key, a body, an unknown plan, an auditor', async () => {
    const before = await local.tableItems();
    expect((await startRun('api-pitr', { key: null })).body.message).toMatch(/Idempotency-Key/);
    expect((await startRun('api-pitr', { body: { planId: 'x' } })).status).toBe(400);
    const unknown = await startRun('nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('api-pitr');
    const auditor = await startRun('api-pitr', { token: 'dev-auditor' });
    expect(auditor.status).toBe(403);
    expect(auditor.body.message).toMatch(/responder|commander/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('starts one run per key, readable through GET /drill-runs/{runId} and the plan\'s runs', async () => {
    const key = randomUUID();
    const started = await startRun('api-pitr', { key });
    expect(started.status).toBe(202);
    const replay = await startRun('api-pitr', { key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.runId).toBe(started.body.runId);
    const execution = await local.waitForExecution(started.body.executionArn as string, 2400);
    expect(execution.status).toBe('SUCCEEDED');

    const run = await local.api('GET', `/drill-runs/${started.body.runId as string}`, { token: 'dev-auditor' });
    expect(run.body.run).toMatchObject({ status: 'passed', trigger: 'api', requestedBy: 'arn:aws:iam::000000000000:user/rita-responder' });
    expect(run.body.trail.intact).toBe(true);

    const second = await startRun('api-pitr');
    await local.waitForExecution(second.body.executionArn as string, 2400);
    const firstPage = await local.api('GET', '/drills/api-pitr/runs?limit=1', { token: 'dev-auditor' });
    expect(firstPage.body.runs.map((entry: { runId: string }) => entry.runId)).toEqual([second.body.runId]);
    const secondPage = await local.api('GET', `/drills/api-pitr/runs?limit=1&after=${encodeURIComponent(firstPage.body.next as string)}`, { token: 'dev-auditor' });
    expect(secondPage.body.runs.map((entry: { runId: string }) => entry.runId)).toEqual([started.body.runId]);

    const listing = await local.api('GET', '/drills', { token: 'dev-auditor' });
    expect(listing.body.plans).toEqual([
      expect.objectContaining({ id: 'api-pitr', driver: 'dynamodb-pitr', lastRun: expect.objectContaining({ runId: second.body.runId, status: 'passed' }) }),
    ]);
  });

  it('answers 404 for a run or plan that does not exist, and 400 for a bad page position', async () => {
    expect((await local.api('GET', '/drill-runs/nope', { token: 'dev-auditor' })).status).toBe(404);
    expect((await local.api('GET', '/drills/nope/runs', { token: 'dev-auditor' })).status).toBe(404);
    expect((await local.api('GET', '/drills/api-pitr/runs?after=x', { token: 'dev-auditor' })).status).toBe(400);
    expect((await local.api('GET', '/drills', { token: 'dev-outsider' })).status).toBe(403);
  });
});

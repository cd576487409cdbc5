import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
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

  it('answers a start Step Functions throttles with a 503 saying no run started, writing nothing; then concurrent starts of one plan, never a 5xx', async () => {
    const before = await local.tableItems();
    const key = randomUUID();
    local.stack.faults.stepFunctions.refuseStarts(true);
    const throttled = await startRun('api-pitr', { key }).finally(() => local.stack.faults.stepFunctions.refuseStarts(false));
    expect(throttled.status, JSON.stringify(throttled.body)).toBe(503);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(throttled.body.message).toMatch(/no run was started.*Idempotency-Key/);
    expect(await local.tableItems()).toEqual(before);

    // The same key then sent four times at once (a client's retries racing): one run; each answer is that run or a 409 to retry.
    const sameKey = await Promise.all([1, 2, 3, 4].map(() => startRun('api-pitr', { key })));
    for (const answer of sameKey) expect([202, 409], JSON.stringify(answer.body)).toContain(answer.status);
    for (const refused of sameKey.filter((answer) => answer.status === 409)) expect(refused.body.message).toMatch(/still being processed; retry/);
    const accepted = sameKey.filter((answer) => answer.status === 202);
    expect(new Set(accepted.map((answer) => answer.body.runId as string)).size).toBe(1);
    // Another key at the same moment (another person pressing "run now"): a run of its own, beside the first.
    const otherKey = startRun('api-pitr');
    // A runbook's start-drill step whose retry overlaps its first attempt (same payload): one run, named by the step.
    const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const step = { incidentId: randomUUID(), stepId: 'prove-backup-restores', executionArn: `arn:aws:states:us-east-1:000000000000:execution:ransomware:${randomUUID()}`, drillPlanId: 'api-pitr', event: 'recovery.drill-started', mode: 'live' };
    const fromRunbook = await Promise.all([1, 2].map(() => lambda.send(new InvokeCommand({ FunctionName: 'irdr-StartDrillFromRunbook', Payload: JSON.stringify(step) }))));
    lambda.destroy();
    const results = fromRunbook.map((invoked) => {
      const payload = Buffer.from(invoked.Payload ?? []).toString();
      expect(invoked.FunctionError, payload).toBeUndefined();
      return JSON.parse(payload) as { runId: string };
    });
    expect(results[1]!.runId).toBe(results[0]!.runId);
    const other = await otherKey;
    expect(other.status, JSON.stringify(other.body)).toBe(202);
    expect(other.body.runId).not.toBe(accepted[0]!.body.runId);
    // Three runs of one plan at once, each its own restore: all pass.
    const runbookArn = `${local.stack.drillStateMachineArn.replace(':stateMachine:', ':execution:')}:${results[0]!.runId}`;
    for (const executionArn of [accepted[0]!.body.executionArn as string, other.body.executionArn as string, runbookArn]) {
      expect((await local.waitForExecution(executionArn, 2400)).status, executionArn).toBe('SUCCEEDED');
    }
    const runbookRun = await local.api('GET', `/drill-runs/${results[0]!.runId}`, { token: 'dev-auditor' });
    expect(runbookRun.body.run).toMatchObject({ status: 'passed', trigger: 'runbook', requestedBy: `incident:${step.incidentId}` });
  });

  it('answers 404 for a run or plan that does not exist, and 400 for a bad page position', async () => {
    expect((await local.api('GET', '/drill-runs/nope', { token: 'dev-auditor' })).status).toBe(404);
    expect((await local.api('GET', '/drills/nope/runs', { token: 'dev-auditor' })).status).toBe(404);
    expect((await local.api('GET', '/drills/api-pitr/runs?after=x', { token: 'dev-auditor' })).status).toBe(400);
    expect((await local.api('GET', '/drills', { token: 'dev-outsider' })).status).toBe(403);
  });
});

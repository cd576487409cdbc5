import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * A drill run right after its source was made and filled: PITR's latest restorable time trails the clock (an hour
 * here, scaled to a real minute, so the window cannot open while the test runs), so the latest point is where PITR
 * began and the restore holds none of the data. The drill must fail, achieve no RTO or RPO, and say why.
 */
const SOURCE = 'irdr-test-fresh-orders';

let local: TestStack;
let drills: ReturnType<typeof drillSession>;

beforeAll(async () => {
  local = await startTestStack({
    timeScale: 60,
    drillPlans: [testPlan({ id: 'fresh', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })],
    dynamodbRecovery: { restoreDuration: { baseMs: 30_000, perItemMs: 0 }, latestRestorableLagMs: 3_600_000 },
  });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE);
  await drills.seed(SOURCE);
});

afterAll(async () => {
  await local?.stop();
});

describe('a drill whose recovery point predates the data', () => {
  it('fails, records RTO and RPO as not achieved (record, trail, email), and says the point predates the data', async () => {
    const { runId, execution, view } = await drills.runDrill('fresh');
    expect(execution.status).toBe('FAILED');
    const { run, events } = view;
    expect(run.status).toBe('failed');
    expect(run.checks.map((check: { actual: string }) => check.actual)).toEqual(['0 items']);

    // The record: no RTO or RPO from data that failed validation.
    expect(run.rtoSeconds).toBeUndefined();
    expect(run.rpo).toBeUndefined();
    expect(run.reasons).toHaveLength(2);
    expect(run.reasons[1]).toMatch(/^the recovery point \S+ predates the data the checks looked for: it is the earliest restorable time .*restorable window had not opened yet/);

    // GET /drill-runs/{id} judges it too.
    const read = await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' });
    expect(read.body.objectives).toEqual({
      rto: { state: 'not-achieved', why: 'the restored data failed validation (1 of 1 check failed)', targetSeconds: 3600 },
      rpo: { state: 'not-achieved', why: 'the restored data failed validation (1 of 1 check failed)', targetSeconds: 900 },
    });

    // The trail says the same.
    const validated = events.find((event) => event.type === 'drill.validated')?.detail;
    expect(validated).toMatchObject({ validated: false, rtoAchieved: false, rpoAchieved: false, failed: 1 });
    expect(validated).not.toHaveProperty('rtoSeconds');
    expect(events.find((event) => event.type === 'drill.failed')?.detail).toMatchObject({ rtoAchieved: false, rpoAchieved: false });

    // The report email: not achieved, and why.
    const report = (await local.mailbox()).find((email) => email.subject.includes('Restore drill FAILED') && email.body.text?.includes(runId));
    const text = report?.body.text ?? '';
    expect(text).toContain('RTO NOT ACHIEVED: the restored data failed validation (1 of 1 check failed) (target 60 min)');
    expect(text).toContain('RPO NOT ACHIEVED');
    expect(text).not.toMatch(/RTO achieved|RPO achieved/);
    expect(text).toContain('predates the data the checks looked for');

    // GET /drills: the plan's last run shows no RTO.
    const plans = await local.api('GET', '/drills', { token: 'dev-auditor' });
    const fresh = (plans.body.plans as Array<{ id: string; lastRun?: Record<string, unknown> }>).find((plan) => plan.id === 'fresh');
    expect(fresh?.lastRun).toMatchObject({ runId, status: 'failed' });
    expect(fresh?.lastRun?.rtoSeconds).toBeUndefined();
  });
});

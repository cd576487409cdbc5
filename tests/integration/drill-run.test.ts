import type { Context } from 'aws-lambda';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDrillRunTrails } from '../../functions/aws/trail-verification.js';
import { drillTableName } from '../../functions/domain/drill-naming.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { executionHistory } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * Restore drills end to end on the local stack: the drill state machine runs the compiled ASL, the drill functions
 * call the local DynamoDB front (PITR, backups, restores that take a simulated while), SES is the local mailbox.
 * Time runs 60× faster: a simulated minute of restore is a second here; measured RTO/RPO are real seconds.
 */
const SOURCE = 'irdr-test-orders';
const NO_PITR = 'irdr-test-no-pitr';
/** Big enough that its restore takes 7 simulated minutes (restores take longer per item). */
const BIG = 'irdr-test-big';
const CANARY_KEY = { pk: 'irdr#canary', sk: 'irdr#canary' };
/** The ledger test's own source: it edits a closed entry, which would fail the other plans' ledger checksums beside it. */
const LEDGER_SOURCE = 'irdr-test-ledger-orders';

const plans = [
  testPlan({
    id: 'orders-pitr',
    source: { type: 'dynamodb-table', tableName: SOURCE },
    checks: [
      { type: 'item-count' },
      { type: 'canary', key: CANARY_KEY, intervalMinutes: 5 },
      { type: 'sample-keys', count: 10, modifiedAtAttribute: 'updatedAt' },
      { type: 'checksum', id: 'closed-ledger', partitionKeyValue: 'LEDGER#2025' },
    ],
  }),
  testPlan({
    id: 'orders-backup',
    source: { type: 'dynamodb-table', tableName: SOURCE },
    driver: { type: 'dynamodb-backup', backup: 'create' },
    checks: [{ type: 'item-count' }, { type: 'checksum', partitionKeyValue: 'LEDGER#2025' }],
  }),
  // Closed books must not change: the live ledger is compared with the restored one.
  testPlan({ id: 'ledger', source: { type: 'dynamodb-table', tableName: LEDGER_SOURCE }, checks: [{ type: 'checksum', partitionKeyValue: 'LEDGER#2025' }] }),
  testPlan({ id: 'no-pitr', source: { type: 'dynamodb-table', tableName: NO_PITR }, checks: [{ type: 'item-count' }] }),
  // The restore takes 7 simulated minutes (7 s here); the plan gives it 1: 6 s to spare for a look after the timeout, on a busy machine.
  testPlan({
    id: 'slow-restore',
    source: { type: 'dynamodb-table', tableName: BIG },
    targets: { rtoMinutes: 1, rpoMinutes: 15 },
    restoreTimeoutMinutes: 1,
    checks: [{ type: 'item-count' }],
  }),
  testPlan({ id: 'check-error', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'custom', functionName: 'irdr-no-such-check' }] }),
  testPlan({ id: 'reported', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] }),
  // Whole-table counts fanned out over a Map: the restored table in 3 segments; the source too, in 2, only where asked.
  testPlan({
    id: 'fanned-out',
    source: { type: 'dynamodb-table', tableName: SOURCE },
    checks: [{ type: 'item-count', segments: 3 }, { type: 'item-count', id: 'against-source', baseline: 'source-scan', segments: 2 }],
  }),
];

let local: TestStack;
let drills: ReturnType<typeof drillSession>;

beforeAll(async () => {
  local = await startTestStack({
    timeScale: 60,
    drillPlans: plans,
    // Simulated: a restore takes a minute plus 0.24 s per item; PITR trails the clock by 3 minutes (3 s here), the time the
    // ledger test's drill has to pick its point after the edit it must not hold, with other drills beside it on a busy machine.
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 240 }, latestRestorableLagMs: 180_000 },
  });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE);
  await drills.createSourceTable(NO_PITR, { pitr: false });
  await drills.seed(SOURCE);
  await drills.createSourceTable(LEDGER_SOURCE);
  await drills.seed(LEDGER_SOURCE);
  await drills.createSourceTable(BIG);
  await drills.seed(BIG, 1500);
  const canary = await import('../../functions/tasks/write-drill-canary.js');
  await canary.handler({ planId: 'orders-pitr' }, {} as Context);
  // Until the latest restore point (the scaled PITR lag, rounded down to the second) holds the seeded data.
  await Promise.all([SOURCE, LEDGER_SOURCE, BIG].map((table) => drills.waitUntilRestorable(table)));
});

afterAll(async () => {
  await local?.stop();
});

/*
 * Drills on their own plans (the ledger test on its own source table) run side by side, where none can see another's
 * run. Vitest runs adjacent concurrent describes together and a plain describe alone, so: first the ledger test, alone
 * (its drill must pick its point within 3 s of the edit it must not hold: beside another drill on a loaded machine it
 * once did not); then Slack down, alone; then the rest together, the slow restore first (it outlasts its 1 s timeout by
 * 6 s); then SES refusing, alone; the trail check last.
 */
// The ledger test alone: nothing beside it to slow its drill's choice of point.
describe('a failing drill', () => {
  it('fails on a real difference, still cleans up, opens the failure runbook; the next passing run resolves it', async () => {
    // The closed ledger changes in the live table after the point the restore will hold.
    await drills.put(LEDGER_SOURCE, { pk: 'LEDGER#2025', sk: 'ENTRY#2', amount: 999, currency: 'EUR' });
    const failed = await drills.runDrill('ledger');
    expect(failed.execution.status).toBe('FAILED');
    expect(failed.execution.error).toBe('DrillFailed');
    expect(failed.view.run.status).toBe('failed');
    expect(failed.view.run.reasons.join(' ')).toMatch(/check checksum failed/);
    expect(failed.view.run.cleanup.status).toBe('DELETED');
    expect(await drills.tableExists(drillTableName('ledger', failed.runId))).toBe(false);
    const incidentId = failed.view.run.failureIncidentId as string;
    const incident = await local.api('GET', `/incidents/${incidentId}`);
    expect(incident.body.incident).toMatchObject({ runbookId: 'dr-drill-failure', status: 'open', labels: { drillPlanId: 'ledger', drillRunId: failed.runId } });

    // Once the change is older than the recovery point, live and restored agree again.
    await drills.waitUntilRestorable(LEDGER_SOURCE);
    const passed = await drills.runDrill('ledger');
    expect(passed.execution.status, JSON.stringify(passed.view.run?.reasons)).toBe('SUCCEEDED');
    expect(passed.view.run.resolvedIncidentId).toBe(incidentId);
    expect((await local.api('GET', `/incidents/${incidentId}`)).body.incident.status).toBe('resolved');
  });
});

// Slack is down for every drill while this runs: alone.
describe('a PITR drill', () => {
  it('still passes and emails its report when Slack is down: the trail records that Slack was not told', async () => {
    local.stack.faults.slack.refuseCalls(true);
    try {
      const { runId, execution, view } = await drills.runDrill('orders-pitr');
      expect(execution.status, JSON.stringify(view.run?.reasons)).toBe('SUCCEEDED');
      expect(view.events.map((event) => event.type).slice(-3)).toEqual(['drill.passed', 'drill.report.sent', 'drill.report.slack.failed']);
      expect(view.events.at(-1)!.detail).toMatchObject({ channel: 'C0DRILLS', error: expect.any(String) });
      expect((await local.mailbox()).some((email) => email.subject.includes('Restore drill PASSED') && email.body.text?.includes(runId))).toBe(true);
    } finally {
      local.stack.faults.slack.refuseCalls(false);
    }
  });
});

describe.concurrent('a forced failure at each stage leaves no drill table behind', () => {
  it('restore timeout: the drill gives up, waits for the table to exist, and deletes it', async ({ expect }) => {
    const { runId, execution, view } = await drills.runDrill('slow-restore');
    expect(execution.status).toBe('FAILED');
    expect(view.run.reasons.join(' ')).toMatch(/DrillRestoreTimedOut/);
    expect(view.run.cleanup.status).toBe('DELETED');
    expect(await drills.tableExists(drillTableName('slow-restore', runId))).toBe(false);
  });
});

describe.concurrent('a PITR drill', () => {
  it('passes, with measured RTO and canary RPO, every check recorded, the restored table deleted and a report sent', async ({ expect }) => {
    const { runId, execution, view } = await drills.runDrill('orders-pitr');
    expect(execution.status, JSON.stringify(view.run?.reasons)).toBe('SUCCEEDED');
    const { run, events, trail } = view;
    expect(run).toMatchObject({ planId: 'orders-pitr', status: 'passed', trigger: 'api', restoreTableName: drillTableName('orders-pitr', runId) });
    expect(run.rtoSeconds).toBeGreaterThanOrEqual(0);
    expect(run.rpo.method).toBe('canary');
    expect(run.checks.map((check: { id: string; passed: boolean }) => [check.id, check.passed])).toEqual([
      ['item-count', true],
      ['canary', true],
      ['sample-keys', true],
      ['closed-ledger', true],
    ]);
    expect(run.cleanup).toMatchObject({ status: 'DELETED', tableName: drillTableName('orders-pitr', runId) });
    expect(await drills.tableExists(drillTableName('orders-pitr', runId))).toBe(false);
    expect(trail.intact).toBe(true);
    expect(events.map((event) => event.type)).toEqual([
      'drill.started',
      'drill.preflight.passed',
      'drill.restore.started',
      'drill.restore.completed',
      'drill.validation.planned',
      'drill.check.passed',
      'drill.check.passed',
      'drill.check.passed',
      'drill.check.passed',
      'drill.validated',
      'drill.cleanup.completed',
      'drill.passed',
      'drill.report.sent',
      'drill.report.slack.posted',
    ]);
    const report = (await local.mailbox()).find((email) => email.subject.includes('Restore drill PASSED') && email.body.text?.includes(runId));
    expect(report?.body.text).toContain('RPO achieved');
    expect(report?.body.text).toContain('measured by canary');
    expect(report?.destination.to).toContain('drill-owner@example.com');
    // The same report in Slack's drills channel (config slack.channels.drills), where the trail says it went.
    const posted = events.find((event) => event.type === 'drill.report.slack.posted')!.detail as { channel: string; ts: string };
    const message = local.stack.slack!.workspace.messages.find((candidate) => candidate.ts === posted.ts && candidate.channel === posted.channel);
    expect(posted.channel).toBe('C0DRILLS');
    expect(message?.text).toBe(`Drill PASSED: ${run.planTitle ?? 'orders-pitr'} (run ${runId})`);
    expect(JSON.stringify(message?.blocks)).toContain('checks 4 of 4 passed');
  });

  it('from a backup the drill takes: passes and deletes both the restored table and that backup', async ({ expect }) => {
    const { runId, execution, view } = await drills.runDrill('orders-backup');
    expect(execution.status, JSON.stringify(view.run?.reasons)).toBe('SUCCEEDED');
    expect(view.run.cleanup.status).toBe('DELETED');
    expect(view.run.cleanup.deletedExtras).toHaveLength(1);
    expect(await drills.tableExists(drillTableName('orders-backup', runId))).toBe(false);
  });
});

describe.concurrent('validation that scales with the data', () => {
  it('counts the restored table in parallel segments across a Map, sums them into one check, and records validation beside the restore', async ({ expect }) => {
    const { runId, execution, view } = await drills.runDrill('fanned-out');
    expect(execution.status, JSON.stringify(view.run?.reasons)).toBe('SUCCEEDED');
    const [byRecord, bySourceScan] = view.run.checks as Array<{ id: string; passed: boolean; expected: string; actual: string; details: Record<string, any> }>;
    // 25 orders, 5 ledger entries and the canary: every segment counted once, none twice.
    expect(byRecord).toMatchObject({ id: 'item-count', passed: true, actual: '31 items', details: { counting: 'parallel scan', segments: 3, invocations: 3, basis: 'source-item-count', baselineFrom: SOURCE } });
    expect(byRecord!.expected).toMatch(/^31 items \(±1%\), the source table's ItemCount \(approximate: DynamoDB refreshes it about every 6 hours/);
    expect(bySourceScan).toMatchObject({ id: 'against-source', passed: true, actual: '31 items', expected: "31 items, the source table's count now", details: { segments: 2, basis: 'source', source: { counting: 'parallel scan', segments: 2 } } });

    const history = await executionHistory(local, execution.executionArn!);
    const entered = (name: string) => history.filter((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === name).length;
    expect(entered('Count segment')).toBe(3 + 2 + 2);
    expect(entered('Run checks')).toBe(1);
    expect(view.events.find((event) => event.type === 'drill.validation.planned')?.detail).toEqual({
      segments: [{ checkId: 'item-count', tables: ['restored'], totalSegments: 3 }, { checkId: 'against-source', tables: ['restored', 'source'], totalSegments: 2 }],
    });

    const { validation, restore } = view.run as { validation: { startedAt: string; completedAt: string; seconds: number }; restore: { completedAt: string } };
    expect(Date.parse(validation.startedAt)).toBeGreaterThanOrEqual(Date.parse(restore.completedAt));
    expect(validation.seconds).toBe(Math.round((Date.parse(validation.completedAt) - Date.parse(validation.startedAt)) / 1000));
    expect(view.events.find((event) => event.type === 'drill.validated')?.detail).toMatchObject({ validationSeconds: validation.seconds });
    const report = (await local.mailbox()).find((email) => email.subject.includes('Restore drill PASSED') && email.body.text?.includes(runId));
    expect(report?.body.text).toContain(`  Validation: ${validation.startedAt} to ${validation.completedAt} (${validation.seconds} s)`);
  });
});

describe.concurrent('a forced failure at each stage leaves no drill table behind', () => {
  it('preflight: a source without PITR fails before anything is made', async ({ expect }) => {
    const { execution, view } = await drills.runDrill('no-pitr');
    expect(execution.status).toBe('FAILED');
    expect(view.run.reasons.join(' ')).toMatch(/point-in-time recovery/i);
    expect(view.run.cleanup.status).toBe('NOTHING_CREATED');
    // Its own plan's tables only (other drills run beside it): none was made, and its trail never started a restore.
    expect((await drills.drillTables()).filter((name) => name.startsWith(drillTableName('no-pitr', '')))).toEqual([]);
    expect(view.events.map((event) => event.type)).not.toContain('drill.restore.started');
  });

  it('check error: a check that cannot run fails the drill; the restored table is still deleted', async ({ expect }) => {
    const { runId, execution, view } = await drills.runDrill('check-error');
    expect(execution.status).toBe('FAILED');
    expect(view.events.find((event) => event.type === 'drill.checks.failed')?.detail).toMatchObject({ error: 'ResourceNotFoundException' });
    expect(view.run.cleanup.status).toBe('DELETED');
    expect(await drills.tableExists(drillTableName('check-error', runId))).toBe(false);
  });

  it('cleanup guard: a table already under the run\'s name is not the drill\'s, so it is refused, alerted and kept', async ({ expect }) => {
    const runId = 'collision-run';
    const squatter = drillTableName('reported', runId);
    await drills.createSourceTable(squatter, { pitr: false });
    await drills.put(squatter, { pk: 'precious', sk: 'data' });
    const { execution, view } = await drills.runDrill('reported', runId);
    expect(execution.status).toBe('FAILED');
    expect(view.run.cleanup.status).toBe('CLEANUP_REFUSED');
    expect(view.events.map((event) => event.type)).toContain('drill.cleanup.refused');
    expect(await drills.tableExists(squatter)).toBe(true);
    expect((await local.mailbox()).some((email) => email.subject.includes('drill cleanup CLEANUP_REFUSED'))).toBe(true);
  });
});

// SES refuses every send while this runs: alone.
describe('a forced failure at each stage leaves no drill table behind', () => {
  it('email error: SES refusing leaves the outcome recorded, the table deleted and the execution failed', async () => {
    local.stack.faults.mailbox.refuseSends(true);
    try {
      const { runId, execution, view } = await drills.runDrill('reported');
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('DrillReportNotSent');
      expect(view.run.status).toBe('passed');
      expect(view.events.filter((event) => event.type === 'drill.report.failed').length).toBeGreaterThanOrEqual(1);
      expect(await drills.tableExists(drillTableName('reported', runId))).toBe(false);
    } finally {
      local.stack.faults.mailbox.refuseSends(false);
    }
  });
});

describe('drill-run trails as evidence', () => {
  it('every run of the period verifies; an edited event is named', async () => {
    const period = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const intact = await verifyDrillRunTrails(local.stack.tableName, period);
    expect(intact.length).toBeGreaterThanOrEqual(9);
    expect(intact.filter((trail) => trail.problems.length > 0)).toEqual([]);

    const victim = intact[0]!.partitionKey;
    await local.dynamodb.send(
      new UpdateItemCommand({
        TableName: local.stack.tableName,
        Key: { PK: { S: victim }, SK: { S: 'EVT#0000000001' } },
        UpdateExpression: 'SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': { S: 'drill.quietly-edited' } },
      }),
    );
    const after = await verifyDrillRunTrails(local.stack.tableName, period);
    expect(after.find((trail) => trail.partitionKey === victim)?.problems[0]).toMatchObject({ kind: 'edited', sortKey: 'EVT#0000000001' });
  });
});

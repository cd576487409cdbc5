import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../functions/domain/chain-verify.js';
import { drillRunPk, incidentPk } from '../../functions/domain/keys.js';
import { listStoredEvents } from '../../functions/aws/event-trail.js';
import { drillSession, testPlan } from '../integration/support/drill-session.js';
import { startTestStack, type TestStack } from '../integration/support/stack-session.js';

/**
 * Faults injected through the local stack's knobs: handlers that throw or hang at each stage of a restore drill, and
 * DynamoDB throttling under runbook runs. Whatever breaks, a run ends (finished or failed), records what happened in an
 * intact trail, and a drill leaves no restored table behind.
 */
const SOURCE = 'irdr-faults-orders';
const plan = testPlan({ id: 'faults-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] });

let local: TestStack;
let drills: ReturnType<typeof drillSession>;

beforeAll(async () => {
  // A restore takes a simulated minute (0.1 s here): no assertion reads a duration, so time runs as fast as the runs allow.
  local = await startTestStack({ timeScale: 600, drillPlans: [plan], dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 } });
  drills = drillSession(local);
  await drills.restorableSource(SOURCE, 10);
});
afterEach(() => {
  local.stack.faults.functions.clear();
  local.stack.faults.dynamodb.set(undefined);
});
afterAll(async () => {
  await local?.stop();
});

const stages = [
  { functionName: 'PrepareDrillRun', fault: { mode: 'throw' }, ends: 'FAILED' },
  { functionName: 'StartDrillRestore', fault: { mode: 'throw' }, ends: 'FAILED' },
  { functionName: 'CheckDrillRestore', fault: { mode: 'throw' }, ends: 'FAILED' },
  { functionName: 'RunDrillChecks', fault: { mode: 'throw' }, ends: 'FAILED' },
  { functionName: 'RunDrillChecks', fault: { mode: 'hang', hangMs: 300 }, ends: 'FAILED' },
  // Cleanup failing once is retried: the drill still passes, and its table is gone.
  { functionName: 'CleanUpDrill', fault: { mode: 'throw', times: 1 }, ends: 'SUCCEEDED' },
  { functionName: 'RecordDrillOutcome', fault: { mode: 'throw' }, ends: 'FAILED' },
  { functionName: 'SendDrillReport', fault: { mode: 'throw' }, ends: 'FAILED' },
] as const;

describe('a restore drill forced to fail at each stage', () => {
  it.each(stages.map((stage) => [`${stage.functionName} ${stage.fault.mode}s${'times' in stage.fault ? ' once' : ''}`, stage] as const))(
    '%s: the run ends, the failure is recorded, and no drill table is left',
    async (_name, { functionName, fault, ends }) => {
      local.stack.faults.functions.set(functionName, fault);
      const { runId, execution } = await drills.runDrill(plan.id);
      expect(execution.status).toBe(ends);
      expect(await drills.drillTables()).toEqual([]);

      const trail = await listStoredEvents(local.stack.tableName, drillRunPk(runId));
      // A failure before the run record exists leaves no trail; every later one is recorded in an intact chain.
      if (trail.length > 0) {
        expect(verifyChain(trail).problems).toEqual([]);
        const types = trail.map(({ event }) => String(event.type));
        if (ends === 'SUCCEEDED') expect(types).toContain('drill.passed');
        else if (functionName !== 'RecordDrillOutcome' && functionName !== 'SendDrillReport') expect(types).toContain('drill.failed');
        expect(types.some((type) => type.startsWith('drill.cleanup') || type.includes('cleaned'))).toBe(true);
      }
    },
  );
});

describe('DynamoDB throttling under runbook runs', () => {
  it('1 request in 5 throttled: every run still ends, its trail intact and complete', async () => {
    local.stack.faults.dynamodb.set({ rate: 0.2, error: 'throttle', operations: ['PutItem', 'UpdateItem', 'GetItem', 'Query'], seed: 7 });
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, index) => local.openIncident({ runbookId: 'triage-notify', title: `Throttled ${index}`, severity: 'SEV3', summary: 'under throttling' })),
    );
    // Opening can itself be throttled past the SDK's retries: the API then answers 503 with Retry-After (AWS's rate, not a
    // fault: never a 500) and no run starts. Follow the opened ones.
    for (const response of created) {
      expect([202, 503], JSON.stringify(response.body)).toContain(response.status);
      if (response.status === 503) expect(response.headers.get('retry-after')).toBe('2');
    }
    const opened = created.filter((response) => response.status === 202);
    expect(opened.length).toBeGreaterThan(0);
    const executions = await Promise.all(opened.map((response) => local.waitForExecution(response.body.executionArn as string, 4000)));
    expect(local.stack.faults.dynamodb.injected).toBeGreaterThan(0);
    local.stack.faults.dynamodb.set(undefined);
    for (const [index, execution] of executions.entries()) {
      expect(execution.status).not.toBe('RUNNING');
      const trail = await listStoredEvents(local.stack.tableName, incidentPk(opened[index]!.body.incidentId as string));
      expect(verifyChain(trail).problems).toEqual([]);
      const types = trail.map(({ event }) => String(event.type));
      expect(types[0]).toBe('incident.opened');
      expect(types.at(-1)).toBe(execution.status === 'SUCCEEDED' ? 'runbook.completed' : 'runbook.failed');
    }
  });
});

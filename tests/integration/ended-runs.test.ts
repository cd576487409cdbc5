import { randomUUID } from 'node:crypto';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStoredEvents } from '../../functions/aws/event-trail.js';
import { drillRunPk, incidentPk } from '../../functions/domain/keys.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { runbookSession } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * A run whose execution ends outside its own error handling (stopped from the console, timed out) hears of it from
 * Step Functions' status-change event on the default bus, as in AWS: its record says aborted, never "running" forever.
 */

const SOURCE = 'irdr-ended-orders';
// Restores take a simulated 2 minutes (2 s here at 60x): long enough to stop the drill while it waits.
const plans = [testPlan({ id: 'ended-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })];
let local: TestStack;

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60, drillPlans: plans, dynamodbRecovery: { restoreDuration: { baseMs: 120_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 } });
  const drills = drillSession(local);
  await drills.restorableSource(SOURCE, 5);
});
afterAll(async () => {
  await local?.stop();
});

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

// Each stops its own run: side by side.
describe.concurrent('runs whose execution ended outside their own error handling', () => {
  it('an incident whose runbook was stopped mid-run is marked aborted, with who stopped it and why, in its trail', async ({ expect }) => {
    const created = await local.openIncident({ runbookId: 'security-incident', title: 'Stopped from the console', severity: 'SEV2', summary: 'stopped mid-run' });
    const { incidentId, executionArn } = created.body as { incidentId: string; executionArn: string };
    await runbookSession(local).waitForTaskNotified(incidentId, 'acknowledge');
    await local.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Cancelled', cause: 'duplicate of another incident' }));

    const incident = await until('the incident to say aborted', async () => {
      const read = await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' });
      return read.body.incident?.runbookStatus === 'aborted' ? read.body.incident : undefined;
    });
    expect(incident.status).toBe('open');
    const events = await listStoredEvents(local.stack.tableName, incidentPk(incidentId));
    const aborted = events.map(({ event }) => event).filter((event) => event.type === 'runbook.aborted');
    expect(aborted).toEqual([
      expect.objectContaining({
        actor: `states:${executionArn}`,
        detail: { reason: 'its execution was stopped: Operator.Cancelled (duplicate of another incident) before the run could record an outcome', executionArn },
      }),
    ]);
  });

  it('a drill stopped while its restore runs is marked failed (aborted), and the table it was restoring is deleted', async ({ expect }) => {
    const drills = drillSession(local);
    const runId = randomUUID();
    const { executionArn } = await local.sfn.send(
      new StartExecutionCommand({ stateMachineArn: local.stack.drillStateMachineArn, name: runId, input: JSON.stringify({ planId: 'ended-pitr', trigger: 'api' }) }),
    );
    const restoreTable = await until('the restore to start', async () => {
      const tables = await drills.drillTables();
      return tables.find((name) => name.includes(runId));
    });
    await local.sfn.send(new StopExecutionCommand({ executionArn }));

    const run = await until('the run to say failed', async () => {
      const read = await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' });
      return read.body.run?.status === 'failed' ? read.body.run : undefined;
    });
    expect(run.reasons).toEqual(['aborted: its execution was stopped before the run could record an outcome']);
    expect(run.cleanup).toMatchObject({ status: 'DELETED', tableName: restoreTable });
    expect(await drills.tableExists(restoreTable)).toBe(false);
    const types = (await listStoredEvents(local.stack.tableName, drillRunPk(runId))).map(({ event }) => event.type);
    expect(types.at(-1)).toBe('drill.aborted');
  });
});

// Every drill's checks throw while this runs: alone.
describe('runs whose execution ended outside their own error handling', () => {
  it('a run that records its own failure is left as it recorded it', async () => {
    local.stack.faults.functions.set('RunDrillChecks', { mode: 'throw' });
    try {
      const { runId, execution } = await drillSession(local).runDrill('ended-pitr');
      expect(execution.status).toBe('FAILED');
      // The status-change event is delivered after the execution ends: give it the time it takes.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const types = (await listStoredEvents(local.stack.tableName, drillRunPk(runId))).map(({ event }) => event.type);
      expect(types).not.toContain('drill.aborted');
      expect(types).toContain('drill.failed');
    } finally {
      local.stack.faults.functions.clear();
    }
  });
});

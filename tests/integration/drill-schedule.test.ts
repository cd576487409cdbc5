import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const SOURCE = 'irdr-scheduled-orders';
const CANARY_KEY = { pk: 'irdr#canary', sk: 'irdr#canary' };
const plans = [
  testPlan({
    id: 'half-hourly',
    schedule: { expression: 'rate(30 minutes)' },
    source: { type: 'dynamodb-table', tableName: SOURCE },
    checks: [{ type: 'canary', key: CANARY_KEY, intervalMinutes: 1 }],
  }),
  testPlan({ id: 'disabled', schedule: { expression: 'rate(1 hour)', enabled: false }, source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] }),
];

let local: TestStack;

beforeAll(async () => {
  // 600x: half an hour of schedule time is 3 s, a minute 0.1 s.
  local = await startTestStack({
    timeScale: 600,
    drillPlans: plans,
    drillSchedules: true,
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  const drills = drillSession(local);
  await drills.createSourceTable(SOURCE);
  await drills.seed(SOURCE, 5);
});

afterAll(async () => {
  await local?.stop();
});

describe('drill schedules on the local scheduler (the same expressions CDK deploys to EventBridge Scheduler)', () => {
  it('the canary writer keeps the canary fresh, and the plan\'s schedule runs the drill, which measures RPO by it', async () => {
    const documents = drillSession(local).documents;
    const canaryAt = async () =>
      (await documents.send(new GetCommand({ TableName: SOURCE, Key: CANARY_KEY, ConsistentRead: true }))).Item?.writtenAt as string | undefined;
    let first: string | undefined;
    for (let attempt = 0; attempt < 200 && !first; attempt += 1) {
      first = await canaryAt();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(first).toBeDefined();
    let later = first;
    for (let attempt = 0; attempt < 200 && later === first; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      later = await canaryAt();
    }
    expect(later! > first!).toBe(true);

    // The first fire to come after the canary was written and PITR's lag (plus the second a point is rounded down to)
    // has passed; a fire before that may rightly fail for want of a canary.
    const canaryRestorableFrom = Date.parse(first!) + 1500;
    let scheduled: { executionArn?: string; startDate?: Date } | undefined;
    for (let attempt = 0; attempt < 600 && !scheduled; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const executions = (await local.sfn.send(new ListExecutionsCommand({ stateMachineArn: local.stack.drillStateMachineArn }))).executions ?? [];
      scheduled = executions.find((candidate) => (candidate.startDate?.getTime() ?? 0) > canaryRestorableFrom);
    }
    expect(scheduled).toBeDefined();
    const execution = await local.waitForExecution(scheduled!.executionArn!, 2400);
    const runId = execution.name!;
    const view = await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' });
    expect(execution.status, JSON.stringify(view.body.run?.reasons)).toBe('SUCCEEDED');
    expect(view.body.run).toMatchObject({ planId: 'half-hourly', trigger: 'schedule', status: 'passed', rpo: { method: 'canary' } });

    // The disabled plan's schedule never fired.
    const all = (await local.sfn.send(new ListExecutionsCommand({ stateMachineArn: local.stack.drillStateMachineArn }))).executions ?? [];
    const planIds = await Promise.all(
      all.map(async ({ executionArn }) => (JSON.parse((await local.sfn.send(new DescribeExecutionCommand({ executionArn }))).input ?? '{}') as { planId?: string }).planId),
    );
    expect(new Set(planIds)).toEqual(new Set(['half-hourly']));
  });
});

/**
 * State transitions and modeled AWS cost of a typical run of each built-in runbook, and of one restore drill (20
 * simulated minutes of restore, adaptive polling), measured on the local stack running the real state machines and
 * handlers: transitions from the execution history, Lambda invocations and their local durations, DynamoDB requests
 * and SES sends as the handlers made them. Prices: bench/aws-prices.ts.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { functionRegistry } from '../functions/registry.js';
import { FINISHED_INVOCATIONS_CHANNEL, recordAwsCalls, type FinishedInvocation, type RecordedAwsCall } from '../local/aws-call-recorder.js';
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { executionHistory, runbookSession, stateTransitions } from '../tests/integration/support/runbook-session.js';
import { startTestStack, type TestStack } from '../tests/integration/support/stack-session.js';
import { typicalRuns } from '../tests/integration/support/typical-runs.js';
import { AWS_PRICES } from './aws-prices.js';
import type { Bench, BenchFigure } from './figure.js';
import { runIfMain } from './stats.js';

const WRITES = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
const READS = new Set(['dynamodb:GetItem', 'dynamodb:Query']);
const memoryGbOf = new Map(functionRegistry.map((spec) => [spec.name as string, spec.memoryMb / 1024]));

interface RunUsage {
  transitions: number;
  invocations: number;
  gbSeconds: number;
  writeUnits: number;
  readUnits: number;
  emails: number;
}

/** Watches the handlers while `work` runs: their invocations (with durations) and their AWS requests. */
async function usageOf(local: TestStack, work: () => Promise<string>): Promise<RunUsage> {
  const finished: FinishedInvocation[] = [];
  const onFinished = (message: unknown): void => {
    finished.push(message as FinishedInvocation);
  };
  diagnosticsChannel.subscribe(FINISHED_INVOCATIONS_CHANNEL, onFinished);
  const recorder = recordAwsCalls();
  let calls: RecordedAwsCall[];
  let executionArn: string;
  try {
    executionArn = await work();
    await local.waitForQuiet();
  } finally {
    calls = recorder.calls();
    recorder.stop();
    diagnosticsChannel.unsubscribe(FINISHED_INVOCATIONS_CHANNEL, onFinished);
  }
  const count = (actions: Set<string>) => calls.filter((call) => actions.has(call.action)).length;
  return {
    transitions: stateTransitions(await executionHistory(local, executionArn)),
    invocations: finished.length,
    // Lambda bills each invocation's duration rounded up to the millisecond, at the function's memory.
    gbSeconds: finished.reduce((sum, { functionName, durationMs }) => sum + (Math.ceil(durationMs) / 1000) * (memoryGbOf.get(functionName) ?? 0.128), 0),
    // Items here are under 1 KB (a write request unit each) and reads under 4 KB, strongly consistent (a read unit each).
    writeUnits: count(WRITES),
    readUnits: count(READS),
    emails: calls.filter((call) => call.action === 'ses:SendEmail').length,
  };
}

const costOf = (usage: RunUsage): number =>
  usage.transitions * AWS_PRICES.stepFunctionsStandardPerStateTransition +
  usage.invocations * AWS_PRICES.lambdaPerRequest +
  usage.gbSeconds * AWS_PRICES.lambdaArmPerGbSecond +
  usage.writeUnits * AWS_PRICES.dynamodbPerWriteRequestUnit +
  usage.readUnits * AWS_PRICES.dynamodbPerReadRequestUnit +
  usage.emails * AWS_PRICES.sesPerEmail;

const describe = (usage: RunUsage): string =>
  `${usage.invocations} invocations (${usage.gbSeconds.toFixed(2)} GB-s, local durations), ${usage.writeUnits} WRU, ${usage.readUnits} RRU, ${usage.emails} emails`;

/** The workload the monthly figure states: incidents per runbook per month, and drills per month. */
export const MONTHLY_WORKLOAD = { incidentsPerRunbook: 5, drillsPerMonth: 3 * 4 } as const;

export const bench: Bench = async () => {
  const SOURCE = 'irdr-bench-cost';
  const plan = testPlan({ id: 'cost-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }, { type: 'sample-keys', count: 10 }] });
  const local = await startTestStack({
    timeScale: 600,
    drillPlans: [plan],
    dynamodbRecovery: { restoreDuration: { baseMs: 20 * 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  const figures: BenchFigure[] = [];
  let monthly = 0;
  try {
    const session = runbookSession(local);
    for (const { runbookId, severity, decide } of typicalRuns) {
      const usage = await usageOf(local, async () => {
        const { incidentId, executionArn } = await session.open({ runbookId, title: `Cost of ${runbookId}`, severity, summary: 'cost bench', awareAt: new Date().toISOString() });
        await session.completeEverything(incidentId, executionArn, decide);
        return executionArn;
      });
      const cost = costOf(usage);
      monthly += cost * MONTHLY_WORKLOAD.incidentsPerRunbook;
      figures.push({ bench: 'run-cost', name: `${runbookId} (${severity}) transitions`, value: usage.transitions, unit: 'transitions' });
      figures.push({ bench: 'run-cost', name: `${runbookId} (${severity}) per run`, value: cost * 1000, unit: 'USD per 1,000 runs', note: describe(usage) });
    }
    const drills = drillSession(local);
    await drills.createSourceTable(SOURCE);
    await drills.seed(SOURCE, 50);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const usage = await usageOf(local, async () => (await drills.runDrill(plan.id)).execution.executionArn!);
    const drillCost = costOf(usage);
    monthly += drillCost * MONTHLY_WORKLOAD.drillsPerMonth;
    figures.push({ bench: 'run-cost', name: 'drill, 20-min restore, transitions', value: usage.transitions, unit: 'transitions' });
    figures.push({ bench: 'run-cost', name: 'drill, 20-min restore, per run', value: drillCost * 1000, unit: 'USD per 1,000 runs', note: `${describe(usage)}; the restore itself (PITR) is billed by DynamoDB per GB, not modeled` });
    figures.push({
      bench: 'run-cost',
      name: 'per month',
      value: monthly,
      unit: 'USD',
      note: `${MONTHLY_WORKLOAD.incidentsPerRunbook} incidents of each of the ${typicalRuns.length} runbooks + ${MONTHLY_WORKLOAD.drillsPerMonth} drills; ${AWS_PRICES.region} prices of ${AWS_PRICES.asOf}; excludes storage, logs, alarms, KMS keys`,
    });
    return figures;
  } finally {
    await local.stop();
  }
};

await runIfMain(import.meta.url, bench);

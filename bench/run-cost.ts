/**
 * State transitions and modeled AWS cost of a typical run of each built-in runbook, and of one restore drill (20
 * simulated minutes of restore, adaptive polling), measured on the local stack running the real state machines and
 * handlers: transitions from the execution history, Lambda invocations and their local durations, the DynamoDB
 * request units the handlers' calls consumed (ReturnConsumedCapacity, asked for by the local DynamoDB's front) and
 * SES sends. Prices: bench/aws-prices.ts.
 *
 * Measured on dynalite, which reports no global secondary index upkeep (local/dynamodb/capacity-reports.ts).
 * IRDR_BENCH_DYNAMODB=local measures the runbooks on DynamoDB Local, which does report it, to compare; not the drill,
 * which tags its restored table, and DynamoDB Local has no tagging. Writes refused by their condition are counted
 * apart: AWS bills them (at least 1 WRU each) but neither it nor an emulator says how much.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { functionRegistry } from '../functions/registry.js';
import { FINISHED_INVOCATIONS_CHANNEL, recordAwsCalls, type FinishedInvocation, type RecordedAwsCall } from '../local/aws-call-recorder.js';
import { meterDynamoDbCapacity, sumOfUnits, type MeteredDynamoDbCall } from '../local/dynamodb-capacity-meter.js';
import type { DynamoDbBackend } from '../local/dynamodb/servers.js';
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { executionHistory, runbookSession, stateTransitions } from '../tests/integration/support/runbook-session.js';
import { startTestStack, type TestStack } from '../tests/integration/support/stack-session.js';
import { typicalRuns } from '../tests/integration/support/typical-runs.js';
import { AWS_PRICES } from './aws-prices.js';
import { describeDynamoDb, topFunctions } from './dynamodb-usage.js';
import type { Bench, BenchFigure } from './figure.js';
import { runIfMain } from './stats.js';

const memoryGbOf = new Map(functionRegistry.map((spec) => [spec.name as string, spec.memoryMb / 1024]));
const backend: DynamoDbBackend = process.env.IRDR_BENCH_DYNAMODB === 'local' ? 'local' : 'embedded';

interface RunUsage {
  transitions: number;
  invocations: number;
  gbSeconds: number;
  dynamodb: readonly MeteredDynamoDbCall[];
  emails: number;
}

/** Watches the handlers while `work` runs: their invocations (with durations), their AWS requests and the DynamoDB units consumed. */
async function usageOf(local: TestStack, work: () => Promise<string>): Promise<RunUsage> {
  const finished: FinishedInvocation[] = [];
  const onFinished = (message: unknown): void => {
    finished.push(message as FinishedInvocation);
  };
  diagnosticsChannel.subscribe(FINISHED_INVOCATIONS_CHANNEL, onFinished);
  const recorder = recordAwsCalls();
  const meter = meterDynamoDbCapacity();
  let calls: RecordedAwsCall[];
  let dynamodb: MeteredDynamoDbCall[];
  let executionArn: string;
  try {
    executionArn = await work();
    await local.waitForQuiet();
  } finally {
    calls = recorder.calls();
    dynamodb = meter.calls();
    recorder.stop();
    meter.stop();
    diagnosticsChannel.unsubscribe(FINISHED_INVOCATIONS_CHANNEL, onFinished);
  }
  const unreported = dynamodb.find((call) => call.consumed === undefined);
  if (unreported) throw new Error(`${unreported.functionName}'s ${unreported.action} came back with no capacity report`);
  return {
    transitions: stateTransitions(await executionHistory(local, executionArn)),
    invocations: finished.length,
    // Lambda bills each invocation's duration rounded up to the millisecond, at the function's memory.
    gbSeconds: finished.reduce((sum, { functionName, durationMs }) => sum + (Math.ceil(durationMs) / 1000) * (memoryGbOf.get(functionName) ?? 0.128), 0),
    dynamodb,
    emails: calls.filter((call) => call.action === 'ses:SendEmail').length,
  };
}

const costOf = (usage: RunUsage): number => {
  const units = sumOfUnits(usage.dynamodb);
  return (
    usage.transitions * AWS_PRICES.stepFunctionsStandardPerStateTransition +
    usage.invocations * AWS_PRICES.lambdaPerRequest +
    usage.gbSeconds * AWS_PRICES.lambdaArmPerGbSecond +
    units.writeUnits * AWS_PRICES.dynamodbPerWriteRequestUnit +
    units.readUnits * AWS_PRICES.dynamodbPerReadRequestUnit +
    usage.emails * AWS_PRICES.sesPerEmail
  );
};

const describe = (usage: RunUsage): string =>
  `${usage.invocations} invocations (${usage.gbSeconds.toFixed(2)} GB-s, local durations), ${describeDynamoDb(usage.dynamodb)}, ${usage.emails} emails`;

/** The workload the monthly figure states: incidents per runbook per month, and drills per month. */
export const MONTHLY_WORKLOAD = { incidentsPerRunbook: 5, drillsPerMonth: 3 * 4 } as const;

export const bench: Bench = async () => {
  const SOURCE = 'irdr-bench-cost';
  const plan = testPlan({ id: 'cost-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }, { type: 'sample-keys', count: 10 }] });
  const local = await startTestStack({
    dynamodb: backend,
    reportDynamoDbCapacity: true,
    timeScale: 600,
    drillPlans: [plan],
    dynamodbRecovery: { restoreDuration: { baseMs: 20 * 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  const figures: BenchFigure[] = [];
  const everyCall: MeteredDynamoDbCall[] = [];
  let monthly = 0;
  try {
    const session = runbookSession(local);
    for (const { runbookId, severity, decide } of typicalRuns) {
      const usage = await usageOf(local, async () => {
        const { incidentId, executionArn } = await session.open({ runbookId, title: `Cost of ${runbookId}`, severity, summary: 'cost bench', awareAt: new Date().toISOString() });
        const end = await session.completeEverything(incidentId, executionArn, decide);
        // A run off its usual path would price something else; say so rather than publish it.
        if (end.status !== 'SUCCEEDED') throw new Error(`${runbookId} ended ${end.status}: ${end.error ?? ''} ${end.cause ?? ''}`);
        return executionArn;
      });
      const cost = costOf(usage);
      everyCall.push(...usage.dynamodb);
      monthly += cost * MONTHLY_WORKLOAD.incidentsPerRunbook;
      figures.push({ bench: 'run-cost', name: `${runbookId} (${severity}) transitions`, value: usage.transitions, unit: 'transitions' });
      figures.push({ bench: 'run-cost', name: `${runbookId} (${severity}) per run`, value: cost * 1000, unit: 'USD per 1,000 runs', note: describe(usage) });
    }
    if (backend === 'embedded') {
      const drills = drillSession(local);
      await drills.restorableSource(SOURCE, 50);
      const usage = await usageOf(local, async () => {
        const { execution, view } = await drills.runDrill(plan.id);
        // A failed drill opens a dr-drill-failure incident whose run waits for people: waitForQuiet would only time out.
        if (execution.status !== 'SUCCEEDED') throw new Error(`drill ${plan.id} ended ${execution.status}/${view.run?.status}: ${JSON.stringify(view.run?.reasons)}`);
        return execution.executionArn!;
      });
      const drillCost = costOf(usage);
      everyCall.push(...usage.dynamodb);
      monthly += drillCost * MONTHLY_WORKLOAD.drillsPerMonth;
      figures.push({ bench: 'run-cost', name: 'drill, 20-min restore, transitions', value: usage.transitions, unit: 'transitions' });
      figures.push({ bench: 'run-cost', name: 'drill, 20-min restore, per run', value: drillCost * 1000, unit: 'USD per 1,000 runs', note: `${describe(usage)}; the restore itself (PITR) is billed by DynamoDB per GB, not modeled` });
    }
    const drillsMeasured = backend === 'embedded' ? MONTHLY_WORKLOAD.drillsPerMonth : 0;
    figures.push({
      bench: 'run-cost',
      name: 'per month',
      value: monthly,
      unit: 'USD',
      note: `${MONTHLY_WORKLOAD.incidentsPerRunbook} incidents of each of the ${typicalRuns.length} runbooks + ${drillsMeasured} drills; ${AWS_PRICES.region} prices of ${AWS_PRICES.asOf}; excludes storage, logs, alarms, KMS keys`,
    });
    const total = sumOfUnits(everyCall);
    const measuredOn = backend === 'local' ? 'DynamoDB Local; no drill: it tags tables, which DynamoDB Local cannot' : 'dynalite, which reports no index upkeep';
    figures.push({
      bench: 'run-cost',
      name: 'WRU by function, one run of each',
      value: total.writeUnits,
      unit: 'WRU',
      note: `${topFunctions(everyCall, (units) => units.writeUnits, 6)}; ${total.indexWriteUnits} for indexes; measured on ${measuredOn}`,
    });
    figures.push({ bench: 'run-cost', name: 'RRU by function, one run of each', value: total.readUnits, unit: 'RRU', note: topFunctions(everyCall, (units) => units.readUnits, 6) });
    return figures;
  } finally {
    await local.stop();
  }
};

await runIfMain(import.meta.url, bench);

/**
 * Orchestration overhead: a triage-notify run from start to end through our local Step Functions (StartExecution
 * over its API until DescribeExecution says it succeeded: history, timeouts and the in-process Lambda runtime
 * included) against the bare aws-local-stepfunctions engine running the same ASL with each task a direct call of
 * the same handler (bench/bare-engine.ts), over the same DynamoDB and SES, one run of each in turn.
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, DescribeStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { appendEvent } from '../functions/aws/event-trail.js';
import { putNewIncident } from '../functions/aws/incident-store.js';
import type { Incident, RunbookExecutionInput } from '../functions/domain/incident.js';
import { incidentPk } from '../functions/domain/keys.js';
import { executionHistory, stateTransitions } from '../tests/integration/support/runbook-session.js';
import { startTestStack, type TestStack } from '../tests/integration/support/stack-session.js';
import { bareEngine } from './bare-engine.js';
import { compared, type Bench, type BenchFigure } from './figure.js';
import { FinishedInvocations } from './finished-invocations.js';
import { quantile, runIfMain, sampleSize } from './stats.js';

const RUNBOOK_ID = 'triage-notify';
const POLL_MS = 1;

/** An incident recorded as POST /incidents records it (META item and `incident.opened`), its runbook not yet started. */
async function openedIncident(local: TestStack, label: string): Promise<RunbookExecutionInput> {
  const { blueprint } = local.stack.stateMachines.find((machine) => machine.blueprint.runbookId === RUNBOOK_ID)!;
  const now = new Date().toISOString();
  const incident: Incident = {
    incidentId: randomUUID(),
    runbookId: RUNBOOK_ID,
    runbookVersion: blueprint.version,
    runbookHash: blueprint.hash,
    title: `Overhead ${label}`,
    severity: 'SEV3',
    summary: 'orchestration overhead bench',
    mode: 'live',
    openedAt: now,
    openedBy: 'irdr:bench',
    status: 'open',
    runbookStatus: 'starting',
    updatedAt: now,
  };
  await putNewIncident(local.stack.tableName, incident);
  await appendEvent(local.stack.tableName, incidentPk(incident.incidentId), { type: 'incident.opened', at: now, actor: 'irdr:bench', detail: { runbookId: RUNBOOK_ID } });
  const { incidentId, title, severity, summary, mode } = incident;
  return { incidentId, runbookId: RUNBOOK_ID, runbookTitle: blueprint.title, runbookVersion: blueprint.version, runbookHash: blueprint.hash, title, severity, summary, mode };
}

interface OurRun {
  readonly executionArn: string;
  /** By the execution's own start and stop dates (ms resolution): without the API round trips. */
  readonly ranMs: number;
}

/**
 * Through our local Step Functions, as the product starts a runbook, until DescribeExecution says it succeeded. Asks
 * only once its `invocations` handler calls have finished, so no polling request competes with the run itself.
 */
async function runOnOurs(local: TestStack, stateMachineArn: string, input: RunbookExecutionInput, finished: FinishedInvocations, invocations: number): Promise<OurRun> {
  const lastTaskDone = finished.next(invocations);
  const { executionArn } = await local.sfn.send(new StartExecutionCommand({ stateMachineArn, name: input.incidentId, input: JSON.stringify(input) }));
  await lastTaskDone;
  for (;;) {
    const { status, startDate, stopDate } = await local.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status === 'SUCCEEDED') return { executionArn: executionArn!, ranMs: stopDate!.getTime() - startDate!.getTime() };
    if (status !== 'RUNNING') throw new Error(`${RUNBOOK_ID} ended ${status} on our runtime`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** The event types of an incident's trail: both runtimes must have taken the same path. */
async function trailTypes(local: TestStack, incidentId: string): Promise<string> {
  const response = await local.api('GET', `/incidents/${incidentId}`);
  return (response.body.events as Array<{ type: string }>).map((event) => event.type).join(' → ');
}

export const bench: Bench = async () => {
  const samples = sampleSize(300, 40);
  const local = await startTestStack();
  const finished = new FinishedInvocations();
  try {
    const { stateMachineArn } = local.stack.stateMachines.find((machine) => machine.blueprint.runbookId === RUNBOOK_ID)!;
    // The ASL exactly as our runtime runs it, placeholders substituted.
    const { definition } = await local.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const bare = await bareEngine(stateMachineArn, definition!);

    // Warm both (module init, first connections); learn how many handler calls a run makes; check both took the same path.
    const oursWarm = await openedIncident(local, 'warm-up ours');
    const before = finished.count;
    const warm = await runOnOurs(local, stateMachineArn, oursWarm, finished, 0);
    await local.waitForQuiet();
    const invocations = finished.count - before;
    const bareWarm = await openedIncident(local, 'warm-up bare');
    await bare.run(bareWarm.incidentId, bareWarm);
    const [oursPath, barePath] = [await trailTypes(local, oursWarm.incidentId), await trailTypes(local, bareWarm.incidentId)];
    if (oursPath !== barePath) throw new Error(`the runtimes took different paths: ours ${oursPath}; bare ${barePath}`);
    const transitions = stateTransitions(await executionHistory(local, warm.executionArn));

    const ours: number[] = [];
    const oursRan: number[] = [];
    const bareTimes: number[] = [];
    for (let index = 0; index < samples; index += 1) {
      const oursInput = await openedIncident(local, `${index} ours`);
      const bareInput = await openedIncident(local, `${index} bare`);
      const runOurs = async (): Promise<void> => {
        const { ms, result } = await timed(() => runOnOurs(local, stateMachineArn, oursInput, finished, invocations));
        ours.push(ms);
        oursRan.push(result.ranMs);
      };
      const runBare = async (): Promise<void> => {
        bareTimes.push((await timed(() => bare.run(bareInput.incidentId, bareInput))).ms);
      };
      // Alternate which goes first, so neither always runs in the other's wake (its garbage, its timers).
      if (index % 2 === 0) await runOurs().then(runBare);
      else await runBare().then(runOurs);
    }
    await local.waitForQuiet();

    const note = `${samples} runs of each, alternating; ours: StartExecution, then DescribeExecution once its ${invocations} handler calls are done; bare: StateMachine.run(...).result`;
    const figures = (['p50', 'p95'] as const).map(
      (name): BenchFigure =>
        compared({
          bench: 'orchestration-overhead',
          name: `${RUNBOOK_ID} ${name} per run`,
          value: quantile(ours, Number(name.slice(1)) / 100),
          unit: 'ms',
          baseline: { name: `bare engine ${name} (ms)`, value: quantile(bareTimes, Number(name.slice(1)) / 100) },
          note,
        }),
    );
    figures.push(
      compared({
        bench: 'orchestration-overhead',
        name: `${RUNBOOK_ID} p50 start→stop`,
        value: quantile(oursRan, 0.5),
        unit: 'ms',
        baseline: { name: 'bare engine p50 (ms)', value: quantile(bareTimes, 0.5) },
        note: 'ours by the execution\'s own start and stop dates (ms resolution): the API round trips left out',
      }),
    );
    const overheadPerTransition = (quantile(ours, 0.5) - quantile(bareTimes, 0.5)) / transitions;
    figures.push({
      bench: 'orchestration-overhead',
      name: `${RUNBOOK_ID} transitions`,
      value: transitions,
      unit: 'transitions',
      note: `the same path in both (trail: ${oursPath}); p50 overhead ${overheadPerTransition.toFixed(2)} ms per transition`,
    });
    return figures;
  } finally {
    finished.stop();
    await local.stop();
  }
};

await runIfMain(import.meta.url, bench);

import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { requireDrillPlan, requireStateMachine } from './stack-preflight.js';
import { requireTable } from './table-preflight.js';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { getRun } from '../functions/aws/drill/drill-run-store.js';
import type { DrillExecutionInput } from '../functions/domain/drill/run.js';
import type { DrillRunRecord } from '../functions/domain/drill/run-record.js';
import { rpoOutcome, rtoOutcome } from '../functions/domain/drill/objectives.js';
import { objectiveLine } from '../functions/domain/drill/report-email.js';

interface RunFlags {
  stateMachineArn: string;
  tableName: string;
  /** Seconds between looks at the execution. */
  interval: number;
}

export interface FinishedDrill {
  readonly runId: string;
  readonly status: string;
  readonly error?: string;
  readonly run?: DrillRunRecord;
}

/** States of the wait loop that need no line of their own: each look at the restore gets one. */
const QUIET_STATES = new Set(['Wait for restore', 'Restore done?', 'Wait for cleanup', 'Cleanup done?']);

/** One line per state entered, in order, from the history; looks at the restore are numbered. */
function progressLines(events: readonly HistoryEvent[]): string[] {
  const lines: string[] = [];
  let looks = 0;
  for (const event of events) {
    const name = event.stateEnteredEventDetails?.name;
    if (!name || QUIET_STATES.has(name)) continue;
    if (name === 'Check restore') looks += 1;
    lines.push(name === 'Check restore' ? `${name} (look ${looks})` : name);
  }
  return lines;
}

/**
 * `irdr drills run <planId>`: starts the plan's drill on the drill state machine, prints each step as the run enters it,
 * then the outcome from the run's record; exits 1 if the drill failed. Uses the SDK's usual settings
 * (`eval "$(npx irdr local env)"` for the local stack).
 */
export async function drillsRunCommand(planId: string, flags: RunFlags): Promise<void> {
  // A typo starts nothing: no execution, no failed run in the trail, no email to the commanders.
  requireDrillPlan(planId);
  await requireStateMachine(flags.stateMachineArn);
  await requireTable(flags.tableName);
  const finished = await runDrillWithProgress(planId, flags, { trigger: 'cli', requestedBy: `cli:${userInfo().username}` });
  if (finished.status !== 'SUCCEEDED') process.exitCode = 1;
}

/** Starts a drill, prints each state as the run enters it and then the outcome; returns how it ended. */
export async function runDrillWithProgress(
  planId: string,
  flags: RunFlags,
  who: Pick<DrillExecutionInput, 'trigger' | 'requestedBy'>,
  // The demo runs drills side by side and prints each one's lines together (local/cli/demo-lanes.ts).
  print: (line: string) => void = (line) => console.log(line),
): Promise<FinishedDrill> {
  const sfn = new SFNClient({});
  const runId = randomUUID();
  const input: DrillExecutionInput = { planId, ...who };
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: flags.stateMachineArn, name: runId, input: JSON.stringify(input) }));
  print(`drill ${planId}: run ${runId} started`);
  let seen = 0;
  let status = 'RUNNING';
  let error: string | undefined;
  while (status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, flags.interval * 1000));
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const lines = progressLines(history.events ?? []);
    for (const line of lines.slice(seen)) print(`  → ${line}`);
    seen = lines.length;
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    status = execution.status ?? 'UNKNOWN';
    error = execution.error;
  }
  sfn.destroy();
  const run = await getRun(flags.tableName, runId);
  printOutcome(run, status, error, print);
  return { runId, status, ...(error !== undefined && { error }), ...(run !== undefined && { run }) };
}

function printOutcome(run: DrillRunRecord | undefined, status: string, error: string | undefined, print: (line: string) => void): void {
  print(`execution ${status}${error ? ` (${error})` : ''}`);
  if (!run) return;
  print(`drill ${run.status.toUpperCase()}`);
  print(`  ${objectiveLine('RTO', rtoOutcome(run))} (target ${run.targets?.rtoMinutes ?? '?'} min)`);
  print(`  ${objectiveLine('RPO', rpoOutcome(run))} (target ${run.targets?.rpoMinutes ?? '?'} min)`);
  for (const check of run.checks ?? []) print(`  [${check.passed ? 'PASS' : 'FAIL'}] ${check.id}: expected ${check.expected}; found ${check.actual}`);
  print(`  cleanup: ${run.cleanup?.status ?? 'not run'}${run.cleanup?.tableName ? ` ${run.cleanup.tableName}` : ''}`);
  for (const reason of run.reasons ?? []) print(`  - ${reason}`);
  if (run.failureIncidentId) print(`  failure incident: ${run.failureIncidentId}`);
}

/**
 * 200 incidents opened at once: all recorded, every chain intact, and the time until every run has finished,
 * against the time one incident takes alone on the same stack in the same run.
 */
import { randomUUID } from 'node:crypto';
import { verifyIncidentTrails } from '../functions/aws/trail-verification.js';
import { startTestStack, type TestStack } from '../tests/integration/support/stack-session.js';
import { compared, type Bench } from './figure.js';
import { runIfMain, sampleSize } from './stats.js';

async function openAndFinish(local: TestStack, count: number, batch: string): Promise<number> {
  const started = performance.now();
  const created = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      local.openIncident({ runbookId: 'triage-notify', title: `${batch} ${index}`, severity: 'SEV3', summary: 'concurrency bench' }, { idempotencyKey: randomUUID() }),
    ),
  );
  const refused = created.filter((response) => response.status !== 202);
  if (refused.length > 0) throw new Error(`${refused.length} of ${count} POST /incidents were refused: ${JSON.stringify(refused[0]!.body)}`);
  const executions = await Promise.all(created.map((response) => local.waitForExecution(response.body.executionArn as string, 20_000)));
  const failed = executions.filter((execution) => execution.status !== 'SUCCEEDED');
  if (failed.length > 0) throw new Error(`${failed.length} of ${count} runs did not succeed`);
  return (performance.now() - started) / 1000;
}

export const bench: Bench = async () => {
  const count = sampleSize(200, 50);
  const local = await startTestStack();
  try {
    const periodStart = new Date(Date.now() - 1000).toISOString();
    const alone = await openAndFinish(local, 1, 'alone');
    const together = await openAndFinish(local, count, 'together');
    const trails = await verifyIncidentTrails(local.stack.tableName, { from: periodStart, to: new Date(Date.now() + 1000).toISOString() });
    const broken = trails.filter((trail) => trail.problems.length > 0).length;
    if (trails.length !== count + 1 || broken > 0) throw new Error(`${trails.length} trails recorded of ${count + 1}, ${broken} broken`);
    const events = trails.reduce((sum, trail) => sum + trail.length, 0);
    return [
      compared({
        bench: 'concurrent-incidents',
        name: `${count} at once, all finished`,
        value: together,
        unit: 's',
        baseline: { name: 'one incident alone (s)', value: alone },
        note: `${trails.length} trails recorded, ${broken} broken, ${events} events; triage-notify`,
      }),
      { bench: 'concurrent-incidents', name: 'throughput', value: count / together, unit: 'incidents/s', note: 'opened, run to the end and recorded' },
    ];
  } finally {
    await local.stop();
  }
};

await runIfMain(import.meta.url, bench);

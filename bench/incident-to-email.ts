/**
 * `POST /incidents` → the first email of that incident in the local mailbox, over a few hundred incidents opened one
 * after another, against the same HTTP round trip of `GET /runbooks/{id}` measured in the same run.
 */
import { randomUUID } from 'node:crypto';
import { startTestStack, type TestStack } from '../tests/integration/support/stack-session.js';
import { compared, type Bench, type BenchFigure } from './figure.js';
import { quantile, runIfMain, sampleSize } from './stats.js';

const POLL_MS = 2;

async function firstEmailLatency(local: TestStack, index: number): Promise<number> {
  // The mailbox is emptied before each incident, so a poll reads at most this incident's emails.
  await fetch(`${local.stack.urls.ses}/clear-store`, { method: 'POST' });
  const title = `Bench ${index} ${randomUUID()}`;
  const started = performance.now();
  const created = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV3', summary: 'latency bench' });
  if (created.status !== 202) throw new Error(`POST /incidents answered ${created.status}`);
  for (;;) {
    const { emails } = (await (await fetch(`${local.stack.urls.ses}/store`)).json()) as { emails: Array<{ subject: string }> };
    if (emails.some((email) => email.subject.includes(title))) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function roundTrip(local: TestStack): Promise<number> {
  const started = performance.now();
  const response = await local.api('GET', '/runbooks/triage-notify');
  if (response.status !== 200) throw new Error(`GET /runbooks answered ${response.status}`);
  return performance.now() - started;
}

export const bench: Bench = async () => {
  const samples = sampleSize(300, 40);
  const local = await startTestStack();
  try {
    // Warm both paths (module init, first connections) before measuring, as a deployed stack would be.
    await firstEmailLatency(local, -1);
    await roundTrip(local);
    const latencies: number[] = [];
    const trips: number[] = [];
    for (let index = 0; index < samples; index += 1) {
      latencies.push(await firstEmailLatency(local, index));
      trips.push(await roundTrip(local));
    }
    await local.waitForQuiet();
    const note = `${samples} incidents (triage-notify, SEV3) one at a time; mailbox polled every ${POLL_MS} ms`;
    return (['p50', 'p95', 'p99'] as const).map(
      (name): BenchFigure =>
        compared({
          bench: 'incident-to-email',
          name,
          value: quantile(latencies, Number(name.slice(1)) / 100),
          unit: 'ms',
          baseline: { name: `GET /runbooks/{id} ${name} (ms)`, value: quantile(trips, Number(name.slice(1)) / 100) },
          note,
        }),
    );
  } finally {
    await local.stop();
  }
};

await runIfMain(import.meta.url, bench);

/**
 * Evidence export of a synthetic year: 10,000 incidents of 50 events each and 365 drill runs (1/20 of it with
 * --quick), written straight into the local table as the stack writes them (records cloned from a real incident
 * and a real drill run, trails chained by the same code), then exported as `irdr evidence export` does it: the stack
 * in a child process (bench/export-year-table.ts), as `npm start` runs beside the CLI, the export in this one. The
 * baseline, in the same run and on the same table: the child exports the year itself, table and export in one process
 * (what this bench measured before). Ours runs first, so a table warmed by it favours the baseline.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { localEnvironment } from '../local/stack-config.js';
import { exportYear, YEAR_MS, YEAR_START, type YearExport } from './export-year-run.js';
import type { TableCpu, YearReady, YearRequest } from './export-year-table.js';
import { compared, type Bench } from './figure.js';
import { runIfMain, sampleSize } from './stats.js';

const EVENTS_PER_INCIDENT = 50;
const EVENTS_PER_DRILL_RUN = 9;

/** Sends `message` to the table process and waits for its one answer. */
async function ask<Answer>(table: ChildProcess, message: string): Promise<Answer> {
  const answer = once(table, 'message') as Promise<[Answer]>;
  table.send(message);
  return (await answer)[0];
}
const cpuSeconds = ({ cpu }: TableCpu): number => (cpu.user + cpu.system) / 1e6;
const load = (): string => loadavg()[0]!.toFixed(1);

export const bench: Bench = async () => {
  const request: YearRequest = { incidents: sampleSize(10_000, 500), eventsPerIncident: EVENTS_PER_INCIDENT, drillRuns: sampleSize(365, 18), eventsPerDrillRun: EVENTS_PER_DRILL_RUN, startMs: YEAR_START, spanMs: YEAR_MS };
  const { incidents, drillRuns } = request;
  // tsx by its resolved URL, so the bench runs from any directory; the child's output goes to our stderr: run-all reads this process's last stdout line as its figures.
  const table = fork(join(import.meta.dirname, 'export-year-table.ts'), [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 2, 2, 'ipc'] });
  const exited = once(table, 'exit');
  try {
    table.send(request);
    const [ready] = (await Promise.race([once(table, 'message'), exited.then(([code]) => Promise.reject(new Error(`the year's table process exited ${code}`)))])) as [YearReady];
    // This process is the CLI: the stack's local variables point its SDK at the child's DynamoDB.
    Object.assign(process.env, localEnvironment({ dynamodb: ready.dynamodbEndpoint, stepFunctions: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' }));

    const loadBefore = load();
    const tableCpuBefore = cpuSeconds(await ask<TableCpu>(table, 'cpu'));
    const ours = await exportYear(ready.tableName);
    const tableCpu = cpuSeconds(await ask<TableCpu>(table, 'cpu')) - tableCpuBefore;
    const loadBetween = load();
    const baseline = await ask<YearExport>(table, 'export');
    const loadAfter = load();
    for (const exported of [ours, baseline]) {
      if (exported.incidents !== incidents || exported.drillRuns !== drillRuns || exported.broken !== 0) {
        throw new Error(`exported ${exported.incidents}/${incidents} incidents, ${exported.drillRuns}/${drillRuns} runs, ${exported.broken} broken`);
      }
    }
    const events = incidents * EVENTS_PER_INCIDENT + drillRuns * EVENTS_PER_DRILL_RUN;
    const note = `${incidents} incidents x ${EVENTS_PER_INCIDENT} events + ${drillRuns} drill runs (${events} events), ${(ours.bytes / 1_048_576).toFixed(1)} MB written; load average ${loadBefore}, ${loadBetween}, ${loadAfter} (before, between, after) on ${navigator.hardwareConcurrency} cores`;
    const inOneProcess = 'table and export in one process';
    return [
      compared({ bench: 'export-year', name: 'export (collect, verify, render, sign, write)', value: ours.seconds, unit: 's', baseline: { name: inOneProcess, value: baseline.seconds }, note: `the table in a child process, as npm start beside the CLI; ${note}` }),
      compared({ bench: 'export-year', name: 'export throughput', value: events / ours.seconds, unit: 'events/s', baseline: { name: inOneProcess, value: events / baseline.seconds }, note: 'every event read, its chain recomputed, written to JSON' }),
      compared({ bench: 'export-year', name: 'CPU on the critical path', value: Math.max(ours.cpuSeconds, tableCpu), unit: 's', baseline: { name: inOneProcess, value: baseline.cpuSeconds }, note: `the busier of the two processes (export ${ours.cpuSeconds.toFixed(1)} s, table ${tableCpu.toFixed(1)} s): what the wall time would be on 2 idle cores` }),
      { bench: 'export-year', name: 'CPU, both processes', value: ours.cpuSeconds + tableCpu, unit: 's', note: 'user + system of the export and the table during the export' },
      // The stack lives in the child: this process's peak is the export's own (plus the bench's imports).
      { bench: 'export-year', name: 'peak RSS of the export process', value: process.resourceUsage().maxRSS / 1024, unit: 'MB', note: 'the exporting process alone: it holds the whole year (the table is in the child)' },
      { bench: 'export-year', name: 'seeding the year (BatchWriteItem)', value: ready.seedSeconds, unit: 's', note: 'not part of the export: how long writing the synthetic year took (in the child)' },
    ];
  } finally {
    if (table.connected) table.send('stop');
    await exited;
  }
};

await runIfMain(import.meta.url, bench);

/**
 * Evidence export of a synthetic year: 10,000 incidents of 50 events each and 365 drill runs (1/20 of it with
 * --quick), written straight into the local table as the stack writes them (records cloned from a real incident
 * and a real drill run, trails chained by the same code), then exported as `irdr evidence export` does it: the stack
 * in a child process (bench/export-year-table.ts), as `npm start` runs beside the CLI, each export in a fresh process of
 * its own (bench/export-year-exporter.ts). Two baselines, in the same run and on the same table: the export through a
 * front that forwards to dynalite over HTTP (every front before session 7), and the export reading each trail by a
 * Query of its own rather than from the events index (every export before session 11). Ours runs first, so a table
 * warmed by it favours the baselines. Last, the same year exported asynchronously (POST /evidence/exports), as an
 * auditor in AWS does: the state machine and its functions in the table's process, the zip checked once downloaded.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { YEAR_MS, YEAR_START, type TrailRead } from './export-year-run.js';
import type { ExportRequest, ExporterAnswer } from './export-year-exporter.js';
import { exportAsynchronously } from './export-year-async.js';
import type { TableCpu, TableMemory, YearReady, YearRequest } from './export-year-table.js';
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
// tsx by its resolved URL, so the bench runs from any directory; children's output goes to our stderr: run-all reads this process's last stdout line as its figures.
// IRDR_EXPORT_YEAR_PROFILE=<dir>: each child writes a V8 CPU profile there (where the time goes, per process).
const profiling = process.env.IRDR_EXPORT_YEAR_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.IRDR_EXPORT_YEAR_PROFILE}`] : [];
const forkTs = (file: string): ChildProcess => fork(join(import.meta.dirname, file), [], { execArgv: ['--import', import.meta.resolve('tsx'), ...profiling], stdio: ['ignore', 2, 2, 'ipc'] });

/** One export in a fresh exporter process through `dynamodbEndpoint`, with the table process's CPU meanwhile. */
interface Measured extends ExporterAnswer {
  readonly tableCpuSeconds: number;
  readonly load: string;
}
async function exportThrough(table: ChildProcess, dynamodbEndpoint: string, tableName: string, read: TrailRead = 'events-index'): Promise<Measured> {
  const exporter = forkTs('export-year-exporter.ts');
  const exited = once(exporter, 'exit');
  const answered = once(exporter, 'message') as Promise<[ExporterAnswer]>;
  const tableCpuBefore = cpuSeconds(await ask<TableCpu>(table, 'cpu'));
  exporter.send({ dynamodbEndpoint, tableName, read } satisfies ExportRequest);
  const [answer] = await Promise.race([answered, exited.then(([code]) => Promise.reject(new Error(`an exporter exited ${code}`)))]);
  const tableCpuSeconds = cpuSeconds(await ask<TableCpu>(table, 'cpu')) - tableCpuBefore;
  await exited;
  return { ...answer, tableCpuSeconds, load: load() };
}

export const bench: Bench = async () => {
  const request: YearRequest = { incidents: sampleSize(10_000, 500), eventsPerIncident: EVENTS_PER_INCIDENT, drillRuns: sampleSize(365, 18), eventsPerDrillRun: EVENTS_PER_DRILL_RUN, startMs: YEAR_START, spanMs: YEAR_MS };
  const { incidents, drillRuns } = request;
  // tsx by its resolved URL, so the bench runs from any directory; the child's output goes to our stderr: run-all reads this process's last stdout line as its figures.
  const table = forkTs('export-year-table.ts');
  const exited = once(table, 'exit');
  try {
    table.send(request);
    const [ready] = (await Promise.race([once(table, 'message'), exited.then(([code]) => Promise.reject(new Error(`the year's table process exited ${code}`)))])) as [YearReady];
    const loadBefore = load();
    const ours = await exportThrough(table, ready.dynamodbEndpoint, ready.tableName);
    const baseline = await exportThrough(table, ready.httpHopEndpoint, ready.tableName);
    const queryPerTrail = await exportThrough(table, ready.dynamodbEndpoint, ready.tableName, 'query-per-trail');
    const period = { from: new Date(request.startMs).toISOString(), to: new Date(request.startMs + request.spanMs).toISOString() };
    await ask<'memory-started'>(table, 'memory-start');
    const tableCpuBefore = cpuSeconds(await ask<TableCpu>(table, 'cpu'));
    const asynchronous = await exportAsynchronously(ready, period);
    const asyncTableCpuSeconds = cpuSeconds(await ask<TableCpu>(table, 'cpu')) - tableCpuBefore;
    const memory = await ask<TableMemory>(table, 'memory-stop');
    for (const exported of [ours, baseline, queryPerTrail, asynchronous]) {
      if (exported.incidents !== incidents || exported.drillRuns !== drillRuns || exported.broken !== 0) {
        throw new Error(`exported ${exported.incidents}/${incidents} incidents, ${exported.drillRuns}/${drillRuns} runs, ${exported.broken} broken`);
      }
    }
    const events = incidents * EVENTS_PER_INCIDENT + drillRuns * EVENTS_PER_DRILL_RUN;
    const note = `${incidents} incidents x ${EVENTS_PER_INCIDENT} events + ${drillRuns} drill runs (${events} events), ${(ours.bytes / 1_048_576).toFixed(1)} MB written; load average ${loadBefore}, ${ours.load}, ${baseline.load} (before, between, after) on ${navigator.hardwareConcurrency} cores`;
    const hop = 'the front forwarding to dynalite over HTTP';
    const criticalPath = (measured: Measured): number => Math.max(measured.cpuSeconds, measured.tableCpuSeconds);
    return [
      compared({ bench: 'export-year', name: 'export (collect, verify, render, sign, write)', value: ours.seconds, unit: 's', baseline: { name: hop, value: baseline.seconds }, note: `the table in a child process (dynalite called in-process by the front), as npm start beside the CLI; ${note}` }),
      compared({ bench: 'export-year', name: 'export, trails read from the events index', value: ours.seconds, unit: 's', baseline: { name: 'each trail read by a Query of its own (16 at a time)', value: queryPerTrail.seconds }, note: `CPU of the export and the table: ${(ours.cpuSeconds + ours.tableCpuSeconds).toFixed(1)} s against ${(queryPerTrail.cpuSeconds + queryPerTrail.tableCpuSeconds).toFixed(1)} s; peak RSS ${ours.peakRssMb.toFixed(0)} MB against ${queryPerTrail.peakRssMb.toFixed(0)} MB` }),
      compared({ bench: 'export-year', name: 'export throughput', value: events / ours.seconds, unit: 'events/s', baseline: { name: hop, value: events / baseline.seconds }, note: 'every event read, its chain recomputed, written to JSON' }),
      compared({ bench: 'export-year', name: 'CPU on the critical path', value: criticalPath(ours), unit: 's', baseline: { name: hop, value: criticalPath(baseline) }, note: `the busier of the two processes (export ${ours.cpuSeconds.toFixed(1)} s, table ${ours.tableCpuSeconds.toFixed(1)} s; baseline ${baseline.cpuSeconds.toFixed(1)} s, ${baseline.tableCpuSeconds.toFixed(1)} s): the wall time on 2 idle cores` }),
      compared({ bench: 'export-year', name: 'CPU, both processes', value: ours.cpuSeconds + ours.tableCpuSeconds, unit: 's', baseline: { name: hop, value: baseline.cpuSeconds + baseline.tableCpuSeconds }, note: 'user + system of the export and the table during the export' }),
      compared({ bench: 'export-year', name: 'peak RSS of the export process', value: ours.peakRssMb, unit: 'MB', baseline: { name: hop, value: baseline.peakRssMb }, note: 'each exporter alone (the table is in its own process)' }),
      compared({
        bench: 'export-year',
        name: 'asynchronous export (POST /evidence/exports to the signed zip downloaded)',
        value: asynchronous.seconds,
        unit: 's',
        baseline: { name: 'the CLI export above', value: ours.seconds },
        note: `the state machine, its ${asynchronous.months} months and functions in the stack's one process (${asyncTableCpuSeconds.toFixed(1)} CPU-s); months collected as polled: ${asynchronous.progressSeen.join(', ')}; zip ${(asynchronous.zipBytes / 1_048_576).toFixed(1)} MB, checked against the exports key; the process's resident set ${memory.beforeMb.toFixed(0)} MB before, ${memory.peakMb.toFixed(0)} MB at most`,
      }),
      { bench: 'export-year', name: 'seeding the year (BatchWriteItem)', value: ready.seedSeconds, unit: 's', note: 'not part of the export: how long writing the synthetic year took (in the child)' },
    ];
  } finally {
    if (table.connected) table.send('stop');
    await exited;
  }
};

await runIfMain(import.meta.url, bench);

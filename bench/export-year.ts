/**
 * Evidence export of a synthetic year: 10,000 incidents of 50 events each and 365 drill runs (1/20 of it with
 * --quick), written straight into the local table as the stack writes them (records cloned from a real incident
 * and a real drill run, trails chained by the same code), then exported as `irdr evidence export` does it: the stack
 * in a child process (bench/export-year-table.ts), as `npm start` is beside the CLI, the export in this one.
 */
import { fork } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvidenceExport } from '../functions/aws/evidence-export.js';
import { keySigner } from '../functions/domain/evidence/export-manifest.js';
import { localEnvironment } from '../local/stack-config.js';
import { writeExportDirectory } from '../bin/export-directory.js';
import type { YearReady, YearRequest } from './export-year-table.js';
import type { Bench } from './figure.js';
import { runIfMain, sampleSize } from './stats.js';

const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;
const EVENTS_PER_INCIDENT = 50;
const EVENTS_PER_DRILL_RUN = 9;

export const bench: Bench = async () => {
  const request: YearRequest = { incidents: sampleSize(10_000, 500), eventsPerIncident: EVENTS_PER_INCIDENT, drillRuns: sampleSize(365, 18), eventsPerDrillRun: EVENTS_PER_DRILL_RUN, startMs: YEAR_START, spanMs: YEAR_MS };
  const { incidents, drillRuns } = request;
  // The child's output goes to our stderr: run-all reads this process's last stdout line as its figures.
  const table = fork(join(import.meta.dirname, 'export-year-table.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 2, 2, 'ipc'] });
  const exited = once(table, 'exit');
  const out = await mkdtemp(join(tmpdir(), 'irdr-export-year-'));
  try {
    table.send(request);
    const [ready] = (await Promise.race([once(table, 'message'), exited.then(([code]) => Promise.reject(new Error(`the year's table process exited ${code}`)))])) as [YearReady];
    const { tableName, seedSeconds } = ready;
    // This process is the CLI: the stack's local variables point its SDK at the child's DynamoDB.
    Object.assign(process.env, localEnvironment({ dynamodb: ready.dynamodbEndpoint, stepFunctions: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' }));

    const loadBefore = loadavg()[0]!;
    const cpuBefore = process.cpuUsage();
    const exportStart = performance.now();
    const period = { from: new Date(YEAR_START).toISOString(), to: new Date(YEAR_START + YEAR_MS).toISOString() };
    const built = await buildEvidenceExport(tableName, period, { runbooks: {}, plans: {} }, keySigner(generateKeyPairSync('ed25519').privateKey));
    await writeExportDirectory(out, built.files, built.manifest);
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (built.incidents.length !== incidents || built.drillRuns.length !== drillRuns || built.manifest.trails.broken !== 0) {
      throw new Error(`exported ${built.incidents.length}/${incidents} incidents, ${built.drillRuns.length}/${drillRuns} runs, ${built.manifest.trails.broken} broken`);
    }
    const events = incidents * EVENTS_PER_INCIDENT + drillRuns * EVENTS_PER_DRILL_RUN;
    const bytes = built.files.reduce((sum, file) => sum + file.content.length, 0);
    const load = `load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${navigator.hardwareConcurrency} cores`;
    const note = `${incidents} incidents x ${EVENTS_PER_INCIDENT} events + ${drillRuns} drill runs (${events} events), the embedded DynamoDB in a child process; ${load}`;
    return [
      { bench: 'export-year', name: 'export (collect, verify, render, sign, write)', value: exportSeconds, unit: 's', note: `${note}; ${(bytes / 1_048_576).toFixed(1)} MB written` },
      { bench: 'export-year', name: 'export throughput', value: events / exportSeconds, unit: 'events/s', note: 'every event read, its chain recomputed, written to JSON' },
      { bench: 'export-year', name: 'export process CPU', value: (cpu.user + cpu.system) / 1e6, unit: 's', note: 'user + system of the exporting process alone (the table is served by the child)' },
      // The stack lives in the child: this process's peak is the export's own (plus the bench's imports).
      { bench: 'export-year', name: 'peak RSS of the export process', value: process.resourceUsage().maxRSS / 1024, unit: 'MB', note: 'the exporting process alone; the table is served by the child' },
      { bench: 'export-year', name: 'seeding the year (BatchWriteItem)', value: seedSeconds, unit: 's', note: 'not part of the export: how long writing the synthetic year took (in the child)' },
    ];
  } finally {
    if (table.connected) table.send('stop');
    await exited;
    await rm(out, { recursive: true, force: true });
  }
};

await runIfMain(import.meta.url, bench);

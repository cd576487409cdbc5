/**
 * Evidence export of a synthetic year: 10,000 incidents of 50 events each and 365 drill runs (1/20 of it with
 * --quick), written straight into the local table as the stack writes them (records cloned from a real incident
 * and a real drill run, trails chained by the same code), then exported as `irdr evidence export` does it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { buildEvidenceExport } from '../functions/aws/evidence-export.js';
import { keySigner } from '../functions/domain/evidence/export-manifest.js';
import { META_SK, drillRunPk, incidentPk } from '../functions/domain/keys.js';
import { tableDesign } from '../functions/domain/table-design.js';
import { writeExportDirectory } from '../bin/export-directory.js';
import { drillSession, testPlan } from '../tests/integration/support/drill-session.js';
import { startTestStack } from '../tests/integration/support/stack-session.js';
import { seedSyntheticDrillRuns, seedSyntheticIncidents } from '../tests/integration/support/synthetic-evidence.js';
import type { Bench } from './figure.js';
import { runIfMain, sampleSize } from './stats.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;
const EVENTS_PER_INCIDENT = 50;
const EVENTS_PER_DRILL_RUN = 9;

export const bench: Bench = async () => {
  const incidents = sampleSize(10_000, 500);
  const drillRuns = sampleSize(365, 18);
  const SOURCE = 'irdr-bench-year';
  const local = await startTestStack({
    timeScale: 60,
    drillPlans: [testPlan({ id: 'year-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })],
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 },
  });
  const out = await mkdtemp(join(tmpdir(), 'irdr-export-year-'));
  const documents = DynamoDBDocumentClient.from(local.dynamodb);
  try {
    // One real incident and one real drill run: their records are the templates.
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Template', severity: 'SEV2', summary: 'template for the synthetic year' });
    await local.waitForExecution(created.body.executionArn as string);
    const drills = drillSession(local);
    await drills.restorableSource(SOURCE, 5);
    const drill = await drills.runDrill('year-pitr');
    // The year's runs are clones of this one: a failed template would make a year of failed drills.
    if (drill.execution.status !== 'SUCCEEDED') throw new Error(`template drill ended ${drill.execution.status}: ${JSON.stringify(drill.view.run?.reasons)}`);
    const tableName = local.stack.tableName;
    const incidentTemplate = (await documents.send(new GetCommand({ TableName: tableName, Key: { [PK]: incidentPk(created.body.incidentId as string), [SK]: META_SK } }))).Item!;
    const runTemplate = (await documents.send(new GetCommand({ TableName: tableName, Key: { [PK]: drillRunPk(drill.runId), [SK]: META_SK } }))).Item!;

    const seedStart = performance.now();
    const target = { documents, tableName, startMs: YEAR_START, spanMs: YEAR_MS };
    await seedSyntheticIncidents(target, incidentTemplate, { count: incidents, events: EVENTS_PER_INCIDENT });
    await seedSyntheticDrillRuns(target, runTemplate, { count: drillRuns, events: EVENTS_PER_DRILL_RUN, planId: 'year-pitr', offsetMs: 3_600_000 });
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const exportStart = performance.now();
    const period = { from: new Date(YEAR_START).toISOString(), to: new Date(YEAR_START + YEAR_MS).toISOString() };
    const built = await buildEvidenceExport(tableName, period, { runbooks: {}, plans: {} }, keySigner(generateKeyPairSync('ed25519').privateKey));
    await writeExportDirectory(out, built.files, built.manifest);
    const exportSeconds = (performance.now() - exportStart) / 1000;
    if (built.incidents.length !== incidents || built.drillRuns.length !== drillRuns || built.manifest.trails.broken !== 0) {
      throw new Error(`exported ${built.incidents.length}/${incidents} incidents, ${built.drillRuns.length}/${drillRuns} runs, ${built.manifest.trails.broken} broken`);
    }
    const events = incidents * EVENTS_PER_INCIDENT + drillRuns * EVENTS_PER_DRILL_RUN;
    const bytes = built.files.reduce((sum, file) => sum + file.content.length, 0);
    const note = `${incidents} incidents x ${EVENTS_PER_INCIDENT} events + ${drillRuns} drill runs (${events} events) on the embedded DynamoDB`;
    return [
      { bench: 'export-year', name: 'export (collect, verify, render, sign, write)', value: exportSeconds, unit: 's', note: `${note}; ${(bytes / 1_048_576).toFixed(1)} MB written` },
      { bench: 'export-year', name: 'export throughput', value: events / exportSeconds, unit: 'events/s', note: 'every event read, its chain recomputed, written to JSON' },
      // maxRSS is the process's peak over its whole life (stack, seeding and export): an upper bound on the export's own.
      { bench: 'export-year', name: 'peak RSS of the process', value: process.resourceUsage().maxRSS / 1024, unit: 'MB', note: 'the stack (embedded DynamoDB), the seeding and the export in one process; the export holds the whole year in memory' },
      { bench: 'export-year', name: 'seeding the year (BatchWriteItem)', value: seedSeconds, unit: 's', note: 'not part of the export: how long writing the synthetic year took' },
    ];
  } finally {
    await local.stop();
    await rm(out, { recursive: true, force: true });
  }
};

await runIfMain(import.meta.url, bench);

/** One export of the bench's year, as `irdr evidence export` does it (collect, verify, render, sign, write), timed. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRun, listRunIdsStartedIn } from '../functions/aws/drill/drill-run-store.js';
import { listStoredEvents } from '../functions/aws/event-trail.js';
import { buildEvidenceExport, renderEvidenceExport } from '../functions/aws/evidence-export.js';
import { TRAIL_READ_CONCURRENCY } from '../functions/aws/indexed-trail-reader.js';
import { listIncidentsOpenedIn } from '../functions/aws/incident-store.js';
import { contentBytes, keySigner } from '../functions/domain/evidence/export-manifest.js';
import { exportDrillRun, exportIncident, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident } from '../functions/domain/evidence/exported-trail.js';
import { drillRunPk, incidentPk } from '../functions/domain/keys.js';
import { readInOrder } from '../functions/domain/read-in-order.js';
import { writeExportDirectory } from '../bin/export-directory.js';

/** How the trails are read: from the events index (what irdr does), or each by a Query of its own (before session 11). */
export type TrailRead = 'events-index' | 'query-per-trail';

export const YEAR_START = Date.UTC(2025, 0, 1);
export const YEAR_MS = 365 * 86_400_000;

/** What one export of the year took, and what it exported. */
export interface YearExport {
  readonly seconds: number;
  /** user + system CPU of the exporting process during the export. */
  readonly cpuSeconds: number;
  readonly bytes: number;
  readonly incidents: number;
  readonly drillRuns: number;
  readonly broken: number;
}

/** The period's trails each read by a Query of its own, 16 at a time: the export's read before the events index. */
async function collectByQueryPerTrail(tableName: string, period: EvidencePeriod): Promise<{ incidents: ExportedIncident[]; drillRuns: ExportedDrillRun[] }> {
  const listed = await listIncidentsOpenedIn(tableName, period);
  const incidents = await readInOrder(listed, TRAIL_READ_CONCURRENCY, async (incident) => exportIncident(incident, incidentPk(incident.incidentId), await listStoredEvents(tableName, incidentPk(incident.incidentId))), () => undefined);
  const drillRuns = await readInOrder(await listRunIdsStartedIn(tableName, period), TRAIL_READ_CONCURRENCY, async (runId) => exportDrillRun((await getRun(tableName, runId))!, drillRunPk(runId), await listStoredEvents(tableName, drillRunPk(runId))), () => undefined);
  return { incidents, drillRuns };
}

export async function exportYear(tableName: string, read: TrailRead = 'events-index'): Promise<YearExport> {
  const out = await mkdtemp(join(tmpdir(), 'irdr-export-year-'));
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const period = { from: new Date(YEAR_START).toISOString(), to: new Date(YEAR_START + YEAR_MS).toISOString() };
    const controls = { runbooks: {}, plans: {} };
    const signer = keySigner(generateKeyPairSync('ed25519').privateKey);
    const built =
      read === 'events-index'
        ? await buildEvidenceExport(tableName, period, controls, signer)
        : await renderEvidenceExport({ tableName, period, controls, generatedAt: new Date().toISOString(), ...(await collectByQueryPerTrail(tableName, period)) }, signer);
    await writeExportDirectory(out, built.files, built.manifest);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      bytes: built.files.reduce((sum, file) => sum + contentBytes(file.content), 0),
      incidents: built.incidents.length,
      drillRuns: built.drillRuns.length,
      broken: built.manifest.trails.broken,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

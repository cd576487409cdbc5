/** One export of the bench's year, as `irdr evidence export` does it (collect, verify, render, sign, write), timed. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvidenceExport } from '../functions/aws/evidence-export.js';
import { keySigner } from '../functions/domain/evidence/export-manifest.js';
import { writeExportDirectory } from '../bin/export-directory.js';

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

export async function exportYear(tableName: string): Promise<YearExport> {
  const out = await mkdtemp(join(tmpdir(), 'irdr-export-year-'));
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const period = { from: new Date(YEAR_START).toISOString(), to: new Date(YEAR_START + YEAR_MS).toISOString() };
    const built = await buildEvidenceExport(tableName, period, { runbooks: {}, plans: {} }, keySigner(generateKeyPairSync('ed25519').privateKey));
    await writeExportDirectory(out, built.files, built.manifest);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      bytes: built.files.reduce((sum, file) => sum + file.content.length, 0),
      incidents: built.incidents.length,
      drillRuns: built.drillRuns.length,
      broken: built.manifest.trails.broken,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

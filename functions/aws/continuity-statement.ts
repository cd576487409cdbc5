import type { ControlMapping } from '../domain/evidence/control-summary.js';
import { buildContinuityStatement, type StatementPlanDefinition } from '../domain/evidence/continuity-statement.js';
import type { StatementPeriod } from '../domain/evidence/continuity-statement-period.js';
import type { ContinuityStatement } from '../domain/evidence/continuity-statement-schema.js';
import { signStatement } from '../domain/evidence/continuity-statement-signature.js';
import { estateCoverage, trailConfirmsPass, type EstateInventory } from '../domain/evidence/estate-coverage.js';
import type { ExportProgressListener } from '../domain/evidence/export-progress.js';
import { manifestText, sha256Hex, type ManifestSigner } from '../domain/evidence/export-manifest.js';
import { buildEvidenceExport, type EvidenceExport } from './evidence-export.js';

export interface StatementSources {
  readonly tableName: string;
  readonly plans: readonly StatementPlanDefinition[];
  readonly aliases: Readonly<Record<string, string>>;
  readonly controls: ControlMapping;
  readonly signer: ManifestSigner;
  readonly inventory: () => Promise<EstateInventory>;
}

export interface SignedStatement {
  readonly statement: ContinuityStatement;
  /** The full export it summarises, signed by the same key at the same moment: its manifest's SHA-256 is in the statement. */
  readonly evidenceExport: EvidenceExport;
}

/**
 * The period's full evidence export (same reads, same signer) and the public statement computed from it, so the statement
 * can name the export by its manifest's SHA-256. The estate is listed once, for both.
 */
export async function buildSignedStatement(sources: StatementSources, period: StatementPeriod, onProgress?: ExportProgressListener, generatedAt = new Date().toISOString()): Promise<SignedStatement> {
  const listed = await sources.inventory().then(
    (inventory) => ({ inventory }),
    (error: unknown) => ({ error }),
  );
  const inventory = async (): Promise<EstateInventory> => {
    if ('error' in listed) throw listed.error;
    return listed.inventory;
  };
  const exported = await buildEvidenceExport(sources.tableName, period, sources.controls, sources.signer, onProgress, generatedAt, inventory);
  const runs = exported.drillRuns.map(({ run, trail }) => ({ ...run, trailConfirmsPass: trailConfirmsPass(trail) }));
  const coverage = 'inventory' in listed ? estateCoverage(listed.inventory, runs, period) : undefined;
  const unsigned = buildContinuityStatement({
    period,
    generatedAt,
    plans: sources.plans,
    aliases: sources.aliases,
    runs,
    incidents: exported.incidents.map(({ incident, trail }) => ({ incident, clocks: trail.facts.clocks })),
    coverageByType: coverage?.byType,
    evidenceExport: {
      format: exported.manifest.format,
      generatedAt: exported.manifest.generatedAt,
      manifestSha256: sha256Hex(Buffer.from(manifestText(exported.manifest), 'utf8')),
      trails: { total: exported.manifest.trails.total, broken: exported.manifest.trails.broken },
    },
  });
  return { statement: await signStatement(unsigned, sources.signer), evidenceExport: exported };
}

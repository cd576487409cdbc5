import { estateCoverage, trailConfirmsPass, type EstateInventory } from '../domain/evidence/estate-coverage.js';
import { exportFiles } from '../domain/evidence/export-files.js';
import type { ControlMapping } from '../domain/evidence/control-summary.js';
import type { ExportProgressListener } from '../domain/evidence/export-progress.js';
import { buildManifest, signManifest, type ExportFile, type ExportManifest, type ManifestSigner } from '../domain/evidence/export-manifest.js';
import type { EvidencePeriod, ExportedDrillRun, ExportedIncident } from '../domain/evidence/exported-trail.js';
import { collectDrillRunEvidence, collectIncidentEvidence } from './evidence-collection.js';

export interface EvidenceExport {
  readonly incidents: readonly ExportedIncident[];
  readonly drillRuns: readonly ExportedDrillRun[];
  readonly files: readonly ExportFile[];
  readonly manifest: ExportManifest;
  /** Why coverage of the estate is not in the export, when it could not be collected. */
  readonly estateCoverageProblem?: string;
}

/**
 * Every incident and drill run of the period with its trail, as the export's files and their manifest (signed when given a
 * signer); with an inventory of the estate, its coverage by the period's runs too.
 */
export async function buildEvidenceExport(
  tableName: string,
  period: EvidencePeriod,
  controls: ControlMapping,
  signer?: ManifestSigner,
  onProgress?: ExportProgressListener,
  generatedAt = new Date().toISOString(),
  inventory?: () => Promise<EstateInventory>,
): Promise<EvidenceExport> {
  const incidents = await collectIncidentEvidence(tableName, period, onProgress);
  const drillRuns = await collectDrillRunEvidence(tableName, period, onProgress);
  return renderEvidenceExport({ tableName, period, controls, generatedAt, incidents, drillRuns }, signer, inventory);
}

/** What the export is made of once the trails are read (by one process, or month by month by the export state machine). */
export interface CollectedEvidence {
  readonly tableName: string;
  readonly period: EvidencePeriod;
  readonly controls: ControlMapping;
  readonly generatedAt: string;
  readonly incidents: readonly ExportedIncident[];
  readonly drillRuns: readonly ExportedDrillRun[];
}

/** The one rendering of an export: its files, the manifest listing every file and trail head, signed when given a signer. */
export async function renderEvidenceExport(collected: CollectedEvidence, signer?: ManifestSigner, inventory?: () => Promise<EstateInventory>): Promise<EvidenceExport> {
  const { tableName, period, controls, generatedAt, incidents, drillRuns } = collected;
  // The runs and their trails are already read: coverage needs only the estate's inventory beside them.
  const runs = drillRuns.map(({ run, trail }) => ({ ...run, trailConfirmsPass: trailConfirmsPass(trail) }));
  // An estate that cannot be listed (no backup:ListProtectedResources for the caller, say) is said in the report, not a lost export.
  const estate = inventory && (await inventory().then((listed) => ({ coverage: estateCoverage(listed, runs, period) }), (error: unknown) => ({ problem: `${(error as Error).name}: ${(error as Error).message}` })));
  const { files, summary } = exportFiles({ period, tableName, generatedAt, incidents, drillRuns, controls, ...(estate && 'coverage' in estate && { estateCoverage: estate.coverage }), ...(estate && 'problem' in estate && { estateCoverageProblem: estate.problem }) });
  const trails = { incidents: incidents.length, drillRuns: drillRuns.length, total: summary.chains.total, broken: summary.chains.broken };
  const heads = [...incidents, ...drillRuns].map(({ trail }) => ({ partitionKey: trail.partitionKey, seq: trail.length, hash: trail.headHash }));
  const unsigned = buildManifest({ period, tableName, generatedAt, trails, heads }, files);
  const manifest = signer ? await signManifest(unsigned, signer) : unsigned;
  return { incidents, drillRuns, files, manifest, ...(estate && 'problem' in estate && { estateCoverageProblem: estate.problem }) };
}

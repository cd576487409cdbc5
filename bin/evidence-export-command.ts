import { buildEvidenceExport } from '../functions/aws/evidence-export.js';
import { estateInventory, tableArnsBeside } from '../functions/aws/estate-coverage.js';
import { controlMappingOf, type ControlMapping } from '../functions/domain/evidence/control-summary.js';
import { shownName } from '../functions/domain/evidence/estate-coverage-views.js';
import { MANIFEST_FILE } from '../functions/domain/evidence/export-manifest.js';
import { describeProblems } from '../functions/domain/evidence/exported-trail.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { loadRunbooks } from '../workflows/load-runbooks.js';
import { prepareExportDirectory, writeExportDirectory } from './export-directory.js';
import { manifestSignerOf } from './manifest-signer.js';
import { progressReporter } from './export-progress-reporter.js';
import { orUsageError } from './usage-error.js';

interface ExportFlags {
  from: string;
  to: string;
  out: string;
  tableName: string;
  signingKeyFile?: string;
  kmsKeyId?: string;
}

/**
 * `irdr evidence export`: every incident and drill run of the period with its whole trail and chain verdict, as JSON,
 * CSV and one self-contained HTML report, plus manifest.json (SHA-256 of each file, every trail's head; Ed25519-signed with a key).
 * A broken trail is exported as found, named, and makes the command exit 1.
 */
export async function evidenceExportCommand(flags: ExportFlags): Promise<void> {
  const prepared = await orUsageError(async () => {
    const signer = await manifestSignerOf(flags);
    await prepareExportDirectory(flags.out);
    return { signer };
  });
  if (!prepared) return;
  // Progress goes to stderr (one updating line on a terminal); stdout stays the command's result.
  const progress = progressReporter();
  const inventory = async () => estateInventory(await tableArnsBeside(flags.tableName));
  const { incidents, drillRuns, files, manifest, estateCoverageProblem } = await buildEvidenceExport(
    flags.tableName,
    { from: flags.from, to: flags.to },
    controlMapping(),
    prepared.signer,
    progress.onProgress,
    undefined,
    inventory,
  );
  progress.finish();
  await writeExportDirectory(flags.out, files, manifest);
  const { trails } = manifest;

  const allTrails = [...incidents, ...drillRuns].map(({ trail }) => trail);
  for (const line of describeProblems(allTrails)) console.log(line);
  const events = allTrails.reduce((sum, trail) => sum + trail.facts.events, 0);
  const integrity = manifest.signature ? `signed (Ed25519, key ${manifest.signature.keyFingerprint})` : 'hashed, not signed (no --signing-key-file or --kms-key-id)';
  console.log(
    `exported ${incidents.length} incident trails and ${drillRuns.length} drill-run trails (${events} events, ${flags.from} .. ${flags.to}) ` +
      `from ${flags.tableName} to ${flags.out}: ${files.map(({ name }) => name).join(', ')}, ${MANIFEST_FILE} ${integrity}`,
  );
  if (estateCoverageProblem !== undefined) console.log(`note: coverage of the estate could not be collected (the report says so): ${shownName(estateCoverageProblem)}`);
  if (trails.broken > 0) {
    console.log(`${trails.broken} of ${trails.total} trails are broken: exported as found, and marked so in every file`);
    process.exitCode = 1;
  }
}

/** The controls the definitions in this checkout name (workflows/runbooks, workflows/drills), by runbook and plan id. */
const controlMapping = (): ControlMapping => controlMappingOf(loadRunbooks(), loadDrillPlans());

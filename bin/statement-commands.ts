import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { irdrConfig } from '../functions/config.js';
import { buildSignedStatement } from '../functions/aws/continuity-statement.js';
import { publishStatementFiles } from '../functions/aws/continuity-statement-publishing.js';
import { StatementPublishLocation } from '../functions/domain/evidence/continuity-statement-schema.js';
import { estateInventory, tableArnsBeside } from '../functions/aws/estate-coverage.js';
import { controlMappingOf } from '../functions/domain/evidence/control-summary.js';
import { statementHtml } from '../functions/domain/evidence/continuity-statement-html.js';
import { StatementPeriodQuery, resolveStatementPeriod, STATEMENT_PERIOD_HELP } from '../functions/domain/evidence/continuity-statement-period.js';
import type { ManifestSigner } from '../functions/domain/evidence/export-manifest.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { loadRunbooks } from '../workflows/load-runbooks.js';
import { prepareExportDirectory, writeExportDirectory } from './export-directory.js';
import { progressReporter } from './export-progress-reporter.js';
import { manifestSignerOf } from './manifest-signer.js';
import { asUsageError, UsageError } from './usage-error.js';

export const STATEMENT_JSON_FILE = 'continuity-statement.json';
export const STATEMENT_HTML_FILE = 'continuity-statement.html';
export const STATEMENT_PDF_FILE = 'continuity-statement.pdf';

interface StatementFlags {
  period?: string;
  from?: string;
  to?: string;
  out?: string;
  exportOut?: string;
  tableName: string;
  signingKeyFile?: string;
  kmsKeyId?: string;
  /** true: the configured location (evidence.statement.publishTo); a string: that location. */
  publish?: boolean | string;
}

/** Where to publish, checked before anything is read: the flag's location, else the configured one. */
function publishLocation(flags: StatementFlags): string | undefined {
  if (flags.publish === undefined || flags.publish === false) return undefined;
  const location = typeof flags.publish === 'string' ? flags.publish : irdrConfig.evidence.statement.publishTo;
  if (location === undefined) throw new UsageError('nowhere to publish: give --publish s3://<bucket>[/<prefix>], or set evidence.statement.publishTo in config/irdr.config.json');
  const parsed = StatementPublishLocation.safeParse(location);
  if (!parsed.success) throw new UsageError(`--publish ${location}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** A statement is always signed: with the export's signer (bin/manifest-signer.ts), which must be given. */
async function statementSigner(flags: StatementFlags): Promise<ManifestSigner> {
  const signer = await manifestSignerOf(flags);
  if (signer) return signer;
  throw new UsageError(
    'a continuity statement is signed with the evidence export\'s key: give --kms-key-id (stack output EvidenceSigningKeyArn; on the local stack alias/irdr-evidence-signing) or --signing-key-file',
  );
}

/**
 * `irdr evidence statement --period 12m [--out DIR] [--export-out DIR]`: the public continuity statement of the period,
 * signed, as JSON and one HTML page; the full export it summarises (named in it by its manifest's SHA-256) goes to
 * --export-out for the auditor under NDA, never beside the public files.
 */
export async function evidenceStatementCommand(flags: StatementFlags): Promise<void> {
  const query = StatementPeriodQuery.safeParse({
    ...(flags.period !== undefined && { period: flags.period }),
    ...(flags.from !== undefined && { from: flags.from }),
    ...(flags.to !== undefined && { to: flags.to }),
  });
  if (!query.success) throw new UsageError(`${query.error.issues[0]?.message ?? STATEMENT_PERIOD_HELP}`);
  const publishTo = publishLocation(flags);
  const signer = await asUsageError(() => statementSigner(flags));
  if (flags.out !== undefined) await asUsageError(() => prepareExportDirectory(flags.out!));
  if (flags.exportOut !== undefined) await asUsageError(() => prepareExportDirectory(flags.exportOut!));
  const period = resolveStatementPeriod(query.data, new Date());
  const progress = progressReporter();
  const { statement, evidenceExport } = await buildSignedStatement(
    {
      tableName: flags.tableName,
      plans: loadDrillPlans(),
      aliases: irdrConfig.evidence.statement.planAliases,
      controls: controlMappingOf(loadRunbooks(), loadDrillPlans()),
      signer,
      inventory: async () => estateInventory(await tableArnsBeside(flags.tableName)),
    },
    period,
    progress.onProgress,
  );
  progress.finish();
  const json = `${JSON.stringify(statement, null, 2)}\n`;
  // pdfkit is loaded only when a PDF is written: the JSON to stdout and check-statement without --pdf go without it.
  const pdf = flags.out !== undefined || publishTo !== undefined ? await (await import('../functions/domain/evidence/continuity-statement-pdf.js')).statementPdf(statement) : undefined;
  if (flags.exportOut !== undefined) await writeExportDirectory(flags.exportOut, evidenceExport.files, evidenceExport.manifest);
  if (flags.out === undefined) {
    process.stdout.write(json);
  } else {
    await writeFile(join(flags.out, STATEMENT_JSON_FILE), json, { flag: 'wx' });
    await writeFile(join(flags.out, STATEMENT_HTML_FILE), statementHtml(statement), { flag: 'wx' });
    await writeFile(join(flags.out, STATEMENT_PDF_FILE), pdf!, { flag: 'wx' });
    console.log(`statement of ${period.from} .. ${period.to} (${period.label}) written to ${flags.out}: ${STATEMENT_JSON_FILE}, ${STATEMENT_HTML_FILE}, ${STATEMENT_PDF_FILE}, signed by ${statement.signature?.keyFingerprint}`);
    console.log(`drills: ${statement.drills.summary}`);
  }
  if (publishTo !== undefined) {
    const published = await publishStatementFiles(publishTo, [
      { name: STATEMENT_JSON_FILE, content: json, contentType: 'application/json' },
      { name: STATEMENT_HTML_FILE, content: statementHtml(statement), contentType: 'text/html; charset=utf-8' },
      { name: STATEMENT_PDF_FILE, content: pdf!, contentType: 'application/pdf' },
    ]).catch((error: unknown) => {
      if ((error as Error).name === 'NoSuchBucket') throw new UsageError(`--publish ${publishTo}: the bucket does not exist`);
      throw error;
    });
    console.error(`published ${published.join(', ')}`);
  }
  const kept = flags.exportOut !== undefined ? `kept in ${flags.exportOut}` : 'not kept (give --export-out DIR to keep it for the auditor)';
  console.error(`the full evidence export it summarises: manifest sha256 ${statement.evidenceExport.manifestSha256}, ${kept}`);
}

import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { irdrConfig } from '../functions/config.js';
import { buildSignedStatement } from '../functions/aws/continuity-statement.js';
import { publishStatementFiles } from '../functions/aws/continuity-statement-publishing.js';
import { StatementPublishLocation } from '../functions/domain/evidence/continuity-statement-schema.js';
import { estateInventory, tableArnsBeside } from '../functions/aws/estate-coverage.js';
import { kmsEd25519Signer } from '../functions/aws/kms-ed25519-signer.js';
import { controlMappingOf } from '../functions/domain/evidence/control-summary.js';
import { checkStatement, type ExportContents } from '../functions/domain/evidence/continuity-statement-check.js';
import { statementHtml } from '../functions/domain/evidence/continuity-statement-html.js';
import { StatementPeriodQuery, resolveStatementPeriod, STATEMENT_PERIOD_HELP } from '../functions/domain/evidence/continuity-statement-period.js';
import { MANIFEST_FILE, keySigner, publicKeyFromPem, signingKeyFromPem, type ManifestSigner } from '../functions/domain/evidence/export-manifest.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { loadRunbooks } from '../workflows/load-runbooks.js';
import { prepareExportDirectory, readExportDirectory, writeExportDirectory } from './export-directory.js';
import { progressReporter } from './export-progress-reporter.js';
import { UsageError } from './usage-error.js';

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

async function statementSigner(flags: StatementFlags): Promise<ManifestSigner> {
  if (flags.kmsKeyId !== undefined) {
    const signer = kmsEd25519Signer(flags.kmsKeyId);
    await signer.publicKey(); // a wrong key id or spec is a usage error now, not after the whole export
    return signer;
  }
  if (flags.signingKeyFile !== undefined) return keySigner(signingKeyFromPem(await readFile(flags.signingKeyFile)));
  throw new UsageError(
    'a continuity statement is signed with the evidence export\'s key: give --kms-key-id (stack output EvidenceSigningKeyArn; on the local stack alias/irdr-evidence-signing) or --signing-key-file',
  );
}

async function usage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
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
  const signer = await usage(() => statementSigner(flags));
  if (flags.out !== undefined) await usage(() => prepareExportDirectory(flags.out!));
  if (flags.exportOut !== undefined) await usage(() => prepareExportDirectory(flags.exportOut!));
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

/** An export as given: a directory as `irdr evidence export` wrote it, or the zip GET /evidence answers with (one folder inside). */
async function readExport(path: string): Promise<ExportContents> {
  if ((await stat(path)).isDirectory()) return readExportDirectory(path);
  const entries = unzipSync(new Uint8Array(await readFile(path)));
  const files = new Map<string, Buffer>();
  let manifest: string | undefined;
  for (const [entryName, content] of Object.entries(entries)) {
    const name = entryName.split('/').at(-1)!;
    if (name === '' || entryName.split('/').length > 2) continue;
    if (name === MANIFEST_FILE) manifest = Buffer.from(content).toString('utf8');
    else files.set(name, Buffer.from(content));
  }
  if (manifest === undefined) throw new Error(`${path} holds no ${MANIFEST_FILE}: not an irdr evidence export`);
  return { manifestText: manifest, files };
}

/** `irdr evidence check-statement FILE --public-key-file PEM [--export ZIP|DIR]`: exit 1 naming each reason it fails. */
export async function evidenceCheckStatementCommand(file: string, flags: { publicKeyFile: string; export?: string; pdf?: string }): Promise<void> {
  const { text, key, exported, pdf } = await usage(async () => ({
    text: await readFile(file, 'utf8'),
    key: publicKeyFromPem(await readFile(flags.publicKeyFile)),
    exported: flags.export === undefined ? undefined : await readExport(flags.export),
    pdf: flags.pdf === undefined ? undefined : await readFile(flags.pdf),
  }));
  const checked = checkStatement(text, key, exported);
  // The PDF is drawn from the signed JSON, deterministically: re-drawn from the verified statement, it must be these bytes.
  const redrawn =
    pdf !== undefined && checked.statement !== undefined ? Buffer.from(await (await import('../functions/domain/evidence/continuity-statement-pdf.js')).statementPdf(checked.statement)) : undefined;
  const check = redrawn && !redrawn.equals(pdf!)
    ? { ...checked, problems: [...checked.problems, `${flags.pdf} is not the drawing of this statement: its text or figures differ from the signed ones (or another irdr version drew it)`] }
    : checked;
  for (const problem of check.problems) console.log(`FAILED ${problem}`);
  for (const note of check.notes) console.log(`note: ${note}`);
  if (check.problems.length > 0) {
    console.log(`${file}: ${check.problems.length} problems: not a statement to rely on`);
    process.exitCode = 1;
    return;
  }
  const drawn = pdf !== undefined ? `; ${flags.pdf} is its drawing` : '';
  const tie = exported ? `, and the export given is the one it summarises (manifest sha256 ${check.statement?.evidenceExport.manifestSha256}), every file intact` : '';
  console.log(`${file}: signature valid (pinned key ${check.statement?.signature?.keyFingerprint})${tie}${drawn}`);
}

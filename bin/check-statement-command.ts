import { readFile, stat } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { checkStatement, type ExportContents } from '../functions/domain/evidence/continuity-statement-check.js';
import { MANIFEST_FILE, publicKeyFromPem } from '../functions/domain/evidence/export-manifest.js';
import { readExportDirectory } from './export-directory.js';
import { asUsageError } from './usage-error.js';

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
  const { text, key, exported, pdf } = await asUsageError(async () => ({
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

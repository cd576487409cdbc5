import type { KeyObject } from 'node:crypto';
import { checkExport, sha256Hex } from './export-manifest.js';
import { statementHtml, statementJsonOfHtml } from './continuity-statement-html.js';
import { ContinuityStatement } from './continuity-statement-schema.js';
import { statementSignatureVerdict, type StatementSignatureVerdict } from './continuity-statement-signature.js';

export interface StatementCheck {
  readonly statement?: ContinuityStatement;
  readonly signature: StatementSignatureVerdict;
  /** What fails the check, one line each saying why. */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

/** An export as check-export reads it: manifest.json's text and the other files by name. */
export interface ExportContents {
  readonly manifestText: string;
  readonly files: ReadonlyMap<string, Buffer>;
}

const refused = (problem: string): StatementCheck => ({ signature: 'unsigned', problems: [problem], notes: [] });

/**
 * Checks a statement file (its JSON, or its page, which carries the JSON and must be exactly what that JSON renders to):
 * signed by the pinned key over exactly its content, and, given the export it names, that the export's manifest is the
 * one whose SHA-256 it carries, with every file of that export intact and its manifest signed by the same key.
 */
export function checkStatement(text: string, pinned: KeyObject, exported?: ExportContents): StatementCheck {
  const isPage = /^\s*<!doctype html/i.test(text);
  const jsonText = isPage ? statementJsonOfHtml(text) : text;
  if (jsonText === undefined) return refused('the page carries no signed statement (no irdr-continuity-statement JSON in it)');
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText);
  } catch {
    return refused('not JSON: not a continuity statement');
  }
  const parsed = ContinuityStatement.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refused(`not an irdr continuity statement: ${issue?.path.join('.') || '(statement)'}: ${issue?.message}`);
  }
  const statement = parsed.data;
  const problems: string[] = [];
  const notes: string[] = [];
  const signature = statementSignatureVerdict(raw as Record<string, unknown>, statement, pinned);
  if (signature === 'unsigned') problems.push('the statement is not signed');
  if (signature === 'invalid') problems.push('the signature does not match the statement: it was changed after it was signed');
  if (signature === 'wrong-key') problems.push(`signed by ${statement.signature?.keyFingerprint}, not by the pinned key`);
  // Rendered from the JSON as signed (not as parsed), so the page must be exactly what that signed content makes.
  if (isPage && statementHtml(raw as ContinuityStatement) !== text) problems.push('the page differs from what its signed statement renders to: its visible text was changed');
  if (exported) {
    const found = sha256Hex(Buffer.from(exported.manifestText, 'utf8'));
    if (found !== statement.evidenceExport.manifestSha256) {
      problems.push(`the export is not the one this statement summarises: its manifest has SHA-256 ${found}, the statement names ${statement.evidenceExport.manifestSha256}`);
    }
    const exportCheck = checkExport(exported.manifestText, exported.files, pinned);
    for (const problem of exportCheck.problems) problems.push(`export: ${problem}`);
    for (const note of exportCheck.notes) notes.push(`export: ${note}`);
  } else {
    notes.push(`no export given (--export): the tie to the full evidence export (manifest SHA-256 ${statement.evidenceExport.manifestSha256}) was not checked`);
  }
  return { statement, signature, problems, notes };
}

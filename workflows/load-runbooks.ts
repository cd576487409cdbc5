import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Runbook } from './runbook-schema.js';

export const RUNBOOKS_DIR = fileURLToPath(new URL('./runbooks/', import.meta.url));
/** The generated JSON Schema that runbook files name for editors (`# yaml-language-server: $schema=...`). */
export const RUNBOOK_SCHEMA_FILE = fileURLToPath(new URL('./runbook.schema.json', import.meta.url));

export class RunbookDefinitionError extends Error {
  override name = 'RunbookDefinitionError';
}

/** Parses and validates one runbook file; errors name the file and the path inside it. */
export function loadRunbookFile(file: string): Runbook {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunbookDefinitionError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = Runbook.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new RunbookDefinitionError(`${file}: invalid runbook\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/** Every runbook in workflows/runbooks, sorted by id; duplicate ids are an error. */
export function loadRunbooks(dir: string = RUNBOOKS_DIR): Runbook[] {
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
  const runbooks = files.map((name) => loadRunbookFile(join(dir, name)));
  const ids = new Map<string, number>();
  for (const runbook of runbooks) ids.set(runbook.id, (ids.get(runbook.id) ?? 0) + 1);
  const twice = [...ids].filter(([, count]) => count > 1).map(([id]) => id);
  if (twice.length > 0) throw new RunbookDefinitionError(`${dir}: runbook ids used more than once: ${twice.join(', ')}`);
  return runbooks.sort((a, b) => a.id.localeCompare(b.id));
}

/** JSON Schema for editors, generated from the zod schema (never written by hand). */
export function runbookJsonSchema(): unknown {
  return { ...z.toJSONSchema(Runbook, { io: 'input' }), title: 'irdr runbook (schema v2)' };
}

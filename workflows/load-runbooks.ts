import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { Runbook } from '../functions/domain/runbook-schema.js';
import { loadYamlDefinition, loadYamlDefinitions } from './yaml-definitions.js';

export const RUNBOOKS_DIR = fileURLToPath(new URL('./runbooks/', import.meta.url));
/** The generated JSON Schema that runbook files name for editors (`# yaml-language-server: $schema=...`). */
export const RUNBOOK_SCHEMA_FILE = fileURLToPath(new URL('./runbook.schema.json', import.meta.url));

/** Parses and validates one runbook file; errors name the file and the path inside it. */
export const loadRunbookFile = (file: string): Runbook => loadYamlDefinition(file, Runbook, 'runbook');

/** Every runbook in workflows/runbooks, sorted by id; duplicate ids are an error. */
export const loadRunbooks = (dir: string = RUNBOOKS_DIR): Runbook[] => loadYamlDefinitions(dir, Runbook, 'runbook');

/** JSON Schema for editors, generated from the zod schema (never written by hand). */
export function runbookJsonSchema(): unknown {
  return { ...z.toJSONSchema(Runbook, { io: 'input' }), title: 'irdr runbook (schema v2)' };
}

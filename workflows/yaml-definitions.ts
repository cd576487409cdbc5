import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';

export class DefinitionFileError extends Error {
  override name = 'DefinitionFileError';
}

/**
 * Definitions this process has parsed and validated, by schema, then file, with the text they came from: a local
 * stack starts many times in one test worker (~40 ms of YAML and zod a start), and the files rarely change between.
 */
const validated = new WeakMap<z.core.$ZodType, Map<string, { readonly text: string; readonly data: unknown }>>();

/** Parses and validates one YAML definition file; errors name the file and each path inside it. */
export function loadYamlDefinition<Schema extends z.core.$ZodType>(file: string, schema: Schema, kind: string): z.output<Schema> {
  let text: string;
  let document: unknown;
  try {
    text = readFileSync(file, 'utf8');
    const known = validated.get(schema)?.get(file);
    // The same text, checked by the same schema: the same definition. A copy, for a caller may change what it gets.
    if (known?.text === text) return structuredClone(known.data) as z.output<Schema>;
    document = parseYaml(text);
  } catch (error) {
    throw new DefinitionFileError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = z.safeParse(schema, document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new DefinitionFileError(`${file}: invalid ${kind}\n${problems.join('\n')}`);
  }
  const byFile = validated.get(schema) ?? new Map<string, { text: string; data: unknown }>();
  validated.set(schema, byFile.set(file, { text, data: structuredClone(parsed.data) }));
  return parsed.data;
}

/** Every `*.yaml`/`*.yml` definition in a folder, sorted by id; an id used twice is an error. */
export function loadYamlDefinitions<Schema extends z.core.$ZodType<{ id: string }>>(dir: string, schema: Schema, kind: string): Array<z.output<Schema>> {
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
  const definitions = files.map((name) => loadYamlDefinition(join(dir, name), schema, kind));
  const counts = new Map<string, number>();
  for (const definition of definitions) counts.set(definition.id, (counts.get(definition.id) ?? 0) + 1);
  const twice = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  if (twice.length > 0) throw new DefinitionFileError(`${dir}: ${kind} ids used more than once: ${twice.join(', ')}`);
  return definitions.sort((a, b) => a.id.localeCompare(b.id));
}

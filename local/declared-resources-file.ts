import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';

/**
 * The resources a local service declares (secrets, keys), kept in one file under the data dir (mode 0600, as
 * they hold secret material): those already in the file are reused, new ones created and written back.
 */
export function loadDeclaredResources<Spec, Stored>(options: {
  readonly file: string | undefined;
  /** The file's one top-level list: `secrets`, `keys`. */
  readonly listName: string;
  readonly schema: z.ZodType<Stored>;
  readonly declared: readonly Spec[];
  readonly isStoredFor: (stored: Stored, spec: Spec) => boolean;
  readonly create: (spec: Spec) => Stored;
}): Stored[] {
  const { file, listName } = options;
  const stored = file && existsSync(file) ? z.object({ [listName]: z.array(options.schema) }).parse(JSON.parse(readFileSync(file, 'utf8')))[listName]! : [];
  let changed = false;
  const resources = options.declared.map((spec) => {
    const existing = stored.find((candidate) => options.isStoredFor(candidate, spec));
    if (existing) return existing;
    changed = true;
    return options.create(spec);
  });
  if (file && changed) {
    mkdirSync(dirname(file), { recursive: true });
    const kept = stored.filter((candidate) => !resources.includes(candidate) && !options.declared.some((spec) => options.isStoredFor(candidate, spec)));
    writeFileSync(file, JSON.stringify({ [listName]: [...kept, ...resources] }, null, 2), { mode: 0o600 });
  }
  return resources;
}

/**
 * The irdr CLI as the tests spawn it: the launcher's own bundle of bin/irdr.ts (bin/launcher-bundle.js, kept under
 * node_modules/.cache/irdr/launcher until a source changes), run by a small entry written once per test run, so each
 * of the few hundred short CLI processes loads prebuilt files with no check of the sources (the launcher's ~0.1 CPU-s)
 * and no tsx (`irdr incidents list`: 0.38 -> 0.11 s of CPU). The commands that run a local stack (`local start`,
 * `demo`) run bin/irdr.js itself, the launcher users run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LauncherManifest } from '../../bin/launcher-bundle.js';
import { PROJECT_ROOT } from '../../local/project-root.js';

/** The entry: the compile cache keeps V8's code between this run's processes; stack commands go to the users' launcher. */
const entry = (compileCacheDir: string, manifest: LauncherManifest): string => `
import { enableCompileCache } from 'node:module';
enableCompileCache(${JSON.stringify(compileCacheDir)});
const [command, subcommand] = process.argv.slice(2);
if (command === 'demo' || (command === 'local' && subcommand === 'start')) await import(${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'bin', 'irdr.js')).href)});
else {
  const { runBundledProgram } = await import(${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'bin', 'launcher-bundle.js')).href)});
  await runBundledProgram(${JSON.stringify({ programs: manifest.programs, handlers: manifest.handlers })});
}
`;

/** Writes the CLI's entry for this run into outdir, over the launcher's bundle the manifest names, and returns the file to run with `node`. */
export async function writeIrdrCliEntry(outdir: string, compileCacheDir: string, manifest: LauncherManifest): Promise<string> {
  const file = join(outdir, 'irdr.mjs');
  await writeFile(file, entry(compileCacheDir, manifest));
  return file;
}

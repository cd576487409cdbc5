/**
 * The irdr CLI as the tests spawn it: bin/irdr.ts and what it imports built into one bundle once per test run, so
 * each of the few hundred short CLI processes loads a few prebuilt files instead of transforming our TypeScript
 * through tsx and resolving node_modules file by file (`irdr incidents list`: 0.38 -> 0.11 s of CPU).
 * The commands that run a local stack (`local start`, `demo`) run bin/irdr.js itself, the launcher users run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from '../../bin/launcher-bundle.js';
import { PROJECT_ROOT } from '../../local/project-root.js';

/** The entry: the compile cache keeps V8's code between this run's processes; stack commands go to the users' launcher. */
const entry = (compileCacheDir: string): string => `
import { enableCompileCache } from 'node:module';
enableCompileCache(${JSON.stringify(compileCacheDir)});
const [command, subcommand] = process.argv.slice(2);
const launcher = ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'bin', 'irdr.js')).href)};
if (command === 'demo' || (command === 'local' && subcommand === 'start')) await import(launcher);
else await import(${JSON.stringify(join(PROJECT_ROOT, 'bin', 'irdr.ts'))});
`;

/** Builds the CLI into outdir and returns the file to run with `node`. */
export async function buildIrdrCli(outdir: string, compileCacheDir: string): Promise<string> {
  await build({
    stdin: { contents: entry(compileCacheDir), resolveDir: PROJECT_ROOT, sourcefile: 'irdr-cli-entry.mjs', loader: 'js' },
    // The launcher's own options (bin/launcher-bundle.js): the same program as `irdr` runs, without its cache check.
    ...bundleOptions(),
    outdir,
    entryNames: 'irdr',
  });
  // The chunks are ESM: say so to node, whatever a package.json above says.
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return join(outdir, 'irdr.js');
}

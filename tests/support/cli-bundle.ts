/**
 * The irdr CLI as the tests spawn it: bin/irdr.ts built once per test run with esbuild, so each of the few hundred
 * CLI processes loads one prebuilt file of our code instead of transforming ~100 TypeScript modules through tsx
 * (0.1-0.2 s of CPU each instead of 0.2-0.35 s). Users keep running bin/irdr.js (tsx), and so does tests/integration/demo.test.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../../local/project-root.js';

/**
 * Each module keeps its own import.meta.url (PROJECT_ROOT, the workflows' folders, createRequire): a bundle would
 * otherwise give every module the bundle's own URL.
 */
const keepModuleUrls: Plugin = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // Read through the `define` below, so import.meta.url inside string literals stays as it is.
      return { contents: `const __irdrModuleUrl = ${JSON.stringify(pathToFileURL(args.path).href)};\n${source}`, loader: 'ts' };
    });
  },
};

/**
 * The entry: the commands that run a local stack import each handler by its .ts path (local/lambda-runtime.ts), so
 * they get tsx registered as bin/irdr.js does; the compile cache keeps V8's code for node_modules between processes.
 */
const entry = (compileCacheDir: string): string => `
import { enableCompileCache } from 'node:module';
enableCompileCache(${JSON.stringify(compileCacheDir)});
const [command, subcommand] = process.argv.slice(2);
if (command === 'demo' || (command === 'local' && subcommand === 'start')) (await import('tsx/esm/api')).register();
await import(${JSON.stringify(join(PROJECT_ROOT, 'bin', 'irdr.ts'))});
`;

/**
 * Builds the CLI into outdir (which must lie under the project, so node_modules resolve from it: packages stay
 * external, as installed) and returns the file to run with `node`.
 */
export async function buildIrdrCli(outdir: string, compileCacheDir: string): Promise<string> {
  await build({
    stdin: { contents: entry(compileCacheDir), resolveDir: PROJECT_ROOT, sourcefile: 'irdr-cli-entry.mjs', loader: 'js' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    outdir,
    entryNames: 'irdr',
    define: { 'import.meta.url': '__irdrModuleUrl' },
    plugins: [keepModuleUrls],
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'warning',
  });
  const file = join(outdir, 'irdr.js');
  // The chunks are ESM: say so for node, whatever package.json above says.
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return file;
}

/**
 * The irdr CLI as the tests spawn it: bin/irdr.ts and what it imports built into one bundle once per test run, so
 * each of the few hundred short CLI processes loads a few prebuilt files instead of transforming our TypeScript
 * through tsx and resolving node_modules file by file (`irdr incidents list`: 0.38 -> 0.11 s of CPU).
 * The commands that run a local stack (`local start`, `demo`) run bin/irdr.js itself, the launcher users run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../../local/project-root.js';

/**
 * Each module keeps its own location (import.meta.url/dirname/filename, __dirname, __filename: PROJECT_ROOT, the
 * workflows' folders, the files packages read beside their code): in a bundle they would all be the bundle's. Read
 * through the `define`s below, so the same words inside string literals stay as they are.
 */
const LOCATION_WORDS = ['import.meta.url', 'import.meta.dirname', 'import.meta.filename', '__dirname', '__filename'];
/** Comments and blank space, then the "use strict" directive. */
const STRICT_PROLOGUE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use strict\1;?/;
const keepModuleLocations: Plugin = {
  name: 'keep-module-locations',
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs|cjs)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!LOCATION_WORDS.some((word) => source.includes(word))) return undefined;
      const location =
        `var __irdrModuleUrl = ${JSON.stringify(pathToFileURL(args.path).href)}, ` +
        `__irdrDirname = ${JSON.stringify(dirname(args.path))}, __irdrFilename = ${JSON.stringify(args.path)};`;
      // A `#!` line is commented out; the declarations go after a "use strict" prologue, which must stay first to count.
      const code = source.startsWith('#!') ? `//${source}` : source;
      const prologue = STRICT_PROLOGUE.exec(code)?.[0] ?? '';
      return { contents: `${prologue}${location}${code.slice(prologue.length)}`, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/** Bundled CommonJS packages call `require` for Node's built-ins: an ESM bundle has none of its own. */
const REQUIRE_BANNER = "import { createRequire as __irdrCreateRequire } from 'node:module'; const require = __irdrCreateRequire(import.meta.url);";

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
    bundle: true,
    // Each command's module stays a chunk of its own, loaded when that command runs (as bin/irdr.ts intends).
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    outdir,
    entryNames: 'irdr',
    // dynalite requires its actions by computed name: it loads from node_modules, as installed.
    external: ['dynalite'],
    banner: { js: REQUIRE_BANNER },
    define: {
      'import.meta.url': '__irdrModuleUrl',
      'import.meta.dirname': '__irdrDirname',
      'import.meta.filename': '__irdrFilename',
      __dirname: '__irdrDirname',
      __filename: '__irdrFilename',
    },
    plugins: [keepModuleLocations],
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'error',
  });
  // The chunks are ESM: say so to node, whatever a package.json above says.
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return join(outdir, 'irdr.js');
}

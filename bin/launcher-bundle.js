/**
 * The `irdr` launcher's program: bin/irdr.ts and every handler of functions/registry.ts built by esbuild into one
 * bundle (shared chunks: one copy of each module), kept under node_modules/.cache/irdr/launcher until one of its
 * inputs changes. A start loads ~130 prebuilt files instead of transforming ~220 of our TypeScript files through tsx
 * and resolving ~1,000 of node_modules one by one (`irdr local start` to ready: ~1.8 -> ~0.9 CPU-s; docs/stack-start-cpu-8.md).
 *
 * Plain JavaScript: it runs before anything could load TypeScript.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire, registerHooks } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where a project's launcher bundle lives (the tests build small projects of their own). */
export const launcherCacheOf = (root = PROJECT_ROOT) => join(root, 'node_modules', '.cache', 'irdr', 'launcher');
/**
 * The CLI is the launcher's program; other programs of ours (a test's stack process) are entries of the same build
 * beside it, sharing its chunks: one build, one manifest, whichever program asked for it first.
 */
const CLI = 'bin/irdr.ts';
const manifestOf = (root) => join(launcherCacheOf(root), 'manifest.json');
const readManifest = (root) => {
  try {
    return JSON.parse(readFileSync(manifestOf(root), 'utf8'));
  } catch {
    return undefined;
  }
};
/** Names each handler's entry file: each is an entry of the bundle. */
const REGISTRY = 'functions/registry.ts';
/** Bumped when what a manifest holds changes meaning; this file and esbuild's version are inputs of every bundle too. */
const MANIFEST_FORMAT = 5;
/** Files no bundle of the last week names are removed on a rebuild: a stack started from an older bundle may still load its handlers' files. */
const UNUSED_FILE_AGE_MS = 7 * 24 * 3_600_000;

// ---- the bundle's options, shared with the tests' CLI bundle (tests/support/cli-bundle.ts) ----

/**
 * Each module keeps its own location (import.meta.url/dirname/filename, __dirname, __filename: PROJECT_ROOT, the
 * workflows' folders, the files packages read beside their code): in a bundle they would all be the bundle's. Read
 * through the `define`s below, so the same words inside string literals stay as they are.
 */
const LOCATION_WORDS = ['import.meta.url', 'import.meta.dirname', 'import.meta.filename', '__dirname', '__filename'];
/** Comments and blank space, then the "use strict" directive. */
const STRICT_PROLOGUE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use strict\1;?/;
/** @type {import('esbuild').Plugin} */
const keepModuleLocations = {
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

/** esbuild's options for a bundle of irdr's TypeScript run by node from a folder inside the project. */
export const bundleOptions = (root = PROJECT_ROOT) => ({
  bundle: true,
  // Each command's module stays a chunk of its own, loaded when that command runs (as bin/irdr.ts intends).
  splitting: true,
  format: /** @type {const} */ ('esm'),
  platform: /** @type {const} */ ('node'),
  target: 'node24',
  mainFields: ['module', 'main'],
  // Class and function names as written (error names, logs), as tsx's transform keeps them.
  keepNames: true,
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
  absWorkingDir: root,
  logLevel: /** @type {const} */ ('error'),
});

// ---- is the bundle on disk the sources' bundle? ----

/** A file's size and modification time ('missing' if it is gone). */
function statStampOf(root, file) {
  const stat = statSync(join(root, file), { throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeMs}` : 'missing';
}

function contentHashOf(root, file) {
  try {
    return createHash('sha256').update(readFileSync(join(root, file))).digest('base64url');
  } catch {
    return 'missing';
  }
}

/**
 * How a start tells whether an input changed: our own files by their content, as tsx's cache does (an edit that
 * keeps a file's size and time still counts; ~550 files, ~40 ms); installed packages, which npm rewrites whole, by
 * size and modification time (hashing ~4,300 more files would cost more than the start saves).
 */
const stampOf = (root, file) => (file.split('/').includes('node_modules') ? statStampOf(root, file) : contentHashOf(root, file));

/** The manifest of the bundle built from the sources as they are now, or undefined when there is none or one input changed. */
export function currentManifest(root = PROJECT_ROOT, programs = [CLI]) {
  const manifest = readManifest(root);
  if (manifest?.format !== MANIFEST_FORMAT || typeof manifest.inputs !== 'object') return undefined;
  if (!programs.every((program) => typeof manifest.programs?.[program] === 'string')) return undefined;
  for (const [file, stamp] of Object.entries(manifest.inputs)) if (stampOf(root, file) !== stamp) return undefined;
  return manifest;
}

// ---- building it ----

/** Written beside, then renamed: a process reading the file sees the old one or the new one, never half of one. */
function writeAtomically(file, contents) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** The registry's entry files (functions/registry.ts holds only data and types: built alone, it imports nothing). */
async function handlerEntries(esbuild, root) {
  const { outputFiles } = await esbuild.build({ entryPoints: [REGISTRY], bundle: true, write: false, format: 'iife', globalName: 'registry', platform: 'node', absWorkingDir: root, logLevel: 'error' });
  // Evaluated on its own, not imported: whatever loads this file (node, or a test runner's module loader) stays out of it.
  const registry = runInNewContext(`${outputFiles[0].text}; registry`);
  return [...new Set(registry.functionRegistry.map((spec) => spec.entry))];
}

/**
 * Builds the bundle into the cache and writes its manifest. Output files are named by their content, so a file once
 * written never changes: a process still running an older bundle keeps loading its own files.
 */
export async function buildLauncherBundle(root = PROJECT_ROOT, programs = [CLI]) {
  const esbuild = await import('esbuild');
  // The programs the last build held stay in this one (while their files are there): a rebuild for one keeps the others.
  const previous = Object.keys(readManifest(root)?.programs ?? {}).filter((program) => statSync(join(root, program), { throwIfNoEntry: false }));
  const entries = [...new Set([...programs, ...previous])];
  const cache = launcherCacheOf(root);
  const handlers = await handlerEntries(esbuild, root);
  const result = await esbuild.build({
    ...bundleOptions(root),
    entryPoints: [...entries, ...handlers],
    outbase: root,
    outdir: cache,
    entryNames: '[dir]/[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    // No source maps: ~1.2 of a build's ~6 CPU-s and 48 MB, for traces that name the bundle's lines (functions keep their names).
    metafile: true,
    write: false,
  });
  for (const output of result.outputFiles) {
    try {
      statSync(output.path);
    } catch {
      writeAtomically(output.path, output.contents);
    }
  }
  // The chunks are ESM: say so to node, whatever a package.json above says.
  writeAtomically(join(cache, 'package.json'), '{ "type": "module" }\n');
  const entryOf = new Map(Object.entries(result.metafile.outputs).flatMap(([output, { entryPoint }]) => (entryPoint ? [[entryPoint, relative(cache, resolve(root, output))]] : [])));
  // How it is built counts too: the registry (which handlers are entries), this file, and esbuild's version, wherever they are.
  const builtBy = [REGISTRY, relative(root, fileURLToPath(import.meta.url)), relative(root, createRequire(import.meta.url).resolve('esbuild/package.json'))];
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...builtBy])];
  const manifest = {
    format: MANIFEST_FORMAT,
    programs: Object.fromEntries(entries.map((program) => [program, entryOf.get(program)])),
    handlers: Object.fromEntries(handlers.map((handler) => [handler, entryOf.get(handler)])),
    // Every file of this bundle, so that a rebuild of another program's bundle keeps them.
    outputs: result.outputFiles.map((output) => relative(cache, output.path).split(sep).join('/')),
    inputs: Object.fromEntries(inputs.map((file) => file.split(sep).join('/')).map((file) => [file, stampOf(root, file)])),
  };
  writeAtomically(manifestOf(root), `${JSON.stringify(manifest)}\n`);
  removeUnusedFiles(cache);
  return manifest;
}

function removeUnusedFiles(cache) {
  const named = new Set(['package.json']);
  for (const name of readdirSync(cache).filter((file) => /^manifest.*\.json$/.test(file))) {
    named.add(name);
    try {
      for (const output of JSON.parse(readFileSync(join(cache, name), 'utf8')).outputs ?? []) named.add(output);
    } catch {
      // Torn or old: its program rebuilds on its next start.
    }
  }
  const old = Date.now() - UNUSED_FILE_AGE_MS;
  for (const entry of readdirSync(cache, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    if (entry.isFile() && !named.has(relative(cache, file).split(sep).join('/')) && statSync(file).mtimeMs < old) rmSync(file, { force: true });
  }
}

// ---- running it ----

/**
 * local/lambda-runtime.ts imports a handler by its registry path (`functions/http/x.ts`), as in the project: answer
 * with the bundle's build of that handler, which shares the bundle's modules (one copy of each, as under tsx).
 */
function redirectHandlers(root, manifest) {
  const bundled = new Map(Object.entries(manifest.handlers).map(([entry, output]) => [pathToFileURL(join(root, entry)).href, pathToFileURL(join(launcherCacheOf(root), output)).href]));
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = bundled.get(specifier);
      return url ? { url, shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}

/** Runs a program of the manifest (as built, unchecked: for a caller that has just checked it). */
export async function runBundledProgram(manifest, root = PROJECT_ROOT, program = CLI) {
  redirectHandlers(root, manifest);
  await import(pathToFileURL(join(launcherCacheOf(root), manifest.programs[program])).href);
}

/** Runs the CLI (or another program of ours: a test's stack process) from its bundle, building it first when a source changed since the last build. */
export async function runLauncherBundle(root = PROJECT_ROOT, program = CLI) {
  await runBundledProgram(currentManifest(root, [program]) ?? (await buildLauncherBundle(root, [program])), root, program);
}

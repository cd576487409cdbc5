/**
 * A function's bundle built the way `cdk synth` builds it (lib/function-code.ts), with the same esbuild options
 * (lib/function-esbuild.ts), plus what the bench reads of it: bytes per module.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { bundleContentsOf } from '../lib/bundle-contents.js';
import { PROJECT_ROOT } from '../lib/project-root.js';

/** The esbuild options a function is built with (one definition, in lib/): re-exported for the bench and the tests. */
export { esbuildOptionsOf } from '../lib/function-esbuild.js';

// Naive baseline, a bundle made by hand without care: the SDK's whole credential chain, its schemas' computed keys as shipped, CJS-first main fields pull each SDK client's whole dist-cjs (every command), nothing tree-shaken or minified.
export const naiveOptionsOf = (options: BuildOptions & { outfile: string }): BuildOptions & { outfile: string } => ({
  ...options,
  alias: {},
  plugins: [],
  mainFields: ['main', 'module'],
  treeShaking: false,
  minify: false,
});

export interface FunctionBundle {
  /** The bundle's code file (its source map lies beside it, as in the deployed asset). */
  readonly file: string;
  readonly bytes: number;
  /** Default-level gzip of the code: about what it adds to the zipped deployment package Lambda's limit counts. */
  readonly gzipBytes: number;
  /** The @aws-sdk/client-* packages in the bundle, e.g. `client-dynamodb`. */
  readonly sdkClients: readonly string[];
  /** Bytes each input module (path relative to the project root) adds to the code. */
  readonly moduleBytes: Readonly<Record<string, number>>;
}

/** Bundles one registry entry (relative to the project root) into outdir, which esbuild creates. */
export async function bundleFunction(entry: string, options: BuildOptions & { outfile: string }, outdir: string): Promise<FunctionBundle> {
  const file = join(outdir, options.outfile);
  const result = await build({ ...options, entryPoints: [join(PROJECT_ROOT, entry)], outfile: file, absWorkingDir: PROJECT_ROOT, metafile: true, logLevel: 'warning' });
  const code = await readFile(file);
  const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined)!;
  const { moduleBytes } = bundleContentsOf(output);
  // What the code holds, not what esbuild read: a module imported but tree-shaken away adds 0 bytes.
  const sdkClients = new Set(Object.entries(moduleBytes).flatMap(([input, bytes]) => (bytes > 0 ? (/node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(input)?.[1] ?? []) : [])));
  return { file, bytes: code.byteLength, gzipBytes: (await promisify(gzip)(code)).byteLength, sdkClients: [...sdkClients].sort(), moduleBytes };
}

/** The package (or, for our own code, the folder) an esbuild input belongs to: `zod`, `@aws-sdk/client-sesv2`, `functions/domain`. */
export function packageOf(input: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
  return dependency ? dependency[1]! : input.slice(0, Math.max(input.lastIndexOf('/'), 0));
}

/** The packages that add the most bytes to a bundle, largest first. */
export function topContributors(moduleBytes: Readonly<Record<string, number>>, count: number): Array<{ readonly name: string; readonly bytes: number }> {
  const bytesByPackage = new Map<string, number>();
  for (const [input, bytes] of Object.entries(moduleBytes)) bytesByPackage.set(packageOf(input), (bytesByPackage.get(packageOf(input)) ?? 0) + bytes);
  return [...bytesByPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, count);
}

export interface BundledEntry {
  readonly name: string;
  readonly entry: string;
  /** esbuild options as esbuildOptionsOf gives them for this function. */
  readonly options: BuildOptions & { outfile: string };
}

/**
 * The code size and per-module bytes of many functions at once, without writing them: one esbuild build per distinct
 * set of options, every function sharing it an entry point, so shared modules (the SDK, zod) are parsed once. The code
 * is the shipped code but for its last line, the source map comment (which names the map file, `index.mjs.map`).
 */
export async function bundleSizes(entries: readonly BundledEntry[]): Promise<Map<string, Pick<FunctionBundle, 'bytes' | 'moduleBytes'>>> {
  const groups = new Map<string, { options: BundledEntry['options']; entries: BundledEntry[] }>();
  for (const entry of entries) {
    const key = JSON.stringify(entry.options);
    groups.set(key, { options: entry.options, entries: [...(groups.get(key)?.entries ?? []), entry] });
  }
  const sizes = new Map<string, Pick<FunctionBundle, 'bytes' | 'moduleBytes'>>();
  for (const { options, entries: group } of groups.values()) {
    const { outfile, ...shared } = options;
    const result = await build({
      ...shared,
      sourcemap: false,
      entryPoints: Object.fromEntries(group.map(({ name, entry }) => [name, join(PROJECT_ROOT, entry)])),
      outdir: join(PROJECT_ROOT, 'cdk.out', 'bundle-sizes'),
      outExtension: { '.js': outfile.slice(outfile.indexOf('.')) },
      absWorkingDir: PROJECT_ROOT,
      metafile: true,
      write: false,
      logLevel: 'warning',
    });
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      const name = file.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
      if (output.entryPoint === undefined || !group.some((entry) => entry.name === name)) continue;
      sizes.set(name, bundleContentsOf(output));
    }
  }
  return sizes;
}

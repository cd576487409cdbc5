import { createRequire } from 'node:module';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions } from 'esbuild';
import type { BundleReply, BundleRequest } from './function-code-worker.js';
import { PROJECT_ROOT } from './project-root.js';

type FunctionBuildOptions = BuildOptions & { outfile: string };

/**
 * The functions of one stack, their code bundled by esbuild's API in this process when CDK stages their assets, with
 * the options of lib/function-esbuild.ts. NodejsFunction runs `npx --no-install esbuild` once per function instead:
 * about 0.4 CPU-s of npm's start each, ~18 CPU-s a synth of the whole stack. The first asset CDK stages builds every
 * function of the stack, one esbuild build per set of options with all their entry points, so what they share (the
 * SDK, zod, the domain) is parsed once rather than once a function: ~34 → ~13 CPU-s of esbuild for the whole stack
 * (docs/test-cpu-9.md). Each function's files are the bytes its own build writes (tests/infra/function-bundle.test.ts).
 * As with NodejsFunction, the asset's hash is its output's, and a stack left out of bundling (`cdk synth` of another
 * stack, the infra tests) is not bundled.
 */
export class FunctionBundles {
  private readonly pending = new Map<string, { readonly entry: string; readonly options: FunctionBuildOptions }>();
  /** Each function's built files, by its key, until CDK stages them: the folder they wait in. */
  private readonly built = new Map<string, string>();
  private builtAll = false;

  /** Every function of the stack, named before any is created: CDK stages an asset as its function is constructed. */
  constructor(functions: ReadonlyArray<{ readonly entry: string; readonly options: FunctionBuildOptions }>) {
    for (const { entry, options } of functions) this.pending.set(bundleKey(entry, options), { entry, options });
  }

  /** A function's code: its entry bundled with these options, built with its stack's others when CDK first asks. */
  code(entry: string, options: FunctionBuildOptions): Code {
    const key = bundleKey(entry, options);
    if (!this.pending.has(key)) throw new Error(`${entry} was not among the functions these bundles were made for`);
    const entryPath = join(PROJECT_ROOT, entry);
    return Code.fromAsset(dirname(entryPath), {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling either builds or throws.
        image: DockerImage.fromRegistry('irdr-bundles-locally'),
        // CDK caches staged assets by source folder and bundling options: the entry keeps each function's apart.
        environment: { IRDR_FUNCTION_ENTRY: entry },
        local: {
          tryBundle: (outputDir) => {
            this.stage(key, outputDir);
            return true;
          },
        },
      },
    });
  }

  private stage(key: string, outputDir: string): void {
    if (!this.builtAll) this.buildAll(dirname(outputDir));
    const folder = this.built.get(key);
    this.built.delete(key);
    // Built beside CDK's bundling folder, at its depth, so the source map's relative paths are the ones a build into it writes.
    if (folder !== undefined && dirname(folder) === dirname(outputDir)) {
      for (const name of readdirSync(folder)) renameSync(join(folder, name), join(outputDir, name));
      rmSync(folder, { recursive: true, force: true });
      return;
    }
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    // Staged again (another assembly folder) or asked for after the batch: built alone, as before.
    const { entry, options } = this.pending.get(key)!;
    runBuilds([{ ...options, entryPoints: [join(PROJECT_ROOT, entry)], outfile: join(outputDir, options.outfile), absWorkingDir: PROJECT_ROOT, logLevel: 'warning' }]);
  }

  private buildAll(besideDir: string): void {
    this.builtAll = true;
    const groups = new Map<string, { options: FunctionBuildOptions; entryPoints: Record<string, string> }>();
    for (const [key, { entry, options }] of this.pending) {
      const folder = join(besideDir, `irdr-bundle-${process.pid}-${this.built.size}`);
      this.built.set(key, folder);
      const group = groups.get(optionsKey(options)) ?? { options, entryPoints: {} };
      group.entryPoints[`${basename(folder)}/${basename(options.outfile, extname(options.outfile))}`] = join(PROJECT_ROOT, entry);
      groups.set(optionsKey(options), group);
    }
    // Whatever CDK never stages (an asset it found staged already) does not outlive the synth.
    process.once('exit', () => {
      for (const folder of this.built.values()) rmSync(folder, { recursive: true, force: true });
    });
    runBuilds(
      [...groups.values()].map(({ options: { outfile, ...options }, entryPoints }) => ({
        ...options,
        entryPoints,
        outdir: besideDir,
        outExtension: { '.js': extname(outfile) },
        absWorkingDir: PROJECT_ROOT,
        logLevel: 'warning',
      })),
    );
  }
}

const bundleKey = (entry: string, options: FunctionBuildOptions): string => `${entry}\n${optionsKey(options)}`;

/** Build options as a key: functions with equal keys build in one esbuild build (plugins by name). */
function optionsKey({ outfile: _outfile, plugins = [], ...options }: FunctionBuildOptions): string {
  return JSON.stringify({ ...options, plugins: plugins.map((plugin) => plugin.name) });
}

/** Longest a synth waits for one request's builds before it gives up on the worker. */
const BUILD_TIMEOUT_MS = 300_000;

let bundler: { readonly port: MessagePort; readonly signal: Int32Array } | undefined;

/** esbuild's builds (plugins included, which buildSync refuses) run to their end in one worker shared by the whole synth. */
function runBuilds(builds: readonly BuildOptions[]): void {
  bundler ??= startBundler();
  Atomics.store(bundler.signal, 0, 0);
  bundler.port.postMessage({
    builds: builds.map(({ plugins = [], ...options }) => ({ options, pluginNames: plugins.map((plugin) => plugin.name) })),
  } satisfies BundleRequest);
  const what = builds.map((build) => String(build.outfile ?? build.outdir)).join(', ');
  if (Atomics.wait(bundler.signal, 0, 0, BUILD_TIMEOUT_MS) === 'timed-out') throw new Error(`bundling ${what} took over ${BUILD_TIMEOUT_MS / 1000} s`);
  const reply = receiveMessageOnPort(bundler.port)?.message as BundleReply | undefined;
  if (!reply || 'error' in reply) throw new Error(reply?.error ?? `bundling ${what} ended without a reply`);
}

function startBundler(): { port: MessagePort; signal: Int32Array } {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  // The worker is TypeScript: tsx's loader, whatever loader (tsx, vitest) runs this thread.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const worker = new Worker(new URL('./function-code-worker.ts', import.meta.url), { workerData: { port: port2, signal }, transferList: [port2], execArgv: ['--import', tsx] });
  // Neither keeps a finished synth from exiting.
  worker.unref();
  port1.unref();
  return { port: port1, signal };
}

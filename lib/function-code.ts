import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions, Metafile } from 'esbuild';
import { bundleContentsOf } from './bundle-contents.js';
import type { BundleReply, BundleRequest } from './function-code-worker.js';
import { PROJECT_ROOT } from './project-root.js';

type FunctionBuildOptions = BuildOptions & { outfile: string };

/** A function to bundle: its name, its entry (relative to the project root), its esbuild options. */
export interface BundledFunction {
  readonly name: string;
  readonly entry: string;
  readonly options: FunctionBuildOptions;
}

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
  private readonly functions = new Map<string, BundledFunction>();
  /** Each function's built files, by its name, until CDK stages them: the folder they wait in. */
  private readonly built = new Map<string, string>();
  private builtAll = false;

  /**
   * Every function of the stack, named before any is created: CDK stages an asset as its function is constructed.
   * With `contentsDir`, what each bundle holds is written there as `<name>.json` (FunctionBundleContents).
   */
  constructor(functions: readonly BundledFunction[], private readonly contentsDir?: string) {
    for (const bundled of functions) this.functions.set(bundled.name, bundled);
  }

  /** A function's code: its entry bundled with its options, built with its stack's others when CDK first asks. */
  code(name: string): Code {
    const bundled = this.functions.get(name);
    if (!bundled) throw new Error(`${name} was not among the functions these bundles were made for`);
    const { entry } = bundled;
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
            this.stage(name, outputDir);
            return true;
          },
        },
      },
    });
  }

  private stage(name: string, outputDir: string): void {
    if (!this.builtAll) this.buildAll(dirname(outputDir));
    const folder = this.built.get(name);
    this.built.delete(name);
    // Built beside CDK's bundling folder, at its depth, so the source map's relative paths are the ones a build into it writes.
    if (folder !== undefined && dirname(folder) === dirname(outputDir)) {
      for (const file of readdirSync(folder)) renameSync(join(folder, file), join(outputDir, file));
      rmSync(folder, { recursive: true, force: true });
      return;
    }
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    // Staged again (another assembly folder) or asked for after the batch: built alone, as before.
    const { entry, options } = this.functions.get(name)!;
    const outfile = join(outputDir, options.outfile);
    const [metafile] = runBuilds([{ ...options, entryPoints: [join(PROJECT_ROOT, entry)], outfile, absWorkingDir: PROJECT_ROOT, logLevel: 'warning', metafile: this.contentsDir !== undefined }]);
    if (metafile) this.writeContents(new Map([[name, outfile]]), [metafile]);
  }

  private buildAll(besideDir: string): void {
    this.builtAll = true;
    const groups = new Map<string, { options: FunctionBuildOptions; entryPoints: Record<string, string> }>();
    const outfiles = new Map<string, string>();
    for (const { name, entry, options } of this.functions.values()) {
      const folder = join(besideDir, `irdr-bundle-${process.pid}-${this.built.size}`);
      this.built.set(name, folder);
      outfiles.set(name, join(folder, options.outfile));
      const group = groups.get(optionsKey(options)) ?? { options, entryPoints: {} };
      group.entryPoints[`${basename(folder)}/${basename(options.outfile, extname(options.outfile))}`] = join(PROJECT_ROOT, entry);
      groups.set(optionsKey(options), group);
    }
    // Whatever CDK never stages (an asset it found staged already) does not outlive the synth.
    process.once('exit', () => {
      for (const folder of this.built.values()) rmSync(folder, { recursive: true, force: true });
    });
    const metafiles = runBuilds(
      [...groups.values()].map(({ options: { outfile, ...options }, entryPoints }) => ({
        ...options,
        entryPoints,
        outdir: besideDir,
        outExtension: { '.js': extname(outfile) },
        absWorkingDir: PROJECT_ROOT,
        logLevel: 'warning',
        metafile: this.contentsDir !== undefined,
      })),
    );
    this.writeContents(outfiles, metafiles.filter((metafile) => metafile !== undefined));
  }

  /** Each function's FunctionBundleContents, from the metafiles of the builds that wrote its output file. */
  private writeContents(outfiles: ReadonlyMap<string, string>, metafiles: readonly Metafile[]): void {
    if (this.contentsDir === undefined) return;
    mkdirSync(this.contentsDir, { recursive: true });
    // esbuild names outputs relative to the working directory.
    const outputs = new Map(metafiles.flatMap((metafile) => Object.entries(metafile.outputs)).map(([file, output]) => [join(PROJECT_ROOT, file), output]));
    for (const [name, outfile] of outfiles) {
      const output = outputs.get(outfile);
      if (!output) throw new Error(`esbuild's metafile has no output ${outfile} for ${name}`);
      writeFileSync(join(this.contentsDir, `${name}.json`), JSON.stringify(bundleContentsOf(output)));
    }
  }
}

/** Build options as a key: functions with equal keys build in one esbuild build (plugins by name). */
function optionsKey({ outfile: _outfile, plugins = [], ...options }: FunctionBuildOptions): string {
  return JSON.stringify({ ...options, plugins: plugins.map((plugin) => plugin.name) });
}

/** Longest a synth waits for one request's builds before it gives up on the worker. */
const BUILD_TIMEOUT_MS = 300_000;

let bundler: { readonly port: MessagePort; readonly signal: Int32Array } | undefined;

/** esbuild's builds (plugins included, which buildSync refuses) run to their end in one worker shared by the whole synth: their metafiles. */
function runBuilds(builds: readonly BuildOptions[]): Array<Metafile | undefined> {
  bundler ??= startBundler();
  Atomics.store(bundler.signal, 0, 0);
  bundler.port.postMessage({
    builds: builds.map(({ plugins = [], ...options }) => ({ options, pluginNames: plugins.map((plugin) => plugin.name) })),
  } satisfies BundleRequest);
  const what = builds.map((build) => String(build.outfile ?? build.outdir)).join(', ');
  if (Atomics.wait(bundler.signal, 0, 0, BUILD_TIMEOUT_MS) === 'timed-out') throw new Error(`bundling ${what} took over ${BUILD_TIMEOUT_MS / 1000} s`);
  const reply = receiveMessageOnPort(bundler.port)?.message as BundleReply | undefined;
  if (!reply || 'error' in reply) throw new Error(reply?.error ?? `bundling ${what} ended without a reply`);
  return reply.metafiles;
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

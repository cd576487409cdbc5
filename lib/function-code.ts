import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions } from 'esbuild';
import type { BundleReply, BundleRequest } from './function-code-worker.js';
import { PROJECT_ROOT } from './project-root.js';

/**
 * A function's code, bundled by esbuild's API in this process when CDK stages the asset, with the options of
 * lib/function-esbuild.ts. NodejsFunction runs `npx --no-install esbuild` once per function instead: about 0.4 CPU-s
 * of npm's start each, ~18 CPU-s a synth of the whole stack. As with NodejsFunction, the asset's hash is its output's,
 * and a stack left out of bundling (`cdk synth` of another stack, the infra tests) is not bundled.
 */
export function bundledCode(entry: string, options: BuildOptions & { outfile: string }): Code {
  const entryPath = join(PROJECT_ROOT, entry);
  return Code.fromAsset(dirname(entryPath), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling either builds or throws.
      image: DockerImage.fromRegistry('irdr-bundles-locally'),
      // CDK caches staged assets by source folder and bundling options: the entry keeps each function's apart.
      environment: { IRDR_FUNCTION_ENTRY: entry },
      local: {
        tryBundle(outputDir) {
          buildInWorker({ ...options, entryPoints: [entryPath], outfile: join(outputDir, options.outfile), absWorkingDir: PROJECT_ROOT, logLevel: 'warning' });
          return true;
        },
      },
    },
  });
}

/** Longest a function's build may take before the synth gives up on the worker. */
const BUILD_TIMEOUT_MS = 120_000;

let bundler: { readonly port: MessagePort; readonly signal: Int32Array } | undefined;

/** esbuild's build (plugins included, which buildSync refuses) run to its end in one worker shared by the whole synth. */
function buildInWorker({ plugins = [], ...options }: BuildOptions): void {
  bundler ??= startBundler();
  Atomics.store(bundler.signal, 0, 0);
  bundler.port.postMessage({ options, pluginNames: plugins.map((plugin) => plugin.name) } satisfies BundleRequest);
  if (Atomics.wait(bundler.signal, 0, 0, BUILD_TIMEOUT_MS) === 'timed-out') throw new Error(`bundling ${String(options.outfile)} took over ${BUILD_TIMEOUT_MS / 1000} s`);
  const reply = receiveMessageOnPort(bundler.port)?.message as BundleReply | undefined;
  if (!reply || 'error' in reply) throw new Error(reply?.error ?? `bundling ${String(options.outfile)} ended without a reply`);
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

/*
 * The worker lib/function-code.ts bundles in: esbuild's plugins run only in its asynchronous build, and CDK stages an
 * asset synchronously, so the stack's thread waits on this one. Each request is a set of builds, run side by side; the
 * reply is posted before the waiting thread is woken.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { BuildOptions, Metafile } from 'esbuild';

export interface BundleRequest {
  readonly builds: ReadonlyArray<{
    readonly options: Omit<BuildOptions, 'plugins'>;
    /** The plugins of lib/function-plugins.ts the build runs, by name (functions cannot cross threads). */
    readonly pluginNames: readonly string[];
  }>;
}
/** Each build's metafile, when it asked for one. */
export type BundleReply = { readonly metafiles: Array<Metafile | undefined> } | { readonly error: string };

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
port.on('message', ({ builds }: BundleRequest) => {
  const answer = (reply: BundleReply) => {
    port.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  // Imported here, not above: a module that fails to load is then a reply, not a worker the waiting thread never hears from.
  Promise.all([import('esbuild'), import('./function-plugins.js')])
    .then(([{ build }, { pluginsNamed }]) => Promise.all(builds.map(({ options, pluginNames }) => build({ ...options, plugins: pluginsNamed(pluginNames) }))))
    .then(
      (results) => answer({ metafiles: results.map((result) => result.metafile) }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
});

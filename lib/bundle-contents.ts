import type { Metafile } from 'esbuild';

/** The context key that names a folder where synth writes, per function, what its bundle holds (`<name>.json`). */
export const BUNDLE_CONTENTS_CONTEXT = 'irdr:bundle-contents';

/** What a function's bundle holds, from esbuild's metafile: its size, and the bytes each input file adds to it. */
export interface FunctionBundleContents {
  readonly bytes: number;
  readonly moduleBytes: Readonly<Record<string, number>>;
}

/** One output of esbuild's metafile as FunctionBundleContents (a module imported but tree-shaken away adds 0 bytes). */
export function bundleContentsOf(output: Metafile['outputs'][string]): FunctionBundleContents {
  return { bytes: output.bytes, moduleBytes: Object.fromEntries(Object.entries(output.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput])) };
}

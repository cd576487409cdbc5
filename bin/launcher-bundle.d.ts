// Types of bin/launcher-bundle.js (plain JavaScript: the launcher runs it before anything could load TypeScript).
import type { BuildOptions } from 'esbuild';

export interface LauncherManifest {
  readonly format: number;
  /** Each program (`bin/irdr.ts`, the CLI, and any other built with it) and its bundled entry, relative to the cache. */
  readonly programs: Readonly<Record<string, string>>;
  /** Each registry entry (`functions/http/x.ts`) and its bundled file, relative to the cache. */
  readonly handlers: Readonly<Record<string, string>>;
  /** Each input (project-relative) and its stamp: our own files' SHA-256, installed packages' size and modification time. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Every file of the bundle, relative to the cache. */
  readonly outputs: readonly string[];
}

/** Each function takes the project's root folder (default: this project's) and the programs' entries (default: bin/irdr.ts). */
export declare function launcherCacheOf(root?: string): string;
export declare function bundleOptions(root?: string): BuildOptions & Required<Pick<BuildOptions, 'banner' | 'define' | 'plugins' | 'external'>>;
export declare function currentManifest(root?: string, programs?: readonly string[]): LauncherManifest | undefined;
export declare function buildLauncherBundle(root?: string, programs?: readonly string[]): Promise<LauncherManifest>;
export declare function runBundledProgram(manifest: Pick<LauncherManifest, 'programs' | 'handlers'>, root?: string, program?: string): Promise<void>;
export declare function runLauncherBundle(root?: string, program?: string): Promise<void>;

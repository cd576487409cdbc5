// Types of bin/launcher-bundle.js (plain JavaScript: the launcher runs it before anything could load TypeScript).
import type { BuildOptions } from 'esbuild';

export interface LauncherManifest {
  readonly format: number;
  /** The program's bundled entry (the CLI's: bin/irdr.ts), relative to the cache. */
  readonly entry: string;
  /** Each registry entry (`functions/http/x.ts`) and its bundled file, relative to the cache. */
  readonly handlers: Readonly<Record<string, string>>;
  /** Each input (project-relative) and its stamp: our own files' SHA-256, installed packages' size and modification time. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Every file of the bundle, relative to the cache. */
  readonly outputs: readonly string[];
}

/** Each function takes the project's root folder (default: this project's) and the program's entry (default: bin/irdr.ts). */
export declare function launcherCacheOf(root?: string): string;
export declare function bundleOptions(root?: string): BuildOptions & Required<Pick<BuildOptions, 'banner' | 'define' | 'plugins' | 'external'>>;
export declare function currentManifest(root?: string, entry?: string): LauncherManifest | undefined;
export declare function buildLauncherBundle(root?: string, entry?: string): Promise<LauncherManifest>;
export declare function runLauncherBundle(root?: string, entry?: string): Promise<void>;

// Types of bin/launcher-bundle.js (plain JavaScript: the launcher runs it before anything could load TypeScript).
import type { BuildOptions } from 'esbuild';

export interface LauncherManifest {
  readonly format: number;
  /** The CLI's bundled entry, relative to LAUNCHER_CACHE. */
  readonly cli: string;
  /** Each registry entry (`functions/http/x.ts`) and its bundled file, relative to LAUNCHER_CACHE. */
  readonly handlers: Readonly<Record<string, string>>;
  /** Each input (project-relative) and its stamp: our own files' SHA-256, installed packages' size and modification time. */
  readonly inputs: Readonly<Record<string, string>>;
}

/** Each function takes the project's root folder; the default is this project's. */
export declare function launcherCacheOf(root?: string): string;
export declare function bundleOptions(root?: string): BuildOptions & Required<Pick<BuildOptions, 'banner' | 'define' | 'plugins' | 'external'>>;
export declare function currentManifest(root?: string): LauncherManifest | undefined;
export declare function buildLauncherBundle(root?: string): Promise<LauncherManifest>;
export declare function runLauncherBundle(root?: string): Promise<void>;

// Types of bin/launcher-bundle.js (plain JavaScript: the launcher runs it before anything could load TypeScript).
import type { BuildOptions } from 'esbuild';

export interface LauncherManifest {
  readonly format: number;
  /** The CLI's bundled entry, relative to LAUNCHER_CACHE. */
  readonly cli: string;
  /** Each registry entry (`functions/http/x.ts`) and its bundled file, relative to LAUNCHER_CACHE. */
  readonly handlers: Readonly<Record<string, string>>;
  /** Each input (project-relative) and its stamps: size and modification time, and for our own files their SHA-256. */
  readonly inputs: Readonly<Record<string, readonly [string, string?]>>;
}

export declare const LAUNCHER_CACHE: string;
export declare function bundleOptions(): BuildOptions & Required<Pick<BuildOptions, 'banner' | 'define' | 'plugins' | 'external'>>;
export declare function currentManifest(): LauncherManifest | undefined;
export declare function buildLauncherBundle(): Promise<LauncherManifest>;
export declare function runLauncherBundle(): Promise<void>;

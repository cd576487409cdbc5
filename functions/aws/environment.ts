import type { FunctionEnvironmentName } from '../registry.js';

/** Reads a variable the registry declares for this function; a missing one is a deployment fault. */
export function requireEnvironment(name: FunctionEnvironmentName): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (see functions/registry.ts)`);
  return value;
}

/**
 * The RUNBOOK_DEFINITIONS bundled value (see BundledValueName). Written out as `process.env.NAME` on
 * purpose: in Lambda esbuild's `define` has replaced that expression with the JSON text itself.
 */
export function bundledRunbookDefinitions(): string {
  const value = process.env.RUNBOOK_DEFINITIONS;
  if (!value) throw new Error('RUNBOOK_DEFINITIONS is not bundled into this function (see functions/registry.ts)');
  return value;
}

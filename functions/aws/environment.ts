import type { FunctionEnvironmentName } from '../registry.js';

/** Reads a variable the registry declares for this function; a missing one is a deployment fault. */
export function requireEnvironment(name: FunctionEnvironmentName): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (see functions/registry.ts)`);
  return value;
}

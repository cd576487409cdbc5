import rawConfig from '../config/irdr.config.json' with { type: 'json' };
import { IrdrConfig } from './domain/config-schema.js';
import { describeIssues } from './domain/schema-issues.js';

/** The config, or an error naming each field of config/irdr.config.json to change and how (not zod's JSON dump). */
export function loadConfig(raw: unknown): IrdrConfig {
  const parsed = IrdrConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`config/irdr.config.json: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The config as synth parsed it, as JSON text: defined in function bundles only (lib/functions.ts bundledDefines), never read from the environment. */
declare const IRDR_BUNDLED_CONFIG: string | undefined;

/**
 * The deployment configuration, bundled into each function and read by CDK and the local stack alike. A bundle takes
 * it as synth parsed it (validated, defaults filled): parsing it again would give the same value, and keep every
 * config schema in every bundle. Unbundled (synth, the local stack, the tests) it is parsed here.
 */
export const irdrConfig: IrdrConfig = typeof IRDR_BUNDLED_CONFIG === 'string' ? (JSON.parse(IRDR_BUNDLED_CONFIG) as IrdrConfig) : loadConfig(rawConfig);

import rawConfig from '../config/irdr.config.json' with { type: 'json' };
import { IrdrConfig } from './domain/config-schema.js';
import { describeIssues } from './domain/schema-issues.js';

/** The config, or an error naming each field of config/irdr.config.json to change and how (not zod's JSON dump). */
export function loadConfig(raw: unknown): IrdrConfig {
  const parsed = IrdrConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`config/irdr.config.json: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The deployment configuration, bundled into each function and read by CDK and the local stack alike. */
export const irdrConfig: IrdrConfig = loadConfig(rawConfig);

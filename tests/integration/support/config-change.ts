import rawConfig from '../../../config/irdr.config.json' with { type: 'json' };
import { irdrConfig } from '../../../functions/config.js';
import { IrdrConfig } from '../../../functions/domain/config-schema.js';

/**
 * Deploys a changed config to this file's local stack: its handlers run in this process and read this config object
 * (functions/config.ts, re-evaluated per file), as a redeploy bundles a new one into each function. The change is
 * checked as a load would (a bad one throws here); the returned function puts the shipped config back.
 */
export function deployConfigChange(change: (config: typeof rawConfig) => unknown): () => void {
  const changed = IrdrConfig.parse(change(structuredClone(rawConfig)));
  const shipped = { ...irdrConfig };
  Object.assign(irdrConfig, changed);
  return () => {
    for (const key of Object.keys(irdrConfig)) if (!(key in shipped)) delete (irdrConfig as Record<string, unknown>)[key];
    Object.assign(irdrConfig, shipped);
  };
}

import type { Plugin } from 'esbuild';
import { compressedDataModulesPlugin } from './compressed-data-modules.js';
import { lambdaBundleTrimsPlugin } from './lambda-bundle-trims.js';
import { pdfkitTextOnlyPlugin } from './pdfkit-text-only.js';
import { pureSchemasPlugin } from './pure-schemas.js';
import { sdkSchemaKeysPlugin } from './sdk-schema-keys.js';

/**
 * What every function's build runs beyond esbuild's options: the SDK schemas' keys as literals (lib/sdk-schema-keys.ts),
 * our schemas marked pure (lib/pure-schemas.ts), SDK code Lambda never runs left out (lib/lambda-bundle-trims.ts), the
 * wire clients' data tables compressed (lib/compressed-data-modules.ts), pdfkit without what irdr never draws
 * (lib/pdfkit-text-only.ts). Each loads files no other one does (esbuild takes the first plugin's onLoad that answers).
 */
export const FUNCTION_PLUGINS: readonly Plugin[] = [sdkSchemaKeysPlugin, pureSchemasPlugin, lambdaBundleTrimsPlugin, compressedDataModulesPlugin, pdfkitTextOnlyPlugin];

/** The plugins of FUNCTION_PLUGINS by name: how lib/function-code.ts's worker, which receives no functions, finds them. */
export function pluginsNamed(names: readonly string[]): Plugin[] {
  return names.map((name) => {
    const plugin = FUNCTION_PLUGINS.find((candidate) => candidate.name === name);
    if (!plugin) throw new Error(`no esbuild plugin named ${name} in lib/function-plugins.ts`);
    return plugin;
  });
}

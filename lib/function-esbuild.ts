import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { FUNCTION_PLUGINS } from './function-plugins.js';

/*
 * The esbuild options of a function bundle, from the bundling options in lib/functions.ts (aws-lambda-nodejs's shape,
 * mapped as it maps them onto esbuild's command line): what the stack's function code is built with
 * (lib/function-code.ts) and what the bench measures (bench/function-bundle.ts), one definition for both.
 */

/** The bundling options mapped below; any other one would be silently left out of the bundles. */
const MAPPED_OPTIONS = new Set<string>([
  'format', 'mainFields', 'banner', 'target', 'minify', 'sourceMap', 'sourceMapMode', 'sourcesContent', 'bundleAwsSDK', 'externalModules', 'define', 'esbuildArgs',
]);

/** esbuild's aliases from NodejsFunction's `esbuildArgs` (`--alias: ['from=to']`), the only argument mapped. */
function aliasesOf(esbuildArgs: BundlingOptions['esbuildArgs']): Record<string, string> {
  const { '--alias': aliases = [], ...others } = esbuildArgs ?? {};
  if (Object.keys(others).length > 0) throw new Error(`lib/function-esbuild.ts does not map the esbuild argument(s) ${Object.keys(others).join(', ')} yet`);
  if (!Array.isArray(aliases)) throw new Error('esbuildArgs --alias must be a list of from=to');
  return Object.fromEntries(aliases.map((alias) => alias.split('=') as [string, string]));
}

/** SourceMapMode.DEFAULT is esbuild's bare --sourcemap: a linked .map file. */
const SOURCE_MAPS: Record<SourceMapMode, BuildOptions['sourcemap']> = {
  [SourceMapMode.DEFAULT]: 'linked',
  [SourceMapMode.EXTERNAL]: 'external',
  [SourceMapMode.INLINE]: 'inline',
  [SourceMapMode.BOTH]: 'both',
};

/** esbuild options equal to what NodejsFunction passes for these bundling options (output file name included). */
export function esbuildOptionsOf(bundling: Readonly<BundlingOptions>): BuildOptions & { outfile: string } {
  const unmapped = Object.keys(bundling).filter((option) => !MAPPED_OPTIONS.has(option));
  if (unmapped.length > 0) throw new Error(`lib/function-esbuild.ts does not map the bundling option(s) ${unmapped.join(', ')} yet`);
  if (!bundling.target) throw new Error('the bundling options name no esbuild target');
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format ?? OutputFormat.CJS,
    outfile: bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ? SOURCE_MAPS[bundling.sourceMapMode ?? SourceMapMode.DEFAULT] : false,
    sourcesContent: bundling.sourcesContent ?? true,
    // Without bundleAwsSDK, NodejsFunction leaves the SDK to the one the Lambda runtime carries.
    external: bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*']),
    define: bundling.define ?? {},
    mainFields: bundling.mainFields,
    banner: bundling.banner ? { js: bundling.banner } : {},
    alias: aliasesOf(bundling.esbuildArgs),
    plugins: [...FUNCTION_PLUGINS],
  };
}


import { dirname, join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions } from 'esbuild';
import { PROJECT_ROOT } from './project-root.js';

/**
 * A function's code, bundled by esbuild's API in this process when CDK stages the asset, with the options of
 * lib/function-esbuild.ts. NodejsFunction runs `npx --no-install esbuild` once per function instead: about 0.4 CPU-s
 * of npm's start each, ~18 CPU-s a synth of the whole stack. As with NodejsFunction, the asset's hash is its output's,
 * and a stack left out of bundling (`cdk synth` of another stack, the infra tests) is not bundled.
 */
export function bundledCode(entry: string, options: BuildOptions & { outfile: string }): Code {
  const entryPath = join(PROJECT_ROOT, entry);
  return Code.fromAsset(dirname(entryPath), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling either builds or throws.
      image: DockerImage.fromRegistry('irdr-bundles-locally'),
      // CDK caches staged assets by source folder and bundling options: the entry keeps each function's apart.
      environment: { IRDR_FUNCTION_ENTRY: entry },
      local: {
        tryBundle(outputDir) {
          buildSync({ ...options, entryPoints: [entryPath], outfile: join(outputDir, options.outfile), absWorkingDir: PROJECT_ROOT, logLevel: 'warning' });
          return true;
        },
      },
    },
  });
}

import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/*
 * The SDK clients' generated schemas (dist-es/schemas/schemas_*.js, SDK >= 3.930) write trait keys as computed
 * properties over the file's string constants (`{ [_h]: ["POST", "/"] }`). esbuild must assume a computed key may run
 * code (a toString), so it keeps every schema and, through them, every operation's structures: most of a client's
 * bytes in a function that calls one operation (aws-sdk-js-v3#7607, smithy-lang/smithy-typescript#1889). Writing
 * those keys as the literals they are lets esbuild drop what nothing uses; the values and behaviour are unchanged.
 */

/** The SDK client files whose computed keys are rewritten. */
export const SDK_SCHEMA_FILE = /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * The schema file's source with each computed key over a top-level string constant (`[_h]:`) written as that string
 * (`"http":`). Kept free of imports and outer names: lib/function-code.ts runs it in a worker from its source text.
 */
export function literalSchemaKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const ([A-Za-z_$][\w$]*) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(name!, literal!);
  return source.replace(/\[([A-Za-z_$][\w$]*)\](\s*):/g, (key, name: string, space: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${literal}${space}:`;
  });
}

/** The esbuild plugin that applies literalSchemaKeys to the SDK clients' schema files as esbuild loads them. */
export const sdkSchemaKeysPlugin: Plugin = {
  name: 'irdr-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMA_FILE }, async ({ path }) => ({ contents: literalSchemaKeys(await readFile(path, 'utf8')), loader: 'js' }));
  },
};

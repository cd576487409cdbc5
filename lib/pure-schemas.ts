import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/*
 * Our modules declare their zod schemas at the top level (`export const IrdrConfig = z.object({...})`). esbuild must
 * assume any call may have side effects, so a module imported for one small schema keeps every schema it declares,
 * and through them the schemas of every module those import: most functions reached the whole config's 16 schema
 * files through one enum. zod's constructors have no side effects, so each call of the zod namespace is marked pure
 * (`/* @__PURE__ *\/`), and esbuild drops the schemas no code of the function uses; what it keeps is unchanged.
 */

/** Our TypeScript sources, where the zod calls are marked (but functions/domain/zod.ts, whose one call configures zod). */
export const SCHEMA_SOURCE = /[\\/]functions[\\/].*\.ts$/;
const ZOD_SETUP = /[\\/]functions[\\/]domain[\\/]zod\.ts$/;

const ZOD_CALL = /(?<![\w$.])z\.([A-Za-z_$][\w$]*)\(/g;
const PURE = '/* @__PURE__ */ ';

/**
 * The module as JavaScript (esbuild's TypeScript transform: comments gone, so none can hold a `z.` call) with every
 * call of the zod namespace marked pure, and an inline source map back to the TypeScript. A mark that fell inside a
 * string or regular expression would change a value: the marked code, printed without its marks, must be the code.
 * Kept free of outer names but its imports: lib/function-code.ts's worker loads it as lib/function-plugins.ts does.
 */
export async function pureZodCalls(source: string, file: string): Promise<string> {
  const { transform } = await import('esbuild');
  const options = { loader: 'ts', format: 'esm', target: 'es2024', tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } } as const;
  const { code } = await transform(source, { ...options, sourcefile: file, sourcemap: 'inline' });
  const marked = code.replace(ZOD_CALL, `${PURE}z.$1(`);
  const printed = async (js: string) => (await transform(js, { loader: 'js', format: 'esm', target: 'es2024' })).code.replaceAll(PURE, '').replaceAll('/* @__PURE__ */', '');
  if ((await printed(marked)) !== (await printed(code))) throw new Error(`${file}: marking its zod calls pure would change its code (a "z.…(" in a string or regular expression?)`);
  return marked;
}

/** The esbuild plugin that applies pureZodCalls to our modules as esbuild loads them. */
export const pureSchemasPlugin: Plugin = {
  name: 'irdr-pure-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMA_SOURCE }, async ({ path }) => (ZOD_SETUP.test(path) ? undefined : { contents: await pureZodCalls(await readFile(path, 'utf8'), path), loader: 'js' }));
  },
};

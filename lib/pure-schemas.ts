import { readFile } from 'node:fs/promises';
import { transform, type Plugin } from 'esbuild';

/*
 * Our modules declare their zod schemas at the top level (`export const IrdrConfig = z.object({...})`). esbuild must
 * assume any call may have side effects, so a module imported for one small schema keeps every schema it declares,
 * and through them the schemas of every module those import: most functions reached the whole config's 16 schema
 * files through one enum. zod's constructors have no side effects, so each call of one (PURE_ZOD_FUNCTIONS) is marked pure
 * (`/* @__PURE__ *\/`), and esbuild drops the schemas no code of the function uses; what it keeps is unchanged.
 */

/** Our TypeScript sources, where the zod calls are marked (but functions/domain/zod.ts, whose one call configures zod). */
export const SCHEMA_SOURCE = /[\\/]functions[\\/].*\.ts$/;
const ZOD_SETUP = /[\\/]functions[\\/]domain[\\/]zod\.ts$/;

/**
 * The zod functions marked: schema constructors and checks, which build a value and touch nothing else. Parsing
 * (`z.safeParse`), `z.config` and any function not named here stay unmarked: a call whose result goes unused then stays.
 */
export const PURE_ZOD_FUNCTIONS: ReadonlySet<string> = new Set([
  'string', 'number', 'int', 'boolean', 'literal', 'enum', 'unknown', 'object', 'strictObject', 'looseObject', 'array', 'record',
  'partialRecord', 'union', 'discriminatedUnion', 'optional', 'nullable', 'nullish', '_default', 'prefault', 'pipe', 'transform',
  'lazy', 'extend', 'safeExtend', 'partial', 'catchall', 'minLength', 'maxLength', 'length', 'gte', 'lte', 'gt', 'lt',
  'positive', 'nonnegative', 'regex', 'startsWith', 'trim', 'email', 'url', 'refine', 'superRefine',
]);

const ZOD_CALL = /(?<![\w$.])z\.([A-Za-z_$][\w$]*)\(/g;
/** `z.iso.datetime(`, `z.iso.date(`…: the ISO string formats, constructors as the others (`z.iso` is a namespace). */
export const PURE_ZOD_ISO_FUNCTIONS: ReadonlySet<string> = new Set(['datetime', 'date', 'time', 'duration']);
const ZOD_ISO_CALL = /(?<![\w$.])z\.iso\.([A-Za-z_$][\w$]*)\(/g;
const PURE = '/* @__PURE__ */ ';

/**
 * The module as JavaScript (esbuild's TypeScript transform: comments gone, so none can hold a `z.` call) with every
 * call of a zod constructor or check marked pure, and an inline source map back to the TypeScript. A mark that fell inside a
 * string or regular expression would change a value: the marked code, printed without its marks, must be the code.
 */
export async function pureZodCalls(source: string, file: string): Promise<string> {
  const options = { loader: 'ts', format: 'esm', target: 'es2024', tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } } as const;
  const { code } = await transform(source, { ...options, sourcefile: file, sourcemap: 'inline' });
  const marked = code
    .replace(ZOD_CALL, (call, name: string) => (PURE_ZOD_FUNCTIONS.has(name) ? `${PURE}${call}` : call))
    .replace(ZOD_ISO_CALL, (call, name: string) => (PURE_ZOD_ISO_FUNCTIONS.has(name) ? `${PURE}${call}` : call));
  // Printed ignoring annotations, the marks drop out, while a mark inside a string, template or pattern stays text (or breaks it).
  const printed = async (js: string) => (await transform(js, { loader: 'js', format: 'esm', target: 'es2024', ignoreAnnotations: true })).code;
  const unmarked = await printed(code);
  const same = await printed(marked).then((text) => text === unmarked, () => false);
  if (!same) throw new Error(`${file}: marking its zod calls pure would change its code (a "z.…(" in a string or regular expression?)`);
  return marked;
}

/** Each module's marked code by its path and source: the bench and the tests build many functions in one process. */
const markedModules = new Map<string, Promise<string>>();

/** The esbuild plugin that applies pureZodCalls to our modules as esbuild loads them. */
export const pureSchemasPlugin: Plugin = {
  name: 'irdr-pure-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMA_SOURCE }, async ({ path }) => {
      if (ZOD_SETUP.test(path)) return undefined;
      const source = await readFile(path, 'utf8');
      const key = `${path}\0${source}`;
      if (!markedModules.has(key)) markedModules.set(key, pureZodCalls(source, path));
      return { contents: await markedModules.get(key)!, loader: 'js' };
    });
  },
};

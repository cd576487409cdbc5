import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Powertools' Logger drops a log attribute named like one of the keys it writes itself, and logs
 * `The key "level" is a reserved key and will be dropped` instead: the value is lost from the logs. The type checker
 * reads every attribute object the handlers hand the logger (spreads included) and names any such key.
 */

/** Powertools' ReservedKeys (logger/lib/esm/constants.js), plus the keys of its standard entry (context, X-Ray). */
const RESERVED = new Set([
  'level',
  'message',
  'sampling_rate',
  'service',
  'timestamp',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);
/** Methods whose later arguments (log methods) or every argument (append*) become top-level keys of an entry. */
const LOG_METHODS = new Set(['debug', 'info', 'warn', 'error', 'critical']);
const APPEND_METHODS = new Set(['appendKeys', 'appendPersistentKeys']);

const root = join(import.meta.dirname, '..', '..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

interface ReservedUse {
  readonly at: string;
  readonly keys: string[];
}

/** Every logger call in these files that hands the logger an attribute named like a reserved key. */
function reservedKeyUses(files: readonly string[]): ReservedUse[] {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const program = ts.createProgram(files, options);
  const checker = program.getTypeChecker();
  const errorType = (type: ts.Type): boolean => type.getProperties().some((property) => property.name === 'stack');
  const uses: ReservedUse[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /logger$/i.test(node.expression.expression.getText(source))) {
        const method = node.expression.name.text;
        const attributes = LOG_METHODS.has(method) ? node.arguments.slice(1) : APPEND_METHODS.has(method) ? [...node.arguments] : [];
        for (const argument of attributes) {
          const type = checker.getTypeAtLocation(argument);
          // A string is logged as `extra`; an Error under `error`: neither adds its own keys.
          if (type.flags & ts.TypeFlags.StringLike || errorType(type)) continue;
          const keys = type.getProperties().map((property) => property.name).filter((name) => RESERVED.has(name)).sort();
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          if (keys.length > 0) uses.push({ at: `${relative(root, file)}:${line + 1}`, keys });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

describe('what the handlers hand the Powertools logger', () => {
  it('names no key the logger reserves (it would drop it), so every value logged reaches the logs', () => {
    const files = sourceFiles(join(root, 'functions'));
    expect(reservedKeyUses(files)).toEqual([]);
  }, 60_000);

  it('would find one: an attribute named level, directly or through a spread', () => {
    const probe = join(root, 'tests', 'unit', 'support', 'reserved-logger-key-probe.ts');
    expect(reservedKeyUses([probe]).map((use) => use.keys)).toEqual([['level'], ['message', 'service']]);
  }, 60_000);
});

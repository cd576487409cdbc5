import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every TypeScript file under a folder of the project, as project-relative paths. */
function sourcesUnder(folder: string): string[] {
  return (readdirSync(join(ROOT, folder), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => join(folder, file));
}

/** The project files a source imports (static and dynamic imports of relative paths), project-relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)));
}

// DESIGN.md: arrows point down. Handlers and the domain never reach up into the workflow definitions, the CDK app or
// the local AWS; the domain imports no AWS code at all.
describe('import direction', () => {
  it.each([
    ['functions', ['workflows/', 'lib/', 'local/', 'bin/', 'tests/']],
    ['functions/domain', ['functions/aws/', 'functions/http/', 'functions/tasks/']],
  ] as const)('%s imports nothing from %j', (folder, forbidden) => {
    const wrong = sourcesUnder(folder).flatMap((file) => importsOf(file).filter((target) => forbidden.some((prefix) => target.startsWith(prefix))).map((target) => `${file} -> ${target}`));
    expect(wrong).toEqual([]);
  });

  it('the domain imports no AWS SDK', () => {
    const wrong = sourcesUnder('functions/domain').filter((file) => /from\s+'@aws-sdk\//.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(wrong).toEqual([]);
  });
});

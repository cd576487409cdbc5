import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLauncherBundle, currentManifest, launcherCacheOf } from '../../bin/launcher-bundle.js';

/**
 * The launcher's bundle (bin/launcher-bundle.js) on a project of a few files: a bundle that no longer matches its
 * sources must never run, and a handler imported by its registry path must be the bundle's, sharing its modules.
 */
const root = mkdtempSync(join(tmpdir(), 'irdr-launcher-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string): void => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};
write('package.json', '{ "type": "module" }\n');
write('functions/registry.ts', "export const functionRegistry: Array<{ entry: string }> = [{ entry: 'functions/greet.ts' }];\n");
write('functions/greeting.ts', "export const greeting = { text: 'hello' };\n");
write('functions/greet.ts', "import { greeting } from './greeting.js';\nexport const handler = (): string => greeting.text;\nexport const sharedGreeting = greeting;\n");
// The CLI imports the handler by its registry path, as local/lambda-runtime.ts does, and says whether the two share one module.
write(
  'bin/irdr.ts',
  [
    "import { join } from 'node:path';",
    "import { pathToFileURL } from 'node:url';",
    "import { greeting } from '../functions/greeting.js';",
    "const handlerModule = await import(pathToFileURL(join(import.meta.dirname, '..', 'functions/greet.ts')).href);",
    "console.log(JSON.stringify({ said: handlerModule.handler(), shared: handlerModule.sharedGreeting === greeting, dirname: import.meta.dirname }));",
    '',
  ].join('\n'),
);
const launcher = pathToFileURL(join(import.meta.dirname, '../../bin/launcher-bundle.js')).href;

/** The fixture's CLI as `irdr` runs it: in a process of its own (the handler redirect is for the whole process). */
async function runCli(): Promise<{ said: string; shared: boolean; dirname: string }> {
  const script = `const { runLauncherBundle } = await import(${JSON.stringify(launcher)}); await runLauncherBundle(${JSON.stringify(root)});`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as { said: string; shared: boolean; dirname: string };
}

describe('the launcher bundle', () => {
  it('runs the CLI from its bundle: a handler imported by its registry path is the bundled one, sharing its modules, and each module keeps its own folder', async () => {
    // Without the redirect, node would be handed functions/greet.ts itself, which it cannot run (no tsx here).
    expect(await runCli()).toEqual({ said: 'hello', shared: true, dirname: join(root, 'bin') });
    expect(currentManifest(root)?.handlers).toEqual({ 'functions/greet.ts': expect.stringMatching(/^functions\/greet-\w+\.js$/) });
  });

  it('an edit that keeps a file its size and modification time still makes the next start rebuild: the old bundle never runs', async () => {
    const file = join(root, 'functions/greeting.ts');
    // A whole second, so that putting it back is exact (a Date has no sub-millisecond part; the file system has).
    const time = new Date('2026-12-01T00:00:00Z');
    utimesSync(file, time, time);
    await buildLauncherBundle(root);
    const before = statSync(file);
    // Same length, time put back: what a size-and-time check alone would take for no change (tsx's cache goes by content too).
    writeFileSync(file, readFileSync(file, 'utf8').replace('hello', 'howdy'));
    utimesSync(file, time, time);
    expect(statSync(file)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
    expect(currentManifest(root)).toBeUndefined();
    expect((await runCli()).said).toBe('howdy');
    expect(currentManifest(root)).toBeDefined();
  });

  it('a file touched without a change (a checkout) keeps the bundle; an installed package changed, or a new handler in the registry, does not', async () => {
    await buildLauncherBundle(root);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'functions/greet.ts'), later, later);
    expect(currentManifest(root)).toBeDefined();

    // A package's file rewritten by npm (size and time), as an upgrade does.
    write('node_modules/greeting-words/package.json', '{ "name": "greeting-words", "type": "module", "main": "index.js" }\n');
    write('node_modules/greeting-words/index.js', "export const word = 'hi';\n");
    write('functions/greeting.ts', "import { word } from 'greeting-words';\nexport const greeting = { text: word };\n");
    expect(currentManifest(root)).toBeUndefined();
    expect((await runCli()).said).toBe('hi');
    write('node_modules/greeting-words/index.js', "export const word = 'hiya';\n");
    expect(currentManifest(root)).toBeUndefined();
    expect((await runCli()).said).toBe('hiya');

    // The registry names a new handler: the bundle must hold it, or local/lambda-runtime.ts would import its .ts.
    write('functions/farewell.ts', "export const handler = (): string => 'bye';\n");
    write('functions/registry.ts', "export const functionRegistry: Array<{ entry: string }> = [{ entry: 'functions/greet.ts' }, { entry: 'functions/farewell.ts' }];\n");
    expect(currentManifest(root)).toBeUndefined();
    await runCli();
    expect(Object.keys(currentManifest(root)?.handlers ?? {})).toEqual(['functions/greet.ts', 'functions/farewell.ts']);
  });

  it('a rebuild for one program keeps the others the last build held, and removes only week-old files the manifest does not name', async () => {
    const cache = launcherCacheOf(root);
    write('bin/other.ts', "import { greeting } from '../functions/greeting.js';\nconsole.log(greeting.text);\n");
    const both = await buildLauncherBundle(root, ['bin/other.ts']);
    expect(Object.keys(both.programs).sort()).toEqual(['bin/irdr.ts', 'bin/other.ts']);
    const weekOld = new Date(Date.now() - 8 * 24 * 3_600_000);
    write('node_modules/.cache/irdr/launcher/chunks/gone.js', '');
    write('node_modules/.cache/irdr/launcher/chunks/recent.js', '');
    utimesSync(join(cache, 'chunks/gone.js'), weekOld, weekOld);
    // Week-old but named by the manifest the rebuild writes (an unchanged file keeps its name): kept.
    const unchanged = both.programs['bin/irdr.ts']!;
    utimesSync(join(cache, unchanged), weekOld, weekOld);
    write('bin/other.ts', "import { greeting } from '../functions/greeting.js';\nconsole.log(greeting.text, 'changed');\n");
    const rebuilt = await buildLauncherBundle(root);
    expect(Object.keys(rebuilt.programs).sort()).toEqual(['bin/irdr.ts', 'bin/other.ts']);
    expect(rebuilt.programs['bin/irdr.ts']).toBe(unchanged);
    expect(existsSync(join(cache, unchanged))).toBe(true);
    expect(existsSync(join(cache, 'chunks/gone.js'))).toBe(false);
    expect(existsSync(join(cache, 'chunks/recent.js'))).toBe(true);
  });

  it('a manifest that is missing, torn or of another format is rebuilt, never trusted', async () => {
    const manifest = join(launcherCacheOf(root), 'manifest.json');
    await buildLauncherBundle(root);
    writeFileSync(manifest, readFileSync(manifest, 'utf8').slice(0, 40));
    expect(currentManifest(root)).toBeUndefined();
    await buildLauncherBundle(root);
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/"format":\d+/, '"format":0'));
    expect(currentManifest(root)).toBeUndefined();
    rmSync(manifest);
    expect(currentManifest(root)).toBeUndefined();
    expect((await runCli()).shared).toBe(true);
  });
});

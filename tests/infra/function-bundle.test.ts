import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { addBusinessDays } from '../../functions/domain/business-days.js';
import { renderTextPdf } from '../../functions/domain/pdf/text-pdf.js';
import { readPdf } from '../support/pdf-text.js';
import { BUNDLE_LIMIT_KB, budgetProblems, OVER_LIMIT_KB } from '../../bench/bundle-budget.js';
import { bundleFunction, esbuildOptionsOf } from '../../bench/function-bundle.js';
import { PROJECT_ROOT } from '../../local/project-root.js';
import { functionSpec } from '../../functions/registry.js';
import { literalSchemaKeys, SDK_SCHEMA_FILE } from '../../lib/sdk-schema-keys.js';
import { bundledDefines, bundledValuesOf, FUNCTION_BUNDLING, IrdrFunctions } from '../../lib/functions.js';
import { stateMachineBlueprints } from '../../workflows/catalog.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

const workdir = mkdtempSync(join(tmpdir(), 'irdr-function-bundle-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// bench/bundle-size.ts measures its own esbuild builds: they must be the bundles `cdk synth` ships, not look-alikes.
describe('bench/function-bundle.ts', () => {
  // StartDrillRun holds bundled values (the drill plans) and SDK clients, so the credential alias is held to synth's build too;
  // RecordEvent and CreateIncident share their options, so synth builds them in one esbuild build (lib/function-code.ts).
  it('builds each function byte for byte as its own build does, bundled values and aliases included, several at once as synth does', async () => {
    const specs = [functionSpec('StartDrillRun'), functionSpec('RecordEvent'), functionSpec('CreateIncident')];
    const bundledValues = bundledValuesOf(stateMachineBlueprints(), loadDrillPlans());
    const app = new App({ outdir: join(workdir, 'cdk.out') });
    const stack = new Stack(app, 'Bundles');
    const logEncryptionKey = new Key(stack, 'LogEncryptionKey');
    new IrdrFunctions(stack, 'Functions', { specs, serviceName: 'irdr', bundledValues, logEncryptionKey, apiReservedConcurrency: 1, asyncInvocations: new Map() });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    // Nothing of the shared build is left beside the assets.
    expect(readdirSync(assembly.directory).filter((name) => name.startsWith('irdr-bundle-'))).toEqual([]);
    for (const asset of assets) expect(readdirSync(join(assembly.directory, asset)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const own = await Promise.all(
      specs.map(async (spec) => sha256((await bundleFunction(spec.entry, esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: bundledDefines(spec, bundledValues) }), join(workdir, `bench-${spec.name}`))).file)),
    );
    expect(assets.map((asset) => sha256(join(assembly.directory, asset, 'index.mjs'))).sort()).toEqual(own.sort());
    // The source maps name the sources from where the asset lies, as a build into it does.
    for (const asset of assets) {
      const { sources } = JSON.parse(readFileSync(join(assembly.directory, asset, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      expect(sources.filter((source) => !existsSync(join(assembly.directory, asset, source))), asset).toEqual([]);
    }
  });

  it('every bundled source imports zod as a namespace, so no function carries the locales', () => {
    const sources = ['functions', 'workflows'].flatMap((folder) =>
      readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(folder, name)),
    );
    const named = sources.filter((source) => /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'/.test(readFileSync(join(PROJECT_ROOT, source), 'utf8').replace(/import type \{[^}]*\} from 'zod'/g, '')));
    expect(sources.length).toBeGreaterThan(100);
    expect(named).toEqual([]);
  });

  it("gives every SDK client's schemas the same values with their keys written as literals", async () => {
    const clients = readdirSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk')).filter((name) => name.startsWith('client-'));
    const files = clients.flatMap((client) => {
      const folder = join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'dist-es/schemas');
      return readdirSync(folder).map((name) => join(folder, name)).filter((file) => SDK_SCHEMA_FILE.test(file));
    });
    expect(files.length).toBeGreaterThanOrEqual(10);
    // Every computed key over a file constant is gone (what esbuild could not drop), and nothing else was touched.
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const constants = new Set([...source.matchAll(/^const (\w+) = "/gm)].map(([, name]) => name));
      const rewritten = literalSchemaKeys(source);
      expect([...rewritten.matchAll(/\[(\w+)\]\s*:/g)].filter(([, name]) => constants.has(name!)), file).toEqual([]);
      expect(rewritten.replace(/"[^"\n]*"\s*:/g, 'KEY:'), file).toBe(source.replace(/\[\w+\]\s*:/g, (key) => (constants.has(key.slice(1, key.indexOf(']'))) ? 'KEY:' : key)).replace(/"[^"\n]*"\s*:/g, 'KEY:'));
    }
    // Built with and without the rewrite, every schema of every client holds the same values (a lazy reference as its target's name).
    const print = (built: boolean) => async () => {
      const { outfile, plugins, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: {} });
      const imports = files.map((file, index) => `import * as s${index} from ${JSON.stringify(file)};`).join(' ');
      // One digest per schema file, so that a failure names the client whose values changed.
      const dump = `import { createHash } from 'node:crypto'; const all = { ${files.map((file, index) => `${JSON.stringify(file.replace(/^.*@aws-sdk\//, ''))}: s${index}`).join(', ')} }; const names = new Map(Object.values(all).flatMap((schemas) => Object.entries(schemas).map(([name, value]) => [value, name]))); process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(all).map(([file, schemas]) => [file, createHash('sha256').update(JSON.stringify(schemas, (key, value) => (typeof value === 'function' ? names.get(value()) ?? 'lazy' : value))).digest('hex')]))));`;
      const file = join(workdir, `schemas-${built}`, outfile);
      await build({ ...options, plugins: built ? plugins : [], minify: false, stdin: { contents: `${imports} ${dump}`, resolveDir: PROJECT_ROOT, sourcefile: 'schemas.js' }, outfile: file, absWorkingDir: PROJECT_ROOT, logLevel: 'warning' });
      return JSON.parse(execFileSync(process.execPath, [file], { cwd: workdir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' })) as Record<string, string>;
    };
    const [shipped, rewritten] = await Promise.all([print(false)(), print(true)()]);
    expect(Object.keys(rewritten)).toHaveLength(files.length);
    expect(rewritten).toEqual(shipped);
  });

  it('fails a function one byte over the limit, a listed one over its size, and keeps none listed once it is under', () => {
    const [listed, ceilingKb] = Object.entries(OVER_LIMIT_KB)[0] ?? ['(none listed)', BUNDLE_LIMIT_KB];
    const limit = BUNDLE_LIMIT_KB * 1024;
    expect(budgetProblems(new Map([['SomeNewFunction', limit]]))).toEqual([]);
    expect(budgetProblems(new Map([['SomeNewFunction', limit + 1]]))).toEqual([expect.stringMatching(/^SomeNewFunction: 300\.0 KB of code, over the 300 KB limit/)]);
    if (listed === '(none listed)') return;
    expect(budgetProblems(new Map([[listed, ceilingKb * 1024 + 1]]))).toEqual([expect.stringContaining(`over the ${ceilingKb}.0 KB it is held to`)]);
    expect(budgetProblems(new Map([[listed, limit]]))).toEqual([expect.stringContaining('take it off OVER_LIMIT_KB')]);
  });

  it('counts business days in the bundles as date-holidays does, from the holiday table made at synth', async () => {
    const spec = functionSpec('TrackClock');
    const { outfile, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: bundledDefines(spec, bundledValuesOf(stateMachineBlueprints(), loadDrillPlans())) });
    const file = join(workdir, 'business-days', outfile);
    // Every configured calendar, from each day of two years (holidays, substitutes, DST changes) plus 1 to 10 business days.
    const cases = "const starts = Array.from({ length: 730 }, (_, day) => new Date(Date.UTC(2026, 0, 1, 15) + day * 86_400_000));";
    const count = 'Object.values(irdrConfig.businessCalendars).flatMap((calendar) => starts.map((start, index) => addBusinessDays(start, 1 + (index % 10), calendar).toISOString()))';
    const contents = `import { irdrConfig } from './functions/config.ts'; import { addBusinessDays } from './functions/domain/business-days.ts'; ${cases} process.stdout.write(JSON.stringify(${count}));`;
    const result = await build({ ...options, stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'count.ts' }, outfile: file, absWorkingDir: PROJECT_ROOT, metafile: true, logLevel: 'warning' });
    const inputs = Object.values(result.metafile.outputs).find((output) => output.entryPoint !== undefined)!.inputs;
    expect(Object.keys(inputs).filter((input) => input.includes('node_modules/date-holidays/'))).toEqual([]);
    const bundled = JSON.parse(execFileSync(process.execPath, [file], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' })) as string[];
    const starts = Array.from({ length: 730 }, (_, day) => new Date(Date.UTC(2026, 0, 1, 15) + day * 86_400_000));
    const local = Object.values(irdrConfig.businessCalendars).flatMap((calendar) => starts.map((start, index) => addBusinessDays(start, 1 + (index % 10), calendar).toISOString()));
    expect(bundled).toHaveLength(730 * Object.keys(irdrConfig.businessCalendars).length);
    expect(bundled).toEqual(local);
  });

  it("draws the same PDF in a bundle as the tests' code does, with pdfkit's standard fonts and without fontkit", async () => {
    const { outfile, ...options } = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: {} });
    const file = join(workdir, 'pdf', outfile);
    const draw = "renderTextPdf([{ heading: 'Continuity (statement)' }, 'RTO 12 min, target 30 min: met', '', 'ünïcode 日本'], { title: 'T', createdAt: new Date('2026-12-01T10:00:00Z') })";
    const contents = `import { renderTextPdf } from './functions/domain/pdf/text-pdf.ts'; process.stdout.write(Buffer.from(await ${draw}).toString('base64'));`;
    const result = await build({ ...options, stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'draw.ts' }, outfile: file, absWorkingDir: PROJECT_ROOT, metafile: true, logLevel: 'warning' });
    const inputs = Object.keys(Object.values(result.metafile.outputs).find((output) => output.entryPoint !== undefined)!.inputs);
    // The browser build (fonts registered, no createRequire of font files), and none of fontkit's ~730 KB.
    expect(inputs.some((input) => input.endsWith('node_modules/pdfkit/js/pdfkit.browser.mjs'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/(fontkit|brotli|unicode-properties|restructure)\//.test(input))).toEqual([]);
    // Run where no node_modules can be found: the bundle alone, as Lambda runs it.
    const bundled = Buffer.from(execFileSync(process.execPath, [file], { cwd: workdir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' }), 'base64');
    const unbundled = await renderTextPdf([{ heading: 'Continuity (statement)' }, 'RTO 12 min, target 30 min: met', '', 'ünïcode 日本'], { title: 'T', createdAt: new Date('2026-12-01T10:00:00Z') });
    expect(bundled.equals(Buffer.from(unbundled))).toBe(true);
    expect((await readPdf(bundled)).pages).toEqual([['Continuity (statement)', 'RTO 12 min, target 30 min: met', 'ünïcode ??']]);
  });

  it('refuses bundling options it does not map, rather than leave them out of the bundles it measures', () => {
    expect(() => esbuildOptionsOf({ ...FUNCTION_BUNDLING, keepNames: true })).toThrow(/does not map the bundling option\(s\) keepNames/);
  });
});

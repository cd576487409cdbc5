import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root.js';

const CDK = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');

/** When this machine can drop the network for one process, the synth runs without one: proof it needs none. */
function canRunWithoutNetwork(): boolean {
  return process.platform === 'linux' && spawnSync('unshare', ['-n', 'true']).status === 0;
}

describe('cdk synth (the real CLI, as a fresh clone runs it)', () => {
  it('synthesizes offline, cdk-nag passing, into a cloud assembly', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'irdr-cdk-out-'));
    const offline = canRunWithoutNetwork();
    const command = offline ? 'unshare' : CDK;
    const args = [...(offline ? ['-n', CDK] : []), 'synth', '--quiet', '--output', outdir];
    const started = performance.now();
    const result = spawnSync(command, args, {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        // Belt and braces beside cdk.json: no telemetry, no version check, no instance-metadata probe.
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_DISABLE_VERSION_CHECK: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      },
      timeout: 180_000,
    });
    const seconds = (performance.now() - started) / 1000;
    console.info(`cdk synth --quiet took ${seconds.toFixed(1)} s${offline ? ' with no network' : ''}`);
    try {
      expect(result.status, `${result.stderr}\n${result.stdout}`).toBe(0);
      const template = JSON.parse(readFileSync(join(outdir, 'Irdr.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      expect(Object.values(template.Resources).some((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')).toBe(true);
      expect(existsSync(join(outdir, 'validation-report.json'))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

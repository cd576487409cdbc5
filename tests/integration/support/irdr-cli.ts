import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { TestStack } from './stack-session.js';

/**
 * The CLI file a test runs with `node`: the entry tests/support/cli-bundle-setup.ts wrote for this run, else the
 * product's launcher (bin/irdr.js, running its cached bundle: bin/launcher-bundle.js), which is what users run and what tests/integration/demo.test.ts runs.
 */
export const irdrCli: string = inject('irdrCli') ?? join(import.meta.dirname, '../../../bin/irdr.js');

/** Runs the irdr CLI against the local stack as a user would, after `eval "$(irdr local env)"`: exit code and output. */
export async function runIrdr(local: TestStack, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [irdrCli, ...args], { env: { ...process.env, ...local.stack.environment, ...extraEnv } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

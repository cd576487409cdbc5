import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestStack } from './stack-session.js';

const irdr = join(import.meta.dirname, '../../../bin/irdr.js');

/** Runs the irdr CLI against the local stack as a user would, after `eval "$(irdr local env)"`: exit code and output. */
export async function runIrdr(local: TestStack, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [irdr, ...args], { env: { ...process.env, ...local.stack.environment, ...extraEnv } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

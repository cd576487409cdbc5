import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

/** What one AWS CLI command printed, and how it exited. */
export interface AwsCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs AWS CLI commands, one at a time, as `aws <args>` with the session's environment would. */
export interface AwsCliSession {
  /** How the commands run: one CLI process for them all, or one `aws` process per command. */
  readonly mode: 'one-process' | 'process-per-command';
  /** The `aws` program the commands are those of (a pyenv shim resolved to the script it runs). */
  readonly program: string;
  run(args: readonly string[]): Promise<AwsCliResult>;
  close(): Promise<void>;
}

const onPath = (name: string): string | undefined =>
  (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((folder) => join(folder, name)).find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/**
 * The `aws` program PATH names, with a pyenv shim resolved once to the script it would run (the shim is bash running
 * pyenv on every call: ~0.08 CPU-s each), and the Python of that script's `#!` line when it has one.
 */
async function resolveAws(env: NodeJS.ProcessEnv): Promise<{ program: string; python?: string }> {
  const found = onPath('aws');
  if (found === undefined) throw new Error('the AWS CLI (`aws`) is not on PATH: install it (Debian: apt-get install awscli)');
  const head = readFileSync(found).subarray(0, 1024).toString('latin1');
  const program = /\bpyenv\b/.test(head) && head.startsWith('#!') ? (await promisify(execFile)('pyenv', ['which', 'aws'], { env })).stdout.trim() : found;
  const shebang = /^#!\s*(\S*python[\d.]*)\s*\n/.exec(readFileSync(program).subarray(0, 256).toString('latin1'))?.[1];
  return { program, ...(shebang !== undefined && { python: shebang }) };
}

/**
 * An AWS CLI session with this environment: when `aws` is a Python script (pip's, pyenv's, Debian's), its Python runs
 * tests/integration/support/aws-cli-session.py, the CLI's own driver for every command in one process; otherwise (a
 * frozen binary, as AWS's installer ships) each command is an `aws` process.
 */
export async function startAwsCliSession(env: NodeJS.ProcessEnv): Promise<AwsCliSession> {
  const { program, python } = await resolveAws(env);
  const perCommand: AwsCliSession = {
    mode: 'process-per-command',
    program,
    run: async (args) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(program, [...args], { env });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
      }
    },
    close: async () => undefined,
  };
  if (python === undefined) return perCommand;

  const child = spawn(python, [join(import.meta.dirname, 'aws-cli-session.py')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the AWS CLI session (${python}) ended: ${errors}`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  // A Python that cannot import the CLI's driver (a script of another shape): one process per command, as before.
  const ready = await next().catch(() => undefined);
  if (ready?.ready !== true) {
    child.kill();
    return perCommand;
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    mode: 'one-process',
    program,
    run: (args) => {
      const answer = queue.then(async () => {
        child.stdin.write(`${JSON.stringify(args)}\n`);
        return (await next()) as unknown as AwsCliResult;
      });
      queue = answer.catch(() => undefined);
      return answer;
    },
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { irdrCli } from './support/irdr-cli.js';

const irdr = irdrCli;
const fixture = join(import.meta.dirname, '../fixtures/guardduty-finding-event.json');
const dataDir = mkdtempSync(join(tmpdir(), 'irdr-cli-'));
const inMemoryDataDir = mkdtempSync(join(tmpdir(), 'irdr-cli-in-memory-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(inMemoryDataDir, { recursive: true, force: true });
});

const ALL_PORTS_FREE = ['--port', '0', '--sfn-port', '0', '--dynamodb-port', '0', '--ses-port', '0', '--events-port', '0', '--lambda-port', '0'];

/** Runs irdr as a user's shell would, with exactly this environment on top of PATH and HOME (no stack variables unless given). */
async function runIrdr(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [irdr, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Stacks a test started and has not stopped: stopped after it, so a failed test leaves none running for the next. */
const running = new Set<{ child: ChildProcess; exited: Promise<number | null> }>();
afterEach(async () => {
  for (const stack of running) {
    if (stack.child.exitCode === null && stack.child.signalCode === null) {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
  }
  running.clear();
});

/** `irdr local start …` in the background, once its ready banner is out (or it has exited). */
async function startStack(args: readonly string[]): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [irdr, 'local', 'start', ...args, '--log-level', 'SILENT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  running.add({ child, exited });
  // Bounded wait for the ready banner (the test's own timeout also applies).
  for (let attempt = 0; attempt < 600 && !output.includes('Ctrl-C stops everything'); attempt += 1) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

const exportsOf = (stdout: string): Record<string, string> => Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));

/** A port something else holds, and the way to let it go. */
async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('irdr local start', () => {
  it('starts a ready stack with persistent data, prints URLs and dev tokens, publishes its real endpoints for local env, and stops cleanly on SIGTERM', async () => {
    const { child, output, exited } = await startStack(['--data-dir', dataDir, ...ALL_PORTS_FREE]);
    expect(output()).toContain('irdr local stack is ready');
    expect(output()).toContain('dev-responder');
    expect(output()).toContain(`data in ${dataDir}`);
    const apiUrl = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    const sfnUrl = /Step Functions\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    const eventsUrl = /EventBridge\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    expect(apiUrl).toBeDefined();
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);

    // The tokens are this start's: the printed one opens the API, the bare name (what the README used to say) does not.
    // Not \b at the end: a token may end in '-', after which no word boundary comes (1 start in 64 failed on it).
    const printed = /(?<![\w.-])(dev-auditor\.[A-Za-z0-9_-]{32})(?![\w-])/.exec(output())?.[1];
    expect(printed).toBeDefined();
    const asBearer = (token: string) => fetch(`${apiUrl}/incidents?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asBearer(printed!)).status).toBe(200);
    for (const literal of ['dev-admin', 'dev-auditor', 'dev-responder']) expect({ literal, status: (await asBearer(literal)).status }).toEqual({ literal, status: 403 });

    // `irdr local env` exports the running stack's own endpoints (free ports here, not the defaults) and this start's tokens.
    const env = await runIrdr(['local', 'env', '--data-dir', dataDir]);
    expect(env.code).toBe(0);
    const exported = exportsOf(env.stdout);
    expect(exported).toMatchObject({ IRDR_API_URL: apiUrl, AWS_ENDPOINT_URL_SFN: sfnUrl, AWS_ENDPOINT_URL_EVENTBRIDGE: eventsUrl });
    expect(exported.AWS_ENDPOINT_URL_LAMBDA).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(exported.AWS_ENDPOINT_URL_LAMBDA).not.toBe('http://127.0.0.1:8089');
    // The local RDS and Data API too: the AWS CLI and SDKs in another shell reach them through these.
    expect(exported.AWS_ENDPOINT_URL_RDS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(exported.AWS_ENDPOINT_URL_RDS_DATA).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const describedInstances = await fetch(exported.AWS_ENDPOINT_URL_RDS!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DescribeDBInstances&Version=2014-10-31' });
    expect(await describedInstances.text()).toMatch(/<DescribeDBInstancesResult><DBInstances><\/DBInstances><\/DescribeDBInstancesResult>/);
    expect(exported.IRDR_TOKEN_AUDITOR).toBe(printed);
    expect(exported.IRDR_TOKEN).toBe(exported.IRDR_TOKEN_ADMIN);
    expect(output()).toContain(exported.IRDR_TOKEN_ADMIN!);
    expect((await asBearer(exported.IRDR_TOKEN!)).status).toBe(200);
    expect(statSync(join(dataDir, 'local-stack.json')).mode & 0o077).toBe(0);
    // npm start serves the console on the API's origin; the address it prints (with this start's key) is exported too.
    const consoleUrl = /Console \(browser\)\s+(\S+)/.exec(output())?.[1];
    expect(consoleUrl).toMatch(new RegExp(`^${apiUrl}/console/#key=[A-Za-z0-9_-]{32}$`));
    // Quoted for the shell: its # would otherwise start a comment and drop the key.
    expect(exported.IRDR_CONSOLE_URL).toBe(`'${consoleUrl}'`);
    const consolePage = await fetch(consoleUrl!.replace(/#.*$/, ''));
    expect({ status: consolePage.status, csp: consolePage.headers.get('content-security-policy') }).toMatchObject({ status: 200, csp: expect.stringContaining("script-src 'self'") });

    // What it exports is what irdr needs: incidents reaches this stack's API with it.
    expect(await runIrdr(['incidents', 'list'], exported)).toMatchObject({ code: 0 });
    // The banner's hint names this data dir, so the line works as printed.
    expect(output()).toContain(`eval "$(npx irdr local env --data-dir ${dataDir})"`);
    // A second stack on the same data dir is refused before it touches the data, naming the one that runs.
    const second = await runIrdr(['local', 'start', '--data-dir', dataDir, ...ALL_PORTS_FREE]);
    expect({ code: second.code, stderr: second.stderr.trim() }).toEqual({
      code: 1,
      stderr: `irdr: a local stack already runs on ${dataDir} (its HTTP API ${apiUrl}): stop it first, or give another --data-dir`,
    });
    expect(statSync(join(dataDir, 'local-stack.json')).isFile()).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('SIGTERM: stopping the local stack');
    // Stopped, the stack leaves no endpoint or token behind for `irdr local env` to hand out.
    expect(existsSync(join(dataDir, 'local-stack.json'))).toBe(false);
    const after = await runIrdr(['local', 'env', '--data-dir', dataDir]);
    expect(after.code).toBe(1);
    expect(after.stdout).toBe('');
    expect(after.stderr).toContain(`no local stack is running on ${dataDir}`);
    expect(after.stderr).toContain('npm start');

    // The shell still holds the stopped stack's variables: every command that talks to it says so, not ECONNREFUSED's trace.
    for (const args of [
      ['evidence', 'verify'],
      ['evidence', 'digest'],
      ['evidence', 'export', '--from', '2026-01-01', '--to', '2027-01-01', '--out', join(dataDir, 'export')],
      ['drills', 'run', 'orders-pitr'],
      ['incidents', 'list'],
      ['local', 'deliver-event', fixture],
    ]) {
      const run = await runIrdr(args, exported);
      expect({ args, code: run.code, stderr: run.stderr.trim() }).toEqual({ args, code: 1, stderr: expect.stringMatching(/^irdr: no local stack answers at 127\.0\.0\.1:\d+ \(\w+/) });
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
    expect(existsSync(join(dataDir, 'export'))).toBe(false);
  });

  it('irdr local env with no stack on the data dir says so, names the data dir and npm start, and prints nothing to eval', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'irdr-cli-empty-'));
    try {
      const env = await runIrdr(['local', 'env', '--data-dir', empty]);
      expect(env).toMatchObject({ code: 1, stdout: '' });
      expect(env.stderr).toContain(`no local stack is running on ${empty}`);
      expect(env.stderr).toContain('npm start');
      // Without a stack, deliver-event has nowhere to deliver: said so, nothing sent to a default port.
      const deliver = await runIrdr(['local', 'deliver-event', fixture, '--data-dir', empty]);
      expect(deliver.code).toBe(1);
      expect(deliver.stderr).toContain(`no local stack is running on ${empty}`);
      // `eval` of nothing leaves the shell pointed nowhere: with no AWS credentials either, that is said, not the SDK's trace.
      const nowhere = { HOME: empty, AWS_EC2_METADATA_DISABLED: 'true' };
      for (const [region, missing] of [[{}, 'no AWS region'], [{ AWS_REGION: 'eu-west-1' }, 'no AWS credentials']] as const) {
        const verify = await runIrdr(['evidence', 'verify'], { ...nowhere, ...region });
        expect({ code: verify.code, stderr: verify.stderr.trim() }).toEqual({
          code: 1,
          stderr: `irdr: ${missing} to reach AWS with, and no local stack named in this shell: for the local stack, \`eval "$(npx irdr local env)"\` (it says whether one runs); for AWS, give credentials and a region (AWS_PROFILE, AWS_REGION)`,
        });
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('--in-memory: the published digest store and key are the stack\'s own, so a digest written through local env is the one verify finds', async () => {
    const { child, output, exited } = await startStack(['--in-memory', '--data-dir', inMemoryDataDir, ...ALL_PORTS_FREE]);
    try {
      expect(output()).toContain('irdr local stack is ready');
      const exported = exportsOf((await runIrdr(['local', 'env', '--data-dir', inMemoryDataDir])).stdout);
      // The stack reads a temporary folder; the data dir holds only the published file.
      expect(exported.IRDR_EVIDENCE_DIGEST_STORE).not.toContain(inMemoryDataDir);
      const digest = await runIrdr(['evidence', 'digest'], exported);
      expect(digest.code, digest.stderr).toBe(0);
      expect(digest.stdout).toContain(`written to ${exported.IRDR_EVIDENCE_DIGEST_STORE}`);
      const verify = await runIrdr(['evidence', 'verify'], exported);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain(`1 digests in ${exported.IRDR_EVIDENCE_DIGEST_STORE}`);
      expect(verify.stdout).toContain('every signature checked');
      // The file is eval'd: a value in it is one shell word, whatever it holds, and a file others can read is refused.
      const published = join(inMemoryDataDir, 'local-stack.json');
      const original = await readFile(published, 'utf8');
      const planted = join(inMemoryDataDir, 'planted');
      const tampered = JSON.parse(original) as { environment: Record<string, string> };
      tampered.environment.IRDR_TOKEN = `x$(touch ${planted})'; touch ${planted}; '`;
      await writeFile(published, JSON.stringify(tampered));
      const evaluated = await promisify(execFile)('bash', ['-c', `eval "$("${process.execPath}" "${irdr}" local env --data-dir "${inMemoryDataDir}")"; printf %s "$IRDR_TOKEN"`]);
      expect(evaluated.stdout).toBe(tampered.environment.IRDR_TOKEN);
      expect(existsSync(planted)).toBe(false);
      await chmod(published, 0o644);
      const readable = await runIrdr(['local', 'env', '--data-dir', inMemoryDataDir]);
      expect(readable).toMatchObject({ code: 1, stdout: '' });
      expect(readable.stderr).toContain(`${published} is not this user's alone (mode 644`);
      await chmod(published, 0o600);
      await writeFile(published, original);

      // deliver-event finds the stack's EventBridge from the data dir alone (its port is a free one, not 8088).
      const delivered = await runIrdr(['local', 'deliver-event', fixture, '--data-dir', inMemoryDataDir]);
      expect(delivered.code, delivered.stderr).toBe(0);
      expect(delivered.stdout).toMatch(/rule security-findings → OpenIncidentFromFinding: delivered/);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(existsSync(join(inMemoryDataDir, 'local-stack.json'))).toBe(false);
  });

  it('a busy port is named by the flag that moves it, for local start and demo alike, with no stack trace', async () => {
    const busy = await occupiedPort();
    try {
      for (const [command, flag, service] of [
        [['local', 'start'], '--events-port', 'the EventBridge API'],
        // aws-ses-v2-local resolves on a failed listen: the start waited forever.
        [['local', 'start', '--in-memory'], '--ses-port', 'the SES mailbox'],
        [['demo', '--exit', '--in-memory'], '--sfn-port', 'the Step Functions API'],
        [['demo', '--exit', '--in-memory'], '--dynamodb-port', 'DynamoDB'],
      ] as const) {
        const args = [...command, '--data-dir', dataDir, ...ALL_PORTS_FREE, flag, String(busy.port)];
        const run = await runIrdr(args);
        expect({ args, code: run.code, stderr: run.stderr.trim() }).toEqual({
          args,
          code: 1,
          stderr: `irdr: ${service}'s port ${busy.port} is in use (another irdr stack, or another program): ${flag} <port> moves it (0 picks a free one)`,
        });
      }
    } finally {
      await busy.release();
    }
  });
});

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const irdr = join(import.meta.dirname, '../../bin/irdr.js');
const dataDir = mkdtempSync(join(tmpdir(), 'irdr-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('irdr local start', () => {
  it('starts a ready stack with persistent data, prints URLs and dev tokens, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [irdr, 'local', 'start', '--data-dir', dataDir, '--port', '0', '--sfn-port', '0', '--dynamodb-port', '0', '--ses-port', '0', '--events-port', '0', '--log-level', 'SILENT'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Bounded wait for the ready banner (the test's own timeout also applies).
    for (let attempt = 0; attempt < 600 && !output.includes('Ctrl-C stops everything'); attempt += 1) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output).toContain('irdr local stack is ready');
    expect(output).toContain('dev-responder');
    expect(output).toContain(`data in ${dataDir}`);
    const apiUrl = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(apiUrl).toBeDefined();
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);

    // The tokens are this start's: the printed one opens the API, the bare name (what the README used to say) does not.
    const printed = /\b(dev-auditor\.[A-Za-z0-9_-]{32})\b/.exec(output)?.[1];
    expect(printed).toBeDefined();
    const asBearer = (token: string) => fetch(`${apiUrl}/incidents?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asBearer(printed!)).status).toBe(200);
    for (const literal of ['dev-admin', 'dev-auditor', 'dev-responder']) expect({ literal, status: (await asBearer(literal)).status }).toEqual({ literal, status: 403 });

    // `irdr local env` exports them for the running stack (IRDR_TOKEN: the admin's), from a file only this user reads.
    const { stdout: env } = await promisify(execFile)(process.execPath, [irdr, 'local', 'env', '--data-dir', dataDir]);
    const exported = Object.fromEntries([...env.matchAll(/^export (IRDR_TOKEN\w*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));
    expect(exported.IRDR_TOKEN_AUDITOR).toBe(printed);
    expect(exported.IRDR_TOKEN).toBe(exported.IRDR_TOKEN_ADMIN);
    expect(output).toContain(exported.IRDR_TOKEN_ADMIN!);
    expect((await asBearer(exported.IRDR_TOKEN!)).status).toBe(200);
    expect(statSync(join(dataDir, 'dev-tokens.json')).mode & 0o077).toBe(0);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: stopping the local stack');
    // Stopped, the stack leaves no token behind for `irdr local env` to hand out.
    expect(existsSync(join(dataDir, 'dev-tokens.json'))).toBe(false);
  });

  it('irdr local env prints export lines for the SDKs and the CLI', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [irdr, 'local', 'env', '--sfn-port', '9083', '--port', '9000']);
    expect(stdout).toContain('export AWS_ENDPOINT_URL_SFN=http://127.0.0.1:9083');
    expect(stdout).toContain('export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000');
    expect(stdout).toContain('export AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:8005');
    // irdr incidents calls the HTTP API there.
    expect(stdout).toContain('export IRDR_API_URL=http://127.0.0.1:9000');
  });
});

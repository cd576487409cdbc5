import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: stopping the local stack');
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

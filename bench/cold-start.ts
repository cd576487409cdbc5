/**
 * Local stack cold start, as a user meets it: from `irdr local start` (a new process) to the first answered API call,
 * on the embedded DynamoDB against DynamoDB Local (Java) in the same run. One process per start: handlers keep
 * their SDK clients for the life of a process, as in Lambda.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDbBackend } from '../local/dynamodb/servers.js';
import { compared, type Bench } from './figure.js';
import { median, runIfMain, sampleSize } from './stats.js';

const irdr = join(import.meta.dirname, '../bin/irdr.js');

async function coldStart(backend: DynamoDbBackend): Promise<number> {
  // Its own data dir: the project's .irdr may hold a running `npm start`, which a second stack there would refuse.
  const dataDir = mkdtempSync(join(tmpdir(), 'irdr-cold-start-'));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      irdr, 'local', 'start', '--in-memory', '--data-dir', dataDir, '--dynamodb', backend,
      '--port', '0', '--sfn-port', '0', '--dynamodb-port', '0', '--ses-port', '0', '--events-port', '0', '--lambda-port', '0', '--log-level', 'SILENT',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (let attempt = 0; attempt < 12_000; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`irdr local start exited: ${output}`);
      const apiUrl = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      // The responder's token of this start, as `irdr local start` prints it.
      const token = /\b(dev-responder\.[A-Za-z0-9_-]+)/.exec(output)?.[1];
      if (apiUrl && token) {
        const response = await fetch(`${apiUrl}/incidents?limit=1`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
        if (response?.status === 200) return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no answer from the local stack: ${output}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const bench: Bench = async () => {
  const samples = sampleSize(5, 1);
  const embedded: number[] = [];
  const dynamodbLocal: number[] = [];
  // Interleaved, so a slow moment of the machine falls on both alike.
  for (let index = 0; index < samples; index += 1) {
    embedded.push(await coldStart('embedded'));
    dynamodbLocal.push(await coldStart('local'));
  }
  return [
    compared({
      bench: 'cold-start',
      name: 'embedded DynamoDB',
      value: median(embedded),
      unit: 'ms',
      baseline: { name: 'DynamoDB Local, Java (ms)', value: median(dynamodbLocal) },
      note: `median of ${samples}; new process to first answered GET /incidents, in memory`,
    }),
  ];
};

await runIfMain(import.meta.url, bench);

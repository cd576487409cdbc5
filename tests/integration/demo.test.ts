import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const irdr = join(import.meta.dirname, '../../bin/irdr.js');
const dataDir = mkdtempSync(join(tmpdir(), 'irdr-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('irdr demo', () => {
  it('seeds the demo table and bucket, runs two drills that pass, the ledger drill that fails for a real reason, the bucket drill and the Aurora drill each passing then failing for one, and says where to look', async () => {
    // A fresh data dir, as `npm run demo` on a new clone: the slowest start, when a schedule firing before the seed showed.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [irdr, 'demo', '--exit', '--data-dir', dataDir, '--time-scale', '300', '--port', '0', '--sfn-port', '0', '--dynamodb-port', '0', '--ses-port', '0', '--events-port', '0', '--lambda-port', '0'],
      // Seven drills (the Aurora pair adds ~40 s on a loaded machine: its engines start and restore in this process).
      { timeout: 230_000 },
    );
    // The drills of the three resources run side by side; each resource's drills print together, in the designed order.
    const sections = [...stdout.matchAll(/^== drill (\S+)/gm)].map((match) => match[1]!.replace(/[,:]$/, ''));
    expect(sections).toEqual(['orders-pitr', 'orders-backup', 'ledger-archive-pitr', 'orders-archive-s3', 'orders-archive-s3', 'orders-aurora', 'orders-aurora']);
    const lines = stdout.split('\n');
    const headers = lines.flatMap((line, at) => (line.startsWith('== drill ') ? [at] : []));
    const results = lines.findIndex((line) => line.startsWith('Results '));
    for (const [index, start] of headers.entries()) {
      // Every line of a section is its own drill's: one run started, of its plan, and no other plan's lines between.
      const started = lines.slice(start, headers[index + 1] ?? results).filter((line) => /^drill \S+: run /.test(line));
      expect({ section: sections[index], started }).toEqual({ section: sections[index], started: [expect.stringMatching(new RegExp(`^drill ${sections[index]}: run `))] });
    }
    expect(stdout).toMatch(/orders-pitr\s+passed/);
    expect(stdout).toMatch(/orders-backup\s+passed/);
    expect(stdout).toMatch(/ledger-archive-pitr\s+failed/);
    // An S3 bucket through AWS Backup: passes, then fails naming the closed ledger object the newest backup holds rewritten.
    expect(stdout).toMatch(/orders-archive-s3\s+passed[\s\S]*orders-archive-s3\s+failed/);
    expect(stdout).toMatch(/\[FAIL\] sample-objects: .*ledger\/2025\/closing\.json \(different\)/);
    // An Aurora PostgreSQL cluster restored to a point in time and checked in SQL: passes, then fails on its closed ledger's checksum.
    expect(stdout).toMatch(/orders-aurora\s+passed[\s\S]*orders-aurora\s+failed/);
    expect(stdout).toMatch(/\[FAIL\] closed-ledger-2025: expected SHA-256 44153795037b45654b5dcad9506c7b0478a576ee7be6c78e5dd7e96867001cee, recorded in the plan; found SHA-256 [0-9a-f]{64} over 12 rows/);
    expect(stdout).toContain('[PASS] sql-canary');
    expect(stdout).toContain('[PASS] canary');
    expect(stdout).toMatch(/\[FAIL\] closed-ledger: expected SHA-256 [0-9a-f]{64}/);
    // A drill whose validation failed achieved no RTO or RPO; the passing ones did.
    expect(stdout).toContain('RTO NOT ACHIEVED: the restored data failed validation (1 of 1 check failed)');
    expect(stdout).toMatch(/RTO achieved: \d+\.\d min \(target \d+ min\)/);
    expect(stdout).toMatch(/failure incident: [0-9a-f-]{36}/);
    expect(stdout).toMatch(/Mailbox .* http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('npx irdr drills run orders-pitr');
    // The table is seeded before any schedule fires: no canary writer or drill fails on its absence.
    expect(stdout + stderr).not.toContain('"level":"ERROR"');
    // Published while it ran, gone once it stopped.
    expect(existsSync(join(dataDir, 'local-stack.json'))).toBe(false);
  }, 240_000);
});

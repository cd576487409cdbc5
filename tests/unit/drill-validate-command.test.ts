import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drillsValidateCommand } from '../../bin/drill-validate.js';

/* `irdr drills validate`: the plans in the repository pass; a plan exposing its restore is refused, every reason printed, exit 1. */

const exposed = `id: exposed-bucket
title: A bucket restored in the open
owner: owner@example.com
schedule: { expression: rate(7 days) }
source:
  type: aws-backup-resource
  resourceType: S3
  resourceArn: arn:aws:s3:::orders-exports
  restoreMetadata: { DestinationBucketName: orders-exports-copy, NewBucket: "false" }
driver: { type: aws-backup, restoreRoleArn: "arn:aws:iam::123456789012:role/irdr-restore" }
recoveryPoint: { type: random-within, days: 400 }
targets: { rtoMinutes: 60, rpoMinutes: 1440 }
checks: [{ type: custom, functionName: check-bucket }]
recipients: { addresses: [owner@example.com] }
controls: [SOC2 A1.3]
`;

let dir: string | undefined;
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(files: string[]): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  drillsValidateCommand(files);
  return lines;
}

describe('irdr drills validate', () => {
  it('passes every plan the repository ships', () => {
    const lines = run([]);
    expect(lines.length).toBeGreaterThan(0);
    const plans = lines.filter((line) => !line.startsWith('network  '));
    for (const line of plans) expect(line).toMatch(/^ok {7}/);
    // orders-aurora-wire is checked over the wire: the drill subnets' endpoints (without NAT) are named, by who needs them.
    expect(lines.filter((line) => line.startsWith('network  ')).map((line) => /com\.amazonaws\.<region>\.([a-z]+)/.exec(line)?.[1])).toEqual(['dynamodb', 'secretsmanager', 'rds']);
    expect(process.exitCode).toBeUndefined();
  });

  it('refuses a plan that would expose its restore, naming each field and what to change, and exits 1', () => {
    dir = mkdtempSync(join(tmpdir(), 'irdr-validate-'));
    const file = join(dir, 'exposed.yaml');
    writeFileSync(file, exposed);
    const [line] = run([file]);
    expect(line).toContain(`refused  ${file}: invalid drill plan`);
    expect(line).toContain('at source.restoreMetadata: DestinationBucketName: "orders-exports-copy" does not start with the drill prefix "irdr-drill-"');
    expect(line).toContain('at source.restoreMetadata: NewBucket: a drill restores into a new bucket');
    expect(line).toContain('at recoveryPoint.days: a window of 1 to 365 days');
    expect(process.exitCode).toBe(1);
  });
});

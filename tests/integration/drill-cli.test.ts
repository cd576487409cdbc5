import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * A typo in what a command names (a drill plan, a table, a state machine, a function) is a usage error said before
 * anything is started or written: no execution, no failed run in the hash-chained trail, no email to the commanders.
 */
describe('irdr drills and evidence commands check what they name before they start anything', () => {
  let local: TestStack;
  const scratch = mkdtempSync(join(tmpdir(), 'irdr-drill-cli-'));
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const drillExecutions = async () =>
    (await local.sfn.send(new ListExecutionsCommand({ stateMachineArn: local.stack.drillStateMachineArn }))).executions ?? [];

  it('irdr drills run with a plan that does not exist starts nothing, records nothing, mails nobody', async () => {
    const before = await local.tableItems();
    const run = await runIrdr(local, ['drills', 'run', 'nope']);
    expect(run.code).toBe(2);
    expect(run.output.trim()).toBe('irdr: no drill plan "nope"; plans: ledger-archive-pitr, orders-archive-s3, orders-aurora, orders-aurora-wire, orders-backup, orders-pitr (workflows/drills). Nothing was started.');
    // Give a started execution the time to record its failed run and mail the commanders (it would, before the check).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await drillExecutions()).toEqual([]);
    expect(await local.tableItems()).toHaveLength(before.length);
    expect(await local.mailbox()).toEqual([]);
  });

  it('a state machine or an evidence table that does not exist is named, before any execution starts', async () => {
    const machine = await runIrdr(local, ['drills', 'run', 'orders-pitr', '--state-machine-arn', `${local.stack.drillStateMachineArn}-typo`]);
    expect(machine.code).toBe(2);
    expect(machine.output).toContain(`irdr: no state machine ${local.stack.drillStateMachineArn}-typo at ${local.stack.urls.stepFunctions}: --state-machine-arn names the drill state machine`);
    const table = await runIrdr(local, ['drills', 'run', 'orders-pitr', '--table-name', 'irdr-typo']);
    expect(table.code).toBe(2);
    expect(table.output).toContain(`irdr: no table irdr-typo at ${local.stack.urls.dynamodb}: --table-name names the evidence table`);
    expect(await drillExecutions()).toEqual([]);
  });

  it('evidence verify, coverage and export on a table that does not exist: a usage error, never "every chain intact" of nothing', async () => {
    const out = join(scratch, 'export');
    for (const args of [
      ['evidence', 'verify', '--table-name', 'irdr-typo'],
      ['evidence', 'coverage', '--table-name', 'irdr-typo'],
      ['evidence', 'export', '--table-name', 'irdr-typo', '--from', '2026-01-01', '--to', '2027-01-01', '--out', out],
    ]) {
      const run = await runIrdr(local, args);
      expect({ args, code: run.code, output: run.output.trim() }).toEqual({ args, code: 2, output: expect.stringMatching(/^irdr: no table irdr-typo at http:\/\/127\.0\.0\.1:\d+: --table-name names the evidence table/) });
      expect(run.output).not.toContain('intact');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('evidence verify with a digest folder that does not exist: a usage error, never "0 digests (none written yet)"', async () => {
    const typo = `${local.stack.environment.IRDR_EVIDENCE_DIGEST_STORE}-typo`;
    const run = await runIrdr(local, ['evidence', 'verify', '--digests', typo]);
    expect(run.code).toBe(2);
    expect(run.output.trim()).toBe(`irdr: no digest store ${typo}: the folder does not exist (the local stack makes it at start; \`irdr local env\` names it as IRDR_EVIDENCE_DIGEST_STORE)`);
  });

  it('evidence digest with a function that does not exist names it; no digest is written', async () => {
    const run = await runIrdr(local, ['evidence', 'digest', '--function', 'irdr-WriteEvidenceDigst']);
    expect(run.code).toBe(2);
    expect(run.output.trim()).toBe(
      `irdr: no function irdr-WriteEvidenceDigst at ${local.stack.environment.AWS_ENDPOINT_URL_LAMBDA}: --function names the digest writer (stack output EvidenceDigestFunctionName; irdr local env sets IRDR_DIGEST_FUNCTION)`,
    );
    const verify = await runIrdr(local, ['evidence', 'verify']);
    expect(verify.output).toContain('0 digests in');
  });
});

import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSk, incidentPk } from '../../functions/domain/keys.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';



const period = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };
const verifyQuery = `/evidence/verify?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;

describe('write-once evidence digests', () => {
  let local: TestStack;
  const incidentIds: string[] = [];

  async function deleteWholeTrail(incidentId: string): Promise<void> {
    const items = await local.dynamodb.send(
      new QueryCommand({ TableName: local.stack.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: incidentPk(incidentId) } } }),
    );
    for (const item of items.Items ?? []) await local.dynamodb.send(new DeleteItemCommand({ TableName: local.stack.tableName, Key: { PK: item.PK!, SK: item.SK! } }));
  }

  beforeAll(async () => {
    local = await startTestStack();
    for (const title of ['Leaked key', 'Phishing report', 'Lost laptop']) {
      const created = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV3', summary: 'for the digest check' });
      expect(created.status).toBe(202);
      incidentIds.push(created.body.incidentId as string);
      expect((await local.waitForExecution(created.body.executionArn as string)).status).toBe('SUCCEEDED');
    }
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('writes a digest of every chain head into the local write-once folder, read-only and never overwritten', async () => {
    const written = await runIrdr(local, ['evidence', 'digest']);
    expect(written.code).toBe(0);
    expect(written.output).toMatch(/digest digests\/\d{4}\/\d{2}\/\d{2}\/.+\.json written to file:\/\/.+: 3 chain heads, sha256 [0-9a-f]{64}/);

    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.code).toBe(0);
    expect(verified.output).toMatch(/every chain intact; 1 digests in file:\/\//);

    const auditor = await local.api('GET', verifyQuery, { token: 'dev-auditor' });
    expect(auditor.status).toBe(200);
    expect(auditor.body).toMatchObject({ intact: true, trails: { incidents: 3, drillRuns: 0, broken: 0 }, digests: { checked: 1, problems: [], trailsNotInADigest: 0 } });
  });

  it('catches a deleted tail that the chain alone cannot see, and names the trail', async () => {
    const [truncated] = incidentIds as [string];
    const trail = await local.dynamodb.send(
      new QueryCommand({
        TableName: local.stack.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :evt)',
        ExpressionAttributeValues: { ':pk': { S: incidentPk(truncated) }, ':evt': { S: 'EVT#' } },
      }),
    );
    const last = trail.Items!.length;
    await local.dynamodb.send(new DeleteItemCommand({ TableName: local.stack.tableName, Key: { PK: { S: incidentPk(truncated) }, SK: { S: eventSk(last) } } }));

    // Without the digests, the shorter chain is still a valid chain: this is what they are for.
    const chainOnly = await runIrdr(local, ['evidence', 'verify'], { IRDR_EVIDENCE_DIGEST_STORE: '' });
    expect(chainOnly.code).toBe(0);
    expect(chainOnly.output).toContain('no digest store given');

    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`${incidentPk(truncated)} seq ${last}: head-mismatch; expected ${last}:`);
    expect(verified.output).toContain(`found the trail ends at ${last - 1}:`);

    const api = await local.api('GET', verifyQuery, { token: 'dev-responder' });
    expect(api.status).toBe(200);
    expect(api.body.intact).toBe(false);
    expect(api.body.problems).toEqual([expect.objectContaining({ partitionKey: incidentPk(truncated), kind: 'head-mismatch', sortKey: `seq ${last}` })]);
  });

  it('catches a trail deleted altogether', async () => {
    const gone = incidentIds[1]!;
    await deleteWholeTrail(gone);
    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`${incidentPk(gone)} META: trail-missing; expected a trail opened `);
  });

  it('catches a digest rewritten in place: the next digest names the old bytes', async () => {
    // The next digest refuses both damaged trails (and keeps their recorded heads) rather than absorbing the damage.
    const next = await runIrdr(local, ['evidence', 'digest']);
    expect(next.code).toBe(1);
    expect(next.output).toContain(`refused ${incidentPk(incidentIds[0]!)}: digest `);
    expect(next.output).toContain(`refused ${incidentPk(incidentIds[1]!)}: digest `);
    expect(next.output).toContain('the table holds no record in the month index of the table (deleted or moved)');
    const folder = fileURLToPath(local.stack.environment.IRDR_EVIDENCE_DIGEST_STORE!);
    const listed = await local.api('GET', verifyQuery, { token: 'dev-auditor' });
    expect(listed.body.digests.checked).toBe(2);

    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(join(folder, 'digests'), { recursive: true })).filter((name) => name.endsWith('.json')).sort();
    const first = join(folder, 'digests', files[0]!);
    // Someone with the folder rewrites history: drop the vanished incident from the first digest.
    const document = JSON.parse(await readFile(first, 'utf8')) as { heads: Array<{ partitionKey: string }> };
    document.heads = document.heads.filter((head) => head.partitionKey !== incidentPk(incidentIds[1]!));
    await chmod(first, 0o644);
    await writeFile(first, JSON.stringify(document));

    const verified = await runIrdr(local, ['evidence', 'verify']);
    expect(verified.code).toBe(1);
    expect(verified.output).toMatch(/digest digests\/.+\.json: expected previous digests\/.+\.json [0-9a-f]{64}, found previous digests\/.+\.json [0-9a-f]{64}/);
  });

  it('stops with what to ask instead when the invocation runs short of time, rather than a verdict on part of the period', async () => {
    // The local knob starts the invocation with 2 s left, under the 3 s the handler keeps for its answer.
    local.stack.faults.functions.set('VerifyEvidence', { mode: 'out-of-time', remainingMs: 2_000, times: 1 });
    const stopped = await local.api('GET', verifyQuery, { token: 'dev-auditor' });
    expect(stopped.status).toBe(422);
    expect(stopped.body).toMatchObject({ trailsVerified: 1 });
    expect(stopped.body.message).toMatch(/takes longer than one API call may \(API Gateway waits 30 s\): 1 trails were verified, [01] of them broken, before it stopped; ask for a shorter period, or run irdr evidence verify/);
  });

  it('refuses a bad period with what to change, and callers in no role', async () => {
    const backwards = await local.api('GET', `/evidence/verify?from=${encodeURIComponent(period.to)}&to=${encodeURIComponent(period.from)}`, { token: 'dev-auditor' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.message).toContain('from must be before to');
    const tooLong = await local.api('GET', '/evidence/verify?from=2020-01-01&to=2026-01-01', { token: 'dev-auditor' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('at most 366 days');
    const missing = await local.api('GET', '/evidence/verify', { token: 'dev-auditor' });
    expect(missing.status).toBe(400);
    const outsider = await local.api('GET', verifyQuery, { token: 'dev-outsider' });
    expect(outsider.status).toBe(403);
  });
});

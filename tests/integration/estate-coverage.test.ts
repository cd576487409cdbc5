import { BackupClient, CreateBackupVaultCommand, DescribeBackupJobCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * Coverage of the estate on the local stack: a table backed up through the local AWS Backup (StartBackupJob) is a
 * protected resource; GET /evidence/coverage lists it (merged by ARN with the table listing) not drilled, then
 * attempted after a drill that fails, then drilled after one that passes; a table AWS Backup does not protect still
 * counts. The export and the CLI say the same.
 */
const SOURCE = 'irdr-test-estate-orders';
const UNPROTECTED = 'irdr-test-estate-sessions';
const VAULT = 'irdr-test-estate';
const RESTORE_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore`;
const tableArn = (name: string) => `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${name}`;
const plan = testPlan({
  id: 'estate-orders-backup',
  source: { type: 'dynamodb-table', tableName: SOURCE },
  driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT },
  targets: { rtoMinutes: 60, rpoMinutes: 60 },
  checks: [{ type: 'item-count' }],
});

let local: TestStack;
let drills: ReturnType<typeof drillSession>;
let backup: BackupClient;
const from = new Date(Date.now() - 3_600_000).toISOString();
const period = () => `from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`;

interface Row {
  arn: string;
  type: string;
  name: string;
  foundIn: string[];
  status: string;
  drilledBy: string[];
  attemptedBy: string[];
}
async function coverage(token = 'dev-auditor'): Promise<{ rows: Row[]; byType: Array<Record<string, unknown>> }> {
  const response = await local.api('GET', `/evidence/coverage?${period()}`, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as never;
}
const rowOf = (rows: Row[], arn: string) => rows.filter((row) => row.arn === arn);

beforeAll(async () => {
  local = await startTestStack({
    timeScale: 60,
    drillPlans: [plan],
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, backupDuration: { baseMs: 30_000, perItemMs: 0 } },
  });
  backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE, { pitr: false });
  await drills.seed(SOURCE);
  await drills.createSourceTable(UNPROTECTED, { pitr: false });
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
});

afterAll(async () => {
  backup?.destroy();
  await local?.stop();
});

describe('coverage of the estate on the local stack', () => {
  it('a table backed up through AWS Backup is listed once (merged by ARN), not drilled; an unprotected table still counts', async () => {
    const before = await coverage();
    expect(rowOf(before.rows, tableArn(SOURCE))).toEqual([expect.objectContaining({ foundIn: ['dynamodb-tables'], status: 'not-drilled' })]);

    const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: tableArn(SOURCE), IamRoleArn: RESTORE_ROLE }));
    for (let look = 0; look < 400 && (await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }))).State !== 'COMPLETED'; look += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const after = await coverage();
    expect(rowOf(after.rows, tableArn(SOURCE))).toEqual([expect.objectContaining({ type: 'DynamoDB', name: SOURCE, foundIn: ['aws-backup', 'dynamodb-tables'], status: 'not-drilled' })]);
    expect(rowOf(after.rows, tableArn(UNPROTECTED))).toEqual([expect.objectContaining({ foundIn: ['dynamodb-tables'], status: 'not-drilled' })]);
    // A drill's own restored copies are transient, never part of the estate.
    expect(after.rows.filter((row) => row.name.startsWith('irdr-drill-'))).toEqual([]);
    expect(after.byType.find((type) => type.type === 'DynamoDB')).toMatchObject({ drilled: 0, attempted: 0 });
  });

  it('a failed drill makes it attempted, never drilled; a passing one makes it drilled, both runs named', async () => {
    await drills.put(SOURCE, { pk: 'ORDER#LATE', sk: 'META', total: 1 });
    const failed = await drills.runDrill(plan.id);
    expect(failed.view.run.status).toBe('failed');
    expect(rowOf((await coverage()).rows, tableArn(SOURCE))).toEqual([expect.objectContaining({ status: 'attempted', drilledBy: [], attemptedBy: [failed.runId] })]);

    await local.dynamodb.send(new DeleteItemCommand({ TableName: SOURCE, Key: { pk: { S: 'ORDER#LATE' }, sk: { S: 'META' } } }));
    const passed = await drills.runDrill(plan.id);
    expect(passed.view.run.status, JSON.stringify(passed.view.run.reasons)).toBe('passed');
    const covered = await coverage();
    expect(rowOf(covered.rows, tableArn(SOURCE))).toEqual([expect.objectContaining({ status: 'drilled', drilledBy: [passed.runId], attemptedBy: [failed.runId] })]);
    expect(rowOf(covered.rows, tableArn(UNPROTECTED))).toEqual([expect.objectContaining({ status: 'not-drilled' })]);
  });

  it('every role may read it (as /evidence/verify); no identity or a bad period is refused with what to change', async () => {
    for (const token of ['dev-responder', 'dev-commander', 'dev-approver']) await coverage(token);
    expect((await local.api('GET', `/evidence/coverage?${period()}`, { token: null })).status).toBe(403);
    const reversed = await local.api('GET', `/evidence/coverage?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`, { token: 'dev-auditor' });
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toContain('from must be before to');
    const unknown = await local.api('GET', `/evidence/coverage?${period()}&resourceType=S3`, { token: 'dev-auditor' });
    expect(unknown.status).toBe(400);
    const badStatus = await local.api('GET', `/evidence/coverage?${period()}&status=covered`, { token: 'dev-auditor' });
    expect(badStatus.status).toBe(400);
    expect(JSON.stringify(badStatus.body)).toContain('status');
    // One type and status: only those rows, the summary whole.
    const drilled = await local.api('GET', `/evidence/coverage?${period()}&type=DynamoDB&status=drilled`, { token: 'dev-auditor' });
    expect((drilled.body.rows as Row[]).map((row) => row.name)).toEqual([SOURCE]);
    expect(drilled.body.byType).toEqual([expect.objectContaining({ type: 'DynamoDB', drilled: 1 })]);
  });

  it('the export carries it (estate-coverage.csv and the report) and the CLI prints it per type', async () => {
    const exported = await local.api('GET', `/evidence?${period()}`, { token: 'dev-auditor' });
    expect(exported.status).toBe(200);
    const files = new Map((exported.body.files as Array<{ name: string; content: string }>).map((file) => [file.name, file.content]));
    const csv = files.get('estate-coverage.csv')!;
    expect(csv.split('\r\n').find((line) => line.includes(tableArn(SOURCE)))).toMatch(/^DynamoDB,irdr-test-estate-orders,arn:[^,]+,drilled,aws-backup dynamodb-tables,/);
    expect(files.get('report.html')).toContain('<h2>Coverage of the estate</h2>');

    const cli = await runIrdr(local, ['evidence', 'coverage', '--from', from]);
    expect(cli.output).toMatch(new RegExp(`^  DynamoDB  drilled {6}${SOURCE}  ${tableArn(SOURCE)}  runs: `, 'm'));
    expect(cli.output).toMatch(new RegExp(`^  DynamoDB  not-drilled  ${UNPROTECTED} `, 'm'));
    expect(cli.code).toBe(1);
  });

  it('an export whose estate cannot be listed (AWS Backup unreachable) still exports, and its report says coverage could not be collected', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'irdr-estate-')), 'export');
    try {
      const unreachable = `http://127.0.0.1:${await freePort('127.0.0.1')}`;
      const exported = await runIrdr(local, ['evidence', 'export', '--from', from, '--to', new Date(Date.now() + 60_000).toISOString(), '--out', out], { AWS_ENDPOINT_URL_BACKUP: unreachable });
      expect(exported.code, exported.output).toBe(0);
      expect(exported.output).toMatch(/^note: coverage of the estate could not be collected \(the report says so\): \w+/m);
      expect(readdirSync(out).filter((name) => name.startsWith('estate-coverage'))).toEqual([]);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Coverage of the estate could not be collected for this export: ');
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});

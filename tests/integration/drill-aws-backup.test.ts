import diagnosticsChannel from 'node:diagnostics_channel';
import {
  BackupClient,
  CreateBackupVaultCommand,
  DescribeBackupJobCommand,
  DescribeRestoreJobCommand,
  GetRestoreJobMetadataCommand,
  StartBackupJobCommand,
} from '@aws-sdk/client-backup';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillTableName } from '../../functions/domain/drill-naming.js';
import { recordAwsCalls } from '../../local/aws-call-recorder.js';
import { BUS_EVENTS_CHANNEL, type BusEvent } from '../../local/eventbridge/event-bus.js';
import { createPkSkTable } from '../../local/dynamodb/pk-sk-table.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { drillGrantsOf } from './support/drill-grant-check.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * The aws-backup driver end to end on the local stack: a backup job makes a recovery point of the source; the drill
 * restores it with StartRestoreJob into its own table, follows the job, validates, cleans up and records, then reports
 * its verdict with PutRestoreValidationResult, whose answer (AWS takes results for restore testing jobs only) is on the
 * trail. It passes; fails for real reasons (rows written after the point; a restore job that FAILS); and every AWS
 * Backup call the drill functions made is one the synthesized grants of their permissions allow.
 */
const SOURCE = 'irdr-test-backed-up-orders';
const VAULT = 'irdr-test-drills';
const RESTORE_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore`;
const plan = testPlan({
  id: 'orders-aws-backup',
  source: { type: 'dynamodb-table', tableName: SOURCE },
  driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT },
  targets: { rtoMinutes: 60, rpoMinutes: 60 },
  checks: [{ type: 'item-count' }, { type: 'checksum', id: 'closed-ledger', partitionKeyValue: 'LEDGER#2025' }],
});

let local: TestStack;
let drills: ReturnType<typeof drillSession>;
let backup: BackupClient;
const events: BusEvent[] = [];
const onEvent = (event: unknown): void => {
  events.push(event as BusEvent);
};
const recorder = recordAwsCalls({ authorization: {} });

type ReportedDetail = { restoreJobId: string; validationStatus: string; validationStatusMessage: string; accepted: boolean; error?: string; message?: string };
const reportedOf = (view: { events: Array<{ type: string; detail?: Record<string, any> }> }) =>
  view.events.find((event) => event.type === 'drill.restore-validation.reported')?.detail as ReportedDetail | undefined;

async function backUpSource(): Promise<string> {
  const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${SOURCE}`, IamRoleArn: RESTORE_ROLE }));
  for (let look = 0; look < 400; look += 1) {
    const job = await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    if (job.State === 'COMPLETED') return started.RecoveryPointArn!;
    if (job.State === 'FAILED') throw new Error(`backup job failed: ${job.StatusMessage}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('backup job did not complete');
}

beforeAll(async () => {
  diagnosticsChannel.subscribe(BUS_EVENTS_CHANNEL, onEvent);
  local = await startTestStack({
    timeScale: 60,
    drillPlans: [plan],
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, backupDuration: { baseMs: 30_000, perItemMs: 0 } },
  });
  backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE, { pitr: false });
  await drills.seed(SOURCE);
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
});

afterAll(async () => {
  recorder.stop();
  diagnosticsChannel.unsubscribe(BUS_EVENTS_CHANNEL, onEvent);
  backup?.destroy();
  await local?.stop();
});

describe('aws-backup drill on the local AWS Backup', () => {
  it('passes: restores the newest recovery point through a restore job, validates it, cleans up, and reports SUCCESSFUL (refused: not a restore testing job, recorded)', async () => {
    const recoveryPointArn = await backUpSource();
    const { runId, execution, view } = await drills.runDrill(plan.id);
    expect(execution.status, JSON.stringify(view.run.reasons)).toBe('SUCCEEDED');
    expect(view.run.status).toBe('passed');
    expect(view.run.checks.map((check: { id: string; passed: boolean }) => [check.id, check.passed])).toEqual([
      ['item-count', true],
      ['closed-ledger', true],
    ]);
    expect(view.trail.intact).toBe(true);

    const reported = reportedOf(view)!;
    expect(reported).toMatchObject({ validationStatus: 'SUCCESSFUL', accepted: false, error: 'InvalidRequestException' });
    expect(reported.validationStatusMessage).toBe(`irdr drill ${plan.id} run ${runId}: all 2 checks passed`);
    expect(reported.message).toContain('restore testing');

    // AWS Backup's side: the job restored that point into the drill's table, which cleanup then deleted.
    const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: reported.restoreJobId }));
    expect(job).toMatchObject({ Status: 'COMPLETED', RecoveryPointArn: recoveryPointArn, CreatedResourceArn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${drillTableName(plan.id, runId)}`, IamRoleArn: RESTORE_ROLE });
    expect(job.ValidationStatus).toBeUndefined();
    // The restore's completion is the job's own CompletionDate (the drill waited for its end event), not when a look saw it.
    expect(view.run.restore).toMatchObject({ completedAt: job.CompletionDate!.toISOString(), completedAtFrom: 'service' });
    expect((await backup.send(new GetRestoreJobMetadataCommand({ RestoreJobId: reported.restoreJobId }))).Metadata).toMatchObject({ targetTableName: drillTableName(plan.id, runId) });
    expect(await drills.tableExists(drillTableName(plan.id, runId))).toBe(false);
    const statuses = events
      .filter((event) => event['detail-type'] === 'Restore Job State Change' && (event.detail as { restoreJobId: string }).restoreJobId === reported.restoreJobId)
      .map((event) => (event.detail as { status: string }).status);
    expect(statuses).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
  });

  it('fails for a real reason: rows written after the recovery point are missing from the restore; reports FAILED naming the check', async () => {
    for (let index = 0; index < 5; index += 1) await drills.put(SOURCE, { pk: `ORDER#LATE${index}`, sk: 'META', total: index });
    const { runId, execution, view } = await drills.runDrill(plan.id);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('DrillFailed');
    expect(view.run.status).toBe('failed');
    expect(view.run.reasons[0]).toMatch(/^check item-count failed: expected 35 items.*found 30 items/);
    const reported = reportedOf(view)!;
    expect(reported).toMatchObject({ validationStatus: 'FAILED', accepted: false, error: 'InvalidRequestException' });
    expect(reported.validationStatusMessage).toMatch(new RegExp(`^irdr drill ${plan.id} run ${runId}: 1 of 2 checks failed; item-count: expected 35 items.*found 30 items$`));
    expect(await drills.tableExists(drillTableName(plan.id, runId))).toBe(false);
  });

  it('fails for a real reason: the restore job FAILS (its table name is taken); the table someone else made is left alone, the verdict reported FAILED', async () => {
    const runId = 'taken-table-run';
    const taken = drillTableName(plan.id, runId);
    await createPkSkTable(local.dynamodb, taken);
    await drills.put(taken, { pk: 'NOT#YOURS', sk: 'META' });
    const { execution, view } = await drills.runDrill(plan.id, runId);
    expect(execution.status).toBe('FAILED');
    expect(view.run.status).toBe('failed');
    expect(view.run.reasons.join('\n')).toMatch(/AWS Backup restore job \S+ is FAILED: .*TableAlreadyExistsException/);
    const reported = reportedOf(view)!;
    expect(reported).toMatchObject({ validationStatus: 'FAILED', accepted: false });
    expect(reported.validationStatusMessage).toContain('not validated');
    expect((await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: reported.restoreJobId }))).Status).toBe('FAILED');
    // Not the drill's table: cleanup refuses it, and it keeps its item.
    expect(view.events.find((event) => event.type === 'drill.cleanup.refused')?.detail).toMatchObject({
      status: 'CLEANUP_REFUSED',
      reason: expect.stringContaining(`was not restored from arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${SOURCE}`),
    });
    expect((await local.dynamodb.send(new ScanCommand({ TableName: taken }))).Items).toEqual([{ pk: { S: 'NOT#YOURS' }, sk: { S: 'META' } }]);
  });

  it('calls AWS Backup only as the synthesized grants of each function allow: actions, and the recovery points they act on', () => {
    const { granted, allows } = drillGrantsOf([plan]);
    const backupCalls = recorder.calls().filter((call) => call.action.startsWith('backup:'));
    const used = [...new Set(backupCalls.map((call) => `${call.functionName} ${call.action}`))].sort();
    expect(used).toEqual([
      'AwaitDrillRestoreEnd backup:DescribeRestoreJob',
      'CheckDrillRestore backup:DescribeRestoreJob',
      'PrepareDrillRun backup:ListRecoveryPointsByResource',
      'RecordDrillOutcome backup:PutRestoreValidationResult',
      'StartDrillRestore backup:GetRecoveryPointRestoreMetadata',
      'StartDrillRestore backup:StartRestoreJob',
    ]);
    for (const call of backupCalls) {
      expect(granted(call.functionName).has(call.action), `${call.functionName} ${call.action}`).toBe(true);
      const resources = call.authorization?.resources ?? [];
      expect(resources.length, `${call.functionName} ${call.action} names what it acts on`).toBeGreaterThan(0);
      for (const resource of resources) expect(allows(call.functionName, call.action, resource), `${call.functionName} ${call.action} on ${resource}`).toBe(true);
    }
    // Not vacuous: a recovery point of another account is outside the grant.
    expect(allows('StartDrillRestore', 'backup:StartRestoreJob', 'arn:aws:backup:us-east-1:111111111111:recovery-point:x')).toBe(false);
  });
});

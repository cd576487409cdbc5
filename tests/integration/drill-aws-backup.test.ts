import diagnosticsChannel from 'node:diagnostics_channel';
import {
  BackupClient,
  CreateBackupVaultCommand,
  CreateRestoreTestingPlanCommand,
  CreateRestoreTestingSelectionCommand,
  DescribeBackupJobCommand,
  DescribeRestoreJobCommand,
  GetRestoreJobMetadataCommand,
  GetRestoreTestingPlanCommand,
  GetRestoreTestingSelectionCommand,
  ListRestoreJobsCommand,
  StartBackupJobCommand,
  type RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillTableName } from '../../functions/domain/drill-naming.js';
import { restoreTestingPlanNameOf, restoreTestingRunIdOf } from '../../functions/domain/drill/restore-testing-plan.js';
import { syncRestoreTestingPlans } from '../../functions/aws/drill/restore-testing-sync.js';
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

/*
 * Two plans that restore through AWS Backup restore testing (driver.restoreTesting): one whose checks pass, one that
 * expects a count the data does not have. Deployed with a cron far off; the test re-syncs them with one due now.
 */
const restoreTestingPlan = (id: string, checks: unknown[], expression = 'cron(0 3 1 1 ? *)') =>
  testPlan({
    id,
    schedule: { expression, timeZone: 'UTC' },
    source: { type: 'dynamodb-table', tableName: SOURCE },
    driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT, restoreTesting: { validationWindowHours: 1 } },
    targets: { rtoMinutes: 60, rpoMinutes: 60 },
    checks,
  });
const rtPasses = restoreTestingPlan('orders-rt', [{ type: 'item-count' }, { type: 'checksum', id: 'closed-ledger', partitionKeyValue: 'LEDGER#2025' }]);
const rtFails = restoreTestingPlan('orders-rt-strict', [{ type: 'item-count', expected: 1 }]);

let local: TestStack;
let drills: ReturnType<typeof drillSession>;
let backup: BackupClient;
/** The source's recovery point every drill before the restore testing ones restores (the newest until then). */
let firstRecoveryPointArn: string;
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
    drillPlans: [plan, rtPasses, rtFails],
    dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, backupDuration: { baseMs: 30_000, perItemMs: 0 } },
  });
  backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE, { pitr: false });
  await drills.seed(SOURCE);
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
  firstRecoveryPointArn = await backUpSource();
});

afterAll(async () => {
  recorder.stop();
  diagnosticsChannel.unsubscribe(BUS_EVENTS_CHANNEL, onEvent);
  backup?.destroy();
  await local?.stop();
});

describe('aws-backup drill on the local AWS Backup', () => {
  it.concurrent('passes: restores the newest recovery point through a restore job, validates it, cleans up, and reports SUCCESSFUL (refused: not a restore testing job, recorded)', async ({ expect }) => {
    const recoveryPointArn = firstRecoveryPointArn;
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

  // Beside the passing run: its restore job fails on its own table name, and it makes no recovery point.
  it.concurrent('fails for a real reason: the restore job FAILS (its table name is taken); the table someone else made is left alone, the verdict reported FAILED', async ({ expect }) => {
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

  // After both: the rows it writes would fail the passing run's count.
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

  it('calls AWS Backup only as the synthesized grants of each function allow: actions, and the recovery points they act on', () => {
    const { granted, allows } = drillGrantsOf([plan, rtPasses, rtFails]);
    const backupCalls = recorder.calls().filter((call) => call.action.startsWith('backup:'));
    const used = [...new Set(backupCalls.map((call) => `${call.functionName} ${call.action}`))].sort();
    expect(used).toEqual([
      'AwaitDrillRestoreEnd backup:DescribeRestoreJob',
      'CheckDrillRestore backup:DescribeRestoreJob',
      'PrepareDrillRun backup:ListRecoveryPointsByResource',
      'RecordDrillOutcome backup:PutRestoreValidationResult',
      'StartDrillRestore backup:GetRecoveryPointRestoreMetadata',
      'StartDrillRestore backup:StartRestoreJob',
      // Each restore job that ends is looked at once: was it started by one of the plans' restore testing plans?
      'StartRestoreTestingDrill backup:DescribeRestoreJob',
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

  describe('through an AWS Backup restore testing plan irdr keeps', () => {
    const jobsOf = async (planArn: string) => ((await backup.send(new ListRestoreJobsCommand({}))).RestoreJobs ?? []).filter((job) => job.CreatedBy?.RestoreTestingPlanArn === planArn);
    async function settled(look: () => Promise<RestoreJobsListMember[]>, done: (jobs: RestoreJobsListMember[]) => boolean): Promise<RestoreJobsListMember[]> {
      for (let attempt = 0; attempt < 600; attempt += 1) {
        const jobs = await look();
        if (done(jobs)) return jobs;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('restore testing jobs did not settle');
    }
    async function drillOf(restoreJobId: string) {
      const runId = restoreTestingRunIdOf(restoreJobId);
      const executionArn = `${local.stack.drillStateMachineArn.replace(':stateMachine:', ':execution:')}:${runId}`;
      for (let attempt = 0; attempt < 400; attempt += 1) {
        const found = await local.sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined);
        if (found) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const execution = await local.waitForExecution(executionArn, 2400);
      const view = (await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' })).body as unknown as Parameters<typeof reportedOf>[0] & { run: Record<string, any>; trail: { intact: boolean } };
      return { runId, execution, view };
    }

    it.concurrent('irdr keeps the restore testing plan and selection in step with the drill plan; on its cron AWS Backup restores, irdr validates and reports the verdict AWS Backup then shows (SUCCESSFUL, and FAILED for the strict plan)', async ({ expect }) => {
      const callsBefore = recorder.calls().length;
      const recoveryPointArn = await backUpSource();
      const name = restoreTestingPlanNameOf(rtPasses.id);
      const deployed = (await backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: name }))).RestoreTestingPlan!;
      expect(deployed).toMatchObject({ ScheduleExpression: 'cron(0 3 1 1 ? *)', RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: [`arn:aws:backup:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:backup-vault:${VAULT}`] } });
      expect((await backup.send(new GetRestoreTestingSelectionCommand({ RestoreTestingPlanName: name, RestoreTestingSelectionName: name }))).RestoreTestingSelection).toMatchObject({
        ProtectedResourceType: 'DynamoDB',
        ProtectedResourceArns: [`arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${SOURCE}`],
        IamRoleArn: RESTORE_ROLE,
        ValidationWindowHours: 1,
      });

      // The plans' schedule now due in two (schedule) minutes, UTC: irdr's sync updates both restore testing plans.
      const due = new Date(Date.now() + 120_000);
      const cron = `cron(${due.getUTCMinutes()} ${due.getUTCHours()} * * ? *)`;
      const synced = await syncRestoreTestingPlans(backup, [restoreTestingPlan(rtPasses.id, rtPasses.checks, cron), restoreTestingPlan(rtFails.id, rtFails.checks, cron)], { region: LOCAL_REGION, account: LOCAL_ACCOUNT_ID });
      expect(synced.map((result) => `${result.planId} ${result.plan} ${result.selection}`)).toEqual(['orders-rt updated updated', 'orders-rt-strict updated updated']);

      const [passing] = await settled(async () => jobsOf(deployed.RestoreTestingPlanArn!), (jobs) => jobs.length === 1 && jobs[0]!.Status === 'COMPLETED');
      const strictArn = synced[1]!.restoreTestingPlanArn;
      const [strict] = await settled(async () => jobsOf(strictArn), (jobs) => jobs.length === 1 && jobs[0]!.Status === 'COMPLETED');
      expect(passing).toMatchObject({ RecoveryPointArn: recoveryPointArn, IamRoleArn: RESTORE_ROLE, CreatedResourceArn: expect.stringMatching(/:table\/awsbackup-restore-test-[0-9a-f]{12}$/) });

      const good = await drillOf(passing!.RestoreJobId!);
      expect(good.execution.status, JSON.stringify(good.view.run.reasons)).toBe('SUCCEEDED');
      expect(good.view.run).toMatchObject({ status: 'passed', trigger: 'restore-testing', planId: rtPasses.id });
      expect(good.view.trail.intact).toBe(true);
      expect(reportedOf(good.view)).toMatchObject({ restoreJobId: passing!.RestoreJobId, validationStatus: 'SUCCESSFUL', accepted: true });
      // What AWS Backup's console, its restore testing jobs and Backup Audit Manager read back.
      const shown = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: passing!.RestoreJobId! }));
      expect(shown).toMatchObject({ ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: `irdr drill ${rtPasses.id} run ${good.runId}: all 2 checks passed` });
      // Recovery measured from when AWS Backup started the restore; the restored table is AWS Backup's to delete.
      expect(good.view.run.restore).toMatchObject({ completedAt: shown.CompletionDate!.toISOString() });
      expect(good.view.run.rtoSeconds).toBeGreaterThanOrEqual(Math.floor((shown.CompletionDate!.getTime() - shown.CreationDate!.getTime()) / 1000));
      const restoredTable = shown.CreatedResourceArn!.split('/').pop()!;
      expect(good.view.run.cleanup).toMatchObject({ status: 'LEFT_TO_AWS_BACKUP', reason: expect.stringContaining(`not deleted by irdr: AWS Backup deletes ${shown.CreatedResourceArn}`) });
      // irdr's verdict ended the restore test: AWS Backup (not irdr) deleted the table, and says so on the job.
      const [deleted] = await settled(async () => [await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: passing!.RestoreJobId! }))], (jobs) => jobs[0]!.DeletionStatus === 'SUCCESSFUL');
      expect(deleted!.DeletionStatusMessage).toContain(shown.CreatedResourceArn);
      expect(await drills.tableExists(restoredTable)).toBe(false);
      expect(good.view.events.some((event) => event.type === 'drill.cleanup.completed' && event.detail?.status === 'LEFT_TO_AWS_BACKUP')).toBe(true);

      // The job's end event again (EventBridge delivers at least once): its drill already ran under its name, nothing starts.
      const again = await local.stack.events.deliver({
        version: '0',
        id: 'redelivered',
        'detail-type': 'Restore Job State Change',
        source: 'aws.backup',
        account: LOCAL_ACCOUNT_ID,
        time: new Date().toISOString(),
        region: LOCAL_REGION,
        resources: [shown.CreatedResourceArn!],
        detail: { restoreJobId: passing!.RestoreJobId!, status: 'COMPLETED', resourceType: 'DynamoDB', createdResourceArn: shown.CreatedResourceArn! },
      });
      expect(again.deliveries.find((delivery) => delivery.rule === 'restore-testing-jobs-ended')).toMatchObject({ outcome: 'delivered', result: { outcome: 'already-started', runId: good.runId } });

      const bad = await drillOf(strict!.RestoreJobId!);
      expect(bad.execution.status).toBe('FAILED');
      expect(bad.view.run.status).toBe('failed');
      expect(reportedOf(bad.view)).toMatchObject({ validationStatus: 'FAILED', accepted: true });
      expect(await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: strict!.RestoreJobId! }))).toMatchObject({
        ValidationStatus: 'FAILED',
        ValidationStatusMessage: expect.stringMatching(new RegExp(`^irdr drill ${rtFails.id} run ${bad.runId}: 1 of 1 checks failed; item-count: expected 1 item, as the plan states, found 35 items$`)),
      });

      // Every AWS call the drill functions made on this path is one the synthesized grants allow.
      const { granted, allows } = drillGrantsOf([plan, rtPasses, rtFails]);
      // AWS Backup, and the restored table (reads only: irdr neither tags nor deletes it).
      const calls = recorder
        .calls()
        .slice(callsBefore)
        .filter((call) => call.action.startsWith('backup:') || (call.authorization?.resources ?? []).some((resource) => resource.includes(':table/awsbackup-restore-test-')));
      expect(calls.filter((call) => !call.action.startsWith('backup:')).map((call) => call.action).sort()).toEqual(expect.arrayContaining(['dynamodb:DescribeTable', 'dynamodb:Scan']));
      expect(calls.some((call) => /dynamodb:(TagResource|DeleteTable)/.test(call.action))).toBe(false);
      expect(new Set(calls.filter((call) => call.action.startsWith('backup:')).map((call) => `${call.functionName} ${call.action}`))).toContain('StartRestoreTestingDrill backup:DescribeRestoreJob');
      for (const call of calls) {
        expect(granted(call.functionName).has(call.action), `${call.functionName} ${call.action}`).toBe(true);
        for (const resource of call.authorization?.resources ?? []) expect(allows(call.functionName, call.action, resource), `${call.functionName} ${call.action} on ${resource}`).toBe(true);
      }
    });

    // Beside the restore testing run: its plan and its job are its own, and its job's end starts no drill.
    it.concurrent('a restore testing plan that is not irdr\'s starts no drill; AWS Backup deletes what its job made when the validation window ends', async ({ expect }) => {
      const { RestoreTestingPlanArn } = await backup.send(
        new CreateRestoreTestingPlanCommand({
          RestoreTestingPlan: {
            RestoreTestingPlanName: 'ops_nightly',
            ScheduleExpression: `cron(${new Date(Date.now() + 120_000).getUTCMinutes()} * * * ? *)`,
            RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', RecoveryPointTypes: ['SNAPSHOT'], IncludeVaults: ['*'] },
          },
        }),
      );
      await backup.send(
        new CreateRestoreTestingSelectionCommand({
          RestoreTestingPlanName: 'ops_nightly',
          RestoreTestingSelection: { RestoreTestingSelectionName: 'orders', ProtectedResourceType: 'DynamoDB', IamRoleArn: RESTORE_ROLE, ProtectedResourceArns: [`arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${SOURCE}`], ValidationWindowHours: 0 },
        }),
      );
      const [job] = await settled(async () => jobsOf(RestoreTestingPlanArn!), (jobs) => jobs.length >= 1 && jobs[0]!.DeletionStatus === 'SUCCESSFUL');
      expect(job!.DeletionStatusMessage).toContain(job!.CreatedResourceArn);
      expect(await drills.tableExists(job!.CreatedResourceArn!.split('/').pop()!)).toBe(false);
      const runId = restoreTestingRunIdOf(job!.RestoreJobId!);
      expect(await local.sfn.send(new DescribeExecutionCommand({ executionArn: `${local.stack.drillStateMachineArn.replace(':stateMachine:', ':execution:')}:${runId}` })).catch((error: Error) => error.name)).toBe('ExecutionDoesNotExist');
    });

    // After them: it needs the strict plan's restore testing job.
    it('a run whose input names a restore testing job that is not the plan\'s (another plan\'s, or of another source) stops at preflight, restoring and reporting nothing', async () => {
      const [job] = (await jobsOf((await backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: restoreTestingPlanNameOf(rtFails.id) }))).RestoreTestingPlan!.RestoreTestingPlanArn!));
      expect(job).toBeDefined();
      const forged = {
        restoreJobId: job!.RestoreJobId!,
        restoreTestingPlanArn: job!.CreatedBy!.RestoreTestingPlanArn!,
        recoveryPointArn: job!.RecoveryPointArn!,
        recoveryPointCreatedAt: job!.RecoveryPointCreationDate!.toISOString(),
        sourceResourceArn: job!.SourceResourceArn!,
        createdAt: job!.CreationDate!.toISOString(),
      };
      const planArnOfPasses = forged.restoreTestingPlanArn.replace(restoreTestingPlanNameOf(rtFails.id), restoreTestingPlanNameOf(rtPasses.id));
      const attempts: Array<[string, Record<string, string>, RegExp]> = [
        ['another plans job', forged, /was started by restore testing plan .*irdr_orders_rt_strict.*, not by plan orders-rt's/],
        ['another source', { ...forged, restoreTestingPlanArn: planArnOfPasses, sourceResourceArn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/someone-elses` }, /restored arn:aws:dynamodb:.*table\/someone-elses, not the plan's source/],
      ];
      // Two runs of their own, side by side.
      await Promise.all(attempts.map(async ([label, restoreTestingJob, reason]) => {
        const runId = `forged-${label.replace(/\W+/g, '-')}`;
        const started = await local.sfn.send(
          new StartExecutionCommand({ stateMachineArn: local.stack.drillStateMachineArn, name: runId, input: JSON.stringify({ planId: rtPasses.id, trigger: 'restore-testing', restoreTestingJob }) }),
        );
        expect((await local.waitForExecution(started.executionArn!, 2400)).status, label).toBe('FAILED');
        const view = (await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' })).body as unknown as Parameters<typeof reportedOf>[0] & { run: Record<string, any> };
        expect(view.run.reasons.join('\n'), label).toMatch(reason);
        expect(reportedOf(view), label).toBeUndefined();
      }));
      // The strict plan's job keeps the verdict its own drill reported.
      expect((await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: job!.RestoreJobId! }))).ValidationStatus).toBe('FAILED');
    });

    // After the restore testing run's backup (of the source as it is now, 35 items), which it restores: its count passes.
    it('run now on such a plan runs the ordinary driver: a StartRestoreJob restore into the drill\'s own table, cleaned up by irdr, its verdict refused (not a restore testing job) and recorded', async () => {
      const { runId, execution, view } = await drills.runDrill(rtPasses.id);
      expect(execution.status, JSON.stringify(view.run.reasons)).toBe('SUCCEEDED');
      expect(view.run.cleanup).toMatchObject({ status: 'DELETED', tableName: drillTableName(rtPasses.id, runId) });
      const reported = reportedOf(view)!;
      expect(reported).toMatchObject({ validationStatus: 'SUCCESSFUL', accepted: false, error: 'InvalidRequestException' });
      expect((await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: reported.restoreJobId }))).CreatedBy).toBeUndefined();
    });
  });
});

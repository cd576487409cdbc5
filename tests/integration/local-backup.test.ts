import diagnosticsChannel from 'node:diagnostics_channel';
import {
  BackupClient,
  CreateBackupVaultCommand,
  CreateRestoreTestingPlanCommand,
  CreateRestoreTestingSelectionCommand,
  DeleteRestoreTestingPlanCommand,
  DeleteRestoreTestingSelectionCommand,
  GetRestoreTestingPlanCommand,
  GetRestoreTestingSelectionCommand,
  ListRestoreTestingPlansCommand,
  ListRestoreTestingSelectionsCommand,
  UpdateRestoreTestingPlanCommand,
  UpdateRestoreTestingSelectionCommand,
  DescribeBackupJobCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreJobMetadataCommand,
  ListBackupVaultsCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  ListRestoreJobsCommand,
  PutRestoreValidationResultCommand,
  StartBackupJobCommand,
  StartRestoreJobCommand,
  type DescribeRestoreJobCommandOutput,
} from '@aws-sdk/client-backup';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_EVENTS_CHANNEL, type BusEvent } from '../../local/eventbridge/event-bus.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { drillSession } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * The local AWS Backup at the wire, with the SDK client as handlers build it (only the endpoint set): vaults, a backup
 * job over the local DynamoDB's own backup, recovery points, restore metadata, restore jobs that complete and one that
 * fails, the documented errors for what a caller gets wrong, and the state-change events on the default bus.
 */
const SOURCE = 'irdr-test-backup-orders';
const VAULT = 'irdr-test-vault';
const ROLE = 'arn:aws:iam::000000000000:role/irdr-backup';

let local: TestStack;
let backup: BackupClient;
let drills: ReturnType<typeof drillSession>;
const events: BusEvent[] = [];
const onEvent = (event: unknown): void => {
  events.push(event as BusEvent);
};
let tableArn: string;
let recoveryPointArn: string;

async function until<T>(look: () => Promise<T>, done: (value: T) => boolean, attempts = 400): Promise<T> {
  let value = await look();
  for (let attempt = 0; attempt < attempts && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await look();
  }
  return value;
}

const settledRestore = (restoreJobId: string): Promise<DescribeRestoreJobCommandOutput> =>
  until(
    () => backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId })),
    (job) => job.Status === 'COMPLETED' || job.Status === 'FAILED',
  );

const errorOf = async (promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> => {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message, status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
};

beforeAll(async () => {
  diagnosticsChannel.subscribe(BUS_EVENTS_CHANNEL, onEvent);
  local = await startTestStack({ dynamodbRecovery: { backupDuration: { baseMs: 200, perItemMs: 0 }, restoreDuration: { baseMs: 200, perItemMs: 0 } } });
  backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE, { pitr: false });
  await drills.seed(SOURCE, 10);
  tableArn = `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/${SOURCE}`;
});

afterAll(async () => {
  diagnosticsChannel.unsubscribe(BUS_EVENTS_CHANNEL, onEvent);
  backup?.destroy();
  await local?.stop();
});

describe('local AWS Backup', () => {
  it('publishes its endpoint for the handlers and `irdr local env`', () => {
    expect(local.stack.environment.AWS_ENDPOINT_URL_BACKUP).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_ENDPOINT_URL_BACKUP).toBe(local.stack.environment.AWS_ENDPOINT_URL_BACKUP);
  });

  it('creates and lists vaults; a second vault of the name and a malformed name are refused', async () => {
    const created = await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
    expect(created.BackupVaultArn).toBe(`arn:aws:backup:${LOCAL_REGION}:000000000000:backup-vault:${VAULT}`);
    expect(created.CreationDate).toBeInstanceOf(Date);
    expect(await errorOf(backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT })))).toMatchObject({ name: 'AlreadyExistsException', status: 400 });
    expect(await errorOf(backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'no spaces/or slashes' })))).toMatchObject({ name: 'InvalidParameterValueException' });
    const listed = await backup.send(new ListBackupVaultsCommand({}));
    expect(listed.BackupVaultList?.map((vault) => vault.BackupVaultName)).toEqual([VAULT]);
  });

  it('backs a table up: CREATED, RUNNING, COMPLETED, a COMPLETED recovery point, each state on the bus', async () => {
    const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: tableArn, IamRoleArn: ROLE }));
    recoveryPointArn = started.RecoveryPointArn!;
    expect(recoveryPointArn).toMatch(/^arn:aws:backup:us-east-1:000000000000:recovery-point:[0-9a-f-]{36}$/);
    const job = await until(() => backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId })), (described) => described.State === 'COMPLETED' || described.State === 'FAILED');
    expect(job).toMatchObject({ State: 'COMPLETED', ResourceType: 'DynamoDB', ResourceArn: tableArn, BackupVaultName: VAULT, ResourceName: SOURCE, RecoveryPointArn: recoveryPointArn });
    expect(job.CompletionDate!.getTime()).toBeGreaterThanOrEqual(job.CreationDate!.getTime());
    expect(job.BackupSizeInBytes).toBeGreaterThan(0);

    const states = events.filter((event) => event['detail-type'] === 'Backup Job State Change' && (event.detail as { backupJobId: string }).backupJobId === started.BackupJobId);
    expect(states.map((event) => (event.detail as { state: string }).state)).toEqual(['CREATED', 'RUNNING', 'COMPLETED']);
    expect(states.every((event) => event.source === 'aws.backup' && event.account === '000000000000' && event.region === LOCAL_REGION)).toBe(true);
    expect(states[2]).toMatchObject({ resources: [recoveryPointArn], detail: { resourceArn: tableArn, resourceType: 'DynamoDB', backupVaultName: VAULT, percentDone: 100 } });

    const byResource = await backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: tableArn }));
    expect(byResource.RecoveryPoints).toEqual([expect.objectContaining({ RecoveryPointArn: recoveryPointArn, Status: 'COMPLETED', BackupVaultName: VAULT, ResourceName: SOURCE })]);
    const byVault = await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT, ByResourceArn: tableArn }));
    expect(byVault.RecoveryPoints).toEqual([expect.objectContaining({ RecoveryPointArn: recoveryPointArn, ResourceArn: tableArn, ResourceType: 'DynamoDB', Status: 'COMPLETED' })]);
    const protectedResources = await backup.send(new ListProtectedResourcesCommand({}));
    expect(protectedResources.Results).toEqual([expect.objectContaining({ ResourceArn: tableArn, ResourceType: 'DynamoDB', LastRecoveryPointArn: recoveryPointArn })]);
  });

  it('refuses a backup into a vault that does not exist, of a resource it cannot back up, or without a role, starting nothing', async () => {
    const jobsBefore = (await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT }))).RecoveryPoints?.length;
    expect(await errorOf(backup.send(new StartBackupJobCommand({ BackupVaultName: 'nope', ResourceArn: tableArn, IamRoleArn: ROLE })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await errorOf(backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: 'arn:aws:elasticfilesystem:eu-west-1:000000000000:file-system/fs-0123456789abcdef0', IamRoleArn: ROLE })))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('DynamoDB, S3'),
    });
    expect(await errorOf(backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: tableArn, IamRoleArn: undefined as unknown as string })))).toMatchObject({
      name: 'MissingParameterValueException',
    });
    expect((await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT }))).RecoveryPoints?.length).toBe(jobsBefore);
  });

  it('gives the restore metadata of a point in its own vault only', async () => {
    const metadata = await backup.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: VAULT, RecoveryPointArn: recoveryPointArn }));
    expect(metadata).toMatchObject({ ResourceType: 'DynamoDB', RecoveryPointArn: recoveryPointArn, RestoreMetadata: { targetTableName: SOURCE, encryptionType: 'Default' } });
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'other-vault' }));
    expect(await errorOf(backup.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: 'other-vault', RecoveryPointArn: recoveryPointArn })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('restores the point into a new table holding the data as it was at the backup: PENDING, RUNNING, COMPLETED on the bus', async () => {
    await drills.put(SOURCE, { pk: 'ORDER#AFTER', sk: 'META', total: 1 });
    const { RestoreJobId } = await backup.send(
      new StartRestoreJobCommand({ RecoveryPointArn: recoveryPointArn, IamRoleArn: ROLE, ResourceType: 'DynamoDB', Metadata: { targetTableName: 'irdr-test-restored', encryptionType: 'Default' } }),
    );
    const job = await settledRestore(RestoreJobId!);
    expect(job.StatusMessage).toBeUndefined();
    expect(job).toMatchObject({
      Status: 'COMPLETED',
      CreatedResourceArn: `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/irdr-test-restored`,
      SourceResourceArn: tableArn,
      RecoveryPointArn: recoveryPointArn,
      ResourceType: 'DynamoDB',
      IamRoleArn: ROLE,
    });
    expect(job.ValidationStatus).toBeUndefined();
    expect(job.CreatedBy).toBeUndefined();
    const restored = await local.dynamodb.send(new ScanCommand({ TableName: 'irdr-test-restored', Select: 'COUNT' }));
    expect(restored.Count).toBe(15);
    expect((await backup.send(new GetRestoreJobMetadataCommand({ RestoreJobId }))).Metadata).toEqual({ targetTableName: 'irdr-test-restored', encryptionType: 'Default' });

    const states = events.filter((event) => event['detail-type'] === 'Restore Job State Change' && (event.detail as { restoreJobId: string }).restoreJobId === RestoreJobId);
    expect(states.map((event) => (event.detail as { status: string }).status)).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    expect(states[2]).toMatchObject({
      source: 'aws.backup',
      resources: [job.CreatedResourceArn],
      detail: { createdResourceArn: job.CreatedResourceArn, recoveryPointArn, sourceResourceArn: tableArn, resourceType: 'DynamoDB', completionDate: job.CompletionDate!.toISOString() },
    });
  });

  it('fails a restore job whose table exists: FAILED with DynamoDB’s reason, on the bus, and no table touched', async () => {
    const { RestoreJobId } = await backup.send(new StartRestoreJobCommand({ RecoveryPointArn: recoveryPointArn, IamRoleArn: ROLE, Metadata: { targetTableName: SOURCE } }));
    const job = await settledRestore(RestoreJobId!);
    expect(job.Status).toBe('FAILED');
    expect(job.StatusMessage).toContain('TableAlreadyExistsException');
    expect(job.CompletionDate).toBeInstanceOf(Date);
    const failed = events.find((event) => event['detail-type'] === 'Restore Job State Change' && (event.detail as { restoreJobId: string; status: string }).restoreJobId === RestoreJobId && (event.detail as { status: string }).status === 'FAILED');
    expect(failed?.detail).toMatchObject({ statusMessage: job.StatusMessage });
    expect((await local.dynamodb.send(new ScanCommand({ TableName: SOURCE, Select: 'COUNT' }))).Count).toBe(16);
    expect((await backup.send(new ListRestoreJobsCommand({ ByStatus: 'FAILED' }))).RestoreJobs?.map((listed) => listed.RestoreJobId)).toEqual([RestoreJobId]);
  });

  it('refuses restores it cannot run with the documented errors, creating neither a job nor a table', async () => {
    const jobsBefore = (await backup.send(new ListRestoreJobsCommand({}))).RestoreJobs?.length;
    const tablesBefore = (await local.dynamodb.send(new ListTablesCommand({}))).TableNames;
    const start = (input: Partial<ConstructorParameters<typeof StartRestoreJobCommand>[0]>) =>
      errorOf(backup.send(new StartRestoreJobCommand({ RecoveryPointArn: recoveryPointArn, IamRoleArn: ROLE, Metadata: { targetTableName: 'irdr-test-never' }, ...input })));
    expect(await start({ Metadata: {} })).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('targetTableName') });
    expect(await start({ Metadata: { targetTableName: 'bad name!' } })).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(await start({ Metadata: { targetTableName: 'irdr-test-never', encryptionType: 'KMS' } })).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('kmsMasterKeyArn') });
    expect(await start({ ResourceType: 'S3' })).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(await start({ RecoveryPointArn: `arn:aws:backup:${LOCAL_REGION}:000000000000:recovery-point:00000000-0000-0000-0000-000000000000` })).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await start({ Metadata: undefined })).toMatchObject({ name: 'MissingParameterValueException' });
    expect((await backup.send(new ListRestoreJobsCommand({}))).RestoreJobs?.length).toBe(jobsBefore);
    expect((await local.dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(tablesBefore);
  });

  it('starts one restore for one IdempotencyToken', async () => {
    const input = { RecoveryPointArn: recoveryPointArn, IamRoleArn: ROLE, Metadata: { targetTableName: 'irdr-test-once' }, IdempotencyToken: 'irdr-test-once' };
    const first = await backup.send(new StartRestoreJobCommand(input));
    const second = await backup.send(new StartRestoreJobCommand(input));
    expect(second.RestoreJobId).toBe(first.RestoreJobId);
    expect((await settledRestore(first.RestoreJobId!)).Status).toBe('COMPLETED');
  });

  it('PutRestoreValidationResult: refused for a job StartRestoreJob started (restore testing jobs only), for an unknown job and an unknown status; nothing recorded', async () => {
    const { RestoreJobs } = await backup.send(new ListRestoreJobsCommand({ ByStatus: 'COMPLETED' }));
    const restoreJobId = RestoreJobs![0]!.RestoreJobId!;
    expect(await errorOf(backup.send(new PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: 'irdr: all checks passed' })))).toMatchObject({
      name: 'InvalidRequestException',
      status: 400,
      message: expect.stringContaining('restore testing'),
    });
    expect(await errorOf(backup.send(new PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: 'PASSED' as 'SUCCESSFUL' })))).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(await errorOf(backup.send(new PutRestoreValidationResultCommand({ RestoreJobId: 'NO-SUCH-JOB', ValidationStatus: 'FAILED' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const described = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
    expect(described.ValidationStatus).toBeUndefined();
    expect(described.ValidationStatusMessage).toBeUndefined();
  });

  it('restore testing: creates, reads, lists, updates and deletes plans and selections as the API reference shapes them', async () => {
    const plan = {
      RestoreTestingPlanName: 'irdr_test_plan',
      ScheduleExpression: 'cron(0 5 ? * * *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW' as const, RecoveryPointTypes: ['SNAPSHOT' as const], IncludeVaults: ['*'] },
    };
    const created = await backup.send(new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: plan, CreatorRequestId: 'irdr-1' }));
    expect(created.RestoreTestingPlanArn).toMatch(/^arn:aws:backup:us-east-1:000000000000:restore-testing-plan:irdr_test_plan-[0-9a-f]{6}$/);
    expect(created.CreationTime).toBeInstanceOf(Date);
    // A retried create answers the same plan; another create of the name is refused.
    expect((await backup.send(new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: plan, CreatorRequestId: 'irdr-1' }))).RestoreTestingPlanArn).toBe(created.RestoreTestingPlanArn);
    expect(await errorOf(backup.send(new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: plan })))).toMatchObject({ name: 'AlreadyExistsException', status: 400 });
    const got = (await backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: 'irdr_test_plan' }))).RestoreTestingPlan!;
    // The documented defaults: a 30-day window, a 24-hour start window.
    expect(got).toMatchObject({ ScheduleExpressionTimezone: 'Europe/Paris', StartWindowHours: 24, RecoveryPointSelection: { SelectionWindowDays: 30, ExcludeVaults: [] } });

    await backup.send(
      new CreateRestoreTestingSelectionCommand({
        RestoreTestingPlanName: 'irdr_test_plan',
        RestoreTestingSelection: {
          RestoreTestingSelectionName: 'orders',
          ProtectedResourceType: 'DynamoDB',
          IamRoleArn: ROLE,
          ProtectedResourceArns: [tableArn],
          RestoreMetadataOverrides: { encryptionType: 'Default' },
          ValidationWindowHours: 2,
        },
      }),
    );
    expect((await backup.send(new GetRestoreTestingSelectionCommand({ RestoreTestingPlanName: 'irdr_test_plan', RestoreTestingSelectionName: 'orders' }))).RestoreTestingSelection).toMatchObject({
      ProtectedResourceArns: [tableArn],
      ValidationWindowHours: 2,
      RestoreMetadataOverrides: { encryptionType: 'Default' },
    });
    await backup.send(new UpdateRestoreTestingSelectionCommand({ RestoreTestingPlanName: 'irdr_test_plan', RestoreTestingSelectionName: 'orders', RestoreTestingSelection: { ValidationWindowHours: 5 } }));
    expect((await backup.send(new ListRestoreTestingSelectionsCommand({ RestoreTestingPlanName: 'irdr_test_plan' }))).RestoreTestingSelections).toEqual([
      expect.objectContaining({ RestoreTestingSelectionName: 'orders', ProtectedResourceType: 'DynamoDB', ValidationWindowHours: 5 }),
    ]);
    const updated = await backup.send(new UpdateRestoreTestingPlanCommand({ RestoreTestingPlanName: 'irdr_test_plan', RestoreTestingPlan: { ScheduleExpression: 'cron(30 4 ? * MON *)', StartWindowHours: 3 } }));
    expect(updated.UpdateTime).toBeInstanceOf(Date);
    expect((await backup.send(new ListRestoreTestingPlansCommand({}))).RestoreTestingPlans).toEqual([
      expect.objectContaining({ RestoreTestingPlanName: 'irdr_test_plan', ScheduleExpression: 'cron(30 4 ? * MON *)', StartWindowHours: 3 }),
    ]);

    // A plan with selections cannot be deleted; once they are gone it can.
    expect(await errorOf(backup.send(new DeleteRestoreTestingPlanCommand({ RestoreTestingPlanName: 'irdr_test_plan' })))).toMatchObject({ name: 'InvalidRequestException', message: expect.stringContaining('orders') });
    await backup.send(new DeleteRestoreTestingSelectionCommand({ RestoreTestingPlanName: 'irdr_test_plan', RestoreTestingSelectionName: 'orders' }));
    await backup.send(new DeleteRestoreTestingPlanCommand({ RestoreTestingPlanName: 'irdr_test_plan' }));
    expect(await errorOf(backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: 'irdr_test_plan' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('restore testing: refuses what AWS refuses, with its errors, creating nothing', async () => {
    const selection = { Algorithm: 'RANDOM_WITHIN_WINDOW' as const, RecoveryPointTypes: ['SNAPSHOT' as const], IncludeVaults: ['*'] };
    const attempts: Array<[unknown, string]> = [
      [{ RestoreTestingPlanName: 'irdr-dashes', ScheduleExpression: 'cron(0 5 ? * * *)', RecoveryPointSelection: selection }, 'InvalidParameterValueException'],
      [{ RestoreTestingPlanName: 'irdr_rate', ScheduleExpression: 'rate(1 day)', RecoveryPointSelection: selection }, 'InvalidParameterValueException'],
      [{ RestoreTestingPlanName: 'irdr_zone', ScheduleExpression: 'cron(0 5 ? * * *)', ScheduleExpressionTimezone: 'Mars/Olympus', RecoveryPointSelection: selection }, 'InvalidParameterValueException'],
      [{ RestoreTestingPlanName: 'irdr_window', ScheduleExpression: 'cron(0 5 ? * * *)', RecoveryPointSelection: { ...selection, SelectionWindowDays: 366 } }, 'InvalidParameterValueException'],
      [{ RestoreTestingPlanName: 'irdr_start', ScheduleExpression: 'cron(0 5 ? * * *)', StartWindowHours: 169, RecoveryPointSelection: selection }, 'InvalidParameterValueException'],
      [{ RestoreTestingPlanName: 'irdr_vaults', ScheduleExpression: 'cron(0 5 ? * * *)', RecoveryPointSelection: { ...selection, IncludeVaults: [] } }, 'MissingParameterValueException'],
      [{ RestoreTestingPlanName: 'irdr_algo', ScheduleExpression: 'cron(0 5 ? * * *)', RecoveryPointSelection: { ...selection, Algorithm: 'OLDEST' } }, 'InvalidParameterValueException'],
    ];
    for (const [plan, code] of attempts) {
      expect(await errorOf(backup.send(new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: plan as never }))), JSON.stringify(plan)).toMatchObject({ name: code, status: 400 });
    }
    expect((await backup.send(new ListRestoreTestingPlansCommand({}))).RestoreTestingPlans).toEqual([]);

    await backup.send(new CreateRestoreTestingPlanCommand({ RestoreTestingPlan: { RestoreTestingPlanName: 'irdr_refusals', ScheduleExpression: 'cron(0 5 ? * * *)', RecoveryPointSelection: selection } }));
    const base = { RestoreTestingSelectionName: 'orders', ProtectedResourceType: 'DynamoDB', IamRoleArn: ROLE, ProtectedResourceArns: [tableArn] };
    const selections: Array<[Record<string, unknown>, string]> = [
      [{ ...base, ProtectedResourceType: 'FSx' }, 'InvalidParameterValueException'],
      [{ ...base, ProtectedResourceArns: ['*', tableArn] }, 'InvalidParameterValueException'],
      [{ ...base, ProtectedResourceArns: ['arn:aws:s3:::some-bucket'] }, 'InvalidParameterValueException'],
      [{ ...base, ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/env', Value: 'prod' }] } }, 'InvalidParameterValueException'],
      [{ ...base, RestoreMetadataOverrides: { encryptionType: 'KMS' } }, 'InvalidParameterValueException'],
      [{ ...base, ValidationWindowHours: 169 }, 'InvalidParameterValueException'],
      [{ ...base, IamRoleArn: undefined }, 'MissingParameterValueException'],
    ];
    for (const [input, code] of selections) {
      expect(await errorOf(backup.send(new CreateRestoreTestingSelectionCommand({ RestoreTestingPlanName: 'irdr_refusals', RestoreTestingSelection: input as never }))), JSON.stringify(input)).toMatchObject({ name: code });
    }
    expect(await errorOf(backup.send(new CreateRestoreTestingSelectionCommand({ RestoreTestingPlanName: 'irdr_no_plan', RestoreTestingSelection: base }))), 'no plan').toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await backup.send(new ListRestoreTestingSelectionsCommand({ RestoreTestingPlanName: 'irdr_refusals' }))).RestoreTestingSelections).toEqual([]);
    await backup.send(new DeleteRestoreTestingPlanCommand({ RestoreTestingPlanName: 'irdr_refusals' }));
  });

  it('answers an unknown job, an unknown path, a bad page size and a malformed body with a 4xx, never a 5xx', async () => {
    expect(await errorOf(backup.send(new DescribeRestoreJobCommand({ RestoreJobId: 'NO-SUCH-JOB' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(await errorOf(backup.send(new DescribeBackupJobCommand({ BackupJobId: 'NO-SUCH-JOB' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const unknown = await fetch(`${local.stack.environment.AWS_ENDPOINT_URL_BACKUP}/backup-plans`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const paged = await fetch(`${local.stack.environment.AWS_ENDPOINT_URL_BACKUP}/restore-jobs?maxResults=0`);
    expect(paged.status).toBe(400);
    expect(paged.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    const body = await fetch(`${local.stack.environment.AWS_ENDPOINT_URL_BACKUP}/restore-jobs`, { method: 'PUT', body: '{not json' });
    expect(body.status).toBe(400);
    const malformed = await fetch(`${local.stack.environment.AWS_ENDPOINT_URL_BACKUP}/restore-jobs/%E0%A4%A`);
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
    // The AWS CLI (botocore's model) asks for lists with a trailing slash.
    for (const path of ['/restore-jobs/', '/backup-vaults/', '/resources/']) expect((await fetch(`${local.stack.environment.AWS_ENDPOINT_URL_BACKUP}${path}`)).status, path).toBe(200);
  });
});

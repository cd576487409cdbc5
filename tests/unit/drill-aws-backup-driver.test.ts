import {
  BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByResourceCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { restoreDriverFor } from '../../functions/aws/drill/restore-drivers.js';
import { DrillPreflightError, DrillRestoreError, type RestoreHandle } from '../../functions/domain/drill/restore.js';

const backup = mockClient(BackupClient);
const dynamodb = mockClient(DynamoDBClient);

const ACCOUNT = '123456789012';
const SOURCE = 'orders';
const SOURCE_ARN = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${SOURCE}`;
const TARGET = 'irdr-drill-orders-weekly-run-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-drill-restore`;
const pointArn = (id: string): string => `arn:aws:backup:eu-west-1:${ACCOUNT}:recovery-point:${id}`;

/** RecoveryPointByResource, as ListRecoveryPointsByResource returns it (AWS Backup API reference). */
const recoveryPoint = (id: string, creationDate: string, status: string, backupVaultName: string) => ({
  RecoveryPointArn: pointArn(id),
  CreationDate: new Date(creationDate),
  Status: status as 'COMPLETED',
  BackupVaultName: backupVaultName,
  BackupSizeBytes: 1024,
  EncryptionKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd`,
  ResourceName: SOURCE,
});

const driver = (backupVaultName?: string, tableName = SOURCE) =>
  restoreDriverFor({
    source: { type: 'dynamodb-table', tableName },
    driver: { type: 'aws-backup', restoreRoleArn: ROLE, ...(backupVaultName !== undefined && { backupVaultName }) },
  });

const handle = (restoreJobId: string): RestoreHandle => ({
  driver: 'aws-backup',
  source: { type: 'DynamoDB', arn: SOURCE_ARN, name: SOURCE },
  restored: { type: 'DynamoDB', name: TARGET },
  startedAt: new Date().toISOString(),
  phase: 'restoring',
  recoveryPoint: { at: '2025-06-09T03:00:00.000Z', requestedAt: '2025-06-10T12:00:00.000Z', id: pointArn('b') },
  restoreJobId,
});

beforeEach(() => {
  backup.reset();
  dynamodb.reset();
  dynamodb.on(DescribeTableCommand, { TableName: SOURCE }).resolves({
    Table: { TableName: SOURCE, TableArn: SOURCE_ARN, TableStatus: 'ACTIVE', ItemCount: 42, TableSizeBytes: 4096 },
  });
  // Two pages, unordered, with points of every kind.
  backup
    .on(ListRecoveryPointsByResourceCommand, { ResourceArn: SOURCE_ARN, NextToken: undefined })
    .resolves({
      RecoveryPoints: [
        recoveryPoint('a', '2025-06-08T03:00:00Z', 'COMPLETED', 'Default'),
        recoveryPoint('partial', '2025-06-10T03:00:00Z', 'PARTIAL', 'Default'),
        recoveryPoint('creating', '2025-06-10T04:00:00Z', 'CREATING', 'drills'),
      ],
      NextToken: 'page-2',
    })
    .on(ListRecoveryPointsByResourceCommand, { ResourceArn: SOURCE_ARN, NextToken: 'page-2' })
    .resolves({
      RecoveryPoints: [
        recoveryPoint('b', '2025-06-09T03:00:00Z', 'COMPLETED', 'drills'),
        recoveryPoint('expired', '2025-05-01T03:00:00Z', 'EXPIRED', 'drills'),
      ],
    });
});

afterAll(() => {
  backup.restore();
  dynamodb.restore();
});

describe('aws-backup driver (aws-sdk-client-mock: AWS Backup has no local emulator; shapes from the AWS Backup API reference)', () => {
  it('preflight: the source table and its COMPLETED recovery points over every page, newest first', async () => {
    const { source, points } = await driver().preflight();
    expect(source).toEqual({ type: 'DynamoDB', name: SOURCE, arn: SOURCE_ARN, approximateItemCount: 42, sizeBytes: 4096 });
    expect(points).toEqual({
      kind: 'discrete',
      points: [
        { id: pointArn('b'), at: '2025-06-09T03:00:00.000Z', vault: 'drills' },
        { id: pointArn('a'), at: '2025-06-08T03:00:00.000Z', vault: 'Default' },
      ],
    });
    expect(backup.commandCalls(ListRecoveryPointsByResourceCommand)).toHaveLength(2);
  });

  it('preflight: only points in the plan\'s vault', async () => {
    const { points } = await driver('Default').preflight();
    expect(points).toEqual({ kind: 'discrete', points: [{ id: pointArn('a'), at: '2025-06-08T03:00:00.000Z', vault: 'Default' }] });
  });

  it('preflight: no COMPLETED point in the vault, or no source table, is a DrillPreflightError', async () => {
    await expect(driver('elsewhere').preflight()).rejects.toThrow(DrillPreflightError);
    await expect(driver('elsewhere').preflight()).rejects.toThrow(/no COMPLETED recovery point of orders in vault elsewhere/);
    dynamodb.on(DescribeTableCommand, { TableName: 'missing' }).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await expect(driver(undefined, 'missing').preflight()).rejects.toThrow('source table missing does not exist');
  });

  it('start: the restore metadata AWS Backup gives, into the drill\'s table, as the restore role', async () => {
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      BackupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:drills`,
      RecoveryPointArn: pointArn('b'),
      ResourceType: 'DynamoDB',
      RestoreMetadata: { targetTableName: SOURCE, encryptionType: 'Default' },
    });
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    const recoveryPointChosen = { at: '2025-06-09T03:00:00.000Z', requestedAt: '2025-06-10T12:00:00.000Z', id: pointArn('b') };

    const started = await driver().startRestore({ source: { type: 'DynamoDB', name: SOURCE, arn: SOURCE_ARN }, recoveryPoint: recoveryPointChosen, restoredName: TARGET });

    // No vault in the plan: the point's own vault, found by listing.
    expect(backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)[0]?.args[0].input).toEqual({ BackupVaultName: 'drills', RecoveryPointArn: pointArn('b') });
    expect(backup.commandCalls(StartRestoreJobCommand)[0]?.args[0].input).toEqual({
      RecoveryPointArn: pointArn('b'),
      IamRoleArn: ROLE,
      ResourceType: 'DynamoDB',
      // The point's metadata (encryption kept), the drill's table name, and a table cleanup can delete.
      Metadata: { targetTableName: TARGET, encryptionType: 'Default', deletionProtection: 'false' },
      IdempotencyToken: TARGET,
    });
    expect(started).toMatchObject({
      driver: 'aws-backup',
      source: { type: 'DynamoDB', name: SOURCE, arn: SOURCE_ARN },
      restored: { type: 'DynamoDB', name: TARGET },
      phase: 'restoring',
      recoveryPoint: recoveryPointChosen,
      restoreJobId: 'job-1',
    });
    expect(Date.parse(started.startedAt)).not.toBeNaN();
  });

  it('start: a refused StartRestoreJob is a DrillRestoreError with AWS\'s message', async () => {
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: {} });
    const denied = Object.assign(new Error('User is not authorized to perform: iam:PassRole'), { name: 'AccessDeniedException' });
    backup.on(StartRestoreJobCommand).rejects(denied);
    const starting = driver('drills').startRestore({
      source: { type: 'DynamoDB', name: SOURCE, arn: SOURCE_ARN },
      recoveryPoint: { at: '2025-06-09T03:00:00.000Z', requestedAt: '2025-06-09T03:00:00.000Z', id: pointArn('b') },
      restoredName: TARGET,
    });
    await expect(starting).rejects.toThrow(DrillRestoreError);
    await expect(starting).rejects.toThrow(/AccessDeniedException: User is not authorized to perform: iam:PassRole/);
    // The plan names the vault: no listing needed.
    expect(backup.commandCalls(ListRecoveryPointsByResourceCommand)).toHaveLength(0);
  });

  it('describe: PENDING and RUNNING are in progress', async () => {
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-pending' }).resolves({ RestoreJobId: 'job-pending', Status: 'PENDING' });
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-running' }).resolves({ RestoreJobId: 'job-running', Status: 'RUNNING', PercentDone: '40.00%' });
    expect((await driver().describeRestore(handle('job-pending'))).state).toBe('IN_PROGRESS');
    expect((await driver().describeRestore(handle('job-running'))).state).toBe('IN_PROGRESS');
    expect(dynamodb.commandCalls(DescribeTableCommand)).toHaveLength(0);
  });

  it('describe: COMPLETED is complete once the table is ACTIVE', async () => {
    backup.on(DescribeRestoreJobCommand).resolves({
      RestoreJobId: 'job-1',
      Status: 'COMPLETED',
      CreatedResourceArn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${TARGET}`,
    });
    dynamodb.on(DescribeTableCommand, { TableName: TARGET }).resolvesOnce({ Table: { TableName: TARGET, TableStatus: 'CREATING' } }).resolves({
      Table: { TableName: TARGET, TableStatus: 'ACTIVE' },
    });
    expect((await driver().describeRestore(handle('job-1'))).state).toBe('IN_PROGRESS');
    const done = await driver().describeRestore(handle('job-1'));
    expect(done).toMatchObject({ state: 'COMPLETED', handle: { restoreJobId: 'job-1', restored: { name: TARGET, arn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${TARGET}` } } });
  });

  it('describe: FAILED and ABORTED fail, with the job\'s status message', async () => {
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-failed' }).resolves({
      RestoreJobId: 'job-failed',
      Status: 'FAILED',
      StatusMessage: 'Insufficient privileges to perform this action.',
    });
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-aborted' }).resolves({ RestoreJobId: 'job-aborted', Status: 'ABORTED' });
    const failed = await driver().describeRestore(handle('job-failed'));
    expect(failed).toMatchObject({ state: 'FAILED', reason: expect.stringContaining('FAILED: Insufficient privileges to perform this action.') });
    expect(await driver().describeRestore(handle('job-aborted'))).toMatchObject({ state: 'FAILED', reason: expect.stringContaining('ABORTED') });
  });
});

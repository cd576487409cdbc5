import {
  BackupClient,
  DescribeProtectedResourceCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByResourceCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CreateTagsCommand, DeleteVolumeCommand, DescribeInstancesCommand, DescribeVolumesCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteFileSystemCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient, TagResourceCommand } from '@aws-sdk/client-efs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsBackupDriver } from '../../functions/aws/drill/aws-backup-driver.js';
import { DrillClaimRefused } from '../../functions/aws/drill/restore-driver.js';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import { chooseRecoveryPoint } from '../../functions/domain/drill/recovery-point-choice.js';
import { DrillPreflightError, type RestoreHandle } from '../../functions/domain/drill/restore.js';

/*
 * The AWS Backup driver for types no local emulator serves (EFS, EBS, EC2): aws-sdk-client-mock answers with the
 * shapes the AWS Backup, EFS and EC2 API references document, because there is nothing real to run against here.
 * What is proven is irdr's side: the restore metadata sent, the claim, the cleanup order, and the guard refusing.
 */

const backup = mockClient(BackupClient);
const efs = mockClient(EFSClient);
const ec2 = mockClient(EC2Client);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-restore`;
const RUN = 'run-1';
const PLAN = 'estate';
const NAME = `irdr-drill-${PLAN}-${RUN}`;
const claim = { runId: RUN, planId: PLAN };
const pointArn = (id: string): string => `arn:aws:backup:eu-west-1:${ACCOUNT}:recovery-point:${id}`;
const SOURCE_FS = `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-00000000000000001`;
const RESTORED_FS = `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-0000000000000000f`;
const SOURCE_VOLUME = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-00000000000000001`;
const RESTORED_VOLUME = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0000000000000000f`;
const SOURCE_INSTANCE = `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-00000000000000001`;
const RESTORED_INSTANCE = `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0000000000000000f`;

/** A plan's driver, through plan validation (so what it drives is what a plan file could say). */
function driverOf(source: Record<string, unknown>, driver: Record<string, unknown> = {}, random?: () => number) {
  const plan = DrillPlan.parse({
    id: PLAN,
    title: 'Estate',
    owner: 'owner@example.com',
    schedule: { expression: 'rate(7 days)' },
    source: { type: 'aws-backup-resource', ...source },
    driver: { type: 'aws-backup', restoreRoleArn: ROLE, ...driver },
    targets: { rtoMinutes: 60, rpoMinutes: 1440 },
    checks: [{ type: 'custom', functionName: 'check-restored' }],
    recipients: { addresses: ['owner@example.com'] },
    controls: ['SOC2 A1.3'],
  });
  if (plan.driver.type !== 'aws-backup') throw new Error('aws-backup plan expected');
  return awsBackupDriver(plan.source, { restoreRoleArn: plan.driver.restoreRoleArn, ...(plan.driver.recoveryPointTypes && { recoveryPointTypes: plan.driver.recoveryPointTypes }), ...(plan.driver.vaults && { vaults: plan.driver.vaults }) }, random);
}

/** RecoveryPointByResource, as ListRecoveryPointsByResource returns it. */
const point = (id: string, creationDate: string, vault: string, status = 'COMPLETED') => ({
  RecoveryPointArn: pointArn(id),
  CreationDate: new Date(creationDate),
  Status: status as 'COMPLETED',
  BackupVaultName: vault,
  BackupSizeBytes: 4096,
});

const handleOf = (type: 'EFS' | 'EBS' | 'EC2', source: string, restoredArn?: string): RestoreHandle => ({
  driver: 'aws-backup',
  source: { type, arn: source, name: 'prod' },
  restored: { type, name: NAME, ...(restoredArn && { arn: restoredArn }) },
  startedAt: new Date().toISOString(),
  phase: 'restoring',
  recoveryPoint: { at: '2026-12-01T03:00:00.000Z', requestedAt: '2026-12-07T04:00:00.000Z', id: pointArn('p1'), vault: 'Default' },
  restoreJobId: 'job-1',
});

/** The names of the commands a mock received, in order. */
const commandNames = (mock: { calls(): { args: unknown[] }[] }): string[] => mock.calls().map((call) => (call.args[0] as object).constructor.name);

const ours = [
  { Key: 'Name', Value: NAME },
  { Key: DRILL_RUN_TAG, Value: RUN },
];

beforeEach(() => {
  backup.reset();
  efs.reset();
  ec2.reset();
  tagging.reset();
});

afterAll(() => {
  backup.restore();
  efs.restore();
  ec2.restore();
  tagging.restore();
});

describe('AWS Backup driver: EFS', () => {
  it('preflight: the protected resource by ARN, its COMPLETED points in the plan\'s vaults only (an air-gapped vault included)', async () => {
    backup.on(DescribeProtectedResourceCommand, { ResourceArn: SOURCE_FS }).resolves({ ResourceArn: SOURCE_FS, ResourceType: 'EFS', ResourceName: 'prod-fs' });
    backup.on(ListRecoveryPointsByResourceCommand).resolves({
      RecoveryPoints: [
        point('p1', '2026-12-06T03:00:00Z', 'Default'),
        point('p2', '2026-12-05T03:00:00Z', 'air-gapped'),
        point('p3', '2026-12-07T03:00:00Z', 'legacy'),
        point('p4', '2026-12-07T04:00:00Z', 'Default', 'PARTIAL'),
      ],
    });
    const driver = driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS }, { vaults: { include: ['Default', 'air-gapped'] } });
    const { source, points } = await driver.preflight();
    expect(source).toEqual({ type: 'EFS', arn: SOURCE_FS, name: 'prod-fs' });
    expect(points).toEqual({
      kind: 'discrete',
      points: [
        { id: pointArn('p1'), at: '2026-12-06T03:00:00.000Z', vault: 'Default' },
        { id: pointArn('p2'), at: '2026-12-05T03:00:00.000Z', vault: 'air-gapped' },
      ],
    });
    // A random point within the window keeps its vault for the restore.
    expect(chooseRecoveryPoint({ type: 'random-within', days: 365 }, points, new Date('2026-12-07T05:00:00Z'), () => 0.99)).toMatchObject({ id: pointArn('p2'), vault: 'air-gapped' });
  });

  it('preflight: a resource AWS Backup does not protect, or one of another type, is refused before anything is made', async () => {
    backup.on(DescribeProtectedResourceCommand).rejects(Object.assign(new Error('Resource not found'), { name: 'ResourceNotFoundException' }));
    await expect(driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS }).preflight()).rejects.toThrow(DrillPreflightError);
    backup.on(DescribeProtectedResourceCommand).resolves({ ResourceArn: SOURCE_FS, ResourceType: 'EBS' });
    await expect(driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS }).preflight()).rejects.toThrow(/protected by AWS Backup as EBS, not EFS/);
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });

  it('start: sends the point\'s metadata with the isolated defaults, as the restore role, once (idempotency token)', async () => {
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      ResourceType: 'EFS',
      RestoreMetadata: { 'file-system-id': 'fs-00000000000000001', Encrypted: 'true', KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', PerformanceMode: 'generalPurpose', newFileSystem: 'false', CreationToken: 'prod' },
    });
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    const recoveryPoint = { at: '2026-12-06T03:00:00.000Z', requestedAt: '2026-12-07T04:00:00.000Z', id: pointArn('p1'), vault: 'air-gapped' };
    const handle = await driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS }).startRestore({ source: { type: 'EFS', arn: SOURCE_FS, name: 'prod-fs' }, recoveryPoint, restoredName: NAME });

    expect(backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)[0]?.args[0].input).toEqual({ BackupVaultName: 'air-gapped', RecoveryPointArn: pointArn('p1') });
    const sent = backup.commandCalls(StartRestoreJobCommand)[0]?.args[0].input;
    expect(sent).toEqual({
      RecoveryPointArn: pointArn('p1'),
      IamRoleArn: ROLE,
      ResourceType: 'EFS',
      Metadata: { 'file-system-id': 'fs-00000000000000001', Encrypted: 'true', KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', PerformanceMode: 'generalPurpose', newFileSystem: 'true', CreationToken: NAME },
      IdempotencyToken: NAME,
    });
    expect(handle).toMatchObject({ source: { type: 'EFS', arn: SOURCE_FS }, restored: { type: 'EFS', name: NAME }, restoreJobId: 'job-1', restoreMetadata: sent?.Metadata });
  });

  it('describe: done once the job completed and the new file system is available; claim tags it with the drill name and run', async () => {
    backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: 'job-1', Status: 'COMPLETED', CreatedResourceArn: RESTORED_FS });
    efs
      .on(DescribeFileSystemsCommand, { FileSystemId: 'fs-0000000000000000f' })
      .resolvesOnce({ FileSystems: [{ FileSystemId: 'fs-0000000000000000f', LifeCycleState: 'creating' } as never] })
      .resolves({ FileSystems: [{ FileSystemId: 'fs-0000000000000000f', LifeCycleState: 'available' } as never] });
    const driver = driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS });
    expect((await driver.describeRestore(handleOf('EFS', SOURCE_FS))).state).toBe('IN_PROGRESS');
    const done = await driver.describeRestore(handleOf('EFS', SOURCE_FS));
    expect(done).toMatchObject({ state: 'COMPLETED', handle: { restored: { arn: RESTORED_FS } } });

    await driver.claimRestored(done.handle, claim);
    expect(efs.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceId: 'fs-0000000000000000f',
      Tags: [
        { Key: 'Name', Value: NAME },
        { Key: DRILL_RUN_TAG, Value: RUN },
        { Key: DRILL_PLAN_TAG, Value: PLAN },
      ],
    });
  });

  it('claim: refuses a job that names the source as what it created (nothing is tagged)', async () => {
    const driver = driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS });
    await expect(driver.claimRestored(handleOf('EFS', SOURCE_FS, SOURCE_FS), claim)).rejects.toThrow(DrillClaimRefused);
    expect(efs.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('cleanup: mount targets first, then (once they are gone) the file system', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: 'fs-0000000000000000f', LifeCycleState: 'available', Name: NAME, Tags: ours } as never] });
    efs
      .on(DescribeMountTargetsCommand)
      .resolvesOnce({ MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: 'fs-0000000000000000f', LifeCycleState: 'available' } as never] })
      .resolves({ MountTargets: [] });
    const driver = driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS });
    const first = await driver.cleanUp(handleOf('EFS', SOURCE_FS, RESTORED_FS), claim);
    expect(first).toMatchObject({ status: 'WAITING', deletedExtras: ['fsmt-1'] });
    expect(efs.commandCalls(DeleteFileSystemCommand)).toHaveLength(0);
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS, RESTORED_FS), claim)).toEqual({ status: 'DELETED', deletedExtras: [] });
    expect(commandNames(efs).filter((name) => name.startsWith('Delete'))).toEqual(['DeleteMountTargetCommand', 'DeleteFileSystemCommand']);
  });

  it('cleanup: the guard refuses an untagged file system, one of another run, and one not named with the drill prefix', async () => {
    const driver = driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS });
    const withTags = (Name: string | undefined, Tags: { Key: string; Value: string }[]) =>
      efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: 'fs-0000000000000000f', LifeCycleState: 'available', ...(Name && { Name }), Tags } as never] });
    withTags(NAME, [{ Key: 'Name', Value: NAME }]);
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS, RESTORED_FS), claim)).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining(`has no ${DRILL_RUN_TAG} tag`) });
    withTags(NAME, [{ Key: 'Name', Value: NAME }, { Key: DRILL_RUN_TAG, Value: 'run-2' }]);
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS, RESTORED_FS), claim)).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('not this run') });
    withTags('prod-fs', [{ Key: 'Name', Value: 'prod-fs' }, { Key: DRILL_RUN_TAG, Value: RUN }]);
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS, RESTORED_FS), claim)).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('does not start with the drill prefix') });
    // A forged run tag on the source itself: the source is never deleted.
    withTags(NAME, ours);
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS, SOURCE_FS), claim)).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining("is the drill's source") });
    expect(commandNames(efs).filter((name) => name.startsWith('Delete'))).toEqual([]);
  });
});

describe('AWS Backup driver: a restore that ended after the drill stopped waiting', () => {
  it('cleanup claims the file system the job names, then deletes it', async () => {
    backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: 'job-1', Status: 'COMPLETED', CreatedResourceArn: RESTORED_FS });
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: 'fs-0000000000000000f', LifeCycleState: 'available', Name: NAME, Tags: ours } as never] });
    efs.on(DescribeMountTargetsCommand).resolves({ MountTargets: [] });
    expect(await driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS }).cleanUp(handleOf('EFS', SOURCE_FS), claim)).toEqual({ status: 'DELETED', deletedExtras: [] });
    expect(commandNames(efs).filter((name) => name === 'TagResourceCommand' || name === 'DeleteFileSystemCommand')).toEqual(['TagResourceCommand', 'DeleteFileSystemCommand']);
  });

  it('cleanup refuses (recorded, never thrown away) when the job names the source as what it created', async () => {
    backup.on(DescribeRestoreJobCommand).resolves({ RestoreJobId: 'job-1', Status: 'COMPLETED', CreatedResourceArn: SOURCE_FS });
    expect(await driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS }).cleanUp(handleOf('EFS', SOURCE_FS), claim)).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('names the source') });
    expect(commandNames(efs)).toEqual([]);
  });

  it('cleanup waits while the job still runs, and finds nothing to delete once it failed', async () => {
    backup.on(DescribeRestoreJobCommand).resolvesOnce({ RestoreJobId: 'job-1', Status: 'RUNNING' }).resolves({ RestoreJobId: 'job-1', Status: 'FAILED' });
    const driver = driverOf({ resourceType: 'EFS', resourceArn: SOURCE_FS });
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS), claim)).toMatchObject({ status: 'WAITING' });
    expect(await driver.cleanUp(handleOf('EFS', SOURCE_FS), claim)).toEqual({ status: 'NOT_FOUND', deletedExtras: [] });
  });
});

describe('AWS Backup driver: EBS', () => {
  it('start: an encrypted volume, its zone and key from the point', async () => {
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: { availabilityZone: 'eu-west-1a', encrypted: 'false', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', volumeType: 'gp3' } });
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    await driverOf({ resourceType: 'EBS', resourceArn: SOURCE_VOLUME }).startRestore({
      source: { type: 'EBS', arn: SOURCE_VOLUME, name: 'vol-00000000000000001' },
      recoveryPoint: { at: '2026-12-06T03:00:00.000Z', requestedAt: '2026-12-06T03:00:00.000Z', id: pointArn('p1'), vault: 'Default' },
      restoredName: NAME,
    });
    expect(backup.commandCalls(StartRestoreJobCommand)[0]?.args[0].input).toMatchObject({
      ResourceType: 'EBS',
      Metadata: { availabilityZone: 'eu-west-1a', encrypted: 'true', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', volumeType: 'gp3' },
    });
  });

  it('cleanup: deletes the claimed volume; refuses an untagged one; waits while it is attached', async () => {
    const driver = driverOf({ resourceType: 'EBS', resourceArn: SOURCE_VOLUME });
    ec2
      .on(DescribeVolumesCommand)
      .resolvesOnce({ Volumes: [{ VolumeId: 'vol-0000000000000000f', State: 'available', Tags: [{ Key: 'Name', Value: NAME }] }] })
      .resolvesOnce({ Volumes: [{ VolumeId: 'vol-0000000000000000f', State: 'in-use', Tags: ours }] })
      .resolves({ Volumes: [{ VolumeId: 'vol-0000000000000000f', State: 'available', Tags: ours }] });
    expect(await driver.cleanUp(handleOf('EBS', SOURCE_VOLUME, RESTORED_VOLUME), claim)).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining(`has no ${DRILL_RUN_TAG} tag`) });
    expect(await driver.cleanUp(handleOf('EBS', SOURCE_VOLUME, RESTORED_VOLUME), claim)).toMatchObject({ status: 'WAITING' });
    expect(ec2.commandCalls(DeleteVolumeCommand)).toHaveLength(0);
    expect(await driver.cleanUp(handleOf('EBS', SOURCE_VOLUME, RESTORED_VOLUME), claim)).toEqual({ status: 'DELETED', deletedExtras: [] });
    expect(ec2.commandCalls(DeleteVolumeCommand).map((call) => call.args[0].input)).toEqual([{ VolumeId: 'vol-0000000000000000f' }]);
  });
});

describe('AWS Backup driver: EC2', () => {
  const instance = (state: string, Tags = ours) => ({
    Reservations: [
      {
        Instances: [
          {
            InstanceId: 'i-0000000000000000f',
            State: { Name: state as 'running' },
            Tags,
            BlockDeviceMappings: [
              { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-root', DeleteOnTermination: true } },
              { DeviceName: '/dev/xvdb', Ebs: { VolumeId: 'vol-data', DeleteOnTermination: false } },
            ],
          },
        ],
      },
    ],
  });

  it('start: never the source network interfaces (a public address); IMDSv2; the plan\'s isolated subnet', async () => {
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      RestoreMetadata: { InstanceType: 't3.micro', NetworkInterfaces: '[{"DeviceIndex":0,"SubnetId":"subnet-prod","AssociatePublicIpAddress":true}]', RequireIMDSv2: 'false' },
    });
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    await driverOf({ resourceType: 'EC2', resourceArn: SOURCE_INSTANCE, restoreMetadata: { subnetId: 'subnet-isolated', securityGroupIds: '["sg-none"]' } }).startRestore({
      source: { type: 'EC2', arn: SOURCE_INSTANCE, name: 'i-00000000000000001' },
      recoveryPoint: { at: '2026-12-06T03:00:00.000Z', requestedAt: '2026-12-06T03:00:00.000Z', id: pointArn('p1'), vault: 'Default' },
      restoredName: NAME,
    });
    expect(backup.commandCalls(StartRestoreJobCommand)[0]?.args[0].input.Metadata).toEqual({
      InstanceType: 't3.micro',
      subnetId: 'subnet-isolated',
      securityGroupIds: '["sg-none"]',
      disableApiTermination: 'false',
      requireImdsV2: 'true',
    });
  });

  it('claim: tags the instance and the volumes it was launched with', async () => {
    ec2.on(DescribeInstancesCommand).resolves(instance('running', []));
    await driverOf({ resourceType: 'EC2', resourceArn: SOURCE_INSTANCE }).claimRestored(handleOf('EC2', SOURCE_INSTANCE, RESTORED_INSTANCE), claim);
    expect(ec2.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({
      Resources: ['i-0000000000000000f', 'vol-root', 'vol-data'],
      Tags: [
        { Key: 'Name', Value: NAME },
        { Key: DRILL_RUN_TAG, Value: RUN },
        { Key: DRILL_PLAN_TAG, Value: PLAN },
      ],
    });
  });

  it('cleanup: terminates the instance, then deletes the claimed volumes that outlived it', async () => {
    const driver = driverOf({ resourceType: 'EC2', resourceArn: SOURCE_INSTANCE });
    ec2.on(DescribeInstancesCommand).resolvesOnce(instance('running')).resolves(instance('terminated'));
    ec2.on(DescribeVolumesCommand, { Filters: [{ Name: `tag:${DRILL_RUN_TAG}`, Values: [RUN] }] }).resolves({ Volumes: [{ VolumeId: 'vol-data', State: 'available', Tags: ours }] });
    ec2.on(DescribeVolumesCommand, { VolumeIds: ['vol-data'] }).resolves({ Volumes: [{ VolumeId: 'vol-data', State: 'available', Tags: ours }] });
    expect(await driver.cleanUp(handleOf('EC2', SOURCE_INSTANCE, RESTORED_INSTANCE), claim)).toMatchObject({ status: 'WAITING' });
    expect(await driver.cleanUp(handleOf('EC2', SOURCE_INSTANCE, RESTORED_INSTANCE), claim)).toEqual({ status: 'DELETED', deletedExtras: ['vol-data'] });
    expect(commandNames(ec2).filter((name) => name === 'TerminateInstancesCommand' || name === 'DeleteVolumeCommand')).toEqual(['TerminateInstancesCommand', 'DeleteVolumeCommand']);
  });

  it('cleanup: the guard refuses an instance carrying the run tag but not the drill name (nothing terminated)', async () => {
    ec2.on(DescribeInstancesCommand).resolves(instance('running', [{ Key: 'Name', Value: 'prod-web' }, { Key: DRILL_RUN_TAG, Value: RUN }]));
    expect(await driverOf({ resourceType: 'EC2', resourceArn: SOURCE_INSTANCE }).cleanUp(handleOf('EC2', SOURCE_INSTANCE, RESTORED_INSTANCE), claim)).toMatchObject({
      status: 'REFUSED',
      reason: expect.stringContaining('does not start with the drill prefix'),
    });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
});

describe('AWS Backup driver: a source selected by tags', () => {
  it('chooses among the type\'s protected resources that carry every tag, never an unprotected one', async () => {
    backup.on(ListProtectedResourcesCommand).resolves({
      Results: [
        { ResourceArn: SOURCE_VOLUME, ResourceType: 'EBS' },
        { ResourceArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-00000000000000002`, ResourceType: 'EBS' },
        { ResourceArn: SOURCE_FS, ResourceType: 'EFS' },
      ],
    });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0000000000000dead` },
        { ResourceARN: SOURCE_VOLUME, Tags: [{ Key: 'env', Value: 'prod' }] },
        // A volume an earlier drill restored, protected since, with the source's tags: never a source.
        { ResourceARN: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-00000000000000002`, Tags: [{ Key: 'env', Value: 'prod' }, { Key: DRILL_RUN_TAG, Value: 'run-0' }] },
      ],
    });
    backup.on(DescribeProtectedResourceCommand).resolves({ ResourceType: 'EBS', ResourceName: 'data' });
    backup.on(ListRecoveryPointsByResourceCommand).resolves({ RecoveryPoints: [point('p1', '2026-12-06T03:00:00Z', 'Default')] });
    const { source } = await driverOf({ resourceType: 'EBS', selection: { tags: { env: 'prod', backup: 'daily' } } }, {}, () => 0.99).preflight();
    expect(source.arn).toBe(SOURCE_VOLUME);
    expect(tagging.commandCalls(GetResourcesCommand)[0]?.args[0].input).toMatchObject({
      TagFilters: [
        { Key: 'env', Values: ['prod'] },
        { Key: 'backup', Values: ['daily'] },
      ],
      ResourceTypeFilters: ['ec2:volume'],
    });

    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    await expect(driverOf({ resourceType: 'EBS', selection: { tags: { env: 'prod' } } }).preflight()).rejects.toThrow(/protects no EBS resource tagged env=prod/);
  });
});

import { describe, expect, it } from 'vitest';
import { accepted, refusal } from '../support/drill-plan-parse.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

/*
 * Plans that drill any AWS Backup resource type: what validation accepts, and every way it refuses a plan that would
 * drill an unsupported type, expose the restore, or ask for a window AWS Backup restore testing does not allow. Each
 * refusal is paired with the same plan minus the bad part being accepted, so a refusal never passes by accident.
 */

const ACCOUNT = '123456789012';
const EFS_ARN = `arn:aws:elasticfilesystem:eu-west-1:${ACCOUNT}:file-system/fs-0123456789abcdef0`;
const BUCKET_ARN = 'arn:aws:s3:::orders-exports';
const INSTANCE_ARN = `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`;

const plan = (source: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
  id: 'estate-drill',
  title: 'Estate drill',
  owner: 'owner@example.com',
  schedule: { expression: 'rate(7 days)' },
  source: { type: 'aws-backup-resource', ...source },
  driver: { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-restore` },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  checks: [{ type: 'custom', functionName: 'check-restored' }],
  recipients: { addresses: ['owner@example.com'] },
  controls: ['SOC2 A1.3'],
  ...extra,
});

describe('drill plans of AWS Backup resources', () => {
  it('every plan already written (workflows/drills) still loads unchanged', () => {
    const plans = loadDrillPlans();
    expect(plans.length).toBeGreaterThan(0);
    // The table plans written before resource types keep their table source; the S3 and Aurora examples came later.
    expect(plans.map((loaded) => `${loaded.id} ${loaded.source.type}`).sort()).toEqual([
      'ledger-archive-pitr dynamodb-table',
      'orders-archive-s3 aws-backup-resource',
      'orders-aurora rds-database',
      'orders-aurora-wire rds-database',
      'orders-backup dynamodb-table',
      'orders-pitr dynamodb-table',
    ]);
  });

  it('accepts a source by ARN, or by type and tags, with vaults, point types and a year-long window', () => {
    const byArn = accepted(
      plan(
        { resourceType: 'EFS', resourceArn: EFS_ARN },
        {
          driver: {
            type: 'aws-backup',
            restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-restore`,
            vaults: { include: ['air-gapped-vault', 'Default'], exclude: ['legacy'] },
            recoveryPointTypes: ['snapshot'],
          },
          recoveryPoint: { type: 'random-within', days: 365 },
        },
      ),
    );
    expect(byArn.source).toMatchObject({ type: 'aws-backup-resource', resourceType: 'EFS', resourceArn: EFS_ARN, restoreMetadata: {} });
    expect(accepted(plan({ resourceType: 'EBS', selection: { tags: { backup: 'daily', env: 'prod' } } })).source).toMatchObject({ selection: { tags: { env: 'prod' } } });
  });

  it('refuses a type irdr cannot drill or clean up safely, saying why', () => {
    expect(refusal(plan({ resourceType: 'FSx', resourceArn: `arn:aws:fsx:eu-west-1:${ACCOUNT}:file-system/fs-0123456789abcdef0` }))).toMatch(
      /resourceType: FSx cannot be drilled: .*existing file system/,
    );
    expect(refusal(plan({ resourceType: 'Neptune', selection: { tags: { env: 'prod' } } }))).toMatch(/Neptune cannot be drilled: .*cleanup/);
    // Names AWS Backup restores but irdr does not list, and case games, are unsupported types.
    expect(refusal(plan({ resourceType: 'Storage Gateway', selection: { tags: { env: 'prod' } } }))).toMatch(/resourceType: a resource type AWS Backup restores: DynamoDB, S3, EFS/);
    expect(refusal(plan({ resourceType: 'efs', resourceArn: EFS_ARN }))).toMatch(/resourceType: a resource type AWS Backup restores/);
  });

  it('RDS and Aurora recovery points: accepted by ARN or tags; never outside the drill network, never public, never by restore testing', () => {
    const CLUSTER_ARN = `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:orders-db`;
    accepted(plan({ resourceType: 'Aurora', resourceArn: CLUSTER_ARN, restoreMetadata: { port: '5433' } }));
    accepted(plan({ resourceType: 'RDS', selection: { tags: { env: 'prod' } }, restoreMetadata: { dbInstanceClass: 'db.t4g.medium', PubliclyAccessible: 'false' } }));
    expect(refusal(plan({ resourceType: 'RDS', resourceArn: CLUSTER_ARN }))).toMatch(/is not the ARN of a RDS resource/);
    const aurora = (restoreMetadata: Record<string, string>) => refusal(plan({ resourceType: 'Aurora', resourceArn: CLUSTER_ARN, restoreMetadata }));
    expect(aurora({ DBClusterIdentifier: 'orders-db' })).toMatch(/does not start with the drill prefix/);
    expect(aurora({ vpcSecurityGroupIds: '["sg-0123456789abcdef0"]' })).toMatch(/drill network from config/);
    expect(aurora({ DBSUBNETGROUPNAME: 'public' })).toMatch(/drill network from config/);
    expect(aurora({ deletionProtection: 'True' })).toMatch(/could not be cleaned up/);
    expect(refusal(plan({ resourceType: 'RDS', resourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:ledger-db`, restoreMetadata: { publiclyAccessible: 'yes' } }))).toMatch(/would expose the restore/);
    const testing = plan(
      { resourceType: 'Aurora', resourceArn: CLUSTER_ARN },
      { schedule: { expression: 'cron(0 3 ? * MON *)' }, driver: { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-restore`, restoreTesting: { validationWindowHours: 4 } } },
    );
    expect(refusal(testing)).toMatch(/restore testing restores an Aurora database/);
  });

  it('refuses an ARN of another type, both ARN and tags, or neither', () => {
    expect(refusal(plan({ resourceType: 'EBS', resourceArn: EFS_ARN }))).toMatch(/is not the ARN of a EBS resource/);
    expect(refusal(plan({ resourceType: 'EFS', resourceArn: EFS_ARN, selection: { tags: { env: 'prod' } } }))).toMatch(/exactly one of them/);
    expect(refusal(plan({ resourceType: 'EFS' }))).toMatch(/exactly one of them/);
    expect(refusal(plan({ resourceType: 'EFS', selection: { tags: {} } }))).toMatch(/at least one tag/);
  });

  it('refuses restore metadata that would expose the restore or name it outside the drill prefix', () => {
    accepted(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN, restoreMetadata: { KMSKey: 'arn:aws:kms:eu-west-1:123456789012:key/abc', BlockPublicAcls: 'true' } }));
    const s3 = (restoreMetadata: Record<string, string>) => refusal(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN, restoreMetadata }));
    expect(s3({ DestinationBucketName: 'orders-exports' })).toMatch(/does not start with the drill prefix "irdr-drill-"/);
    expect(s3({ DestinationBucketName: 'irdr-drill-fixed' })).toMatch(/irdr names the restored resource per run/);
    // An attacker's spellings of "restore into the existing bucket" and "turn encryption off".
    expect(s3({ newbucket: ' False ' })).toMatch(/newbucket: a drill restores into a new bucket/);
    expect(s3({ NEWBUCKET: '0' })).toMatch(/a drill restores into a new bucket/);
    expect(s3({ Encrypted: 'false' })).toMatch(/keeps the restore encrypted/);
    expect(s3({ BlockPublicAcls: 'false' })).toMatch(/would expose the restore/);
    expect(s3({ CannedACL: 'public-read' })).toMatch(/would expose the restore/);
    expect(refusal(plan({ resourceType: 'EFS', resourceArn: EFS_ARN, restoreMetadata: { newFileSystem: 'false' } }))).toMatch(/a new file system/);
    const ec2 = (restoreMetadata: Record<string, string>) => refusal(plan({ resourceType: 'EC2', resourceArn: INSTANCE_ARN, restoreMetadata }));
    accepted(plan({ resourceType: 'EC2', resourceArn: INSTANCE_ARN, restoreMetadata: { subnetId: 'subnet-0abc', securityGroupIds: '["sg-0abc"]' } }));
    expect(ec2({ AssociatePublicIpAddress: 'true' })).toMatch(/would expose the restore/);
    expect(ec2({ NetworkInterfaces: '[{"DeviceIndex":0,"AssociatePublicIpAddress":true}]' })).toMatch(/would expose the restore/);
    expect(ec2({ disableApiTermination: 'true' })).toMatch(/cannot be terminated could not be cleaned up/);
    expect(ec2({ requireImdsV2: 'false' })).toMatch(/requires IMDSv2/);
    expect(refusal(plan({ resourceType: 'DynamoDB', resourceArn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`, restoreMetadata: { deletionProtection: 'TRUE' } }))).toMatch(
      /could not be cleaned up/,
    );
  });

  it('refuses a window outside 1-365 days, and past 35 days for point-in-time recovery', () => {
    const window = (days: number, driver?: Record<string, unknown>) =>
      plan({ resourceType: 'EFS', resourceArn: EFS_ARN }, { recoveryPoint: { type: 'random-within', days }, ...(driver && { driver, source: { type: 'dynamodb-table', tableName: 'orders' } }) });
    accepted(window(1));
    accepted(window(365));
    expect(refusal(window(0))).toMatch(/recoveryPoint\.days: a window of 1 to 365 days/);
    expect(refusal(window(366))).toMatch(/recoveryPoint\.days: a window of 1 to 365 days/);
    expect(refusal(window(1.5))).toMatch(/whole number/);
    accepted(window(35, { type: 'dynamodb-pitr' }));
    expect(refusal(window(36, { type: 'dynamodb-pitr' }))).toMatch(/point-in-time recovery keeps at most 35 days/);
    accepted(window(36, { type: 'dynamodb-backup' }));
  });

  it('refuses a source and driver that do not fit, vaults both in and out, and table checks on other types', () => {
    expect(refusal(plan({ resourceType: 'EFS', resourceArn: EFS_ARN }, { driver: { type: 'dynamodb-pitr' } }))).toMatch(/restored by the aws-backup driver, not dynamodb-pitr/);
    const vaults = { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-restore`, vaults: { include: ['a', 'shared'], exclude: ['shared'] } };
    expect(refusal(plan({ resourceType: 'EFS', resourceArn: EFS_ARN }, { driver: vaults }))).toMatch(/vault shared is both included and excluded/);
    expect(refusal(plan({ resourceType: 'EFS', resourceArn: EFS_ARN }, { checks: [{ type: 'item-count' }] }))).toMatch(/item-count reads a DynamoDB table; a EFS restore is checked by a custom check/);
    const canary = { checks: [{ type: 'canary', key: { pk: 'CANARY' } }] };
    accepted(plan({ resourceType: 'DynamoDB', resourceArn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders` }, canary));
    expect(refusal(plan({ resourceType: 'DynamoDB', selection: { tags: { env: 'prod' } } }, canary))).toMatch(/canary writer needs the source table/);
  });
});

describe('checks of S3 buckets', () => {
  const bucketChecks = [
    { type: 'object-count', prefix: 'orders/', tolerancePercent: 1 },
    { type: 'sample-objects', count: 5, pinned: { 'orders/1.json': 'a'.repeat(64) } },
    { type: 'prefix-checksum', prefix: 'orders/' },
    { type: 'canary-object', key: 'irdr-canary/orders' },
  ];

  it('a bucket plan takes the object checks, defaults filled', () => {
    const parsed = accepted(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN }, { checks: bucketChecks }));
    expect(parsed.checks.map((check) => check.type)).toEqual(['object-count', 'sample-objects', 'prefix-checksum', 'canary-object']);
    expect(parsed.checks[2]).toMatchObject({ expected: 'source' });
    expect(parsed.checks[3]).toMatchObject({ intervalMinutes: 5 });
  });

  it('refuses, with the reason, a check that does not fit the source: table checks on a bucket, object checks on a table or a file system', () => {
    for (const type of ['item-count', 'sample-keys']) {
      expect(refusal(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN }, { checks: [{ type }] }))).toBe(
        `checks.0.type: ${type} reads a DynamoDB table; a S3 restore is checked by object-count, sample-objects, prefix-checksum, canary-object or custom`,
      );
    }
    expect(refusal(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN }, { checks: [{ type: 'checksum', partitionKeyValue: 'LEDGER#2025' }] }))).toMatch(/checksum reads a DynamoDB table; a S3 restore/);
    expect(refusal(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN }, { checks: [{ type: 'canary', key: { pk: 'CANARY' } }] }))).toMatch(/canary reads a DynamoDB table; a S3 restore/);
    expect(refusal({ ...(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN }) as object), source: { type: 'dynamodb-table', tableName: 'orders' }, driver: { type: 'dynamodb-pitr' }, checks: [{ type: 'object-count' }] })).toBe(
      'checks.0.type: object-count reads S3 objects; a DynamoDB restore has none: use item-count, sample-keys, checksum, canary or custom',
    );
    expect(refusal(plan({ resourceType: 'EFS', resourceArn: EFS_ARN }, { checks: [{ type: 'prefix-checksum', prefix: 'a/' }] }))).toBe('checks.0.type: prefix-checksum reads S3 objects; a EFS restore has none: use a custom check');
  });

  it('refuses a canary object on a bucket chosen by tags, and pinned checksums that are no SHA-256', () => {
    expect(refusal(plan({ resourceType: 'S3', selection: { tags: { env: 'prod' } } }, { checks: [{ type: 'canary-object', key: 'irdr-canary/x' }] }))).toMatch(/canary writer needs the source bucket before any run/);
    expect(refusal(plan({ resourceType: 'S3', resourceArn: BUCKET_ARN }, { checks: [{ type: 'sample-objects', pinned: { 'orders/1.json': 'not-a-hash' } }] }))).toMatch(/a hex SHA-256/);
  });
});

describe('plans written before resource types', () => {
  it('parse to exactly what they parsed to before (so the plan hash their runs recorded is the same)', () => {
    const written = {
      id: 'vault',
      title: 'A drill',
      owner: 'owner@example.com',
      schedule: { expression: 'rate(7 days)' },
      source: { type: 'dynamodb-table', tableName: 'ledger' },
      driver: { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-restore`, backupVaultName: 'irdr-vault' },
      recoveryPoint: { type: 'random-within', days: 30 },
      targets: { rtoMinutes: 60, rpoMinutes: 15 },
      checks: [{ type: 'item-count' }],
      recipients: { roles: ['commander'] },
      controls: ['SOC2 A1.3'],
    };
    const parsed = accepted(written);
    // Only the defaults plans always had are added: nothing new in source or driver.
    expect(parsed.source).toEqual(written.source);
    expect(parsed.driver).toEqual(written.driver);
    expect(Object.keys(parsed).sort()).toEqual(
      [...Object.keys(written), 'holdMinutes', 'polling', 'failureRunbookId'].sort(),
    );
  });
});

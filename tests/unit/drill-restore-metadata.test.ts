import { describe, expect, it } from 'vitest';
import { restoredResourceName } from '../../functions/domain/drill/resource-types.js';
import { isolatedRestoreMetadata, isolationViolations } from '../../functions/domain/drill/restore-metadata.js';

/*
 * The metadata a drill starts a restore with: the recovery point's (as GetRecoveryPointRestoreMetadata returns it,
 * here shaped as the AWS Backup Developer Guide documents each type's keys) overridden with isolated defaults.
 */

const NAME = 'irdr-drill-estate-run-1';

describe('isolated restore metadata', () => {
  it('S3: a new drill-named bucket, encrypted, whatever the point says (even in another case)', () => {
    const metadata = isolatedRestoreMetadata({
      type: 'S3',
      recoveryPointMetadata: { destinationbucketname: 'orders-exports', newbucket: 'false', Encrypted: 'false', EncryptionType: 'SSE-KMS', KMSKey: 'arn:aws:kms:eu-west-1:123456789012:key/k' },
      restoredName: NAME,
    });
    expect(metadata).toEqual({ EncryptionType: 'SSE-KMS', KMSKey: 'arn:aws:kms:eu-west-1:123456789012:key/k', DestinationBucketName: NAME, NewBucket: 'true', Encrypted: 'true' });
  });

  it('EFS: a new file system with the drill name as its creation token; encryption, key and performance mode kept', () => {
    const metadata = isolatedRestoreMetadata({
      type: 'EFS',
      recoveryPointMetadata: { 'file-system-id': 'fs-0123', Encrypted: 'true', KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', PerformanceMode: 'generalPurpose', newFileSystem: 'false', CreationToken: 'prod-fs' },
      restoredName: NAME,
    });
    expect(metadata).toEqual({
      'file-system-id': 'fs-0123',
      Encrypted: 'true',
      KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      PerformanceMode: 'generalPurpose',
      newFileSystem: 'true',
      CreationToken: NAME,
    });
  });

  it('EC2: the source network interfaces dropped, IMDSv2 required, termination allowed; the plan names the isolated subnet', () => {
    const metadata = isolatedRestoreMetadata({
      type: 'EC2',
      recoveryPointMetadata: {
        InstanceType: 't3.micro',
        NetworkInterfaces: '[{"DeviceIndex":0,"SubnetId":"subnet-prod","AssociatePublicIpAddress":true}]',
        DisableApiTermination: 'true',
        RequireIMDSv2: 'false',
      },
      restoredName: NAME,
      overrides: { subnetId: 'subnet-isolated', securityGroupIds: '["sg-deny-all"]' },
    });
    expect(metadata).toEqual({ InstanceType: 't3.micro', subnetId: 'subnet-isolated', securityGroupIds: '["sg-deny-all"]', disableApiTermination: 'false', requireImdsV2: 'true' });
  });

  it('EBS and DynamoDB: encrypted volume; a deletable, drill-named table', () => {
    expect(isolatedRestoreMetadata({ type: 'EBS', recoveryPointMetadata: { availabilityZone: 'eu-west-1a', encrypted: 'false', volumeType: 'gp3' }, restoredName: NAME })).toEqual({
      availabilityZone: 'eu-west-1a',
      volumeType: 'gp3',
      encrypted: 'true',
    });
    expect(isolatedRestoreMetadata({ type: 'DynamoDB', recoveryPointMetadata: { targetTableName: 'orders', encryptionType: 'KMS', deletionProtection: 'true' }, restoredName: NAME })).toEqual({
      encryptionType: 'KMS',
      targetTableName: NAME,
      deletionProtection: 'false',
    });
  });

  const NETWORK = { dbSubnetGroupName: 'drill-isolated', vpcSecurityGroupIds: ['sg-0d1e2a3b4c5d6e7f8'] };

  it('RDS: the drill-named instance in the drill subnet group and security group, not public, deletable, whatever the point or its case says', () => {
    const metadata = isolatedRestoreMetadata({
      type: 'RDS',
      // Keys as restore testing's inferred metadata names them for Amazon RDS, some in another case.
      recoveryPointMetadata: { DBInstanceIdentifier: 'ledger-db', dbInstanceClass: 'db.t4g.micro', DBSubnetGroupName: 'prod-subnets', vpcsecuritygroupids: '["sg-prod"]', PubliclyAccessible: 'true', deletionProtection: 'true', multiAZ: 'false' },
      restoredName: NAME,
      network: NETWORK,
    });
    expect(metadata).toEqual({
      dbInstanceClass: 'db.t4g.micro',
      multiAZ: 'false',
      dbInstanceIdentifier: NAME,
      dbSubnetGroupName: 'drill-isolated',
      vpcSecurityGroupIds: '["sg-0d1e2a3b4c5d6e7f8"]',
      deletionProtection: 'false',
      publiclyAccessible: 'false',
    });
  });

  it('Aurora: the drill-named cluster in the drill network, deletable; the engine and key kept', () => {
    const metadata = isolatedRestoreMetadata({
      type: 'Aurora',
      recoveryPointMetadata: { dbClusterIdentifier: 'orders-db', engine: 'aurora-postgresql', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k', dbSubnetGroupName: 'default', DeletionProtection: 'true' },
      restoredName: NAME,
      overrides: { port: '5433' },
      network: NETWORK,
    });
    expect(metadata).toEqual({
      engine: 'aurora-postgresql',
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      port: '5433',
      dbClusterIdentifier: NAME,
      dbSubnetGroupName: 'drill-isolated',
      vpcSecurityGroupIds: '["sg-0d1e2a3b4c5d6e7f8"]',
      deletionProtection: 'false',
    });
  });

  it('RDS and Aurora: no restore outside the drill network, and none at all without one in config', () => {
    expect(isolationViolations('RDS', { PubliclyAccessible: 'false', dbInstanceClass: 'db.t4g.medium' })).toEqual([]);
    const refused = isolationViolations('Aurora', { dbClusterIdentifier: 'orders-copy', VpcSecurityGroupIds: '["sg-open"]', dbSubnetGroupName: 'public-subnets', deletionProtection: 'true' });
    expect(refused.map((text) => text.split(':')[0])).toEqual(['dbClusterIdentifier', 'VpcSecurityGroupIds', 'dbSubnetGroupName', 'deletionProtection']);
    expect(isolationViolations('RDS', { publiclyAccessible: 'TRUE' })).toHaveLength(1);
    expect(isolationViolations('RDS', { dbClusterIdentifier: 'someone-elses' })).toHaveLength(1);
    expect(() => isolatedRestoreMetadata({ type: 'RDS', recoveryPointMetadata: { dbInstanceIdentifier: 'ledger-db' }, restoredName: NAME })).toThrow(/no drill network in config/);
  });

  it('refuses at run time overrides plan validation would have refused (a plan bundled by an older build)', () => {
    expect(() => isolatedRestoreMetadata({ type: 'S3', recoveryPointMetadata: {}, restoredName: NAME, overrides: { NewBucket: 'false' } })).toThrow(/would break isolation: NewBucket/);
  });

  it('names restored resources within each type\'s rules, always drill-prefixed', () => {
    const bucket = restoredResourceName('S3', 'estate', 'Run_2026-12-07T04:00:00Z-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    expect(bucket).toMatch(/^irdr-drill-estate-run-2026-12-07t04-00-00z-[a-z0-9-]*[a-z0-9]$/);
    expect(bucket.length).toBeLessThanOrEqual(63);
    expect(restoredResourceName('DynamoDB', 'estate', 'run_1')).toBe('irdr-drill-estate-run_1');
    expect(restoredResourceName('EFS', 'estate', 'run_1')).toBe('irdr-drill-estate-run_1');
  });
});

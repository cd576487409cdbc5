import type { BackupResourceType } from '../../../domain/drill/restore.js';
import { ebsOps } from './ebs.js';
import { ec2Ops } from './ec2.js';
import { efsOps } from './efs.js';
import { rdsOps } from './rds.js';
import type { RestoredResourceOps } from './restored-resource.js';
import { s3Ops } from './s3.js';

/**
 * The restored-resource operations per type restored through AWS Backup (DynamoDB tables: restored-table.ts),
 * bundled only for the types the stack's plans restore: a table drill's functions carry no EC2, EFS or S3 SDK. Imported
 * statically (the clients are pure): a dynamic import made esbuild bundle each SDK client whole, every command.
 */
export async function restoredResourceOps(type: BackupResourceType): Promise<RestoredResourceOps> {
  // Literal names on purpose: lib/ bundles them as "true"/"false" (drillBundleFlags), and esbuild drops the imports of "false".
  if (type === 'S3' && process.env.DRILL_RESTORES_S3 !== 'false') return s3Ops;
  if (type === 'EFS' && process.env.DRILL_RESTORES_EFS !== 'false') return efsOps;
  if (type === 'EBS' && process.env.DRILL_RESTORES_EBS !== 'false') return ebsOps;
  if (type === 'EC2' && process.env.DRILL_RESTORES_EC2 !== 'false') return ec2Ops;
  // The RDS client is in every drill function already (the native RDS drivers): no flag.
  if (type === 'RDS' || type === 'Aurora') return rdsOps;
  throw new Error(`no restored-resource operations for ${type} in this function (no plan restores it, or plan validation refuses the type)`);
}

/** Resource type filters of the Resource Groups Tagging API (GetResources), for sources selected by tags. */
export const TAGGING_RESOURCE_TYPES: Partial<Record<BackupResourceType, string>> = {
  DynamoDB: 'dynamodb:table',
  S3: 's3',
  EFS: 'elasticfilesystem:file-system',
  EBS: 'ec2:volume',
  EC2: 'ec2:instance',
  RDS: 'rds:db',
  Aurora: 'rds:cluster',
};

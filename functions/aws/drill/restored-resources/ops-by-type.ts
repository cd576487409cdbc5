import type { BackupResourceType } from '../../../domain/drill/restore.js';
import { ebsOps } from './ebs.js';
import { ec2Ops } from './ec2.js';
import { efsOps } from './efs.js';
import type { RestoredResourceOps } from './restored-resource.js';
import { s3Ops } from './s3.js';

/** The restored-resource operations per type restored through AWS Backup (DynamoDB tables: restored-table.ts). */
const OPS: Partial<Record<BackupResourceType, RestoredResourceOps>> = { S3: s3Ops, EFS: efsOps, EBS: ebsOps, EC2: ec2Ops };

export function restoredResourceOps(type: BackupResourceType): RestoredResourceOps {
  const ops = OPS[type];
  if (!ops) throw new Error(`no restored-resource operations for ${type} (plan validation refuses the type)`);
  return ops;
}

/** Resource type filters of the Resource Groups Tagging API (GetResources), for sources selected by tags. */
export const TAGGING_RESOURCE_TYPES: Partial<Record<BackupResourceType, string>> = {
  DynamoDB: 'dynamodb:table',
  S3: 's3',
  EFS: 'elasticfilesystem:file-system',
  EBS: 'ec2:volume',
  EC2: 'ec2:instance',
};

import { CreateBackupCommand, DeleteTableCommand, DescribeBackupCommand, DescribeTableCommand, RestoreTableFromBackupCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BackupResourceKind, NativeProgress } from './resource-kind.js';

/** `arn:aws:dynamodb:<region>:<account>:table/<name>` (not an index or stream ARN, which carry more after the name). */
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([a-zA-Z0-9_.-]{3,255})$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
/** DynamoDB's restore metadata keys as AWS Backup documents them (restore testing inferred metadata: DynamoDB). */
const ENCRYPTION_TYPES = ['Default', 'KMS'];

/**
 * DynamoDB tables, backed up with the table's own on-demand backups (CreateBackup) and restored with
 * RestoreTableFromBackup into the table `targetTableName` names, through the local DynamoDB's wire API.
 */
export function dynamodbKind(dynamodb: DynamoDBClient): BackupResourceKind {
  const errorText = (error: unknown): string => `${(error as Error).name}: ${(error as Error).message}`;
  return {
    resourceType: 'DynamoDB',
    owns: (resourceArn) => TABLE_ARN.test(resourceArn),
    resourceName: (resourceArn) => TABLE_ARN.exec(resourceArn)?.[1] ?? resourceArn,

    async startBackup(resourceArn, backupName) {
      const tableName = TABLE_ARN.exec(resourceArn)?.[1] ?? '';
      try {
        const { BackupDetails } = await dynamodb.send(new CreateBackupCommand({ TableName: tableName, BackupName: backupName }));
        return { nativeId: BackupDetails!.BackupArn! };
      } catch (error) {
        return { failed: `DynamoDB refused the backup of ${resourceArn}: ${errorText(error)}` };
      }
    },

    async backupProgress(backupArn): Promise<NativeProgress> {
      try {
        const { BackupDescription } = await dynamodb.send(new DescribeBackupCommand({ BackupArn: backupArn }));
        const details = BackupDescription?.BackupDetails;
        if (details?.BackupStatus === 'AVAILABLE') return { state: 'COMPLETED', ...(details.BackupSizeBytes !== undefined && { sizeBytes: details.BackupSizeBytes }) };
        if (details?.BackupStatus === 'CREATING') return { state: 'RUNNING' };
        return { state: 'FAILED', message: `the DynamoDB backup ${backupArn} is ${details?.BackupStatus ?? 'gone'}` };
      } catch (error) {
        return { state: 'FAILED', message: `the DynamoDB backup ${backupArn} cannot be described: ${errorText(error)}` };
      }
    },

    // The keys a DynamoDB restore takes; targetTableName names the source, which exists: a restore must name another.
    restoreMetadata: (point) => ({ targetTableName: TABLE_ARN.exec(point.resourceArn)?.[1] ?? '', encryptionType: 'Default', deletionProtection: 'false' }),

    metadataProblem(metadata) {
      const target = metadata['targetTableName'];
      if (target === undefined || target === '') return 'Metadata must name the new table: targetTableName is required to restore a DynamoDB recovery point';
      if (!TABLE_NAME.test(target)) return `targetTableName '${target}' is not a DynamoDB table name (3-255 of a-z, A-Z, 0-9, '_', '-', '.')`;
      const encryption = metadata['encryptionType'];
      if (encryption !== undefined && !ENCRYPTION_TYPES.includes(encryption)) return `encryptionType '${encryption}' must be one of ${ENCRYPTION_TYPES.join(', ')}`;
      if (encryption === 'KMS' && !metadata['kmsMasterKeyArn']) return 'encryptionType KMS needs kmsMasterKeyArn';
      const deletionProtection = metadata['deletionProtection'];
      if (deletionProtection !== undefined && !['true', 'false'].includes(deletionProtection.toLowerCase())) return `deletionProtection '${deletionProtection}' must be true or false`;
      return undefined;
    },

    async startRestore(point, metadata) {
      const kmsKey = metadata['kmsMasterKeyArn'];
      try {
        const { TableDescription } = await dynamodb.send(
          new RestoreTableFromBackupCommand({
            TargetTableName: metadata['targetTableName'],
            BackupArn: point.nativeId,
            ...(metadata['encryptionType'] === 'KMS' && { SSESpecificationOverride: { Enabled: true, SSEType: 'KMS', ...(kmsKey && { KMSMasterKeyId: kmsKey }) } }),
          }),
        );
        return { createdResourceArn: TableDescription!.TableArn! };
      } catch (error) {
        return { failed: `DynamoDB refused to restore ${point.nativeId} into ${metadata['targetTableName'] ?? '(no table)'}: ${errorText(error)}` };
      }
    },

    async restoreProgress(tableArn): Promise<NativeProgress> {
      try {
        // By name: the local backends take no table ARN.
        const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: TABLE_ARN.exec(tableArn)?.[1] ?? tableArn }));
        if (Table?.TableStatus === 'ACTIVE') return { state: 'COMPLETED', ...(Table.TableSizeBytes !== undefined && { sizeBytes: Table.TableSizeBytes }) };
        if (Table?.TableStatus === 'CREATING' || Table?.TableStatus === 'UPDATING') return { state: 'RUNNING' };
        return { state: 'FAILED', message: `the restored table ${tableArn} is ${Table?.TableStatus ?? 'gone'}` };
      } catch (error) {
        return { state: 'FAILED', message: `the restored table ${tableArn} cannot be described: ${errorText(error)}` };
      }
    },

    // "Restore testing inferred metadata", DynamoDB: a new table, default encryption, no deletion protection.
    restoreTestingMetadata: (_point, name) => ({ targetTableName: name, encryptionType: 'Default', deletionProtection: 'false' }),

    async deleteRestored(tableArn) {
      await dynamodb.send(new DeleteTableCommand({ TableName: TABLE_ARN.exec(tableArn)?.[1] ?? tableArn }));
    },
  };
}

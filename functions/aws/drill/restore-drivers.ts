import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import { awsBackupDriver } from './aws-backup-driver.js';
import { dynamodbBackupDriver } from './dynamodb-backup-driver.js';
import { dynamodbPitrDriver } from './dynamodb-pitr-driver.js';
import type { RestoreDriver } from './restore-driver.js';

/** The driver of a plan: its restore service, for its source (the plan schema holds the two together). */
export function restoreDriverFor(plan: Pick<DrillPlan, 'source' | 'driver'>): RestoreDriver {
  const { source, driver } = plan;
  switch (driver.type) {
    case 'dynamodb-pitr':
      return dynamodbPitrDriver(tableNameOf(source, driver.type));
    case 'dynamodb-backup':
      return dynamodbBackupDriver(tableNameOf(source, driver.type), driver.backup);
    case 'aws-backup':
      return awsBackupDriver(source, {
        restoreRoleArn: driver.restoreRoleArn,
        ...(driver.recoveryPointTypes !== undefined && { recoveryPointTypes: driver.recoveryPointTypes }),
        ...(driver.backupVaultName !== undefined && { backupVaultName: driver.backupVaultName }),
        ...(driver.vaults !== undefined && { vaults: driver.vaults }),
      });
    case 'rds-pitr':
    case 'rds-snapshot':
      throw new Error(`the ${driver.type} driver is not in this build yet`);
  }
}

function tableNameOf(source: DrillPlan['source'], driverType: string): string {
  if (source.type !== 'dynamodb-table') throw new Error(`the ${driverType} driver restores a dynamodb-table source, not ${source.type}`);
  return source.tableName;
}

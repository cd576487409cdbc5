import type { DrillPlan } from '../../domain/drill-plan-schema.js';
import type { DrillExecutionInput } from '../../domain/drill/run.js';
import { isRestoreTestingPlan } from '../../domain/drill/restore-testing-plan.js';
import { restoreTestingDriver } from './restore-testing-driver.js';
import { awsBackupDriver } from './aws-backup-driver.js';
import { dynamodbBackupDriver } from './dynamodb-backup-driver.js';
import { dynamodbPitrDriver } from './dynamodb-pitr-driver.js';
import { rdsDriver, type RdsDriverOptions } from './rds-driver.js';
import type { RestoreDriver } from './restore-driver.js';
import { irdrConfig } from '../../config.js';

/**
 * The driver of a plan: its restore service, for its source (the plan schema holds the two together). A run started by
 * an AWS Backup restore testing job (`input.restoreTestingJob`) validates that job's restore instead of starting one;
 * any other run of such a plan (run now) restores with StartRestoreJob, as the aws-backup driver does.
 */
export function restoreDriverFor(
  plan: Pick<DrillPlan, 'source' | 'driver'> & Partial<Pick<DrillPlan, 'sqlAccess' | 'id'>>,
  input?: Pick<DrillExecutionInput, 'restoreTestingJob'>,
): RestoreDriver {
  const { source, driver } = plan;
  switch (driver.type) {
    case 'dynamodb-pitr':
      return dynamodbPitrDriver(tableNameOf(source, driver.type));
    case 'dynamodb-backup':
      return dynamodbBackupDriver(tableNameOf(source, driver.type), driver.backup);
    case 'aws-backup': {
      const config = {
        restoreRoleArn: driver.restoreRoleArn,
        ...(driver.recoveryPointTypes !== undefined && { recoveryPointTypes: driver.recoveryPointTypes }),
        ...(driver.backupVaultName !== undefined && { backupVaultName: driver.backupVaultName }),
        ...(driver.vaults !== undefined && { vaults: driver.vaults }),
        ...(irdrConfig.drills?.database !== undefined && { network: irdrConfig.drills.database }),
        ...(plan.sqlAccess?.via === 'data-api' && { enableDataApi: true }),
      };
      if (input?.restoreTestingJob) {
        const full = plan as DrillPlan;
        if (full.id === undefined || !isRestoreTestingPlan(full)) throw new Error(`plan ${full.id ?? ''} does not restore through AWS Backup restore testing: a restore testing job cannot run it`);
        return restoreTestingDriver(full, config, input.restoreTestingJob);
      }
      return awsBackupDriver(source, config);
    }
    case 'rds-pitr':
    case 'rds-snapshot':
      if (source.type !== 'rds-database') throw new Error(`the ${driver.type} driver restores an rds-database source, not ${source.type}`);
      return lazyRdsDriver(source, {
        kind: driver.type === 'rds-pitr' ? 'pitr' : 'snapshot',
        ...(driver.type === 'rds-snapshot' && driver.snapshotType !== undefined && { snapshotType: driver.snapshotType }),
        network: irdrConfig.drills?.database,
        enableDataApi: plan.sqlAccess?.via === 'data-api',
      });
  }
}

function tableNameOf(source: DrillPlan['source'], driverType: string): string {
  if (source.type !== 'dynamodb-table') throw new Error(`the ${driverType} driver restores a dynamodb-table source, not ${source.type}`);
  return source.tableName;
}

/** The RDS driver, made on first use. Imported statically: a dynamic import made esbuild bundle the whole RDS client (every command). */
function lazyRdsDriver(source: Extract<DrillPlan['source'], { type: 'rds-database' }>, options: RdsDriverOptions): RestoreDriver {
  const loaded = Promise.resolve().then(() => rdsDriver(source, options));
  // Not awaited until a method runs; a failure surfaces there, not as an unhandled rejection.
  loaded.catch(() => undefined);
  return {
    // RDS announces a made, restored or failed instance or cluster on the bus (rds-restore-event.ts).
    completionSignal: 'end-event',
    preflight: async () => (await loaded).preflight(),
    startRestore: async (request) => (await loaded).startRestore(request),
    describeRestore: async (handle, claim) => (await loaded).describeRestore(handle, claim),
    claimRestored: async (handle, claim) => (await loaded).claimRestored(handle, claim),
    cleanUp: async (handle, claim) => (await loaded).cleanUp(handle, claim),
  };
}

import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault, type BackupSelection } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** Daily backups are kept this long: PITR's own window, but outside the table, in a vault nobody can delete from. */
export const DAILY_BACKUP_RETENTION_DAYS = 35;

export interface EvidenceBackupsProps {
  readonly table: ITable;
  /** Days each monthly backup is kept (config `evidence.digestRetentionDays`: as long as the digests that vouch for it). */
  readonly monthlyRetentionDays: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * AWS Backup of the evidence table, beside its point-in-time recovery: PITR lives in the table (whoever may turn it off
 * or delete the table takes its 35 days along), these recovery points live in a vault whose policy lets nobody delete
 * one or shorten its life, and the monthly ones cover the whole audit period.
 */
export class EvidenceBackups extends Construct {
  public readonly vault: BackupVault;
  public readonly plan: BackupPlan;
  public readonly selection: BackupSelection;

  constructor(scope: Construct, id: string, props: EvidenceBackupsProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', {
      // Denies backup:DeleteRecoveryPoint and UpdateRecoveryPointLifecycle to every principal: points leave only by expiring.
      blockRecoveryPointDeletion: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.plan = new BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        // After the daily digest (00:15 UTC), so a restored copy can be checked against a digest written before it.
        new BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(DAILY_BACKUP_RETENTION_DAYS),
        }),
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '3', minute: '0' }),
          deleteAfter: Duration.days(props.monthlyRetentionDays),
        }),
      ],
    });
    this.selection = this.plan.addSelection('EvidenceTable', { resources: [BackupResource.fromDynamoDbTable(props.table)] });
    Validations.of(this.selection).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The role AWS Backup assumes to back up the evidence table: AWS documents AWSBackupServiceRolePolicyForBackup as the ' +
        "policy of that role and keeps it current as AWS Backup's needs change; only backup.amazonaws.com can assume it, and the " +
        'selection names the evidence table alone.',
    });
  }
}

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { DrillGrants } from '../../lib/drill-grants.js';
import { DrillRestoreTestingPlans } from '../../lib/restore-testing-plans.js';

/*
 * Plans restored through AWS Backup restore testing, in a bare stack (fast, no bundling): the restore testing plan and
 * selection CloudFormation creates from the same mapping the local stack sends, and the drill grants such plans add:
 * read the job that ended, read what it restored (awsbackup-restore-test-*), never tag or delete it.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-restore`;
const base = {
  title: 'A drill',
  owner: 'owner@example.com',
  schedule: { expression: 'cron(0 3 ? * MON *)', timeZone: 'Europe/Paris' },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  recipients: { roles: ['commander'] },
  controls: ['SOC2 A1.3'],
};
const tablePlan = DrillPlan.parse({
  ...base,
  id: 'orders-rt',
  source: { type: 'dynamodb-table', tableName: 'orders' },
  driver: { type: 'aws-backup', restoreRoleArn: ROLE, vaults: { include: ['primary'] }, restoreTesting: { validationWindowHours: 2, startWindowHours: 4 } },
  checks: [{ type: 'item-count' }],
});
const disabledBucketPlan = DrillPlan.parse({
  ...base,
  id: 'exports-rt',
  schedule: { ...base.schedule, enabled: false },
  source: { type: 'aws-backup-resource', resourceType: 'S3', resourceArn: 'arn:aws:s3:::orders-exports' },
  driver: { type: 'aws-backup', restoreRoleArn: ROLE, restoreTesting: { validationWindowHours: 1 } },
  recoveryPoint: { type: 'random-within', days: 7 },
  checks: [{ type: 'object-count' }],
});
const ordinary = DrillPlan.parse({ ...base, id: 'orders', schedule: { expression: 'rate(7 days)' }, source: { type: 'dynamodb-table', tableName: 'orders' }, driver: { type: 'aws-backup', restoreRoleArn: ROLE }, checks: [{ type: 'item-count' }] });

const stackOf = () => new Stack(new App(), 'RestoreTesting', { env: { account: ACCOUNT, region: REGION } });

describe('restore testing plans in CloudFormation', () => {
  it('one AWS::Backup::RestoreTestingPlan per plan that restores through restore testing, and a selection after it unless the schedule is disabled', () => {
    const stack = stackOf();
    new DrillRestoreTestingPlans(stack, 'Plans', { plans: [tablePlan, disabledBucketPlan, ordinary] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 2);
    template.resourceCountIs('AWS::Backup::RestoreTestingSelection', 1);
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'irdr_orders_rt',
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      StartWindowHours: 4,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        RecoveryPointTypes: ['SNAPSHOT', 'CONTINUOUS'],
        IncludeVaults: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:backup:${REGION}:${ACCOUNT}:backup-vault:primary`]] }],
        SelectionWindowDays: 365,
      },
      Tags: [{ Key: 'irdr:drill-plan', Value: 'orders-rt' }],
    });
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { RestoreTestingPlanName: 'irdr_exports_rt', RecoveryPointSelection: { Algorithm: 'RANDOM_WITHIN_WINDOW', IncludeVaults: ['*'], SelectionWindowDays: 7 } });
    const selections = template.findResources('AWS::Backup::RestoreTestingSelection');
    const [selection] = Object.values(selections);
    expect(selection!.Properties).toEqual({
      RestoreTestingPlanName: 'irdr_orders_rt',
      RestoreTestingSelectionName: 'irdr_orders_rt',
      ProtectedResourceType: 'DynamoDB',
      IamRoleArn: ROLE,
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dynamodb:${REGION}:${ACCOUNT}:table/orders`]] }],
      ValidationWindowHours: 2,
    });
    // Created after its plan (it names it by name, not by reference).
    const planId = Object.entries(template.findResources('AWS::Backup::RestoreTestingPlan')).find(([, resource]) => resource.Properties.RestoreTestingPlanName === 'irdr_orders_rt')![0];
    expect(selection!.DependsOn).toEqual([planId]);
  });

  it('grants: DescribeRestoreJob to the function that starts the drill, reads (never tags or deletes) of awsbackup-restore-test-* only where a plan restores through restore testing', () => {
    const statementsOf = (plans: readonly DrillPlan[], permission: Parameters<DrillGrants['statements']>[0]) => {
      const stack = stackOf();
      return new DrillGrants(stack, plans).statements(permission).map((statement) => ({ actions: statement.actions, resources: statement.resources.map((resource) => stack.resolve(resource) as unknown) }));
    };
    expect(statementsOf([tablePlan], 'drills:read-restore-testing-job')).toEqual([{ actions: ['backup:DescribeRestoreJob'], resources: ['*'] }]);
    expect(statementsOf([ordinary], 'drills:read-restore-testing-job')).toEqual([]);

    const restoreTestTable = JSON.stringify(['arn:', { Ref: 'AWS::Partition' }, `:dynamodb:${REGION}:${ACCOUNT}:table/awsbackup-restore-test-*`]);
    const reads = (plans: readonly DrillPlan[], permission: Parameters<DrillGrants['statements']>[0]) =>
      statementsOf(plans, permission).filter((statement) => JSON.stringify(statement.resources).includes('awsbackup-restore-test-'));
    expect(reads([tablePlan], 'drills:read-data').flatMap((statement) => statement.actions)).toEqual(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']);
    expect(JSON.stringify(reads([tablePlan], 'drills:read-data'))).toContain(restoreTestTable.slice(1, -1));
    expect(reads([tablePlan], 'drills:inspect-restore').flatMap((statement) => statement.actions)).toEqual(['dynamodb:DescribeTable']);
    expect(reads([disabledBucketPlan], 'drills:read-data').flatMap((statement) => statement.actions)).toEqual(['s3:ListBucket', 's3:GetObject']);
    for (const permission of ['drills:cleanup', 'drills:abort', 'drills:restore'] as const) expect(reads([tablePlan, disabledBucketPlan], permission), permission).toEqual([]);
    expect(reads([ordinary], 'drills:read-data')).toEqual([]);
  });
});

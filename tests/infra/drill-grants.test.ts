import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { DRILL_DATA_PERMISSIONS, DrillGrants, RESTORE_TARGET_ACTIONS, type DrillDataPermission } from '../../lib/drill-grants.js';
import { DRILL_PLAN_BASE } from './drill-grant-roles.js';
import { renderCfn, statementsOfRole, type SynthesizedPolicyStatement, type TemplateResource, type ValidationReport } from './synthesized-app.js';

/*
 * The drills:* grants for plans the repository does not ship (AWS Backup, custom checks, backups taken elsewhere),
 * in a bare stack with a pinned account and region, cdk-nag included: fast, no bundling.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
// The partition stays a token even with the account and region pinned: rendered `${AWS::Partition}`.
const PARTITION = '${AWS::Partition}';
const table = (name: string) => `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const DRILL_TABLES = table('irdr-drill-*');
const RECOVERY_POINTS = `arn:${PARTITION}:backup:${REGION}:${ACCOUNT}:recovery-point:*`;
const RESTORE_ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-backup-restore`;

const base = DRILL_PLAN_BASE;
const plans = [
  DrillPlan.parse({
    ...base,
    id: 'pitr',
    source: { type: 'dynamodb-table', tableName: 'orders' },
    driver: { type: 'dynamodb-pitr' },
    checks: [{ type: 'canary', key: { pk: 'CANARY#1', sk: 0 } }, { type: 'custom', functionName: 'check-orders' }, { type: 'item-count', baseline: 'source-scan' }],
  }),
  DrillPlan.parse({
    ...base,
    id: 'latest-backup',
    source: { type: 'dynamodb-table', tableName: 'customers' },
    driver: { type: 'dynamodb-backup', backup: 'latest' },
    checks: [{ type: 'custom', functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:check-customers:live` }],
  }),
  DrillPlan.parse({
    ...base,
    id: 'vault',
    source: { type: 'dynamodb-table', tableName: 'ledger' },
    driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: 'irdr-vault' },
    checks: [{ type: 'item-count' }],
  }),
];

let outdir: string;
let resources: Record<string, TemplateResource>;
let report: ValidationReport;
const roleIds = new Map<DrillDataPermission, string>();

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'irdr-drill-grants-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Grants', { env: { account: ACCOUNT, region: REGION } });
  const grants = new DrillGrants(stack, plans);
  const roles = DRILL_DATA_PERMISSIONS.map((permission) => {
    const role = new Role(stack, permission.replace(/[^a-z]/g, '-'), { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    grants.grant(role, permission);
    return [permission, role] as const;
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, TemplateResource> }).Resources;
  for (const [permission, role] of roles) roleIds.set(permission, stack.getLogicalId(role.node.defaultChild as never));
  report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The statements of a permission's role, resources rendered to strings and sorted, for whole-policy comparison. */
function statementsOf(permission: DrillDataPermission) {
  return statementsOfRole(resources, roleIds.get(permission)!).map((statement: SynthesizedPolicyStatement) => ({
    Action: [statement.Action].flat().sort(),
    Resource: [statement.Resource].flat().map(renderCfn).sort(),
    ...(statement.Condition && { Condition: statement.Condition }),
  }));
}
const allow = (actions: readonly string[], resourceArns: readonly string[], Condition?: Record<string, unknown>) => ({
  Action: [...actions].sort(),
  Resource: [...resourceArns].sort(),
  ...(Condition && { Condition }),
});

describe('drills:* grants from the plans', () => {
  it('drills:inspect-source: describe the sources; ListBackups (for `backup: latest`) and ListRecoveryPointsByResource anywhere', () => {
    expect(statementsOf('drills:inspect-source')).toEqual([
      allow(['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups'], [table('orders'), table('customers'), table('ledger')]),
      allow(['dynamodb:ListBackups'], ['*']),
      allow(['backup:ListRecoveryPointsByResource'], ['*']),
    ]);
  });

  it('drills:restore: each driver its own restore action on its own sources, writes on drill tables, restore metadata and StartRestoreJob on recovery points, PassRole to AWS Backup only', () => {
    expect(statementsOf('drills:restore')).toEqual([
      allow(['dynamodb:RestoreTableToPointInTime'], [table('orders')]),
      allow(['dynamodb:RestoreTableFromBackup'], [table('customers/backup/*')]),
      allow(RESTORE_TARGET_ACTIONS, [DRILL_TABLES]),
      allow(['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob'], [RECOVERY_POINTS]),
      allow(['iam:PassRole'], [RESTORE_ROLE], { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } }),
      allow(['backup:DescribeRestoreJob'], ['*']),
    ]);
  });

  it('drills:inspect-restore: describe and tag drill tables, describe the backups restored from, follow restore jobs', () => {
    expect(statementsOf('drills:inspect-restore')).toEqual([
      allow(['dynamodb:DescribeTable', 'dynamodb:TagResource', 'dynamodb:ListTagsOfResource'], [DRILL_TABLES]),
      allow(['dynamodb:DescribeBackup'], [table('customers/backup/*')]),
      allow(['backup:DescribeRestoreJob'], ['*']),
    ]);
  });

  it('drills:read-data: read sources and drill tables; invoke exactly the custom check functions', () => {
    expect(statementsOf('drills:read-data')).toEqual([
      allow(
        ['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        [table('orders'), table('customers'), table('ledger'), DRILL_TABLES],
      ),
      // item-count's baseline when the point restored is a DynamoDB backup (AWS Backup keeps DynamoDB backups as such).
      allow(['dynamodb:DescribeBackup'], [table('ledger/backup/*')]),
      allow(['lambda:InvokeFunction'], [
        `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:check-orders`,
        `arn:aws:lambda:${REGION}:${ACCOUNT}:function:check-customers:live`,
      ]),
    ]);
  });

  it('drills:count-data: size the tables of plans that count items; Scan drill tables, and a source only where its plan asks for a source scan', () => {
    expect(statementsOf('drills:count-data')).toEqual([
      allow(['dynamodb:DescribeTable'], [table('orders'), table('ledger'), DRILL_TABLES]),
      allow(['dynamodb:Scan'], [table('orders'), DRILL_TABLES]),
    ]);
  });

  it('drills:cleanup: DeleteTable on tagged drill tables only; no DeleteBackup when no plan takes a backup', () => {
    expect(statementsOf('drills:cleanup')).toEqual([
      allow(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource'], [DRILL_TABLES]),
      allow(['dynamodb:DeleteTable'], [DRILL_TABLES], { Null: { 'aws:ResourceTag/irdr:drill-run': 'false' } }),
    ]);
  });

  it('drills:abort: describe the sources, and clean up drill tables as drills:cleanup does (tagged ones only); no backups', () => {
    expect(statementsOf('drills:abort')).toEqual([
      allow(['dynamodb:DescribeTable'], [table('orders'), table('customers'), table('ledger')]),
      allow(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource'], [DRILL_TABLES]),
      allow(['dynamodb:DeleteTable'], [DRILL_TABLES], { Null: { 'aws:ResourceTag/irdr:drill-run': 'false' } }),
    ]);
  });

  it("drills:canary: PutItem on the canary plan's source, at the canary key's values only", () => {
    expect(statementsOf('drills:canary')).toEqual([
      allow(['dynamodb:PutItem'], [table('orders')], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CANARY#1', '0'] } }),
    ]);
  });

  it('drills:canary: Scan, besides the canary PutItem, on the source of a plan whose item count is held to counts taken at known times (baseline: counted), and no other', () => {
    const stack = new Stack(new App(), 'Counted', { env: { account: ACCOUNT, region: REGION } });
    const counted = DrillPlan.parse({ ...base, id: 'counted', source: { type: 'dynamodb-table', tableName: 'payments' }, driver: { type: 'dynamodb-pitr' }, checks: [{ type: 'canary', key: { pk: 'CANARY#2' } }, { type: 'item-count', baseline: 'counted' }] });
    const statements = stack.resolve(new DrillGrants(stack, [...plans, counted]).statements('drills:canary').map((statement) => statement.toStatementJson())) as Array<{ Action: string | string[]; Resource: unknown }>;
    const scans = statements.filter((statement) => [statement.Action].flat().includes('dynamodb:Scan'));
    expect(JSON.stringify(scans.map((statement) => statement.Resource))).toBe(JSON.stringify([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dynamodb:${REGION}:${ACCOUNT}:table/payments`]] }]));
    expect(new DrillGrants(stack, plans).statements('drills:canary').some((statement) => statement.actions.includes('dynamodb:Scan'))).toBe(false);
  });

  it('drills:report-validation: PutRestoreValidationResult (no resource-level permission: `*`) once a plan restores through AWS Backup, and only then', () => {
    expect(statementsOf('drills:report-validation')).toEqual([allow(['backup:PutRestoreValidationResult'], ['*'])]);
    const stack = new Stack(new App(), 'NoAwsBackup', { env: { account: ACCOUNT, region: REGION } });
    const withoutAwsBackup = new DrillGrants(stack, plans.filter((plan) => plan.driver.type !== 'aws-backup'));
    expect(withoutAwsBackup.statements('drills:report-validation')).toEqual([]);
  });

  it('drills:keep-restore-wait: DescribeRestoreJob (no resource-level permission: `*`), for the one look after the token is kept, once a plan restores through AWS Backup, and only then', () => {
    expect(statementsOf('drills:keep-restore-wait')).toEqual([allow(['backup:DescribeRestoreJob'], ['*'])]);
    const stack = new Stack(new App(), 'NoAwsBackupWaits', { env: { account: ACCOUNT, region: REGION } });
    expect(new DrillGrants(stack, plans.filter((plan) => plan.driver.type !== 'aws-backup')).statements('drills:keep-restore-wait')).toEqual([]);
  });

  it('grants nothing when there is no plan', () => {
    const stack = new Stack(new App(), 'Empty', { env: { account: ACCOUNT, region: REGION } });
    const grants = new DrillGrants(stack, []);
    for (const permission of DRILL_DATA_PERMISSIONS) expect(grants.statements(permission), permission).toEqual([]);
  });

  it('passes cdk-nag, every wildcard acknowledged on its own role with a reason', () => {
    const nag = report.pluginReports.find((candidate) => candidate.pluginName === 'AwsSolutions')!;
    expect(nag.violations).toEqual([]);
    expect(nag.conclusion).toBe('success');
    const suppressed = (nag.suppressedViolations ?? []).map((violation) => violation.ruleName).sort();
    expect([...new Set(suppressed)]).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:backup:eu-west-1:123456789012:recovery-point:*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:eu-west-1:123456789012:table/customers/backup/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:eu-west-1:123456789012:table/irdr-drill-*]',
        // item-count's baseline: the ItemCount of whichever backup of the ledger AWS Backup restores.
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:eu-west-1:123456789012:table/ledger/backup/*]',
      ].sort(),
    );
    for (const violation of nag.suppressedViolations ?? []) expect(violation.reason?.length ?? 0).toBeGreaterThan(40);
  });
});

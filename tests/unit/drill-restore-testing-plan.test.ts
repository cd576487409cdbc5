import { describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { drillPlanHash } from '../../functions/domain/drill/plan-hash.js';
import { DRILL_RUN_ID_PATTERN } from '../../functions/domain/drill-naming.js';
import {
  drillPlanOfRestoreTestingPlanArn,
  isRestoreTestingPlan,
  restoreTestingPlanInputOf,
  restoreTestingPlanNameOf,
  restoreTestingRunIdOf,
  restoreTestingSelectionInputOf,
  type RestoreTestingDrillPlan,
} from '../../functions/domain/drill/restore-testing-plan.js';
import { drillScheduleSpecs } from '../../workflows/drill-schedules.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

/*
 * A drill plan restored through AWS Backup restore testing: the restore testing plan and selection irdr keeps for it
 * (members as the AWS Backup API reference names them), the plans validation refuses in this mode and why, and the
 * plans written before, whose parsed form and hash do not move.
 */

const ACCOUNT = '123456789012';
const WHERE = { region: 'eu-west-1', account: ACCOUNT };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-restore`;
const BUCKET_ARN = 'arn:aws:s3:::orders-exports';

const input = (overrides: Record<string, unknown> = {}, driver: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'orders-restore-test',
  title: 'Orders, through restore testing',
  owner: 'owner@example.com',
  schedule: { expression: 'cron(0 3 ? * MON *)', timeZone: 'Europe/Paris' },
  source: { type: 'dynamodb-table', tableName: 'orders' },
  driver: { type: 'aws-backup', restoreRoleArn: ROLE, restoreTesting: { validationWindowHours: 4 }, ...driver },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  checks: [{ type: 'item-count' }],
  recipients: { addresses: ['owner@example.com'] },
  controls: ['SOC2 A1.3'],
  ...overrides,
});

const parsed = (raw: unknown): RestoreTestingDrillPlan => {
  const plan = DrillPlan.parse(raw);
  if (!isRestoreTestingPlan(plan)) throw new Error('not a restore testing plan');
  return plan;
};

function refusal(raw: unknown): string {
  const result = DrillPlan.safeParse(raw);
  if (result.success) throw new Error('the plan was accepted');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
}

describe('restore testing plans irdr keeps for a drill plan', () => {
  it('maps a table plan (latest point) onto CreateRestoreTestingPlan and CreateRestoreTestingSelection', () => {
    const plan = parsed(input());
    expect(restoreTestingPlanInputOf(plan, WHERE)).toEqual({
      RestoreTestingPlanName: 'irdr_orders_restore_test',
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', RecoveryPointTypes: ['SNAPSHOT', 'CONTINUOUS'], IncludeVaults: ['*'], SelectionWindowDays: 365 },
    });
    expect(restoreTestingSelectionInputOf(plan, WHERE)).toEqual({
      RestoreTestingSelectionName: 'irdr_orders_restore_test',
      ProtectedResourceType: 'DynamoDB',
      IamRoleArn: ROLE,
      ProtectedResourceArns: [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`],
      ValidationWindowHours: 4,
    });
  });

  it('maps a random window, vaults by ARN (include and exclude), one point type, a start window and isolation overrides', () => {
    const plan = parsed(
      input(
        {
          source: { type: 'aws-backup-resource', resourceType: 'S3', resourceArn: BUCKET_ARN, restoreMetadata: { EncryptionType: 'SSE-S3' } },
          checks: [{ type: 'object-count' }],
          recoveryPoint: { type: 'random-within', days: 14 },
        },
        { vaults: { include: ['primary', 'air-gapped'], exclude: ['legacy'] }, recoveryPointTypes: ['snapshot'], restoreTesting: { validationWindowHours: 2, startWindowHours: 6 } },
      ),
    );
    expect(restoreTestingPlanInputOf(plan, WHERE)).toMatchObject({
      StartWindowHours: 6,
      RecoveryPointSelection: {
        Algorithm: 'RANDOM_WITHIN_WINDOW',
        RecoveryPointTypes: ['SNAPSHOT'],
        IncludeVaults: [`arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:primary`, `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:air-gapped`],
        ExcludeVaults: [`arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:legacy`],
        SelectionWindowDays: 14,
      },
    });
    expect(restoreTestingSelectionInputOf(plan, WHERE)).toMatchObject({ ProtectedResourceType: 'S3', ProtectedResourceArns: [BUCKET_ARN], RestoreMetadataOverrides: { EncryptionType: 'SSE-S3' }, ValidationWindowHours: 2 });
    // backupVaultName (plans written before vaults) is the one vault included.
    expect(restoreTestingPlanInputOf(parsed(input({}, { backupVaultName: 'drills' })), { ...WHERE, partition: 'aws-us-gov' }).RecoveryPointSelection.IncludeVaults).toEqual([
      `arn:aws-us-gov:backup:eu-west-1:${ACCOUNT}:backup-vault:drills`,
    ]);
  });

  it('reads a restore testing plan ARN back to its drill plan, and no other', () => {
    const plans = [parsed(input()), parsed(input({ id: 'orders-restore-test-2' })), DrillPlan.parse(input({ id: 'orders' }, { restoreTesting: undefined }))];
    const arn = (name: string) => `arn:aws:backup:eu-west-1:${ACCOUNT}:restore-testing-plan:${name}`;
    expect(drillPlanOfRestoreTestingPlanArn(arn('irdr_orders_restore_test-a1b2c3'), plans)?.id).toBe('orders-restore-test');
    expect(drillPlanOfRestoreTestingPlanArn(arn('irdr_orders_restore_test_2-a1b2c3'), plans)?.id).toBe('orders-restore-test-2');
    // A plan without restore testing, someone else's plan, and a name that only starts like one of irdr's.
    expect(drillPlanOfRestoreTestingPlanArn(arn(`${restoreTestingPlanNameOf('orders')}-a1b2c3`), plans)).toBeUndefined();
    expect(drillPlanOfRestoreTestingPlanArn(arn('nightly_dynamodb-a1b2c3'), plans)).toBeUndefined();
    expect(drillPlanOfRestoreTestingPlanArn(arn('irdr_orders_restore_testx-a1b2c3'), plans)).toBeUndefined();
    expect(drillPlanOfRestoreTestingPlanArn('not an arn', plans)).toBeUndefined();
  });

  it('names the drill of a restore job by the job: a run id the drill accepts, one per job, whatever the id holds', () => {
    expect(restoreTestingRunIdOf('1EB3B5E7-9EB0-435A-A80B-108B488B0D45')).toBe('rt-1EB3B5E7-9EB0-435A-A80B-108B488B0D45');
    for (const jobId of ['1EB3B5E7-9EB0-435A-A80B-108B488B0D45', 'a/b:c d', 'x'.repeat(1024), '../../etc']) {
      expect(restoreTestingRunIdOf(jobId), jobId).toMatch(DRILL_RUN_ID_PATTERN);
      expect(restoreTestingRunIdOf(jobId)).toBe(restoreTestingRunIdOf(jobId));
    }
  });

  it('refuses what restore testing cannot do, each with what to change; the same plan without it is accepted', () => {
    expect(refusal(input({ schedule: { expression: 'rate(7 days)' } }))).toContain('schedule.expression: a restore testing plan runs on a cron expression');
    expect(refusal(input({ schedule: { expression: 'cron(0 3 ? * MON *)', startWindowMinutes: 30 } }))).toContain('schedule.startWindowMinutes');
    expect(refusal(input({ recoveryPoint: { type: 'pitr-offset', minutes: 60 } }))).toContain('recoveryPoint.type: restore testing chooses the latest point or a random one');
    expect(refusal(input({ holdMinutes: 200 }, { restoreTesting: { validationWindowHours: 4 } }))).toContain('driver.restoreTesting.validationWindowHours: AWS Backup deletes the restore');
    expect(refusal(input({}, { restoreTesting: { validationWindowHours: 169 } }))).toContain('a validation window of 1 to 168 hours');
    expect(refusal(input({}, { restoreTesting: { validationWindowHours: 0 } }))).toContain('a validation window of 1 to 168 hours');
    expect(
      refusal(input({ source: { type: 'aws-backup-resource', resourceType: 'S3', selection: { tags: { env: 'prod' } } }, checks: [{ type: 'object-count' }] })),
    ).toContain('source.resourceArn: the restore testing selection irdr keeps names one protected resource');
    // The same plans, fixed, are accepted.
    expect(() => parsed(input({ holdMinutes: 180 }, { restoreTesting: { validationWindowHours: 4 } }))).not.toThrow();
    expect(() => parsed(input({ recoveryPoint: { type: 'random-within', days: 365 } }))).not.toThrow();
  });

  it('a restore testing plan gets no EventBridge Scheduler drill schedule (AWS Backup fires it); its canary writer keeps its own', () => {
    const plan = parsed(input({ checks: [{ type: 'canary', key: { pk: 'CANARY' } }] }));
    expect(drillScheduleSpecs([plan]).map((spec) => spec.name)).toEqual(['canary-orders-restore-test']);
    const ordinary = DrillPlan.parse(input({}, { restoreTesting: undefined }));
    expect(drillScheduleSpecs([ordinary]).map((spec) => spec.name)).toEqual(['drill-orders-restore-test']);
  });

  it('plans written before keep their parsed form and hash: restoreTesting has no default', () => {
    for (const plan of loadDrillPlans()) {
      expect('restoreTesting' in plan.driver, plan.id).toBe(false);
      expect(drillPlanHash(DrillPlan.parse(JSON.parse(JSON.stringify(plan)))), plan.id).toBe(drillPlanHash(plan));
    }
  });
});

import { sourceResourceTypeOf, type DrillPlan } from '../drill-plan-schema.js';
import { DRILL_PLAN_TAG } from '../drill-naming.js';

/*
 * A drill plan restored through AWS Backup restore testing, as the restore testing plan and selection irdr keeps for it
 * (CreateRestoreTestingPlan / CreateRestoreTestingSelection, members as the AWS Backup API reference names them). Plain
 * shapes: functions/aws sends them with the SDK.
 */

/** A plan that restores through a restore testing plan. */
type AwsBackupDriver = Extract<DrillPlan['driver'], { type: 'aws-backup' }>;
export type RestoreTestingDrillPlan = DrillPlan & { readonly driver: AwsBackupDriver & { readonly restoreTesting: NonNullable<AwsBackupDriver['restoreTesting']> } };

export const isRestoreTestingPlan = (plan: DrillPlan): plan is RestoreTestingDrillPlan => plan.driver.type === 'aws-backup' && plan.driver.restoreTesting !== undefined;

/** Where the plans live: vault and table ARNs are built in this account and region. */
export interface AwsLocation {
  readonly partition?: string;
  readonly region: string;
  readonly account: string;
}

export interface RestoreTestingPlanInput {
  readonly RestoreTestingPlanName: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly StartWindowHours?: number;
  readonly RecoveryPointSelection: {
    readonly Algorithm: 'LATEST_WITHIN_WINDOW' | 'RANDOM_WITHIN_WINDOW';
    readonly RecoveryPointTypes: ('SNAPSHOT' | 'CONTINUOUS')[];
    readonly IncludeVaults: string[];
    readonly ExcludeVaults?: string[];
    readonly SelectionWindowDays: number;
  };
}

export interface RestoreTestingSelectionInput {
  readonly RestoreTestingSelectionName: string;
  readonly ProtectedResourceType: string;
  readonly IamRoleArn: string;
  readonly ProtectedResourceArns: string[];
  readonly RestoreMetadataOverrides?: Record<string, string>;
  readonly ValidationWindowHours: number;
}

/** `latest` is the newest point within the longest window AWS Backup takes (SelectionWindowDays is 1-365; 30 when left out). */
export const LATEST_SELECTION_WINDOW_DAYS = 365;

/**
 * RestoreTestingPlanName: letters, digits and underscores only. A plan id is lower-case letters, digits and dashes, so
 * `irdr_` + the id with dashes as underscores names one plan and reads back to it.
 */
export const restoreTestingPlanNameOf = (planId: string): string => `irdr_${planId.replaceAll('-', '_')}`;
/** One selection per plan, named as its plan (names are unique within a plan). */
export const restoreTestingSelectionNameOf = restoreTestingPlanNameOf;

/** The drill plan a restore testing plan ARN belongs to: its resource part is `<name>-<suffix>` (or the bare name). */
export function drillPlanOfRestoreTestingPlanArn<P extends DrillPlan>(planArn: string, plans: readonly P[]): P | undefined {
  const resource = /:restore-testing-plan:(.+)$/.exec(planArn)?.[1];
  if (resource === undefined) return undefined;
  return plans.filter(isRestoreTestingPlan).find((plan) => {
    const name = restoreTestingPlanNameOf(plan.id);
    return resource === name || resource.startsWith(`${name}-`);
  });
}

const vaultArnOf = (where: AwsLocation, name: string): string => `arn:${where.partition ?? 'aws'}:backup:${where.region}:${where.account}:backup-vault:${name}`;

/** The protected resource the selection names: the source's ARN (a table named by name is a table of this account and region). */
export function protectedResourceArnOf(plan: RestoreTestingDrillPlan, where: AwsLocation): string {
  const { source } = plan;
  if (source.type === 'dynamodb-table') return `arn:${where.partition ?? 'aws'}:dynamodb:${where.region}:${where.account}:table/${source.tableName}`;
  if (source.type === 'aws-backup-resource' && source.resourceArn !== undefined) return source.resourceArn;
  throw new Error(`plan ${plan.id}: a restore testing selection names its source by ARN (the plan schema refuses ${source.type} without one)`);
}

/** CreateRestoreTestingPlan's RestoreTestingPlan (UpdateRestoreTestingPlan takes it without the name). */
export function restoreTestingPlanInputOf(plan: RestoreTestingDrillPlan, where: AwsLocation): RestoreTestingPlanInput {
  const { driver, recoveryPoint, schedule } = plan;
  if (recoveryPoint.type === 'pitr-offset') throw new Error(`plan ${plan.id}: restore testing takes latest or random-within, not pitr-offset`);
  const include = driver.vaults?.include ?? (driver.backupVaultName !== undefined ? [driver.backupVaultName] : undefined);
  const exclude = driver.vaults?.exclude;
  return {
    RestoreTestingPlanName: restoreTestingPlanNameOf(plan.id),
    ScheduleExpression: schedule.expression,
    ScheduleExpressionTimezone: schedule.timeZone,
    ...(driver.restoreTesting.startWindowHours !== undefined && { StartWindowHours: driver.restoreTesting.startWindowHours }),
    RecoveryPointSelection: {
      Algorithm: recoveryPoint.type === 'latest' ? 'LATEST_WITHIN_WINDOW' : 'RANDOM_WITHIN_WINDOW',
      RecoveryPointTypes: (driver.recoveryPointTypes ?? ['snapshot', 'continuous']).map((type) => (type === 'snapshot' ? 'SNAPSHOT' : 'CONTINUOUS')),
      // "Use the wildcard ["*"] or specific ARNs."
      IncludeVaults: include ? include.map((name) => vaultArnOf(where, name)) : ['*'],
      ...(exclude && { ExcludeVaults: exclude.map((name) => vaultArnOf(where, name)) }),
      SelectionWindowDays: recoveryPoint.type === 'random-within' ? recoveryPoint.days : LATEST_SELECTION_WINDOW_DAYS,
    },
  };
}

/** CreateRestoreTestingSelection's RestoreTestingSelection: the plan's source, restore role, isolation overrides and window. */
export function restoreTestingSelectionInputOf(plan: RestoreTestingDrillPlan, where: AwsLocation): RestoreTestingSelectionInput {
  const overrides = plan.source.type === 'aws-backup-resource' ? plan.source.restoreMetadata : {};
  return {
    RestoreTestingSelectionName: restoreTestingSelectionNameOf(plan.id),
    ProtectedResourceType: sourceResourceTypeOf(plan.source),
    IamRoleArn: plan.driver.restoreRoleArn,
    ProtectedResourceArns: [protectedResourceArnOf(plan, where)],
    ...(Object.keys(overrides).length > 0 && { RestoreMetadataOverrides: { ...overrides } }),
    ValidationWindowHours: plan.driver.restoreTesting.validationWindowHours,
  };
}

/** The run id (execution name) of a restore testing job's drill: one per job, so a repeated event starts nothing more. */
export const restoreTestingRunIdOf = (restoreJobId: string): string => `rt-${restoreJobId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 80);

/** What AWS Backup restore testing names what it restores ("Restore testing inferred metadata": a random value after it). */
export const RESTORE_TEST_NAME_PREFIX = 'awsbackup-restore-test-';

/** The tags irdr puts on the restore testing plans it keeps. */
export const restoreTestingPlanTagsOf = (plan: DrillPlan): Record<string, string> => ({ [DRILL_PLAN_TAG]: plan.id });

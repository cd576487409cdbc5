import { ControlReference } from './evidence/controls.js';
import * as z from './zod.js';
import { RoleName } from './config-schema.js';
import { DRILL_TABLE_PREFIX } from './drill-naming.js';
import { BACKUP_RESOURCE_TYPES } from './drill/restore.js';
import { RdsDatabaseSource, RdsPitrDriver, RdsSnapshotDriver, SqlAccess, dialectOfEngine, isAuroraEngine } from './drill/rds-plan.js';
import { isolationViolations } from './drill/restore-metadata.js';
import { RESOURCE_TYPE_PROFILES } from './drill/resource-types.js';
import { MAX_SEGMENTS } from './drill/scan-segments.js';
import { SqlCanaryCheck, SqlChecksumCheck, SqlQueryCheck, SqlRowCountCheck, SqlSchemaCheck } from './drill/sql-check.js';
import { readOnlyQuery } from './drill/sql-read-only.js';
import { DRILL_PLAN_ID_PATTERN } from './id-patterns.js';
import { assertScheduleTimezone, parseScheduleExpression } from './schedule/expression.js';

/*
 * Restore drill plans (workflows/drills/*.yaml). A plan says what to restore, how, from which recovery point,
 * what "restored correctly" means (checks), the recovery objectives it is measured against, and who hears of it.
 * One drill state machine runs every plan; the plan travels bundled into the drill functions, named by id.
 */

/** Short: it goes into the restored table's name (`irdr-drill-<planId>-<runId>`), tags and schedule names. */
export const DrillPlanId = z.string().check(z.regex(DRILL_PLAN_ID_PATTERN, 'a plan id is 2-40 lower-case letters, digits and dashes, starting with a letter'));

const ScheduleExpressionText = z.string().check(z.superRefine((text, context) => {
  try {
    const parsed = parseScheduleExpression(text);
    if (parsed.kind === 'at') context.addIssue({ code: 'custom', message: 'a drill repeats: use cron(...) or rate(...), not at(...)' });
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
}));

const TimeZone = z.string().check(z.superRefine((zone, context) => {
  try {
    assertScheduleTimezone(zone);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
}));

export const DrillSchedule = z.strictObject({
  /** EventBridge Scheduler expression: `cron(0 3 ? * MON *)` or `rate(7 days)`. */
  expression: ScheduleExpressionText,
  /** IANA time zone the cron's wall clock is read in. */
  timeZone: z._default(TimeZone, 'UTC'),
  /** Flexible time window: the drill starts at a random moment up to this many minutes after the scheduled time. */
  startWindowMinutes: z._default(z.number().check(z.int(), z.gte(0), z.lte(1440)), 0),
  /** A disabled plan can still be run by hand. */
  enabled: z._default(z.boolean(), true),
});

/** A DynamoDB table, by name (restored by any driver). */
const DynamoDbTableSource = z.strictObject({
  type: z.literal('dynamodb-table'),
  tableName: z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name (3-255 letters, digits, _ . -)'), z.refine((name) => !name.startsWith(DRILL_TABLE_PREFIX), {
    // Made when raised: a template at load is kept (with this schema) in every bundle that imports the module.
    error: () => `a source table cannot carry the drill prefix "${DRILL_TABLE_PREFIX}": drills delete tables with that prefix`,
  })),
});

const TagKey = z.string().check(z.regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, 'a tag key (1-128 characters)'));
const TagValue = z.string().check(z.regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, 'a tag value (0-256 characters)'));

/**
 * Any resource AWS Backup protects, restored through AWS Backup: named by ARN, or chosen at each run among the
 * type's protected resources carrying every tag of `selection` (as a restore testing selection chooses).
 */
const AwsBackupResourceSource = z.strictObject({
  type: z.literal('aws-backup-resource'),
  /** As AWS Backup names it (StartRestoreJob's ResourceType). */
  resourceType: z.enum(BACKUP_RESOURCE_TYPES, { error: `a resource type AWS Backup restores: ${BACKUP_RESOURCE_TYPES.join(', ')}` }),
  resourceArn: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/, 'an ARN'))),
  selection: z.optional(z.strictObject({ tags: z.record(TagKey, TagValue).check(z.refine((tags) => Object.keys(tags).length >= 1, { message: 'select by at least one tag' })) })),
  /** Restore metadata the plan sets over the recovery point's, within what isolation allows (see restore-metadata.ts). */
  restoreMetadata: z._default(z.record(z.string().check(z.minLength(1), z.maxLength(128)), z.string().check(z.maxLength(4096))), {}),
}).check(z.superRefine((source, context) => {
  const profile = RESOURCE_TYPE_PROFILES[source.resourceType];
  if (!profile.drillable) {
    context.addIssue({ code: 'custom', path: ['resourceType'], message: `${source.resourceType} cannot be drilled: ${profile.reason}` });
    return;
  }
  if ((source.resourceArn === undefined) === (source.selection === undefined)) {
    context.addIssue({ code: 'custom', path: ['resourceArn'], message: 'name the source by resourceArn or by selection (tags), exactly one of them' });
  }
  if (source.resourceArn !== undefined && !profile.arnPattern.test(source.resourceArn)) {
    context.addIssue({ code: 'custom', path: ['resourceArn'], message: `${source.resourceArn} is not the ARN of a ${source.resourceType} resource AWS Backup protects` });
  }
  for (const violation of isolationViolations(source.resourceType, source.restoreMetadata)) {
    context.addIssue({ code: 'custom', path: ['restoreMetadata'], message: violation });
  }
}));

/** What a drill restores. */
export const DrillSource = z.discriminatedUnion('type', [DynamoDbTableSource, AwsBackupResourceSource, RdsDatabaseSource]);

const IamRoleArn = z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN'));
const BackupVaultName = z.string().check(z.regex(/^[A-Za-z0-9_.-]{2,50}$/, 'a backup vault name (2-50 letters, digits, _ . -)'));

export const DrillDriver = z.discriminatedUnion('type', [
  /** RestoreTableToPointInTime: the source must have point-in-time recovery on. */
  z.strictObject({ type: z.literal('dynamodb-pitr') }),
  /** RestoreTableFromBackup: `latest` restores the newest on-demand backup; `create` takes one first (and deletes it after). */
  z.strictObject({ type: z.literal('dynamodb-backup'), backup: z._default(z.enum(['latest', 'create']), 'latest') }),
  /** AWS Backup: ListRecoveryPointsByResource, StartRestoreJob (as restoreRoleArn), DescribeRestoreJob. */
  z.strictObject({
    type: z.literal('aws-backup'),
    restoreRoleArn: IamRoleArn,
    /** Only recovery points in this vault (kept for plans written before `vaults`). */
    backupVaultName: z.optional(BackupVaultName),
    /** Recovery points only from these vaults (a logically air-gapped vault included), and never from these. */
    vaults: z.optional(z.strictObject({ include: z.optional(z.array(BackupVaultName).check(z.minLength(1))), exclude: z.optional(z.array(BackupVaultName).check(z.minLength(1))) })),
    /**
     * Snapshot recovery points, continuous ones, or either (as restore testing's RecoveryPointTypes). @default both.
     * No schema default: a plan written before keeps the exact parsed form, and so the plan hash its runs recorded.
     */
    recoveryPointTypes: z.optional(z.array(z.enum(['snapshot', 'continuous'])).check(z.minLength(1))),
    /**
     * Restore through an AWS Backup restore testing plan irdr keeps in step with this plan (restore-testing-plan.ts):
     * AWS Backup starts the restore on the plan's cron, irdr validates on its completion event and reports the verdict.
     * Optional, with no default: plans written before keep their exact parsed form and plan hash.
     */
    restoreTesting: z.optional(z.strictObject({
      /** ValidationWindowHours: how long AWS Backup keeps the restored resource for irdr's checks and hold, then deletes it. */
      validationWindowHours: z.number().check(z.int(), z.gte(1, 'a validation window of 1 to 168 hours'), z.lte(168, 'a validation window of 1 to 168 hours')),
      /** StartWindowHours: how long after the scheduled time the restore may start before AWS Backup cancels it. @default 24 (AWS Backup's) */
      startWindowHours: z.optional(z.number().check(z.int(), z.gte(1), z.lte(168))),
    })),
  }),
  RdsPitrDriver,
  RdsSnapshotDriver,
]);

export const RecoveryPointChoice = z.discriminatedUnion('type', [
  /** The newest restorable point (PITR: LatestRestorableDateTime; backups: the newest). */
  z.strictObject({ type: z.literal('latest') }),
  /** This many minutes before the drill starts (backups: the newest taken at or before then). */
  z.strictObject({ type: z.literal('pitr-offset'), minutes: z.number().check(z.int(), z.gte(1), z.lte(35 * 24 * 60)) }),
  /** A random point in the last `days` days, so drills do not always test the newest data (as restore testing's window). */
  z.strictObject({
    type: z.literal('random-within'),
    days: z.number({ error: 'days is a whole number from 1 to 365' }).check(z.int('days is a whole number from 1 to 365'), z.gte(1, 'a window of 1 to 365 days'), z.lte(365, 'a window of 1 to 365 days')),
  }),
]);

export const RecoveryTargets = z.strictObject({
  /** Recovery time objective: drill start to restored data validated. */
  rtoMinutes: z.number().check(z.int(), z.gte(1), z.lte(7 * 24 * 60)),
  /** Recovery point objective: how much recent data a restore may lack. */
  rpoMinutes: z.number().check(z.int(), z.gte(0), z.lte(35 * 24 * 60)),
});

/** A key value of the source table: strings and numbers (what key attributes can hold, binary aside). */
const KeyValue = z.union([z.string().check(z.minLength(1)), z.number()]);
const AttributeName = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,255}$/, 'an attribute name'));

/** An S3 object key (1-1024 bytes of UTF-8). */
const ObjectKey = z.string().check(z.minLength(1), z.maxLength(1024), z.refine((key) => Buffer.byteLength(key, 'utf8') <= 1024, { message: 'an S3 key is at most 1024 bytes' }));
const ObjectKeyPrefix = z.string().check(z.minLength(1), z.maxLength(1024));
const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'));

// Named, not spread in (`...CheckBase`): esbuild keeps a spread (a possible getter), and with it every schema here, in every bundle.
/** Names the check in results and the report. @default `<type>` (then `<type>-2`, ... when repeated) */
const CheckId = z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/)));

export const DrillCheck = z.discriminatedUnion('type', [
  /**
   * Items in the restored table (a parallel scan, fanned out) vs `expected`, or vs what the recovery point records
   * (a DynamoDB backup's ItemCount, else the source's ItemCount), or vs a scan of the source only if `baseline: source-scan`.
   */
  z.strictObject({
    id: CheckId,
    type: z.literal('item-count'),
    expected: z.optional(z.number().check(z.int(), z.gte(0))),
    tolerancePercent: z._default(z.number().check(z.gte(0), z.lte(100)), 0),
    /** No default, so plans written before it keep their hash: absent means `recovery-point`. */
    baseline: z.optional(z.enum(['recovery-point', 'source-scan', 'counted'])),
    /** baseline counted: the canary writer starts a count of the source this often. @default 1440 (daily) */
    countEveryMinutes: z.optional(z.number().check(z.int(), z.gte(60), z.lte(10_080))),
    /** baseline counted: a count older than this at the recovery point fails the check. @default twice countEveryMinutes */
    maxBaselineAgeMinutes: z.optional(z.number().check(z.int(), z.gte(1), z.lte(20_160))),
    /** Parallel scan segments per table. @default one per 2 GB of the table's size (at least 1) */
    segments: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_SEGMENTS))),
  }),
  /**
   * RPO, measured: a scheduled writer puts one canary item (at `key`) into the source every intervalMinutes, with
   * the time it wrote it; the restored table's canary says how far its data trails the recovery point wanted.
   */
  z.strictObject({
    id: CheckId,
    type: z.literal('canary'),
    key: z.record(AttributeName, KeyValue).check(z.refine((key) => Object.keys(key).length >= 1 && Object.keys(key).length <= 2, {
      message: 'the canary key names the partition key (and sort key, if the table has one)',
    })),
    intervalMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(60)), 5),
  }),
  /** `count` items sampled from the source must be in the restored table, equal. */
  z.strictObject({
    id: CheckId,
    type: z.literal('sample-keys'),
    count: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    /** An attribute holding when an item last changed (ISO 8601): items changed after the recovery point are skipped, not failed. */
    modifiedAtAttribute: z.optional(AttributeName),
  }),
  /** SHA-256 over one partition's items (sort key range optional), restored vs source (or vs a recorded hash). */
  z.strictObject({
    id: CheckId,
    type: z.literal('checksum'),
    partitionKeyValue: KeyValue,
    sortKeyRange: z.optional(z.strictObject({ from: KeyValue, to: KeyValue })),
    /** `source`: the same range in the source now (for data that must not change); or a hex SHA-256 recorded earlier. */
    expected: z._default(z.union([z.literal('source'), z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'))]), 'source'),
  }),
  /** S3: objects and total bytes (under `prefix`) vs `expected`, or vs the source at the recovery point (its version listing). */
  z.strictObject({
    id: CheckId,
    type: z.literal('object-count'),
    prefix: z.optional(ObjectKeyPrefix),
    expected: z.optional(z.strictObject({ objects: z.number().check(z.int(), z.gte(0)), bytes: z.number().check(z.int(), z.gte(0)) })),
    tolerancePercent: z._default(z.number().check(z.gte(0), z.lte(100)), 0),
    /** Key ranges each bucket is listed in, one Map iteration each. @default up to 16, cut at the prefix's top-level folders (one below 1000 objects) */
    segments: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_SEGMENTS))),
  }),
  /**
   * S3: `count` keys sampled from the source as it stood at the recovery point, each compared by SHA-256 with the
   * restored object; and each `pinned` key must be restored holding exactly the bytes whose SHA-256 the plan states.
   */
  z.strictObject({
    id: CheckId,
    type: z.literal('sample-objects'),
    prefix: z.optional(ObjectKeyPrefix),
    count: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    pinned: z.optional(z.record(ObjectKey, Sha256Hex)),
  }),
  /** S3: one SHA-256 over a prefix's keys and objects, restored vs the source at the recovery point (or a recorded digest). */
  z.strictObject({
    id: CheckId,
    type: z.literal('prefix-checksum'),
    prefix: ObjectKeyPrefix,
    expected: z._default(z.union([z.literal('source'), Sha256Hex]), 'source'),
    /** Key ranges, as for object-count; a recorded digest is over the whole prefix, so it is always listed as one. @default up to 16 */
    segments: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_SEGMENTS))),
  }),
  /** S3: RPO, measured: a scheduled writer puts the canary object at `key` into the source bucket every intervalMinutes. */
  z.strictObject({
    id: CheckId,
    type: z.literal('canary-object'),
    key: ObjectKey,
    intervalMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(60)), 5),
  }),
  /** A Lambda function you own: it receives the restored table and returns `{ passed, details }`. */
  z.strictObject({
    id: CheckId,
    type: z.literal('custom'),
    functionName: z.string().check(z.regex(/^[A-Za-z0-9_:.-]{1,140}$/, 'a Lambda function name or ARN')),
    description: z.optional(z.string().check(z.maxLength(200))),
  }),
  /** SQL against the restored database (RDS/Aurora): row counts, checksums, schema, the canary row, a query's verdict. */
  SqlRowCountCheck,
  SqlChecksumCheck,
  SqlSchemaCheck,
  SqlCanaryCheck,
  SqlQueryCheck,
]);

export const DrillPolling = z.discriminatedUnion('strategy', [
  /** Waits that start short and double up to a cap set by the RTO target: few state transitions, bounded error. */
  z.strictObject({ strategy: z.literal('adaptive') }),
  /** A fixed interval (what a hand-written poll loop does). */
  z.strictObject({ strategy: z.literal('fixed'), intervalSeconds: z.number().check(z.int(), z.gte(1), z.lte(3600)) }),
]);

export const DrillRecipients = z.strictObject({ roles: z.optional(z.array(RoleName).check(z.minLength(1))), addresses: z.optional(z.array(z.email()).check(z.minLength(1))) }).check(z.refine((to) => to.roles !== undefined || to.addresses !== undefined, { message: 'name roles, addresses, or both' }));

export const DrillPlan = z.strictObject({
  id: DrillPlanId,
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string().check(z.maxLength(2000))),
  /** Who answers for this drill (its report goes to them too). */
  owner: z.email(),
  schedule: DrillSchedule,
  source: DrillSource,
  driver: DrillDriver,
  recoveryPoint: z._default(RecoveryPointChoice, { type: 'latest' }),
  targets: RecoveryTargets,
  checks: z.array(DrillCheck).check(z.minLength(1, 'a drill proves the data is right: name at least one check'), z.maxLength(20)),
  /** RDS/Aurora: how the SQL checks reach the restored database (and the source). */
  sqlAccess: z.optional(SqlAccess),
  /** Keep the restored table this long after the checks (for a person to look) before cleanup. */
  holdMinutes: z._default(z.number().check(z.int(), z.gte(0), z.lte(10080)), 0),
  polling: z._default(DrillPolling, { strategy: 'adaptive' }),
  /** Give up waiting for the restore after this long. @default twice the RTO target */
  restoreTimeoutMinutes: z.optional(z.number().check(z.int(), z.gte(1), z.lte(14 * 24 * 60))),
  recipients: DrillRecipients,
  /** Controls this drill evidences, e.g. `SOC2 A1.3`, `ISO27001 A.8.13`. */
  controls: z.array(ControlReference).check(z.minLength(1)),
  /** The runbook a failed drill starts. */
  failureRunbookId: z._default(z.string(), 'dr-drill-failure'),
}).check(z.superRefine((plan, context) => {
  const ids = new Set<string>();
  plan.checks.forEach((check, index) => {
    const id = checkIdOf(plan.checks, index);
    if (ids.has(id)) context.addIssue({ code: 'custom', path: ['checks', index, 'id'], message: `check id "${id}" is used twice` });
    ids.add(id);
  });
  if (plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'create' && plan.recoveryPoint.type !== 'latest') {
    context.addIssue({ code: 'custom', path: ['recoveryPoint'], message: 'a backup the drill creates is the latest point: use recoveryPoint { type: latest }' });
  }
  for (const issue of sourceDriverIssues(plan.source, plan.driver, plan.recoveryPoint, plan.checks)) context.addIssue({ code: 'custom', ...issue });
  for (const issue of sqlCheckIssues(plan.source, plan.checks, plan.sqlAccess)) context.addIssue({ code: 'custom', ...issue });
  for (const issue of restoreTestingIssues(plan)) context.addIssue({ code: 'custom', ...issue });
  if (plan.restoreTimeoutMinutes !== undefined && plan.restoreTimeoutMinutes < plan.targets.rtoMinutes) {
    context.addIssue({ code: 'custom', path: ['restoreTimeoutMinutes'], message: 'wait at least the RTO target, or a slow restore could never be measured' });
  }
}));

/** What a plan restored through an AWS Backup restore testing plan must say, and why (restore-testing-plan.ts maps it). */
function restoreTestingIssues(plan: {
  readonly schedule: z.infer<typeof DrillSchedule>;
  readonly source: z.infer<typeof DrillSource>;
  readonly driver: z.infer<typeof DrillDriver>;
  readonly recoveryPoint: z.infer<typeof RecoveryPointChoice>;
  readonly holdMinutes: number;
}): { path: (string | number)[]; message: string }[] {
  if (plan.driver.type !== 'aws-backup' || plan.driver.restoreTesting === undefined) return [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (!/^cron\(/.test(plan.schedule.expression.trim())) {
    issues.push({ path: ['schedule', 'expression'], message: 'a restore testing plan runs on a cron expression (its ScheduleExpression): write the schedule as cron(...)' });
  }
  if (plan.schedule.startWindowMinutes > 0) {
    issues.push({ path: ['schedule', 'startWindowMinutes'], message: 'AWS Backup starts restore testing at the scheduled time: set startWindowMinutes to 0 (driver.restoreTesting.startWindowHours bounds how late it may start)' });
  }
  if (plan.source.type === 'aws-backup-resource' && plan.source.resourceArn === undefined) {
    issues.push({ path: ['source', 'resourceArn'], message: 'the restore testing selection irdr keeps names one protected resource: name the source by resourceArn, not by tags' });
  }
  if (plan.source.type === 'aws-backup-resource' && isDatabaseType(plan.source.resourceType)) {
    issues.push({
      path: ['driver', 'restoreTesting'],
      message: `restore testing restores an ${plan.source.resourceType} database into the network AWS Backup infers, and an Aurora cluster without an instance: drill it with the aws-backup driver without restoreTesting (irdr restores it into the drill network and adds the instance)`,
    });
  }
  if (plan.recoveryPoint.type === 'pitr-offset') {
    issues.push({ path: ['recoveryPoint', 'type'], message: 'restore testing chooses the latest point or a random one within a window of days: use latest or random-within' });
  }
  if (plan.driver.restoreTesting.validationWindowHours * 60 < plan.holdMinutes + 60) {
    issues.push({
      path: ['driver', 'restoreTesting', 'validationWindowHours'],
      message: `AWS Backup deletes the restore when the validation window ends: make it at least an hour longer than holdMinutes (${plan.holdMinutes} minutes), so the checks and the hold finish first`,
    });
  }
  return issues;
}

/** DynamoDB point-in-time recovery keeps 35 days at most. */
const PITR_WINDOW_MAX_DAYS = 35;
/** Checks that read a DynamoDB table by key or scan it. */
const TABLE_CHECKS: ReadonlySet<DrillCheck['type']> = new Set(['item-count', 'canary', 'sample-keys', 'checksum']);
/** Checks that read S3 objects (restored bucket, and the source's versions). */
export const OBJECT_CHECKS: ReadonlySet<DrillCheck['type']> = new Set(['object-count', 'sample-objects', 'prefix-checksum', 'canary-object']);

/** Where a plan's source, driver, recovery point and checks do not fit together, and why. */
function sourceDriverIssues(
  source: z.infer<typeof DrillSource>,
  driver: z.infer<typeof DrillDriver>,
  recoveryPoint: z.infer<typeof RecoveryPointChoice>,
  checks: readonly DrillCheck[],
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (source.type === 'rds-database' && driver.type !== 'rds-pitr' && driver.type !== 'rds-snapshot') {
    issues.push({ path: ['driver', 'type'], message: `an rds-database source is restored by the rds-pitr or rds-snapshot driver, not ${driver.type} (or name it as an aws-backup-resource to restore it through AWS Backup)` });
  }
  if ((driver.type === 'rds-pitr' || driver.type === 'rds-snapshot') && source.type !== 'rds-database') {
    issues.push({ path: ['driver', 'type'], message: `the ${driver.type} driver restores an rds-database source, not ${source.type}` });
  }
  if (driver.type === 'rds-pitr' && recoveryPoint.type === 'random-within' && recoveryPoint.days > PITR_WINDOW_MAX_DAYS) {
    issues.push({ path: ['recoveryPoint', 'days'], message: `RDS keeps automated backups at most ${PITR_WINDOW_MAX_DAYS} days: a window of 1 to ${PITR_WINDOW_MAX_DAYS} days` });
  }
  if (source.type === 'aws-backup-resource' && driver.type !== 'aws-backup') {
    issues.push({ path: ['driver', 'type'], message: `an aws-backup-resource source is restored by the aws-backup driver, not ${driver.type}` });
  }
  if (driver.type === 'dynamodb-pitr' && recoveryPoint.type === 'random-within' && recoveryPoint.days > PITR_WINDOW_MAX_DAYS) {
    issues.push({ path: ['recoveryPoint', 'days'], message: `point-in-time recovery keeps at most ${PITR_WINDOW_MAX_DAYS} days: a window of 1 to ${PITR_WINDOW_MAX_DAYS} days` });
  }
  if (driver.type === 'aws-backup' && driver.backupVaultName !== undefined && driver.vaults !== undefined) {
    issues.push({ path: ['driver', 'vaults'], message: 'name vaults by backupVaultName or by vaults, not both' });
  }
  const excluded = new Set(driver.type === 'aws-backup' ? (driver.vaults?.exclude ?? []) : []);
  for (const vault of driver.type === 'aws-backup' ? (driver.vaults?.include ?? []) : []) {
    if (excluded.has(vault)) issues.push({ path: ['driver', 'vaults'], message: `vault ${vault} is both included and excluded` });
  }
  checks.forEach((check, index) => {
    if (check.type === 'item-count' && check.expected !== undefined && check.baseline !== undefined) {
      issues.push({ path: ['checks', index, 'baseline'], message: 'an item-count with expected is held to that number: drop baseline, or drop expected to compare with the recovery point or a scan of the source' });
    }
    if (check.type === 'item-count' && check.baseline !== 'counted' && (check.countEveryMinutes !== undefined || check.maxBaselineAgeMinutes !== undefined)) {
      issues.push({ path: ['checks', index, 'baseline'], message: 'countEveryMinutes and maxBaselineAgeMinutes belong to baseline: counted: set it, or drop them' });
    }
    if (check.type === 'item-count' && check.baseline === 'counted' && !checks.some((other) => other.type === 'canary')) {
      issues.push({ path: ['checks', index, 'baseline'], message: 'baseline: counted is counted by the canary writer on its schedule: add a canary check to the plan' });
    }
    if (check.type === 'item-count' && check.baseline === 'counted' && sourceTableNameOf(source) === undefined) {
      issues.push({ path: ['checks', index, 'baseline'], message: 'baseline: counted needs the source table before any run: name it by tableName or resourceArn, not by tags' });
    }
    if (check.type === 'canary' && sourceTableNameOf(source) === undefined) {
      issues.push({ path: ['checks', index, 'type'], message: 'the canary writer needs the source table before any run: name it by tableName or resourceArn, not by tags' });
    }
  });
  const sourceType = sourceResourceTypeOf(source);
  checks.forEach((check, index) => {
    if (TABLE_CHECKS.has(check.type) && sourceType !== 'DynamoDB') {
      const instead = sourceType === 'S3' ? `object-count, sample-objects, prefix-checksum, canary-object or custom` : isDatabaseType(sourceType) ? SQL_INSTEAD : 'a custom check';
      issues.push({ path: ['checks', index, 'type'], message: `${check.type} reads a DynamoDB table; a ${sourceType} restore is checked by ${instead}` });
    }
    if (OBJECT_CHECKS.has(check.type) && sourceType !== 'S3') {
      issues.push({ path: ['checks', index, 'type'], message: `${check.type} reads S3 objects; a ${sourceType} restore has none: use ${sourceType === 'DynamoDB' ? 'item-count, sample-keys, checksum, canary or custom' : isDatabaseType(sourceType) ? SQL_INSTEAD : 'a custom check'}` });
    }
    if (check.type === 'canary-object' && sourceBucketNameOf(source) === undefined) {
      issues.push({ path: ['checks', index, 'type'], message: 'the canary writer needs the source bucket before any run: name it by resourceArn, not by tags' });
    }
  });
  return issues;
}

const SQL_INSTEAD = 'sql-row-count, sql-checksum, sql-schema, sql-canary, sql-query or custom';
const isDatabaseType = (type: string): boolean => type === 'RDS' || type === 'Aurora';
/** Checks that run SQL against a restored RDS/Aurora database. */
export const SQL_CHECKS: ReadonlySet<DrillCheck['type']> = new Set(['sql-row-count', 'sql-checksum', 'sql-schema', 'sql-canary', 'sql-query']);

/** The source's resource type as AWS Backup names it (an rds-database: Aurora for aurora-* engines, else RDS). */
export function sourceResourceTypeOf(source: z.infer<typeof DrillSource>): z.infer<typeof AwsBackupResourceSource>['resourceType'] {
  if (source.type === 'dynamodb-table') return 'DynamoDB';
  if (source.type === 'rds-database') return isAuroraEngine(source.engine) ? 'Aurora' : 'RDS';
  return source.resourceType;
}

/** Where SQL checks do not fit the source or lack the way to reach the database, and why. */
function sqlCheckIssues(source: z.infer<typeof DrillSource>, checks: readonly DrillCheck[], sqlAccess: SqlAccess | undefined): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const sourceType = sourceResourceTypeOf(source);
  const sqlChecks = checks.flatMap((check, index) => (SQL_CHECKS.has(check.type) ? [{ check, index }] : []));
  for (const { check, index } of sqlChecks) {
    if (!isDatabaseType(sourceType)) {
      issues.push({ path: ['checks', index, 'type'], message: `${check.type} runs SQL against a restored database; a ${sourceType} restore has none` });
    }
    if (check.type === 'sql-canary' && check.writerSecretArn === undefined) {
      issues.push({ path: ['checks', index, 'writerSecretArn'], message: "the canary writer writes into the source: name the secret of a user that may write the canary table (writerSecretArn); the checks' user only reads" });
    }
    if (check.type === 'sql-canary' && check.writerSecretArn !== undefined && check.writerSecretArn === sqlAccess?.secretArn) {
      issues.push({ path: ['checks', index, 'writerSecretArn'], message: "the canary writer's secret is the checks' secret: the checks' user should only read (SELECT), so give the writer its own" });
    }
    // The canary writers know an rds-database source's engine and identifier; an AWS Backup resource names neither.
    if (check.type === 'sql-canary' && source.type === 'aws-backup-resource') {
      issues.push({ path: ['checks', index, 'type'], message: 'the SQL canary is written into rds-database sources only: to measure RPO by canary, drill this database as an rds-database source (rds-pitr or rds-snapshot); through AWS Backup, remove sql-canary (the RPO is then how far the recovery point lies before the point asked for)' });
    }
  }
  if (!isDatabaseType(sourceType)) {
    if (sqlAccess !== undefined) issues.push({ path: ['sqlAccess'], message: `sqlAccess reaches a restored database; a ${sourceType} restore has none: remove it` });
    return issues;
  }
  if (sqlChecks.length > 0 && sqlAccess === undefined) {
    issues.push({ path: ['sqlAccess'], message: 'SQL checks need sqlAccess: via (data-api for Aurora PostgreSQL with the Data API, wire otherwise) and the secretArn of the user they run as' });
  }
  if (sqlAccess?.via === 'data-api') {
    const engine = source.type === 'rds-database' ? source.engine : undefined;
    if (sourceType !== 'Aurora' || (engine !== undefined && engine !== 'aurora-postgresql')) {
      issues.push({ path: ['sqlAccess', 'via'], message: `the checks' Data API transport is for Aurora PostgreSQL; a ${engine ?? sourceType} database is checked over the wire: via: wire` });
    }
  }
  // A MySQL database reads the plan's text as MySQL does (the schema read it as Postgres), and cannot cast a row to text.
  if (sqlDialectOf(source) === 'mysql') {
    for (const { check, index } of sqlChecks) {
      // The scheduled canary writer (WriteDrillCanary) speaks Postgres only: a MySQL canary would never be written.
      if (check.type === 'sql-canary') issues.push({ path: ['checks', index, 'type'], message: 'the SQL canary writer speaks Postgres only: on a MySQL database, measure RPO otherwise (remove sql-canary)' });
      if (check.type !== 'sql-checksum' && check.type !== 'sql-query') continue;
      const verdict = readOnlyQuery(check.query, 'mysql');
      if (!verdict.ok) issues.push({ path: ['checks', index, 'query'], message: `as MySQL reads it: ${verdict.reason}` });
      if (check.type === 'sql-checksum' && check.columns === undefined) {
        issues.push({ path: ['checks', index, 'columns'], message: 'a MySQL checksum names the result columns it hashes (columns): MySQL cannot cast a row to text' });
      }
    }
  }
  const expectsSource = checks.some((check) => (check.type === 'sql-row-count' || check.type === 'sql-checksum') && check.expected === 'source');
  if (expectsSource && sqlAccess !== undefined && sqlAccess.compareWithSource !== true) {
    issues.push({ path: ['sqlAccess', 'compareWithSource'], message: 'a check compares with the source (expected: source): set compareWithSource: true so the drill reads the source, read-only' });
  }
  return issues;
}

/** The SQL dialect of a database source (aws-backup RDS/Aurora sources: Postgres, the only engine the transports speak). */
export function sqlDialectOf(source: z.infer<typeof DrillSource>) {
  return source.type === 'rds-database' ? dialectOfEngine(source.engine) : 'postgres';
}

/** The source table's name when the plan names one (a table source, or a DynamoDB source by ARN); undefined otherwise. */
export function sourceTableNameOf(source: z.infer<typeof DrillSource>): string | undefined {
  if (source.type === 'dynamodb-table') return source.tableName;
  if (source.type !== 'aws-backup-resource' || source.resourceType !== 'DynamoDB' || source.resourceArn === undefined) return undefined;
  return source.resourceArn.slice(source.resourceArn.indexOf(':table/') + ':table/'.length);
}

/** The source bucket's name when the plan names an S3 source by ARN; undefined otherwise. */
export function sourceBucketNameOf(source: z.infer<typeof DrillSource>): string | undefined {
  if (source.type !== 'aws-backup-resource' || source.resourceType !== 'S3' || source.resourceArn === undefined) return undefined;
  return source.resourceArn.slice(source.resourceArn.lastIndexOf(':') + 1);
}

export type DrillPlan = z.infer<typeof DrillPlan>;
export type DrillSource = z.infer<typeof DrillSource>;
export type DrillCheck = z.infer<typeof DrillCheck>;
export type DrillDriver = z.infer<typeof DrillDriver>;
export type RecoveryPointChoice = z.infer<typeof RecoveryPointChoice>;
export type RecoveryTargets = z.infer<typeof RecoveryTargets>;

/** A check's id as results name it: its own, or its type (numbered from the second of a type on). */
export function checkIdOf(checks: readonly DrillCheck[], index: number): string {
  const check = checks[index];
  if (!check) throw new Error(`no check at ${index}`);
  if (check.id) return check.id;
  const sameTypeBefore = checks.slice(0, index).filter((other) => other.type === check.type && !other.id).length;
  return sameTypeBefore === 0 ? check.type : `${check.type}-${sameTypeBefore + 1}`;
}

/** How long to wait for the restore before calling it timed out. */
export const restoreTimeoutMinutesOf = (plan: DrillPlan): number => plan.restoreTimeoutMinutes ?? plan.targets.rtoMinutes * 2;

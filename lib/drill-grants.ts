import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../functions/domain/drill-naming.js';
import type { FunctionPermission } from '../functions/registry.js';
import { OBJECT_CHECKS, sourceBucketNameOf, sourceResourceTypeOf, sourceTableNameOf, type DrillPlan } from '../functions/domain/drill-plan-schema.js';
import type { BackupResourceType } from '../functions/domain/drill/restore.js';
import { checksRunInOf } from '../functions/domain/drill/rds-plan.js';
import { irdrConfig } from '../functions/config.js';
import { isRestoreTestingPlan, RESTORE_TEST_NAME_PREFIX as RESTORE_TEST_PREFIX } from '../functions/domain/drill/restore-testing-plan.js';
import { rdsDrillStatements } from './drill-grants-rds.js';
import { scansSource } from '../functions/domain/drill/item-count-baseline.js';

/** The drill permissions this file turns into statements (drills:start is the state machine's own grant). */
export type DrillDataPermission = Extract<
  FunctionPermission,
  | 'drills:inspect-source'
  | 'drills:restore'
  | 'drills:inspect-restore'
  | 'drills:read-data'
  | 'drills:read-database-wire'
  | 'drills:count-data'
  | 'drills:cleanup'
  | 'drills:canary'
  | 'drills:canary-wire'
  | 'drills:abort'
  | 'drills:report-validation'
  | 'drills:keep-restore-wait'
  | 'drills:read-restore-testing-job'
>;

export const DRILL_DATA_PERMISSIONS: readonly DrillDataPermission[] = [
  'drills:inspect-source',
  'drills:restore',
  'drills:inspect-restore',
  'drills:read-data',
  'drills:read-database-wire',
  'drills:count-data',
  'drills:cleanup',
  'drills:canary',
  'drills:canary-wire',
  'drills:abort',
  'drills:report-validation',
  'drills:keep-restore-wait',
  'drills:read-restore-testing-job',
];

/**
 * What AWS documents a restore needs on the table it creates: DynamoDB writes the restored items with the
 * caller's permissions, so RestoreTableToPointInTime / RestoreTableFromBackup need these on the target table
 * ("Using IAM with DynamoDB backup and restore", DynamoDB Developer Guide). Granted on drill-prefixed tables only.
 */
export const RESTORE_TARGET_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:BatchWriteItem',
] as const;

/** One statement, and why its wildcard resources (if any) are the narrowest AWS allows. */
interface DrillStatement {
  readonly statement: PolicyStatement;
  /** Required when a resource contains `*`: becomes the reason of its acknowledged AwsSolutions-IAM5 finding. */
  readonly wildcardReason?: string;
}

const WHY_DRILL_TABLES =
  'Drill tables are created at run time, one per run, named irdr-drill-<planId>-<runId>: the prefix is the narrowest ' +
  'resource IAM can name, and source tables cannot carry it (the plan schema rejects a source with the drill prefix).';
const WHY_BACKUPS =
  'DynamoDB backup ARNs (<table ARN>/backup/<id>) are created at run time: the wildcard is limited to the backups of ' +
  "the plans' own source tables.";
const WHY_RECOVERY_POINTS =
  'AWS Backup recovery point ids are created by backup jobs and cannot be known at deploy time: the wildcard is limited ' +
  'to recovery points in this account and region.';
const WHY_NO_RESOURCE_LEVEL =
  'AWS supports no resource-level permission for these actions (dynamodb:ListBackups, backup:ListRecoveryPointsByResource, ' +
  'backup:DescribeRestoreJob, backup:PutRestoreValidationResult have no resource type in the Service Authorization Reference): ' +
  'Resource "*" is required.';

const WHY_RESTORED_BY_ID =
  'A restored EFS file system, EBS volume or EC2 instance gets its id from AWS when the restore runs: the wildcard is ' +
  'limited to the resource type; tags may be written only with the drill tag keys, and a delete needs the drill run tag, ' +
  'which irdr puts on only after DescribeRestoreJob names the resource as the one its job created.';
const WHY_SOURCE_OBJECTS =
  'Drill S3 object checks read any object of the source bucket the plan names (keys are sampled at run time): read-only, that bucket only.';
const WHY_DRILL_BUCKETS =
  'Restored buckets are created at run time, one per run, named irdr-drill-<planId>-<runId>: the prefix is the narrowest ' +
  'resource IAM can name (S3 bucket actions have no resource-tag condition).';
const WHY_RESTORE_TEST_RESOURCES =
  'AWS Backup restore testing names what it restores itself (awsbackup-restore-test-<random>) and deletes it after the ' +
  'validation window: the prefix is the narrowest resource IAM can name; the drill only reads it (no tag, no delete).';
const WHY_NO_RESOURCE_LEVEL_RESTORED =
  'AWS supports no resource-level permission for these actions (ec2:DescribeVolumes, ec2:DescribeInstances, ' +
  'backup:DescribeProtectedResource, backup:ListProtectedResources, tag:GetResources): Resource "*" is required.';

/** Builds every drill statement for one stack from the plans; nothing here knows a handler's insides. */
export class DrillGrants {
  private readonly stack: Stack;

  constructor(
    scope: IConstruct,
    public readonly plans: readonly DrillPlan[],
  ) {
    this.stack = Stack.of(scope);
  }

  /** A DynamoDB table of this stack's account and region. */
  public tableArn(tableName: string): string {
    return this.stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
  }

  /** Every table a drill may create: `table/irdr-drill-*`. */
  public get drillTablesArn(): string {
    return this.tableArn(`${DRILL_TABLE_PREFIX}*`);
  }

  /** The on-demand backups of a table: `<table ARN>/backup/*`. */
  public backupsArn(tableName: string): string {
    return this.tableArn(`${tableName}/backup/*`);
  }

  /** AWS Backup recovery points of this account and region. */
  public get recoveryPointsArn(): string {
    return this.stack.formatArn({ service: 'backup', resource: 'recovery-point', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /** Restored resources of a type AWS names by id (`file-system/*`, `volume/*`, `instance/*`). */
  public restoredByIdArn(service: 'elasticfilesystem' | 'ec2', resource: 'file-system' | 'volume' | 'instance'): string {
    return this.stack.formatArn({ service, resource, resourceName: '*' });
  }

  /** A bucket by name: `arn:<partition>:s3:::<bucket>`. */
  public bucketArn(bucket: string): string {
    return this.stack.formatArn({ service: 's3', region: '', account: '', resource: bucket, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  }

  /** Every bucket a drill may restore into, and their objects: `irdr-drill-*`. */
  public get drillBucketArns(): { readonly buckets: string; readonly objects: string } {
    const buckets = this.stack.formatArn({ service: 's3', region: '', account: '', resource: `${DRILL_TABLE_PREFIX}*`, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    return { buckets, objects: `${buckets}/*` };
  }

  /** A Lambda function named by a plan: an ARN as is, a bare name (optionally `:qualifier`) in this account and region. */
  public functionArn(functionName: string): string {
    if (functionName.startsWith('arn:')) return functionName;
    if (/^\d{12}:function:/.test(functionName)) return `arn:${this.stack.partition}:lambda:${this.stack.region}:${functionName}`;
    return this.stack.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /** The statements behind one drills:* permission; none when no plan needs it. */
  public statements(permission: DrillDataPermission): PolicyStatement[] {
    return this.drillStatements(permission).map((entry) => entry.statement);
  }

  /**
   * Adds the statements behind `permission` to the role, and acknowledges each wildcard resource they hold
   * (AwsSolutions-IAM5) on that role only, with its reason.
   */
  public grant(role: IRole, permission: DrillDataPermission): void {
    for (const { statement, wildcardReason } of this.drillStatements(permission)) {
      role.addToPrincipalPolicy(statement);
      for (const resource of statement.resources.filter((candidate) => candidate.includes('*'))) {
        if (!wildcardReason) throw new Error(`${permission}: wildcard resource ${resource} without a reason`);
        Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${this.nagResource(resource)}]`, reason: wildcardReason });
      }
    }
  }

  private drillStatements(permission: DrillDataPermission): DrillStatement[] {
    const plans = this.plans;
    const tableNamesOf = (chosen: readonly DrillPlan[]) => chosen.flatMap((plan) => { const name = sourceTableNameOf(plan.source); return name === undefined ? [] : [name]; });
    const sources = unique(tableNamesOf(plans).map((name) => this.tableArn(name)));
    const pitrSources = unique(tableNamesOf(plans.filter((plan) => plan.driver.type === 'dynamodb-pitr')).map((name) => this.tableArn(name)));
    const backupPlans = plans.filter((plan) => plan.driver.type === 'dynamodb-backup');
    const backupsOfBackupPlans = unique(tableNamesOf(backupPlans).map((name) => this.backupsArn(name)));
    // Only `backup: latest` looks for existing backups; `create` takes its own.
    const listingPlans = backupPlans.filter((plan) => plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'latest');
    const creatingPlans = backupPlans.filter((plan) => plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'create');
    const creatingSources = unique(tableNamesOf(creatingPlans).map((name) => this.tableArn(name)));
    const backupsTakenByDrills = unique(tableNamesOf(creatingPlans).map((name) => this.backupsArn(name)));
    const awsBackupPlans = plans.filter((plan) => plan.driver.type === 'aws-backup');
    const restoreRoles = unique(awsBackupPlans.flatMap((plan) => (plan.driver.type === 'aws-backup' ? [plan.driver.restoreRoleArn] : [])));
    const resourcePlans = plans.flatMap((plan) => (plan.source.type === 'aws-backup-resource' ? [plan.source] : []));
    const types = new Set<BackupResourceType>(resourcePlans.map((source) => source.resourceType));
    const restoredOf = (type: BackupResourceType, arn: string) => (types.has(type) ? [arn] : []);
    const fileSystems = restoredOf('EFS', this.restoredByIdArn('elasticfilesystem', 'file-system'));
    const volumes = [...restoredOf('EBS', this.restoredByIdArn('ec2', 'volume')), ...restoredOf('EC2', this.restoredByIdArn('ec2', 'volume'))].slice(0, 1);
    const instances = restoredOf('EC2', this.restoredByIdArn('ec2', 'instance'));
    const buckets = restoredOf('S3', this.drillBucketArns.buckets);
    const bucketObjects = restoredOf('S3', this.drillBucketArns.objects);
    // A claim writes exactly the drill's tags (and the run tag always); a delete needs the run tag on the resource.
    const drillTagWrites = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Name', DRILL_RUN_TAG, DRILL_PLAN_TAG] }, Null: { [`aws:RequestTag/${DRILL_RUN_TAG}`]: 'false' } };
    const runTagged = { Null: { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: 'false' } };
    // Drill tables only where a plan restores a table: plans of other types never touch DynamoDB.
    const restoresTables = plans.some((plan) => sourceResourceTypeOf(plan.source) === 'DynamoDB');
    const drillTables = restoresTables ? [this.drillTablesArn] : [];
    const recoveryPoints = awsBackupPlans.length > 0 ? [this.recoveryPointsArn] : [];
    // What restore testing jobs restore for plans that go through them: read to validate, never tagged or deleted.
    const restoreTestingPlans = plans.filter(isRestoreTestingPlan);
    const restoreTestTables = restoreTestingPlans.some((plan) => sourceResourceTypeOf(plan.source) === 'DynamoDB') ? [this.tableArn(`${RESTORE_TEST_PREFIX}*`)] : [];
    const restoreTestBucket = this.stack.formatArn({ service: 's3', region: '', account: '', resource: `${RESTORE_TEST_PREFIX}*`, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    const restoreTestBuckets = restoreTestingPlans.some((plan) => sourceResourceTypeOf(plan.source) === 'S3') ? [restoreTestBucket] : [];
    // Source buckets named by ARN whose plans read objects (object checks); a bucket chosen by tags is named only at run time.
    const objectCheckedSourceBuckets = unique(
      plans.flatMap((plan) => { const bucket = sourceBucketNameOf(plan.source); return bucket !== undefined && plan.checks.some((check) => OBJECT_CHECKS.has(check.type)) ? [bucket] : []; }),
    );

    const rangeListedPlans = plans.filter((plan) => plan.checks.some((check) => check.type === 'object-count' || check.type === 'prefix-checksum'));
    const rangeHashedPlans = plans.filter((plan) => plan.checks.some((check) => check.type === 'prefix-checksum'));
    const sourceBucketsOf = (chosen: readonly DrillPlan[], compares: (check: DrillPlan['checks'][number]) => boolean) =>
      unique(chosen.flatMap((plan) => { const bucket = sourceBucketNameOf(plan.source); return bucket !== undefined && plan.checks.some(compares) ? [bucket] : []; }));
    const rangeListedSources = sourceBucketsOf(rangeListedPlans, (check) => (check.type === 'object-count' && check.expected === undefined) || (check.type === 'prefix-checksum' && check.expected === 'source'));
    const rangeHashedSources = sourceBucketsOf(rangeHashedPlans, (check) => check.type === 'prefix-checksum' && check.expected === 'source');
    const itemCountPlans = plans.filter((plan) => plan.checks.some((check) => check.type === 'item-count'));
    const countsTables = itemCountPlans.length > 0;
    const sizedSources = unique(tableNamesOf(itemCountPlans).map((name) => this.tableArn(name)));
    const countedSources = unique(tableNamesOf(itemCountPlans.filter((plan) => plan.checks.some((check) => check.type === 'item-count' && scansSource(check)))).map((name) => this.tableArn(name)));
    const countedBackups = unique(tableNamesOf(itemCountPlans.filter((plan) => plan.driver.type === 'dynamodb-backup' || plan.driver.type === 'aws-backup')).map((name) => this.backupsArn(name)));

    const entries: DrillStatement[] = [];
    const allow = (actions: readonly string[], resources: readonly string[], wildcardReason?: string, conditions?: Record<string, unknown>) => {
      if (resources.length === 0) return;
      entries.push({ statement: new PolicyStatement({ actions: [...actions], resources: [...resources], conditions }), wildcardReason });
    };
    const anywhere = (condition: boolean) => (condition ? ['*'] : []);
    const customCheckFunctions = (chosen: readonly DrillPlan[]) => unique(chosen.flatMap((plan) => plan.checks.flatMap((check) => (check.type === 'custom' ? [this.functionArn(check.functionName)] : []))));

    switch (permission) {
      case 'drills:inspect-source':
        allow(['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups'], sources);
        allow(['dynamodb:ListBackups'], anywhere(listingPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        allow(['backup:ListRecoveryPointsByResource'], anywhere(awsBackupPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        allow(['backup:DescribeProtectedResource'], anywhere(resourcePlans.length > 0), WHY_NO_RESOURCE_LEVEL_RESTORED);
        allow(['backup:ListProtectedResources', 'tag:GetResources'], anywhere(resourcePlans.some((source) => source.selection !== undefined)), WHY_NO_RESOURCE_LEVEL_RESTORED);
        break;
      case 'drills:restore':
        allow(['dynamodb:RestoreTableToPointInTime'], pitrSources);
        allow(['dynamodb:RestoreTableFromBackup'], backupsOfBackupPlans, WHY_BACKUPS);
        allow(['dynamodb:CreateBackup'], creatingSources);
        allow(['dynamodb:DescribeBackup'], backupsTakenByDrills, WHY_BACKUPS);
        allow(RESTORE_TARGET_ACTIONS, drillTables, WHY_DRILL_TABLES);
        // The restore job's metadata is read from the recovery point as the restore starts (StartDrillRestore), not in preflight.
        allow(['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob'], recoveryPoints, WHY_RECOVERY_POINTS);
        allow(['iam:PassRole'], restoreRoles, undefined, { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } });
        allow(['backup:DescribeRestoreJob'], anywhere(awsBackupPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        break;
      case 'drills:inspect-restore':
        allow(['dynamodb:DescribeTable', 'dynamodb:TagResource', 'dynamodb:ListTagsOfResource'], drillTables, WHY_DRILL_TABLES);
        allow(['dynamodb:DescribeTable'], restoreTestTables, WHY_RESTORE_TEST_RESOURCES);
        allow(['s3:ListBucket'], restoreTestBuckets, WHY_RESTORE_TEST_RESOURCES);
        allow(['dynamodb:DescribeBackup'], backupsOfBackupPlans, WHY_BACKUPS);
        allow(['backup:DescribeRestoreJob'], anywhere(awsBackupPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        // Availability and the claim of a restored resource of another type.
        allow(['elasticfilesystem:DescribeFileSystems'], fileSystems, WHY_RESTORED_BY_ID);
        allow(['elasticfilesystem:TagResource'], fileSystems, WHY_RESTORED_BY_ID, drillTagWrites);
        allow(['ec2:DescribeVolumes'], anywhere(volumes.length > 0), WHY_NO_RESOURCE_LEVEL_RESTORED);
        allow(['ec2:DescribeInstances'], anywhere(instances.length > 0), WHY_NO_RESOURCE_LEVEL_RESTORED);
        allow(['ec2:CreateTags'], [...volumes, ...instances], WHY_RESTORED_BY_ID, drillTagWrites);
        allow(['s3:ListBucket', 's3:GetBucketTagging', 's3:PutBucketTagging', 's3:PutBucketPublicAccessBlock'], buckets, WHY_DRILL_BUCKETS);
        break;
      case 'drills:read-data':
        allow(
          ['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
          [...sources, ...drillTables],
          WHY_DRILL_TABLES,
        );
        allow(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'], restoreTestTables, WHY_RESTORE_TEST_RESOURCES);
        allow(['s3:ListBucket'], restoreTestBuckets, WHY_RESTORE_TEST_RESOURCES);
        allow(['s3:GetObject'], restoreTestBuckets.map((bucket) => `${bucket}/*`), WHY_RESTORE_TEST_RESOURCES);
        // item-count's baseline where the restored point is a DynamoDB backup: the ItemCount DescribeBackup recorded.
        allow(['dynamodb:DescribeBackup'], countedBackups, WHY_BACKUPS);
        // S3 object checks: the source's version listing and the versions it held at the point, the restored bucket's objects.
        allow(['s3:ListBucket', 's3:ListBucketVersions'], objectCheckedSourceBuckets.map((bucket) => this.bucketArn(bucket)));
        allow(['s3:GetObject', 's3:GetObjectVersion'], objectCheckedSourceBuckets.map((bucket) => `${this.bucketArn(bucket)}/*`), WHY_SOURCE_OBJECTS);
        allow(['s3:ListBucket'], objectCheckedSourceBuckets.length > 0 ? buckets : [], WHY_DRILL_BUCKETS);
        allow(['s3:GetObject'], objectCheckedSourceBuckets.length > 0 ? bucketObjects : [], WHY_DRILL_BUCKETS);
        allow(['lambda:InvokeFunction'], customCheckFunctions(plans.filter((plan) => checksRunInOf(plan) === undefined)));
        break;
      case 'drills:read-database-wire':
        // The validator in the drill VPC runs every check of a wire plan, its custom Lambda checks too (the database parts: drill-grants-rds).
        allow(['lambda:InvokeFunction'], customCheckFunctions(plans.filter((plan) => checksRunInOf(plan) === 'drill-vpc')));
        break;
      case 'drills:count-data':
        // Sizes to plan segments by (both tables of plans that count items), and Scan to count them: the source only where a plan asks for a source scan.
        allow(['dynamodb:DescribeTable'], [...sizedSources, ...(countsTables ? drillTables : [])], WHY_DRILL_TABLES);
        allow(['dynamodb:Scan'], [...countedSources, ...(countsTables ? drillTables : [])], WHY_DRILL_TABLES);
        // What a restore testing job restored, counted the same way (read only: AWS Backup deletes it).
        allow(['dynamodb:DescribeTable', 'dynamodb:Scan'], itemCountPlans.some(isRestoreTestingPlan) ? restoreTestTables : [], WHY_RESTORE_TEST_RESOURCES);
        // Whole-prefix S3 checks listed in key ranges: the restored bucket (and its objects' SHA-256 for a prefix
        // checksum), the source's version listing (and the versions' SHA-256) only where a check compares with it.
        allow(['s3:ListBucket'], rangeListedPlans.length > 0 ? [...buckets, ...restoreTestBuckets] : [], WHY_DRILL_BUCKETS);
        allow(['s3:GetObject'], rangeHashedPlans.length > 0 ? [...bucketObjects, ...restoreTestBuckets.map((bucket) => `${bucket}/*`)] : [], WHY_DRILL_BUCKETS);
        allow(['s3:ListBucket', 's3:ListBucketVersions'], rangeListedSources.map((bucket) => this.bucketArn(bucket)));
        allow(['s3:GetObject', 's3:GetObjectVersion'], rangeHashedSources.map((bucket) => `${this.bucketArn(bucket)}/*`), WHY_SOURCE_OBJECTS);
        break;
      case 'drills:cleanup':
        allowTableCleanup(allow, drillTables);
        allow(['dynamodb:DeleteBackup'], backupsTakenByDrills, WHY_BACKUPS);
        // Other types, in their cleanup order: what a delete reads first, then deletes of run-tagged resources only.
        allow(['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets'], fileSystems, WHY_RESTORED_BY_ID);
        allow(['elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem'], fileSystems, WHY_RESTORED_BY_ID, runTagged);
        allow(['ec2:TerminateInstances'], instances, WHY_RESTORED_BY_ID, runTagged);
        allow(['ec2:DeleteVolume'], volumes, WHY_RESTORED_BY_ID, runTagged);
        allow(['s3:GetBucketTagging', 's3:ListBucketVersions', 's3:DeleteBucket'], buckets, WHY_DRILL_BUCKETS);
        allow(['s3:DeleteObject', 's3:DeleteObjectVersion'], bucketObjects, WHY_DRILL_BUCKETS);
        break;
      case 'drills:abort':
        // An aborted run's restored table, cleaned up by the same guard; its source is described to name that restore.
        allow(['dynamodb:DescribeTable'], sources);
        allowTableCleanup(allow, drillTables);
        break;
      case 'drills:report-validation':
        allow(['backup:PutRestoreValidationResult'], anywhere(awsBackupPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        break;
      case 'drills:keep-restore-wait':
        // The one look after the token is kept (the job's end event may have come first); the token's item is the deduplication table's grant.
        allow(['backup:DescribeRestoreJob'], anywhere(awsBackupPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        break;
      case 'drills:read-restore-testing-job':
        // Which restore testing plan started a job that ended (CreatedBy.RestoreTestingPlanArn), before a drill is started for it.
        allow(['backup:DescribeRestoreJob'], anywhere(restoreTestingPlans.length > 0), WHY_NO_RESOURCE_LEVEL);
        break;
      case 'drills:canary':
        // The counts of the source the canary writer takes at known times (baseline: counted): Scan, of those sources only.
        allow(['dynamodb:Scan'], unique(tableNamesOf(plans.filter((plan) => plan.checks.some((check) => check.type === 'item-count' && check.baseline === 'counted'))).map((name) => this.tableArn(name))));
        for (const plan of plans) {
          // An S3 canary: PutObject of exactly the canary objects' keys in the source bucket.
          const canaryBucket = sourceBucketNameOf(plan.source);
          const canaryObjects = plan.checks.flatMap((check) => (check.type === 'canary-object' && canaryBucket !== undefined ? [`${this.bucketArn(canaryBucket)}/${check.key}`] : []));
          allow(['s3:PutObject'], canaryObjects);
          const canaryKeys = plan.checks.flatMap((check) => (check.type === 'canary' ? [check.key] : []));
          if (canaryKeys.length === 0) continue;
          // The key names the partition key and maybe the sort key, without saying which is which: allowing each of
          // its (one or two) values as the leading key still confines the writer to the canary item's own partition.
          const leadingKeys = unique(canaryKeys.flatMap((key) => Object.values(key).map(String)));
          const canaryTable = sourceTableNameOf(plan.source);
          if (canaryTable === undefined) continue;
          allow(['dynamodb:PutItem'], [this.tableArn(canaryTable)], undefined, {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': leadingKeys },
          });
        }
        break;
    }
    rdsDrillStatements(this.stack, plans, irdrConfig.drills?.database, permission, allow);
    return entries;
  }

  /** A resource as cdk-nag names it in an IAM5 finding: tokens flattened to `<AWS::Region>` and the like. */
  private nagResource(resource: string): string {
    return flattenCfnReference(this.stack.resolve(resource));
  }
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** cdk-nag's rendering of a CloudFormation value in finding ids (`Fn::Join` joined, `Ref` as `<Name>`). */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const record = node as Record<string, unknown>;
  if (record['Fn::Join']) {
    const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (record['Fn::Sub']) return flattenCfnReference(record['Fn::Sub']);
  if (record['Fn::GetAtt']) {
    const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (record['Fn::ImportValue']) return flattenCfnReference(record['Fn::ImportValue']);
  if (record.Ref) return `<${flattenCfnReference(record.Ref)}>`;
  return JSON.stringify(node);
}

type Allow = (actions: readonly string[], resources: readonly string[], wildcardReason?: string, conditions?: Record<string, unknown>) => void;

/** Describe, tag and delete drill tables; delete only one that carries the run tag (set once its restore completed): a drill-prefixed table someone made by hand, untagged, cannot be deleted by a drill. */
function allowTableCleanup(allow: Allow, drillTables: readonly string[]): void {
  allow(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource'], drillTables, WHY_DRILL_TABLES);
  allow(['dynamodb:DeleteTable'], drillTables, WHY_DRILL_TABLES, { Null: { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: 'false' } });
}

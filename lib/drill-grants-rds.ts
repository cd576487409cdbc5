import { ArnFormat, type Stack } from 'aws-cdk-lib';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../functions/domain/drill-naming.js';
import { SQL_CHECKS, type DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { canaryWriterOf, isAuroraEngine, type DrillDatabaseNetwork } from '../functions/domain/drill/rds-plan.js';

/*
 * The RDS, RDS Data API and Secrets Manager statements of database drills (resource types and condition keys as the
 * Service Authorization Reference lists them for each action): restore, describe and delete only drill-prefixed
 * databases (deletes only run-tagged ones), tags written only with the drill keys, rds-data only on the drill
 * clusters (and the source when a plan compares with it or writes its canary), each secret only to its reader.
 */

export const WHY_DRILL_DATABASES =
  'Restored databases are created at run time, one per run, named irdr-drill-<planId>-<run> (and its instance <name>-1): ' +
  'the prefix is the narrowest resource IAM can name; source databases cannot carry it (the plan schema rejects one), ' +
  'tags are written only with the drill keys, and deletes need the drill run tag on the database.';
export const WHY_RESTORE_INPUTS =
  'A restore names the option group, parameter group and automated backups RDS copies from the source, whose names ' +
  'RDS chooses (default:..., the source resource id): read by the restore, never changed; snapshots are listed and read only.';
export const WHY_SECRET_SUFFIX =
  'Secrets Manager appends a random 6-character suffix to a secret ARN: `-??????` matches exactly that suffix of the one secret the plan names.';

type Allow = (actions: readonly string[], resources: readonly string[], wildcardReason?: string, conditions?: Record<string, unknown>) => void;

export function rdsDrillStatements(stack: Stack, plans: readonly DrillPlan[], network: DrillDatabaseNetwork | undefined, permission: string, allow: Allow): void {
  // Databases restored natively (rds-database) and through AWS Backup (aws-backup-resource RDS / Aurora): the same
  // drill databases to describe, claim, finish (an Aurora cluster's instance), check and delete.
  const databasePlans = plans.filter((plan) => plan.source.type === 'rds-database' || (plan.source.type === 'aws-backup-resource' && (plan.source.resourceType === 'RDS' || plan.source.resourceType === 'Aurora')));
  if (databasePlans.length === 0) return;
  const nativePlans = databasePlans.filter((plan) => plan.source.type === 'rds-database');
  const rds = (resource: string, name: string) => stack.formatArn({ service: 'rds', resource, resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  // A plan may name a secret by its full ARN or without the suffix; `-??????` is exactly that suffix.
  const secret = (arn: string) => [arn, `${arn}-??????`];
  // A source restored through AWS Backup is named by its ARN (or chosen by tags at run time: then none here).
  const sourceOf = (plan: DrillPlan) =>
    plan.source.type === 'rds-database' ? (isAuroraEngine(plan.source.engine) ? rds('cluster', plan.source.identifier) : rds('db', plan.source.identifier)) : plan.source.type === 'aws-backup-resource' ? plan.source.resourceArn : undefined;
  const auroraPlans = databasePlans.filter((plan) => (plan.source.type === 'rds-database' && isAuroraEngine(plan.source.engine)) || (plan.source.type === 'aws-backup-resource' && plan.source.resourceType === 'Aurora'));
  const instancePlans = databasePlans.filter((plan) => !auroraPlans.includes(plan));
  const drillInstances = rds('db', `${DRILL_TABLE_PREFIX}*`);
  const drillClusters = auroraPlans.length > 0 ? [rds('cluster', `${DRILL_TABLE_PREFIX}*`)] : [];
  const drillDatabases = [drillInstances, ...drillClusters];
  const subnetGroups = network ? [rds('subgrp', network.dbSubnetGroupName)] : [];
  // The run's tags, and only the drill's keys, on whatever a drill creates or tags.
  const drillTags = { 'ForAllValues:StringEquals': { 'aws:TagKeys': [DRILL_RUN_TAG, DRILL_PLAN_TAG] }, Null: { [`aws:RequestTag/${DRILL_RUN_TAG}`]: 'false' } };
  const runTagged = { Null: { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: 'false' } };
  const notPublic = { Bool: { 'rds:PubliclyAccessible': 'false' } };
  const snapshotPlans = databasePlans.filter((plan) => plan.driver.type === 'rds-snapshot');
  const pitrPlans = databasePlans.filter((plan) => plan.driver.type === 'rds-pitr');
  const sqlPlans = databasePlans.filter((plan) => plan.sqlAccess !== undefined && plan.checks.some((check) => SQL_CHECKS.has(check.type)));
  const dataApiPlans = sqlPlans.filter((plan) => plan.sqlAccess?.via === 'data-api');
  const wirePlans = sqlPlans.filter((plan) => plan.sqlAccess?.via === 'wire');
  const allCanaryChecks = databasePlans.flatMap((plan) => plan.checks.flatMap((check) => (check.type === 'sql-canary' && check.writerSecretArn ? [{ plan, writer: check.writerSecretArn }] : [])));

  switch (permission) {
    case 'drills:inspect-source':
      // AWS Backup's plans find their source through AWS Backup (DescribeProtectedResource), not RDS.
      allow(['rds:DescribeDBInstances'], unique(instancePlans.filter((plan) => nativePlans.includes(plan)).map((plan) => sourceOf(plan))));
      allow(['rds:DescribeDBClusters'], unique(auroraPlans.filter((plan) => nativePlans.includes(plan)).map((plan) => sourceOf(plan))));
      allow(['rds:DescribeDBSnapshots'], snapshotPlans.some((plan) => instancePlans.includes(plan)) ? [...unique(snapshotPlans.filter((plan) => instancePlans.includes(plan)).map((plan) => sourceOf(plan))), rds('snapshot', '*')] : [], WHY_RESTORE_INPUTS);
      allow(['rds:DescribeDBClusterSnapshots'], snapshotPlans.some((plan) => auroraPlans.includes(plan)) ? [...unique(snapshotPlans.filter((plan) => auroraPlans.includes(plan)).map((plan) => sourceOf(plan))), rds('cluster-snapshot', '*')] : [], WHY_RESTORE_INPUTS);
      break;
    case 'drills:restore': {
      const instanceSources = (chosen: readonly DrillPlan[]) => unique(chosen.filter((plan) => instancePlans.includes(plan)).map((plan) => sourceOf(plan)));
      const clusterSources = (chosen: readonly DrillPlan[]) => unique(chosen.filter((plan) => auroraPlans.includes(plan)).map((plan) => sourceOf(plan)));
      const inputs = [rds('og', '*'), rds('pg', '*')];
      // Each restore: the source, the drill-prefixed target, the drill subnet group; tagged with the run, not public.
      if (instanceSources(pitrPlans).length > 0) {
        allow(['rds:RestoreDBInstanceToPointInTime'], [...instanceSources(pitrPlans), drillInstances, ...subnetGroups, ...inputs, rds('auto-backup', '*')], WHY_DRILL_DATABASES, { ...drillTags, ...notPublic });
      }
      if (instanceSources(snapshotPlans).length > 0) {
        allow(['rds:RestoreDBInstanceFromDBSnapshot'], [rds('snapshot', '*'), drillInstances, ...subnetGroups, ...inputs], WHY_DRILL_DATABASES, { ...drillTags, ...notPublic });
      }
      if (clusterSources(pitrPlans).length > 0) {
        allow(['rds:RestoreDBClusterToPointInTime'], [...clusterSources(pitrPlans), ...drillClusters, ...subnetGroups, rds('og', '*'), rds('cluster-pg', '*'), rds('cluster-auto-backup', '*')], WHY_DRILL_DATABASES, drillTags);
      }
      if (clusterSources(snapshotPlans).length > 0) {
        allow(['rds:RestoreDBClusterFromSnapshot'], [rds('cluster-snapshot', '*'), ...drillClusters, ...subnetGroups, rds('og', '*'), rds('cluster-pg', '*')], WHY_DRILL_DATABASES, drillTags);
      }
      // RDS asks for AddTagsToResource when a create or restore carries tags.
      allow(['rds:AddTagsToResource'], drillDatabases, WHY_DRILL_DATABASES, drillTags);
      break;
    }
    case 'drills:inspect-restore':
      allow(['rds:DescribeDBInstances'], [drillInstances], WHY_DRILL_DATABASES);
      allow(['rds:DescribeDBClusters'], drillClusters, WHY_DRILL_DATABASES);
      allow(['rds:AddTagsToResource'], drillDatabases, WHY_DRILL_DATABASES, drillTags);
      // A restored cluster's one instance, in the cluster's network, tagged as the cluster is, never public.
      allow(['rds:CreateDBInstance'], drillClusters.length > 0 ? [...drillDatabases, ...subnetGroups, rds('og', '*'), rds('pg', '*')] : [], WHY_DRILL_DATABASES, { ...drillTags, ...notPublic });
      allow(['rds:EnableHttpEndpoint'], dataApiPlans.length > 0 ? drillClusters : [], WHY_DRILL_DATABASES);
      break;
    case 'drills:keep-restore-wait':
      // The one look after the wait's token is kept (RDS's event may have come first): the database being made, by its status.
      allow(['rds:DescribeDBInstances'], [drillInstances], WHY_DRILL_DATABASES);
      allow(['rds:DescribeDBClusters'], drillClusters, WHY_DRILL_DATABASES);
      break;
    case 'drills:read-data': {
      // RunDrillChecks: the Data API plans only (a restored cluster's ARN when the restore handle lacks it).
      if (dataApiPlans.length === 0) break;
      const comparing = dataApiPlans.filter((plan) => plan.sqlAccess?.compareWithSource === true);
      allow(['rds:DescribeDBClusters'], [...drillClusters, ...unique(comparing.map((plan) => sourceOf(plan)))], WHY_DRILL_DATABASES);
      // The Data API reads only: a read-only transaction, rolled back (ExecuteStatement also on the source when compared).
      allow(['rds-data:BeginTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction'], [...drillClusters, ...unique(comparing.map((plan) => sourceOf(plan)))], WHY_DRILL_DATABASES);
      // The Data API plans' secret (the Data API reads it as the caller): this function is its only reader.
      allow(['secretsmanager:GetSecretValue'], unique(dataApiPlans.flatMap((plan) => secret(plan.sqlAccess!.secretArn))), WHY_SECRET_SUFFIX);
      break;
    }
    case 'drills:read-database-wire': {
      // The validator in the drill VPC (RunDrillWireChecks): endpoints of drill databases (and compared sources), and
      // the wire plans' secret, which no other function reads.
      if (wirePlans.length === 0) break;
      const comparing = wirePlans.filter((plan) => plan.sqlAccess?.compareWithSource === true);
      const wireClusters = wirePlans.some((plan) => auroraPlans.includes(plan)) ? drillClusters : [];
      allow(['rds:DescribeDBInstances'], wirePlans.some((plan) => instancePlans.includes(plan)) ? [drillInstances, ...unique(comparing.filter((plan) => instancePlans.includes(plan)).map((plan) => sourceOf(plan)))] : [], WHY_DRILL_DATABASES);
      allow(['rds:DescribeDBClusters'], wireClusters.length > 0 ? [...wireClusters, ...unique(comparing.filter((plan) => auroraPlans.includes(plan)).map((plan) => sourceOf(plan)))] : [], WHY_DRILL_DATABASES);
      allow(['secretsmanager:GetSecretValue'], unique(wirePlans.flatMap((plan) => secret(plan.sqlAccess!.secretArn))), WHY_SECRET_SUFFIX);
      break;
    }
    case 'drills:cleanup':
    case 'drills:abort':
      allow(['rds:DescribeDBInstances'], [drillInstances], WHY_DRILL_DATABASES);
      allow(['rds:DescribeDBClusters'], drillClusters, WHY_DRILL_DATABASES);
      allow(['rds:DeleteDBInstance'], [drillInstances], WHY_DRILL_DATABASES, runTagged);
      allow(['rds:DeleteDBCluster'], drillClusters, WHY_DRILL_DATABASES, runTagged);
      break;
    case 'drills:canary':
    case 'drills:canary-wire': {
      // A wire canary is written from the drill VPC (WriteDrillWireCanary), any other by WriteDrillCanary: each only its own.
      const canaryChecks = allCanaryChecks.filter(({ plan }) => (canaryWriterOf(plan) === 'WriteDrillWireCanary') === (permission === 'drills:canary-wire'));
      if (canaryChecks.length === 0) break;
      allow(['rds:DescribeDBInstances'], unique(canaryChecks.filter(({ plan }) => instancePlans.includes(plan)).map(({ plan }) => sourceOf(plan))));
      allow(['rds:DescribeDBClusters'], unique(canaryChecks.filter(({ plan }) => auroraPlans.includes(plan)).map(({ plan }) => sourceOf(plan))));
      allow(['rds-data:ExecuteStatement'], unique(canaryChecks.filter(({ plan }) => plan.sqlAccess?.via === 'data-api').map(({ plan }) => sourceOf(plan))));
      // The writer's own secret, never the checks' (plan validation refuses them being the same).
      allow(['secretsmanager:GetSecretValue'], unique(canaryChecks.flatMap(({ writer }) => secret(writer))), WHY_SECRET_SUFFIX);
      break;
    }
  }
}

/** Distinct ARNs, leaving out a source not named in advance (chosen by tags). */
const unique = (values: readonly (string | undefined)[]): string[] => [...new Set(values.filter((value): value is string => value !== undefined))];

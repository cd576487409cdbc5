import { beforeAll, describe, expect, it } from 'vitest';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import type { DrillDataPermission } from '../../lib/drill-grants.js';
import { DRILL_PLAN_BASE, drillGrantRoles, type DrillGrantRoles } from './drill-grant-roles.js';
import { iamTermsOf, termsUnknownToIam } from './iam-reference.js';
import { DEPLOYED, simulateRequest } from './iam-simulation.js';
import { type SynthesizedPolicyStatement, type TemplateResource } from './synthesized-app.js';

/*
 * The drills:* grants of database plans (an Aurora cluster checked through the Data API and compared with its source,
 * an RDS instance checked over the wire, restored from snapshots), in a bare stack deployed into iam-simulation's
 * account, evaluated as IAM would: restores only into drill-prefixed, run-tagged, non-public databases in the drill
 * subnet group; deletes only of run-tagged drill databases; the Data API only on drill clusters and the compared
 * source; each secret only for its reader. Each refusal beside the allowed call it differs from by one thing.
 */

const { account: ACCOUNT, region: REGION } = DEPLOYED;
const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
const base = { ...DRILL_PLAN_BASE, title: 'A database drill' };
const plans = [
  DrillPlan.parse({
    ...base,
    id: 'orders',
    source: { type: 'rds-database', engine: 'aurora-postgresql', identifier: 'orders-db' },
    driver: { type: 'rds-pitr' },
    checks: [{ type: 'sql-row-count', table: 'orders', expected: 'source' }, { type: 'sql-canary', writerSecretArn: secret('canary-writer') }],
    sqlAccess: { via: 'data-api', secretArn: secret('drill-reader'), compareWithSource: true },
  }),
  DrillPlan.parse({
    ...base,
    id: 'ledger',
    source: { type: 'rds-database', engine: 'postgres', identifier: 'ledger-db' },
    driver: { type: 'rds-snapshot' },
    checks: [{ type: 'sql-schema', tables: ['ledger'] }, { type: 'sql-canary', writerSecretArn: secret('ledger-writer') }],
    sqlAccess: { via: 'wire', secretArn: secret('ledger-reader') },
  }),
  // An Aurora cluster's AWS Backup recovery points: AWS Backup restores (as the plan's role), the drill finishes and deletes.
  DrillPlan.parse({
    ...base,
    id: 'estate',
    source: { type: 'aws-backup-resource', resourceType: 'Aurora', resourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:estate-db` },
    driver: { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-drill-restore` },
    checks: [{ type: 'sql-schema', tables: ['estate'] }],
    sqlAccess: { via: 'data-api', secretArn: secret('drill-reader') },
  }),
];

let roles: DrillGrantRoles;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  roles = drillGrantRoles(plans);
  ({ resources } = roles);
});

const deployedStatements = (permission: DrillDataPermission): SynthesizedPolicyStatement[] => roles.deployedStatements(permission);

async function allows(permission: DrillDataPermission, action: string, resource: string, conditionValues: Record<string, string[]> = {}): Promise<boolean> {
  const outcome = await simulateRequest(deployedStatements(permission), { action, resource, conditionValues });
  return outcome.allowed && outcome.unevaluatedConditions.length === 0 && outcome.error === undefined;
}

const rds = (resource: string) => `arn:aws:rds:${REGION}:${ACCOUNT}:${resource}`;
const runTags = { 'aws:TagKeys': [DRILL_RUN_TAG, DRILL_PLAN_TAG], [`aws:RequestTag/${DRILL_RUN_TAG}`]: ['run-1'], [`aws:RequestTag/${DRILL_PLAN_TAG}`]: ['orders'] };
const notPublic = { 'rds:PubliclyAccessible': ['false'] };
const runTagged = { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: ['run-1'] };

describe('drills:* grants of database plans', () => {
  it('names only actions and condition keys AWS IAM knows', async () => {
    expect(await termsUnknownToIam(iamTermsOf(resources))).toEqual([]);
  });

  it('restores a cluster only into a drill-prefixed cluster in the drill subnet group, tagged with the run and nothing else', async () => {
    const restore = (resource: string, conditions: Record<string, string[]> = runTags) => allows('drills:restore', 'rds:RestoreDBClusterToPointInTime', resource, conditions);
    expect(await restore(rds('cluster:irdr-drill-orders-run-1'))).toBe(true);
    expect(await restore(rds('cluster:orders-db'))).toBe(true);
    expect(await restore(rds('subgrp:drill-isolated'))).toBe(true);
    expect(await restore(rds('cluster:orders-copy'))).toBe(false);
    expect(await restore(rds('subgrp:prod-app-subnets'))).toBe(false);
    expect(await restore(rds('cluster:irdr-drill-orders-run-1'), { 'aws:TagKeys': [DRILL_RUN_TAG, 'owner'], [`aws:RequestTag/${DRILL_RUN_TAG}`]: ['run-1'] })).toBe(false);
    expect(await restore(rds('cluster:irdr-drill-orders-run-1'), { 'aws:TagKeys': [DRILL_PLAN_TAG], [`aws:RequestTag/${DRILL_PLAN_TAG}`]: ['orders'] })).toBe(false);
    // Restoring into another cluster than the plans' sources' drill copies: not the source of another plan either.
    expect(await restore(rds('cluster:ledger-db'))).toBe(false);
  });

  it('restores an instance from a snapshot only not publicly accessible, and adds a cluster instance only so', async () => {
    const fromSnapshot = (conditions: Record<string, string[]>) => allows('drills:restore', 'rds:RestoreDBInstanceFromDBSnapshot', rds('db:irdr-drill-ledger-run-1'), conditions);
    expect(await fromSnapshot({ ...runTags, ...notPublic })).toBe(true);
    expect(await fromSnapshot({ ...runTags, 'rds:PubliclyAccessible': ['true'] })).toBe(false);
    expect(await allows('drills:inspect-restore', 'rds:CreateDBInstance', rds('db:irdr-drill-orders-run-1-1'), { ...runTags, ...notPublic })).toBe(true);
    expect(await allows('drills:inspect-restore', 'rds:CreateDBInstance', rds('db:irdr-drill-orders-run-1-1'), { ...runTags, 'rds:PubliclyAccessible': ['true'] })).toBe(false);
    expect(await allows('drills:inspect-restore', 'rds:CreateDBInstance', rds('db:orders-db-2'), { ...runTags, ...notPublic })).toBe(false);
    // No plan restores an instance to a point in time: that action is not granted at all.
    expect(await allows('drills:restore', 'rds:RestoreDBInstanceToPointInTime', rds('db:irdr-drill-ledger-run-1'), { ...runTags, ...notPublic })).toBe(false);
  });

  it("the waiting step's look describes only the drill's databases, never a source", async () => {
    expect(await allows('drills:keep-restore-wait', 'rds:DescribeDBInstances', rds('db:irdr-drill-ledger-run-1'))).toBe(true);
    expect(await allows('drills:keep-restore-wait', 'rds:DescribeDBInstances', rds('db:irdr-drill-orders-run-1-1'))).toBe(true);
    expect(await allows('drills:keep-restore-wait', 'rds:DescribeDBClusters', rds('cluster:irdr-drill-orders-run-1'))).toBe(true);
    expect(await allows('drills:keep-restore-wait', 'rds:DescribeDBInstances', rds('db:ledger-db'))).toBe(false);
    expect(await allows('drills:keep-restore-wait', 'rds:DescribeDBClusters', rds('cluster:orders-db'))).toBe(false);
    expect(await allows('drills:keep-restore-wait', 'rds:DeleteDBInstance', rds('db:irdr-drill-ledger-run-1'), runTagged)).toBe(false);
  });

  it('deletes only run-tagged drill databases: never a source, never an untagged look-alike', async () => {
    expect(await allows('drills:cleanup', 'rds:DeleteDBCluster', rds('cluster:irdr-drill-orders-run-1'), runTagged)).toBe(true);
    expect(await allows('drills:cleanup', 'rds:DeleteDBInstance', rds('db:irdr-drill-orders-run-1-1'), runTagged)).toBe(true);
    expect(await allows('drills:cleanup', 'rds:DeleteDBCluster', rds('cluster:irdr-drill-by-hand'))).toBe(false);
    expect(await allows('drills:cleanup', 'rds:DeleteDBCluster', rds('cluster:orders-db'), runTagged)).toBe(false);
    expect(await allows('drills:cleanup', 'rds:DeleteDBInstance', rds('db:ledger-db'), runTagged)).toBe(false);
    expect(await allows('drills:abort', 'rds:DeleteDBInstance', rds('db:irdr-drill-ledger-run-1'), runTagged)).toBe(true);
  });

  it('a SQL canary over the wire is written only by drills:canary-wire (WriteDrillWireCanary): its source and its writer secret; the Data API canary only by drills:canary', async () => {
    expect(await allows('drills:canary-wire', 'rds:DescribeDBInstances', rds('db:ledger-db'))).toBe(true);
    expect(await allows('drills:canary-wire', 'secretsmanager:GetSecretValue', `${secret('ledger-writer')}-AbC123`)).toBe(true);
    expect(await allows('drills:canary-wire', 'secretsmanager:GetSecretValue', `${secret('canary-writer')}-AbC123`)).toBe(false);
    expect(await allows('drills:canary-wire', 'secretsmanager:GetSecretValue', `${secret('ledger-reader')}-AbC123`)).toBe(false);
    expect(await allows('drills:canary-wire', 'rds-data:ExecuteStatement', rds('cluster:orders-db'))).toBe(false);
    expect(await allows('drills:canary-wire', 'rds:DescribeDBInstances', rds('db:irdr-drill-ledger-run-1'))).toBe(false);
    // The function outside the VPC holds nothing of the wire plan's canary.
    expect(await allows('drills:canary', 'secretsmanager:GetSecretValue', `${secret('ledger-writer')}-AbC123`)).toBe(false);
    expect(await allows('drills:canary', 'rds:DescribeDBInstances', rds('db:ledger-db'))).toBe(false);
  });

  it('an Aurora cluster restored through AWS Backup: its one instance added only drill-named, run-tagged, not public; the source never described, changed or deleted through RDS', async () => {
    expect(await allows('drills:inspect-restore', 'rds:CreateDBInstance', rds('db:irdr-drill-estate-run-1-1'), { ...runTags, ...notPublic })).toBe(true);
    expect(await allows('drills:inspect-restore', 'rds:CreateDBInstance', rds('db:irdr-drill-estate-run-1-1'), { ...runTags, 'rds:PubliclyAccessible': ['true'] })).toBe(false);
    expect(await allows('drills:inspect-restore', 'rds:AddTagsToResource', rds('cluster:irdr-drill-estate-run-1'), runTags)).toBe(true);
    expect(await allows('drills:inspect-restore', 'rds:AddTagsToResource', rds('cluster:estate-db'), runTags)).toBe(false);
    expect(await allows('drills:inspect-restore', 'rds:EnableHttpEndpoint', rds('cluster:irdr-drill-estate-run-1'))).toBe(true);
    expect(await allows('drills:inspect-restore', 'rds:EnableHttpEndpoint', rds('cluster:estate-db'))).toBe(false);
    expect(await allows('drills:inspect-source', 'rds:DescribeDBClusters', rds('cluster:estate-db'))).toBe(false);
    expect(await allows('drills:cleanup', 'rds:DeleteDBCluster', rds('cluster:estate-db'), runTagged)).toBe(false);
    expect(await allows('drills:cleanup', 'rds:DeleteDBCluster', rds('cluster:irdr-drill-estate-run-1'), runTagged)).toBe(true);
    // AWS Backup restores it with the plan's role: the drill's functions are granted no RDS restore for it.
    expect(await allows('drills:restore', 'rds:RestoreDBClusterFromSnapshot', rds('cluster:irdr-drill-estate-run-1'), runTags)).toBe(false);
  });

  it('the Data API only on drill clusters and the source a plan compares with, and each secret only to its reader', async () => {
    expect(await allows('drills:read-data', 'rds-data:ExecuteStatement', rds('cluster:irdr-drill-orders-run-1'))).toBe(true);
    expect(await allows('drills:read-data', 'rds-data:ExecuteStatement', rds('cluster:orders-db'))).toBe(true);
    expect(await allows('drills:read-data', 'rds-data:ExecuteStatement', rds('cluster:payments-db'))).toBe(false);
    expect(await allows('drills:read-data', 'rds-data:BatchExecuteStatement', rds('cluster:irdr-drill-orders-run-1'))).toBe(false);
    expect(await allows('drills:read-data', 'secretsmanager:GetSecretValue', `${secret('drill-reader')}-AbC123`)).toBe(true);
    // The wire plan's secret is the validator's alone (drills:read-database-wire), never RunDrillChecks'.
    expect(await allows('drills:read-data', 'secretsmanager:GetSecretValue', `${secret('ledger-reader')}-AbC123`)).toBe(false);
    expect(await allows('drills:read-database-wire', 'secretsmanager:GetSecretValue', `${secret('ledger-reader')}-AbC123`)).toBe(true);
    expect(await allows('drills:read-database-wire', 'secretsmanager:GetSecretValue', `${secret('drill-reader')}-AbC123`)).toBe(false);
    // The validator finds a restored instance's endpoint, and never speaks the Data API.
    expect(await allows('drills:read-database-wire', 'rds:DescribeDBInstances', rds('db:irdr-drill-ledger-run-1'))).toBe(true);
    expect(await allows('drills:read-database-wire', 'rds:DescribeDBInstances', rds('db:ledger-db'))).toBe(false);
    expect(await allows('drills:read-database-wire', 'rds-data:ExecuteStatement', rds('cluster:irdr-drill-orders-run-1'))).toBe(false);
    expect(await allows('drills:read-data', 'rds:DescribeDBInstances', rds('db:irdr-drill-ledger-run-1'))).toBe(false);
    expect(await allows('drills:read-data', 'secretsmanager:GetSecretValue', `${secret('canary-writer')}-AbC123`)).toBe(false);
    expect(await allows('drills:read-data', 'secretsmanager:GetSecretValue', `${secret('drill-reader-2')}-AbC123`)).toBe(false);
    expect(await allows('drills:canary', 'secretsmanager:GetSecretValue', `${secret('canary-writer')}-AbC123`)).toBe(true);
    expect(await allows('drills:canary', 'secretsmanager:GetSecretValue', `${secret('drill-reader')}-AbC123`)).toBe(false);
    expect(await allows('drills:canary', 'rds-data:ExecuteStatement', rds('cluster:orders-db'))).toBe(true);
    expect(await allows('drills:canary', 'rds-data:ExecuteStatement', rds('cluster:irdr-drill-orders-run-1'))).toBe(false);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { accepted, refusal } from '../support/drill-plan-parse.js';
import { irdrConfig } from '../../functions/config.js';
import { drillPlanHash } from '../../functions/domain/drill/plan-hash.js';
import { canaryWriterOf, checksRunInOf, drillDatabaseNetworkIssues, RDS_IDENTIFIER_PATTERN } from '../../functions/domain/drill/rds-plan.js';
import { drillScheduleSpecs } from '../../workflows/drill-schedules.js';
import { DrillsConfig } from '../../functions/domain/config-schema.js';
import { restoredResourceName } from '../../functions/domain/drill/resource-types.js';
import { loadDrillPlanFile, loadDrillPlans } from '../../workflows/load-drill-plans.js';

/*
 * RDS/Aurora plans with SQL checks: what validation accepts, and each way it refuses a check that does not fit the
 * source, a restore that would be publicly accessible or leave the drill subnet group, and a query that is not
 * read-only. Each refusal is paired with the same plan minus the bad part being accepted.
 */

const ACCOUNT = '123456789012';
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:irdr/drill-reader-AbCdEf`;
const WRITER = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:irdr/canary-writer-AbCdEf`;
const LEDGER = 'SELECT id, period, amount FROM ledger WHERE period = \'2026-11\'';

const auroraPlan = (extra: Record<string, unknown> = {}, source: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'orders-aurora',
  title: 'Orders Aurora cluster',
  owner: 'owner@example.com',
  schedule: { expression: 'rate(7 days)' },
  source: { type: 'rds-database', engine: 'aurora-postgresql', identifier: 'orders', ...source },
  driver: { type: 'rds-pitr' },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  checks: [
    { type: 'sql-row-count', table: 'orders', expected: 'source', tolerancePercent: 1 },
    { type: 'sql-checksum', id: 'closed-ledger', query: LEDGER, orderBy: ['id'], expected: 'a'.repeat(64) },
    { type: 'sql-schema', tables: ['orders'], columns: [{ table: 'orders', column: 'total' }] },
    { type: 'sql-canary', writerSecretArn: WRITER },
    { type: 'sql-query', query: 'SELECT count(*) = 0 FROM orders WHERE total < 0' },
  ],
  sqlAccess: { via: 'data-api', secretArn: SECRET, compareWithSource: true },
  recipients: { addresses: ['owner@example.com'] },
  controls: ['SOC2 A1.3'],
  ...extra,
});

describe('drill plans of RDS and Aurora databases', () => {
  it('accepts an Aurora PostgreSQL plan checked through the Data API and an RDS PostgreSQL plan checked over the wire', () => {
    const aurora = accepted(auroraPlan());
    expect(aurora.checks.map((check) => check.type)).toEqual(['sql-row-count', 'sql-checksum', 'sql-schema', 'sql-canary', 'sql-query']);
    const rds = accepted(auroraPlan({ driver: { type: 'rds-snapshot', snapshotType: 'automated' }, sqlAccess: { via: 'wire', secretArn: SECRET, database: 'orders', compareWithSource: true } }, { engine: 'postgres', restore: { dbInstanceClass: 'db.t4g.medium', publiclyAccessible: false } }));
    expect(rds.source).toMatchObject({ type: 'rds-database', engine: 'postgres' });
  });

  it('a SQL canary over the wire is written from the drill VPC (WriteDrillWireCanary), and its schedule targets it; every other canary WriteDrillCanary', () => {
    const overTheWire = accepted(auroraPlan({ sqlAccess: { via: 'wire', secretArn: SECRET, compareWithSource: true } }));
    const throughDataApi = accepted(auroraPlan());
    const noCanary = accepted(auroraPlan({ sqlAccess: { via: 'wire', secretArn: SECRET }, checks: [{ type: 'sql-schema', tables: ['orders'] }] }));
    expect([overTheWire, throughDataApi, noCanary].map(canaryWriterOf)).toEqual(['WriteDrillWireCanary', 'WriteDrillCanary', 'WriteDrillCanary']);
    const canaryTargets = drillScheduleSpecs([overTheWire, { ...throughDataApi, id: 'orders-data-api' }]).flatMap((spec) => (spec.target.kind === 'canary-function' ? [[spec.name, spec.target.functionName]] : []));
    expect(canaryTargets).toEqual([
      ['canary-orders-aurora', 'WriteDrillWireCanary'],
      ['canary-orders-data-api', 'WriteDrillCanary'],
    ]);
  });

  it('refuses a SQL canary on a database drilled through AWS Backup (no writer knows its engine and identifier); the same plan without it is accepted', () => {
    const throughBackup = auroraPlan({
      source: { type: 'aws-backup-resource', resourceType: 'Aurora', resourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:orders` },
      driver: { type: 'aws-backup', restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/irdr-drill-restore`, backupVaultName: 'Default' },
      targets: { rtoMinutes: 60, rpoMinutes: 1440 },
    });
    expect(refusal(throughBackup)).toContain('checks.3.type: the SQL canary is written into rds-database sources only');
    accepted({ ...throughBackup, checks: (throughBackup.checks as Array<{ type: string }>).filter((check) => check.type !== 'sql-canary') });
  });

  it('refuses SQL checks on a table or bucket source, and table or object checks on a database', () => {
    const tablePlan = { ...auroraPlan(), source: { type: 'dynamodb-table', tableName: 'orders' }, driver: { type: 'dynamodb-pitr' }, sqlAccess: undefined };
    expect(refusal(tablePlan)).toContain('checks.0.type: sql-row-count runs SQL against a restored database; a DynamoDB restore has none');
    expect(refusal({ ...tablePlan, checks: [{ type: 'item-count' }], sqlAccess: { via: 'wire', secretArn: SECRET } })).toContain('sqlAccess: sqlAccess reaches a restored database; a DynamoDB restore has none');
    accepted({ ...tablePlan, checks: [{ type: 'item-count' }] });

    const withItemCount = auroraPlan({ checks: [{ type: 'item-count' }, { type: 'sql-canary', writerSecretArn: WRITER }] });
    expect(refusal(withItemCount)).toContain('checks.0.type: item-count reads a DynamoDB table; a Aurora restore is checked by sql-row-count, sql-checksum, sql-schema, sql-canary, sql-query or custom');
    expect(refusal(auroraPlan({ checks: [{ type: 'object-count' }] }))).toContain('object-count reads S3 objects; a Aurora restore has none: use sql-row-count');
  });

  it('accepts MySQL engines checked over the wire, reading their queries as MySQL does; refuses them through the Data API', () => {
    const mysqlPlan = (checks: unknown[], engine = 'mysql', via = 'wire') => auroraPlan({ checks, sqlAccess: { via, secretArn: SECRET, database: 'orders' } }, { engine });
    const ledger = { type: 'sql-checksum', id: 'closed-ledger', query: LEDGER, orderBy: ['id'], columns: ['id', 'period', 'amount'], expected: 'a'.repeat(64) };
    for (const engine of ['mysql', 'aurora-mysql']) {
      const plan = accepted(mysqlPlan([ledger, { type: 'sql-row-count', table: 'orders', expected: 200 }, { type: 'sql-query', query: 'SELECT COUNT(*) = 0 FROM orders WHERE total < 0' }], engine));
      expect(checksRunInOf(plan)).toBe('drill-vpc');
      expect(refusal(mysqlPlan([ledger], engine, 'data-api'))).toContain('sqlAccess.via: the checks\' Data API transport is for Aurora PostgreSQL');
    }
    // Postgres reads $$...$$ as one string; MySQL reads $$ as a name and the DELETE between as SQL.
    const hidden = 'SELECT $$; DELETE FROM orders; $$';
    accepted(auroraPlan({ checks: [{ type: 'sql-query', query: hidden }] }));
    expect(refusal(mysqlPlan([{ type: 'sql-query', query: hidden }]))).toMatch(/^checks\.0\.query: as MySQL reads it: /);
    expect(refusal(mysqlPlan([{ type: 'sql-canary', writerSecretArn: WRITER }]))).toBe('checks.0.type: the SQL canary writer speaks Postgres only: on a MySQL database, measure RPO otherwise (remove sql-canary)');
    // MySQL cannot cast a row to text: its checksum names the columns it hashes.
    const { columns: _columns, ...withoutColumns } = ledger;
    expect(refusal(mysqlPlan([withoutColumns]))).toBe('checks.0.columns: a MySQL checksum names the result columns it hashes (columns): MySQL cannot cast a row to text');
  });

  it('refuses a database source restored by a table driver, and a database driver on a table', () => {
    expect(refusal(auroraPlan({ driver: { type: 'dynamodb-pitr' } }))).toContain('driver.type: an rds-database source is restored by the rds-pitr or rds-snapshot driver, not dynamodb-pitr');
    const tableByRdsDriver = { ...auroraPlan(), source: { type: 'dynamodb-table', tableName: 'orders' }, checks: [{ type: 'item-count' }], sqlAccess: undefined };
    expect(refusal(tableByRdsDriver)).toContain('driver.type: the rds-pitr driver restores an rds-database source, not dynamodb-table');
    expect(refusal(auroraPlan({ recoveryPoint: { type: 'random-within', days: 36 } }))).toContain('RDS keeps automated backups at most 35 days');
    accepted(auroraPlan({ recoveryPoint: { type: 'random-within', days: 35 } }));
  });

  it('refuses a publicly accessible restore, a drill-prefixed source and the default subnet group', () => {
    expect(refusal(auroraPlan({}, { restore: { publiclyAccessible: true } }))).toContain('source.restore.publiclyAccessible: a drill restores a database that is not publicly accessible');
    accepted(auroraPlan({}, { restore: { publiclyAccessible: false } }));
    expect(refusal(auroraPlan({}, { identifier: 'irdr-drill-orders' }))).toContain('a source database cannot carry the drill prefix');
    expect(refusal(auroraPlan({}, { identifier: 'IRDR-DRILL-orders' }))).toContain('a source database cannot carry the drill prefix');
    expect(refusal(auroraPlan({}, { restore: { dbSubnetGroupName: 'Default' } }))).toContain('the default subnet group is the default VPC');
    expect(refusal(auroraPlan({}, { identifier: 'orders--1' }))).toContain('an RDS identifier');
    expect(refusal(auroraPlan({}, { unknownKnob: true }))).toContain('unknownKnob');
  });

  it('refuses the Data API for a database it does not serve, SQL checks without access, and source comparisons without the source', () => {
    expect(refusal(auroraPlan({}, { engine: 'postgres' }))).toContain("sqlAccess.via: the checks' Data API transport is for Aurora PostgreSQL; a postgres database is checked over the wire");
    expect(refusal(auroraPlan({}, { engine: 'aurora-mysql' }))).toContain('a aurora-mysql database is checked over the wire');
    expect(refusal(auroraPlan({ sqlAccess: undefined }))).toContain('sqlAccess: SQL checks need sqlAccess');
    expect(refusal(auroraPlan({ sqlAccess: { via: 'data-api', secretArn: SECRET } }))).toContain('sqlAccess.compareWithSource: a check compares with the source');
    expect(refusal(auroraPlan({ sqlAccess: { via: 'data-api', secretArn: 'arn:aws:iam::123456789012:role/x' } }))).toContain('a Secrets Manager secret ARN');
  });

  it('refuses a canary with no writer secret, or with the read-only checks\' own secret', () => {
    expect(refusal(auroraPlan({ checks: [{ type: 'sql-canary' }] }))).toContain('checks.0.writerSecretArn: the canary writer writes into the source');
    expect(refusal(auroraPlan({ checks: [{ type: 'sql-canary', writerSecretArn: SECRET }] }))).toContain("the canary writer's secret is the checks' secret");
  });

  it('refuses a query that is not read-only, with the reason, wherever it hides', () => {
    const withQuery = (query: string) => auroraPlan({ checks: [{ type: 'sql-query', query }] });
    expect(refusal(withQuery('SELECT 1; DROP TABLE orders'))).toMatch(/checks\.0\.query: .*statement/);
    expect(refusal(withQuery('WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) > 0 FROM gone'))).toMatch(/checks\.0\.query: .*DELETE/);
    expect(refusal(withQuery('SELECT pg_sleep(600) IS NULL'))).toMatch(/checks\.0\.query: .*pg_sleep/);
    accepted(withQuery("SELECT 'DELETE FROM x; DROP TABLE y' <> ''"));
  });

  it('stamps the query text into the plan hash, and leaves the plans written before with the hashes their runs recorded', () => {
    const base = accepted(auroraPlan());
    const changed = accepted(auroraPlan({ checks: [{ type: 'sql-checksum', id: 'closed-ledger', query: `${LEDGER} AND amount > 0`, orderBy: ['id'], expected: 'a'.repeat(64) }, { type: 'sql-canary', writerSecretArn: WRITER }] }));
    const sameChecksOtherQuery = accepted(auroraPlan({ checks: [{ type: 'sql-checksum', id: 'closed-ledger', query: LEDGER, orderBy: ['id'], expected: 'a'.repeat(64) }, { type: 'sql-canary', writerSecretArn: WRITER }] }));
    expect(drillPlanHash(changed)).not.toBe(drillPlanHash(sameChecksOtherQuery));
    expect(drillPlanHash(base)).not.toBe(drillPlanHash(sameChecksOtherQuery));
    // Computed on main before SQL checks and database sources were in the schema: a parsed old plan is unchanged.
    const hashes = Object.fromEntries(loadDrillPlans().filter((plan) => plan.source.type !== 'rds-database').map((plan) => [plan.id, drillPlanHash(plan)]));
    expect(hashes).toMatchObject({
      'ledger-archive-pitr': '62447247d8b1c833dc30fecc744a4791070ffe61a998f88c9b72cd7b10c68b1e',
      'orders-archive-s3': '1cbd0cc713a3ffd59958ba9e4bcefee68fe5bcb4826e04eba8833b6d89039349',
      'orders-backup': 'a0781263de52401dfa67d0ea553ef7b1a224e5cde28a35149e53637a7cfd1f7f',
      'orders-pitr': '4250a7d09fed36afc21a498313c872c1d16e2dd3478009a07f6ad4ca60283c4f',
    });
  });
});

describe('the drill network from config', () => {
  const network = { dbSubnetGroupName: 'drill-isolated', vpcSecurityGroupIds: ['sg-0d1e2a3b4c5d6e7f8'] };

  it('refuses a subnet group other than the drill one, in the plan or in AWS Backup restore metadata, and a database drill with no drill network', () => {
    const elsewhere = accepted(auroraPlan({}, { restore: { dbSubnetGroupName: 'prod-app-subnets' } }));
    expect(drillDatabaseNetworkIssues(elsewhere, network)).toEqual([
      { path: ['source', 'restore', 'dbSubnetGroupName'], message: '"prod-app-subnets" is not the drill subnet group "drill-isolated" (config drills.database): a drill restores only into the drill network; remove it' },
    ]);
    expect(drillDatabaseNetworkIssues(accepted(auroraPlan({}, { restore: { dbSubnetGroupName: 'drill-isolated' } })), network)).toEqual([]);
    expect(drillDatabaseNetworkIssues(accepted(auroraPlan()), network)).toEqual([]);
    expect(drillDatabaseNetworkIssues(accepted(auroraPlan()), undefined)[0]?.message).toContain('set drills.database.dbSubnetGroupName');
    const backupSource = { type: 'aws-backup-resource', resourceType: 'Aurora', resourceArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:orders`, restoreMetadata: { dbsubnetgroupname: 'prod-app-subnets' } };
    expect(drillDatabaseNetworkIssues({ source: backupSource }, network)[0]?.message).toContain('"prod-app-subnets" is not the drill subnet group');
    expect(drillDatabaseNetworkIssues({ source: { type: 'dynamodb-table' } }, undefined)).toEqual([]);
  });

  it('refuses wire checks when config places no validator in the drill VPC, and routes them to it when it does', () => {
    const wire = accepted(auroraPlan({ sqlAccess: { via: 'wire', secretArn: SECRET, compareWithSource: true } }, { engine: 'postgres' }));
    expect(drillDatabaseNetworkIssues(wire, network)).toEqual([
      { path: ['sqlAccess', 'via'], message: 'wire checks run in the validator in the drill VPC: set drills.database.validator (subnetIds, securityGroupIds) in config/irdr.config.json, or check through the Data API (Aurora PostgreSQL)' },
    ]);
    const withValidator = { ...network, validator: { subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: ['sg-0e1f2a3b4c5d6e7f9'] } };
    expect(drillDatabaseNetworkIssues(wire, withValidator)).toEqual([]);
    expect(checksRunInOf(wire)).toBe('drill-vpc');
    // The Data API needs no VPC: such a plan runs its checks in RunDrillChecks, with or without a validator.
    expect(drillDatabaseNetworkIssues(accepted(auroraPlan()), network)).toEqual([]);
    expect(checksRunInOf(accepted(auroraPlan()))).toBeUndefined();
    expect(irdrConfig.drills?.database?.validator?.subnetIds.length).toBeGreaterThan(0);
  });

  it('config refuses a validator network that is no subnet or security group, or none at all', () => {
    const database = { dbSubnetGroupName: 'drill-isolated', vpcSecurityGroupIds: ['sg-0d1e2a3b4c5d6e7f8'] };
    const issues = (validator: unknown) => DrillsConfig.safeParse({ database: { ...database, validator } }).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: ['sg-0e1f2a3b4c5d6e7f9'] })).toBeUndefined();
    expect(issues({ subnetIds: [], securityGroupIds: ['sg-0e1f2a3b4c5d6e7f9'] })).toEqual(['database.validator.subnetIds: at least one subnet (two, in two AZs, for a validator that survives an AZ)']);
    expect(issues({ subnetIds: ['drill-isolated'], securityGroupIds: ['sg-0e1f2a3b4c5d6e7f9'] })).toEqual(['database.validator.subnetIds.0: a subnet id (subnet-...)']);
    expect(issues({ subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: ['default'] })).toEqual(['database.validator.securityGroupIds.0: a security group id (sg-...)']);
    expect(issues({ subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: ['sg-0e1f2a3b4c5d6e7f9'], vpcId: 'vpc-1' })?.[0]).toContain('vpcId');
  });

  it('`irdr drills validate` refuses such a plan file, naming the field, and accepts it in the drill subnet group', () => {
    expect(irdrConfig.drills?.database?.dbSubnetGroupName).toBe('drill-isolated');
    const dir = mkdtempSync(join(tmpdir(), 'irdr-rds-plan-'));
    const write = (name: string, plan: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, stringify(plan));
      return file;
    };
    expect(() => loadDrillPlanFile(write('elsewhere.yaml', auroraPlan({}, { restore: { dbSubnetGroupName: 'prod-app-subnets' } })))).toThrow(
      /at source\.restore\.dbSubnetGroupName: "prod-app-subnets" is not the drill subnet group "drill-isolated"/,
    );
    expect(loadDrillPlanFile(write('inside.yaml', auroraPlan({}, { restore: { dbSubnetGroupName: 'drill-isolated' } }))).id).toBe('orders-aurora');
  });
});

describe('the restored database identifier', () => {
  it('is the drill name when it fits, and a valid, drill-prefixed, run-unique RDS identifier when it does not', () => {
    expect(restoredResourceName('Aurora', 'orders-aurora', 'run-1')).toBe('irdr-drill-orders-aurora-run-1');
    const uuidA = restoredResourceName('RDS', 'a-plan-id-that-is-long-enough-to-matter', '0f8b1c2e-3d4a-4b5c-9d6e-7f8091a2b3c4');
    const uuidB = restoredResourceName('RDS', 'a-plan-id-that-is-long-enough-to-matter', '0f8b1c2e-3d4a-4b5c-9d6e-7f8091a2b3c5');
    // Upper case, underscores and `--` are not RDS identifiers; two run ids that clean up alike must not collide.
    const odd = [restoredResourceName('RDS', 'p', 'Run_1'), restoredResourceName('RDS', 'p', 'run-1'), restoredResourceName('RDS', 'p', 'RUN_1'), restoredResourceName('Aurora', 'p', 'a--b')];
    for (const name of [uuidA, uuidB, ...odd]) {
      expect(name).toMatch(RDS_IDENTIFIER_PATTERN);
      expect(name.startsWith('irdr-drill-')).toBe(true);
      // Two characters left for the cluster's instance (`-1`).
      expect(name.length).toBeLessThanOrEqual(61);
    }
    expect(uuidA).not.toBe(uuidB);
    expect(new Set(odd.slice(0, 3)).size).toBe(3);
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { BackupClient, CreateBackupVaultCommand, DescribeBackupJobCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_DRILL_CANARY_WRITER_SECRET_NAME, LOCAL_DRILL_DATABASE_SECRET_NAME, LOCAL_REGION, LOCAL_SLACK_SECRET_NAME } from '../../local/stack-config.js';
import { recordAwsCalls } from '../../local/aws-call-recorder.js';
import { rdsBusEvent } from '../../local/rds/rds-events.js';
import { drillGrantsOf } from './support/drill-grant-check.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { waitFor } from './support/local-rds-bed.js';
import { executionHistory } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * An Aurora PostgreSQL drill (checks through the Data API) and an RDS PostgreSQL drill (checks over the Postgres
 * wire) end to end on the local stack: preflight, point-in-time restore into the drill network, SQL checks with
 * expected vs actual, the canary's measured RPO, cleanup through the guard, the record. Each passes; each fails for
 * a real reason (a closed-ledger line changed before the recovery point); a restore that fails and a cleanup that
 * RDS holds up still end with no drill database left.
 */

/** A partial secret ARN (no random suffix): what a plan names in advance; Secrets Manager finds the secret by it. */
const secretArn = (name: string) => `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${name}`;
const READER = secretArn(LOCAL_DRILL_DATABASE_SECRET_NAME);
const WRITER = secretArn(LOCAL_DRILL_CANARY_WRITER_SECRET_NAME);
const LEDGER_QUERY = "SELECT line, account, amount FROM ledger WHERE period = '2026-11'";
/** The closed period's rows as Postgres prints each row (`q::text`), joined by newlines in key order: what the engine hashes. */
const CLOSED_LEDGER = ['(1,cash,100.00)', '(2,revenue,-100.00)', '(3,fees,0.00)'].join('\n');
const CLOSED_LEDGER_SHA256 = createHash('sha256').update(CLOSED_LEDGER, 'utf8').digest('hex');

const checks = [
  { type: 'sql-row-count', id: 'orders', table: 'orders', expected: 3 },
  { type: 'sql-checksum', id: 'closed-ledger', query: LEDGER_QUERY, orderBy: ['line'], expected: CLOSED_LEDGER_SHA256 },
  { type: 'sql-schema', tables: ['orders', 'ledger'], columns: [{ table: 'orders', column: 'total' }], indexes: [{ table: 'orders', index: 'orders_pkey' }] },
  { type: 'sql-canary', writerSecretArn: WRITER, intervalMinutes: 1 },
  { type: 'sql-query', query: 'SELECT count(*) = 0 FROM orders WHERE total < 0', description: 'no negative order' },
];
const auroraPlan = testPlan({
  id: 'orders-aurora',
  source: { type: 'rds-database', engine: 'aurora-postgresql', identifier: 'orders-db' },
  driver: { type: 'rds-pitr' },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  checks,
  sqlAccess: { via: 'data-api', secretArn: READER },
});
const rdsPlan = testPlan({
  id: 'ledger-rds',
  source: { type: 'rds-database', engine: 'postgres', identifier: 'ledger-db', restore: { dbInstanceClass: 'db.t4g.medium' } },
  driver: { type: 'rds-pitr' },
  targets: { rtoMinutes: 60, rpoMinutes: 15 },
  checks,
  sqlAccess: { via: 'wire', secretArn: READER, database: 'postgres' },
});

/** The same sources restored from AWS Backup recovery points (their ARNs are the local RDS's, fixed by identifier). */
const RESTORE_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore`;
const VAULT = 'irdr-test-database-drills';
const sourceArn = (kind: 'cluster' | 'db', id: string) => `arn:aws:rds:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${kind}:${id}`;
const backupChecks = checks.filter((check) => check.type !== 'sql-canary');
const auroraBackupPlan = testPlan({
  id: 'orders-aurora-backup',
  source: { type: 'aws-backup-resource', resourceType: 'Aurora', resourceArn: sourceArn('cluster', 'orders-db') },
  driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  checks: backupChecks,
  sqlAccess: { via: 'data-api', secretArn: READER },
});
const rdsBackupPlan = testPlan({
  id: 'ledger-rds-backup',
  source: { type: 'aws-backup-resource', resourceType: 'RDS', resourceArn: sourceArn('db', 'ledger-db'), restoreMetadata: { dbInstanceClass: 'db.t4g.medium' } },
  driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  checks: backupChecks,
  sqlAccess: { via: 'wire', secretArn: READER, database: 'postgres' },
});

const recorder = recordAwsCalls({ authorization: {} });
let local: TestStack;
let drills: ReturnType<typeof drillSession>;
let rds: RDSClient;
let data: RDSDataClient;
let master: { username: string; password: string };
let auroraArn: string;
let backup: BackupClient;

/** Runs SQL on a source: the Aurora cluster through the Data API, the RDS instance over the wire. */
async function sql(source: 'orders-db' | 'ledger-db', statement: string): Promise<void> {
  if (source === 'orders-db') {
    await data.send(new ExecuteStatementCommand({ resourceArn: auroraArn, secretArn: READER, sql: statement }));
    return;
  }
  const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-db' }))).DBInstances![0]!;
  const client = new pg.Client({ host: instance.Endpoint!.Address!, port: instance.Endpoint!.Port!, user: master.username, password: master.password, database: 'postgres', ssl: false });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The drill databases still there (instances and clusters). */
async function drillDatabases(): Promise<string[]> {
  const instances = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
  const clusters = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
  return [...instances.map((instance) => instance.DBInstanceIdentifier!), ...clusters.map((cluster) => cluster.DBClusterIdentifier!)].filter((id) => id.startsWith('irdr-drill-'));
}

/** Writes the canary (the real writer), then waits until a drill starting now would restore every write so far. */
async function canaryThenRestorable(source: 'orders-db' | 'ledger-db'): Promise<void> {
  const { writeSqlCanary } = await import('../../functions/aws/drill/sql-canary-writer.js');
  const { writeSqlCanaryOverWire } = await import('../../functions/aws/drill/sql-canary-wire-writer.js');
  const aurora = source === 'orders-db';
  const described = aurora ? (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: source }))).DBClusters![0]!.DBClusterArn! : (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: source }))).DBInstances![0]!.DBInstanceArn!;
  const write = aurora ? writeSqlCanary : writeSqlCanaryOverWire;
  await write({ source: { type: aurora ? 'Aurora' : 'RDS', name: source, arn: described }, access: { via: aurora ? 'data-api' : 'wire' }, writerSecretArn: WRITER, table: 'irdr_drill_canary' });
  // The drill restores the latest restorable time rounded down to the second: the next whole second holds the write.
  const writtenBy = Math.ceil(Date.now() / 1000) * 1000;
  await new Promise((resolve) => setTimeout(resolve, writtenBy - Date.now()));
  await waitFor(async () => {
    const latest = aurora
      ? (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: source }))).DBClusters![0]!.LatestRestorableTime
      : (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: source }))).DBInstances![0]!.LatestRestorableTime;
    return latest !== undefined && latest.getTime() >= writtenBy;
  });
}

async function seed(source: 'orders-db' | 'ledger-db'): Promise<void> {
  await sql(source, 'CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL)');
  await sql(source, "INSERT INTO orders VALUES (1, 'ada', 10.00), (2, 'bob', 20.50), (3, 'cy', 5.25)");
  await sql(source, 'CREATE TABLE ledger (period text, line int, account text, amount numeric(12,2), PRIMARY KEY (period, line))');
  await sql(source, "INSERT INTO ledger VALUES ('2026-11', 1, 'cash', 100.00), ('2026-11', 2, 'revenue', -100.00), ('2026-11', 3, 'fees', 0)");
}

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60, drillPlans: [auroraPlan, rdsPlan, auroraBackupPlan, rdsBackupPlan] });
  drills = drillSession(local);
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  rds = new RDSClient({ ...clientConfig, endpoint: local.stack.rds.endpoint });
  data = new RDSDataClient({ ...clientConfig, endpoint: local.stack.rds.dataApiEndpoint });
  const secrets = new SecretsManagerClient({ ...clientConfig, endpoint: local.stack.secretsManagerEndpoint });
  master = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: READER }))).SecretString!) as { username: string; password: string };
  secrets.destroy();
  auroraArn = (await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'orders-db', Engine: 'aurora-postgresql', MasterUsername: master.username, MasterUserPassword: master.password, EnableHttpEndpoint: true }))).DBCluster!.DBClusterArn!;
  await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-db-1', DBClusterIdentifier: 'orders-db', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
  await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'ledger-db', Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', MasterUsername: master.username, MasterUserPassword: master.password }));
  await waitFor(async () => (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.every((instance) => instance.DBInstanceStatus === 'available'));
  await seed('orders-db');
  await seed('ledger-db');
  backup = new BackupClient({ ...clientConfig, endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP });
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
}, 120_000);

/** An AWS Backup recovery point of the source, taken now (the local AWS Backup snapshots the local RDS database). */
async function backUp(resourceArn: string): Promise<string> {
  const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: resourceArn, IamRoleArn: RESTORE_ROLE }));
  await waitFor(async () => {
    const job = await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    if (job.State === 'FAILED') throw new Error(`backup of ${resourceArn} failed: ${job.StatusMessage ?? ''}`);
    return job.State === 'COMPLETED';
  });
  return started.RecoveryPointArn!;
}

afterAll(async () => {
  recorder.stop();
  rds?.destroy();
  data?.destroy();
  backup?.destroy();
  await local?.stop();
});

for (const [plan, source, transport] of [
  [auroraPlan, 'orders-db', 'data-api'],
  [rdsPlan, 'ledger-db', 'wire'],
] as const) {
  describe(`${plan.id}: ${source} checked over ${transport}`, () => {
    it('passes: every SQL check with expected vs actual, the RPO measured by the canary, the restored database deleted', async () => {
      await canaryThenRestorable(source);
      const { view, execution } = await drills.runDrill(plan.id);
      // On failure, say why: the run's reasons and checks, not only the execution's status.
      expect(execution.status, JSON.stringify({ reasons: view.run?.reasons, checks: view.run?.checks, cleanup: view.run?.cleanup }, null, 1)).toBe('SUCCEEDED');
      const run = view.run;
      expect(run.status, JSON.stringify(run.checks, null, 1)).toBe('passed');
      expect(run.checks.map((check: { id: string; passed: boolean }) => [check.id, check.passed])).toEqual([
        ['orders', true],
        ['closed-ledger', true],
        ['sql-schema', true],
        ['sql-canary', true],
        ['sql-query', true],
      ]);
      expect(run.checks[1]).toMatchObject({ expected: `SHA-256 ${CLOSED_LEDGER_SHA256}, recorded in the plan`, actual: `SHA-256 ${CLOSED_LEDGER_SHA256} over 3 rows` });
      expect(run.checks[0]).toMatchObject({ expected: '3 rows in orders, as the plan states', actual: '3 rows' });
      expect(run.rpo).toMatchObject({ method: 'canary' });
      expect(run.cleanup.status).toBe('DELETED');
      expect(await drillDatabases()).toEqual([]);
      const started = view.events.find((event) => event.type === 'drill.restore.started')?.detail;
      const aurora = plan.source.type === 'rds-database' && plan.source.engine.startsWith('aurora');
      expect(started).toMatchObject({ driver: 'rds-pitr', restored: { type: aurora ? 'Aurora' : 'RDS' }, completionSignal: 'end-event' });
      // Woken by RDS's own event (the restored instance's; a cluster's first, then its instance's), or by the waiting
      // step's one look when the database was already made: never by the safety net (a quarter of the 60-minute RTO).
      const completed = view.events.find((event) => event.type === 'drill.restore.completed')?.detail;
      expect(completed).toMatchObject({ looks: aurora ? 2 : 1 });
      expect(['event', 'look']).toContain(completed?.wokenBy);
      // The wait was kept under the restored database's ARN, the SourceArn of RDS's event, routed by the rule: the
      // event again finds it over; one for a drill-named database no run waits on finds none; the source's reaches nothing.
      const restoredArn = started?.restored && `arn:aws:rds:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:db:${(started.restored as { name: string }).name}${aurora ? '-1' : ''}`;
      const restoredName = `${(started?.restored as { name: string }).name}${aurora ? '-1' : ''}`;
      const again = await local.stack.events.deliver(rdsBusEvent(aurora ? 'instanceCreated' : 'instanceRestoredToPointInTime', { arn: restoredArn!, identifier: restoredName, tags: [] }, { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID }));
      expect(again.deliveries).toEqual([expect.objectContaining({ rule: 'drill-databases-restored', outcome: 'delivered', result: { outcome: 'already-ended', awaited: restoredArn } })]);
      const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID };
      const strangerArn = `arn:aws:rds:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:db:irdr-drill-by-hand`;
      const stranger = await local.stack.events.deliver(rdsBusEvent('instanceCreated', { arn: strangerArn, identifier: 'irdr-drill-by-hand', tags: [] }, scope));
      expect(stranger.deliveries).toEqual([expect.objectContaining({ rule: 'drill-databases-restored', outcome: 'delivered', result: { outcome: 'not-waited-on', awaited: strangerArn } })]);
      const sourceArn = `arn:aws:rds:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:db:${source}`;
      expect((await local.stack.events.deliver(rdsBusEvent('instanceCreated', { arn: sourceArn, identifier: source, tags: [] }, scope))).deliveries).toEqual([]);
      const history = await executionHistory(local, execution.executionArn!);
      const entered = (name: string) => history.filter((event) => event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name === name);
      expect(entered('Wait for restore end')).toHaveLength(aurora ? 2 : 1);
      expect(entered('Wait for restore')).toHaveLength(0);
      expect(view.trail.intact).toBe(true);
    }, 120_000);

    it('fails for a real reason: a closed-ledger line changed before the recovery point, with expected vs actual; the restored database is still deleted', async () => {
      await sql(source, "UPDATE ledger SET amount = 90.00 WHERE period = '2026-11' AND line = 1");
      await canaryThenRestorable(source);
      const { view } = await drills.runDrill(plan.id);
      const run = view.run;
      expect(run.status).toBe('failed');
      const ledger = run.checks.find((check: { id: string }) => check.id === 'closed-ledger');
      expect(ledger).toMatchObject({ passed: false, expected: `SHA-256 ${CLOSED_LEDGER_SHA256}, recorded in the plan` });
      expect(ledger.actual).toMatch(/^SHA-256 [0-9a-f]{64} over 3 rows$/);
      expect(ledger.actual).not.toContain(CLOSED_LEDGER_SHA256);
      expect(run.checks.filter((check: { passed: boolean }) => !check.passed).map((check: { id: string }) => check.id)).toEqual(['closed-ledger']);
      expect(run.cleanup.status).toBe('DELETED');
      expect(await drillDatabases()).toEqual([]);
      await sql(source, "UPDATE ledger SET amount = 100.00 WHERE period = '2026-11' AND line = 1");
    }, 120_000);
  });
}

describe('forced failures: the restored database is deleted on every path', () => {
  it('a restore RDS fails: its failure event ends the wait, the run fails at the restore, and the failed database is deleted', async () => {
    await canaryThenRestorable('orders-db');
    local.stack.faults.rds.failRestores(true);
    try {
      const { view, execution } = await drills.runDrill(auroraPlan.id);
      expect(view.run.status).toBe('failed');
      expect(view.run.reasons.join(' ')).toMatch(/failed/);
      expect(view.run.checks ?? []).toEqual([]);
      // RDS-EVENT-0354 (or the waiting step's look) failed the wait with the restore's end; no safety-net timeout.
      const ended = (await executionHistory(local, execution.executionArn!)).filter((event) => event.type === 'TaskFailed' || event.type === 'TaskTimedOut');
      expect(ended.map((event) => event.taskFailedEventDetails?.error ?? event.type)).toEqual(['DrillRestoreJobEnded']);
    } finally {
      local.stack.faults.rds.failRestores(false);
    }
    await waitFor(async () => (await drillDatabases()).length === 0);
  }, 120_000);

  it('a query that cannot run (a table gone from the restore) is a failed check with the engine\'s message, and cleanup still deletes', async () => {
    await sql('ledger-db', 'ALTER TABLE orders RENAME TO orders_renamed');
    try {
      await canaryThenRestorable('ledger-db');
      const { view } = await drills.runDrill(rdsPlan.id);
      expect(view.run.status).toBe('failed');
      const orders = view.run.checks.find((check: { id: string }) => check.id === 'orders');
      expect(orders).toMatchObject({ passed: false, details: { error: 'engine' } });
      expect(orders.actual).toMatch(/relation "public\.orders" does not exist|relation "orders" does not exist/);
      expect(view.run.cleanup.status).toBe('DELETED');
      expect(await drillDatabases()).toEqual([]);
    } finally {
      await sql('ledger-db', 'ALTER TABLE orders_renamed RENAME TO orders');
    }
  }, 120_000);

  it('RDS refuses the deletes for a while: cleanup waits and retries, and the database is deleted once RDS lets it', async () => {
    await canaryThenRestorable('ledger-db');
    local.stack.faults.rds.refuseDeletes(true);
    const runId = randomUUID();
    // Released only once the checks are recorded (cleanup comes next) and a moment has passed: its first attempt is refused.
    const released = waitFor(async () => {
      const record = await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' });
      return record.status === 200 && Array.isArray((record.body as { run?: { checks?: unknown } }).run?.checks);
    }).then(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      local.stack.faults.rds.refuseDeletes(false);
    });
    const { view } = await drills.runDrill(rdsPlan.id, runId);
    await released;
    expect(view.run.status).toBe('passed');
    expect(view.run.cleanup.status).toBe('DELETED');
    // Refused at first (RDS said the database was busy), retried after a wait, then deleted.
    expect(view.events.find((event) => event.type === 'drill.cleanup.completed')?.detail?.attempts).toBeGreaterThan(1);
    expect(await drillDatabases()).toEqual([]);
  }, 180_000);
});

/** Each stage of a database drill made to throw (or hang) once it is reached, as tests/reliability/faults.test.ts does for tables. */
const stageFaults = [
  { plan: auroraPlan, functionName: 'PrepareDrillRun', fault: { mode: 'throw' }, ends: 'FAILED' },
  { plan: auroraPlan, functionName: 'StartDrillRestore', fault: { mode: 'throw' }, ends: 'FAILED' },
  // The wait's failure goes to a look at the restore: the run fails once the looks time out, so the restore is held past them.
  { plan: auroraPlan, functionName: 'AwaitDrillRestoreEnd', fault: { mode: 'throw' }, ends: 'FAILED', holdRestoreMs: 3000 },
  { plan: auroraPlan, functionName: 'RunDrillChecks', fault: { mode: 'throw' }, ends: 'FAILED' },
  { plan: rdsPlan, functionName: 'RunDrillWireChecks', fault: { mode: 'hang', hangMs: 300 }, ends: 'FAILED' },
  // Cleanup failing once is retried: the drill still passes, and its database is gone.
  { plan: rdsPlan, functionName: 'CleanUpDrill', fault: { mode: 'throw', times: 1 }, ends: 'SUCCEEDED' },
  { plan: auroraPlan, functionName: 'RecordDrillOutcome', fault: { mode: 'throw' }, ends: 'FAILED' },
  { plan: rdsPlan, functionName: 'SendDrillReport', fault: { mode: 'throw' }, ends: 'FAILED' },
] as const;

describe('forced failures at each stage: the run ends, and no drill database is left', () => {
  it.each(stageFaults.map((stage) => [`${stage.plan.id}: ${stage.functionName} ${stage.fault.mode}s${'times' in stage.fault ? ' once' : ''}`, stage] as const))(
    '%s',
    async (_name, stage) => {
      const { plan, functionName, fault, ends } = stage;
      await canaryThenRestorable(plan.source.type === 'rds-database' ? (plan.source.identifier as 'orders-db' | 'ledger-db') : 'orders-db');
      local.stack.faults.functions.set(functionName, fault);
      local.stack.faults.rds.holdRestores('holdRestoreMs' in stage ? stage.holdRestoreMs : 0);
      try {
        const { view, execution } = await drills.runDrill(plan.id);
        expect(execution.status, JSON.stringify({ reasons: view.run?.reasons, cleanup: view.run?.cleanup })).toBe(ends);
      } finally {
        local.stack.faults.functions.clear();
        local.stack.faults.rds.holdRestores(0);
      }
      // A restore already under way when its stage failed is deleted once RDS has made it (cleanup waits for it).
      await waitFor(async () => (await drillDatabases()).length === 0);
    },
    120_000,
  );
});

describe('through AWS Backup: recovery points of the Aurora cluster and the RDS instance', () => {
  it('Aurora: restored into the drill network with the isolated metadata, given its one instance, checked through the Data API; only what the drill restored is deleted', async () => {
    const recoveryPoint = await backUp(auroraArn);
    const { view, execution } = await drills.runDrill(auroraBackupPlan.id);
    expect(execution.status, JSON.stringify({ reasons: view.run?.reasons, checks: view.run?.checks, cleanup: view.run?.cleanup }, null, 1)).toBe('SUCCEEDED');
    const run = view.run;
    expect(run.status, JSON.stringify(run.checks, null, 1)).toBe('passed');
    expect(run.checks.map((check: { id: string; passed: boolean }) => [check.id, check.passed])).toEqual([
      ['orders', true],
      ['closed-ledger', true],
      ['sql-schema', true],
      ['sql-query', true],
    ]);
    expect(run.checks[1]).toMatchObject({ expected: `SHA-256 ${CLOSED_LEDGER_SHA256}, recorded in the plan`, actual: `SHA-256 ${CLOSED_LEDGER_SHA256} over 3 rows` });
    const started = view.events.find((event) => event.type === 'drill.restore.started')?.detail;
    const restoredName = (started?.restored as { name: string }).name;
    expect(started).toMatchObject({ driver: 'aws-backup', restored: { type: 'Aurora' }, recoveryPoint: { id: recoveryPoint }, completionSignal: 'end-event' });
    // The recovery point's own placement (the source's default subnet group) replaced by the drill network from config.
    expect(started?.restoreMetadata).toMatchObject({ dbClusterIdentifier: restoredName, dbSubnetGroupName: 'drill-isolated', vpcSecurityGroupIds: '["sg-0d1e2a3b4c5d6e7f8"]', deletionProtection: 'false', engine: 'aurora-postgresql' });
    // The job, then the instance the drill added (AWS Backup restores an Aurora cluster without one), each ended a wait
    // (a loaded machine may look once more); never the polling safety net.
    const history = await executionHistory(local, execution.executionArn!);
    const entered = (name: string) => history.filter((event) => event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name === name);
    expect(entered('Wait for restore end').length).toBeGreaterThanOrEqual(2);
    expect(entered('Wait for restore')).toHaveLength(0);
    expect(run.cleanup.status).toBe('DELETED');
    expect(run.cleanup.deletedExtras).toEqual([`DB instance ${restoredName}-1`]);
    expect(await drillDatabases()).toEqual([]);
    // Nothing else: the source cluster, its instance and the RDS source are all still there.
    expect((await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-db' }))).DBClusters![0]!.DBClusterMembers!.map((member) => member.DBInstanceIdentifier)).toEqual(['orders-db-1']);
    expect((await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ledger-db' }))).DBInstances![0]!.DBInstanceStatus).toBe('available');
    expect(view.trail.intact).toBe(true);
  }, 120_000);

  it('RDS: fails for a real reason (a closed-ledger line changed before the backup), checked over the wire; the restored instance is still deleted', async () => {
    await sql('ledger-db', "UPDATE ledger SET amount = 90.00 WHERE period = '2026-11' AND line = 1");
    try {
      await backUp(sourceArn('db', 'ledger-db'));
      const { view } = await drills.runDrill(rdsBackupPlan.id);
      const run = view.run;
      expect(run.status).toBe('failed');
      expect(run.checks.filter((check: { passed: boolean }) => !check.passed).map((check: { id: string }) => check.id)).toEqual(['closed-ledger']);
      const ledger = run.checks.find((check: { id: string }) => check.id === 'closed-ledger');
      expect(ledger).toMatchObject({ expected: `SHA-256 ${CLOSED_LEDGER_SHA256}, recorded in the plan` });
      expect(ledger.actual).toMatch(/^SHA-256 [0-9a-f]{64} over 3 rows$/);
      const started = view.events.find((event) => event.type === 'drill.restore.started')?.detail;
      // The plan's instance class kept; isolation over everything the recovery point said.
      expect(started?.restoreMetadata).toMatchObject({ dbInstanceClass: 'db.t4g.medium', dbSubnetGroupName: 'drill-isolated', publiclyAccessible: 'false', deletionProtection: 'false' });
      expect(run.cleanup.status).toBe('DELETED');
      expect(await drillDatabases()).toEqual([]);
    } finally {
      await sql('ledger-db', "UPDATE ledger SET amount = 100.00 WHERE period = '2026-11' AND line = 1");
    }
  }, 120_000);
});

describe('through AWS Backup: forced failure', () => {
  it('a restore RDS fails under the AWS Backup job: the job fails the run at the restore, and the database it began is still deleted (found by the run\'s identifier)', async () => {
    await backUp(auroraArn);
    local.stack.faults.rds.failRestores(true);
    try {
      const { view } = await drills.runDrill(auroraBackupPlan.id);
      expect(view.run.status).toBe('failed');
      expect(view.run.reasons.join(' ')).toMatch(/restore job .* is FAILED/);
      expect(view.run.checks ?? []).toEqual([]);
      expect(view.run.cleanup.status).toBe('DELETED');
    } finally {
      local.stack.faults.rds.failRestores(false);
    }
    await waitFor(async () => (await drillDatabases()).length === 0);
    expect((await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-db' }))).DBClusters![0]!.Status).toBe('available');
  }, 120_000);
});

/** The drill's functions (the task-link key other functions read is not theirs to judge here). */
const DRILL_FUNCTIONS = new Set(['PrepareDrillRun', 'StartDrillRestore', 'CheckDrillRestore', 'AwaitDrillRestoreEnd', 'EndDrillRestoreWait', 'RunDrillChecks', 'RunDrillWireChecks', 'CleanUpDrill', 'RecordDrillOutcome', 'SendDrillReport', 'WriteDrillCanary']);

describe('least privilege', () => {
  it('calls RDS, the Data API and Secrets Manager only as the synthesized grants of each function allow: actions, and the databases and secrets they act on', () => {
    const { allows } = drillGrantsOf([auroraPlan, rdsPlan, auroraBackupPlan, rdsBackupPlan]);
    const calls = recorder
      .calls()
      .flatMap((call) => (/^(rds|rds-data|secretsmanager):/.test(call.action) && DRILL_FUNCTIONS.has(call.functionName) ? (call.authorization?.resources ?? ['(none)']).map((resource) => ({ functionName: call.functionName, action: call.action, resource })) : []))
      // The Slack app secret the drill report reads is slack:post's, not a drills:* grant (iam-coverage holds it to the stack's policy).
      .filter((call) => !call.resource.includes(`:secret:${LOCAL_SLACK_SECRET_NAME}`));
    const used = [...new Set(calls.map((call) => `${call.functionName} ${call.action}`))].sort();
    expect(used).toEqual(
      expect.arrayContaining([
        'PrepareDrillRun rds:DescribeDBClusters',
        'PrepareDrillRun rds:DescribeDBInstances',
        'StartDrillRestore rds:RestoreDBClusterToPointInTime',
        'StartDrillRestore rds:RestoreDBInstanceToPointInTime',
        'CheckDrillRestore rds:CreateDBInstance',
        'CheckDrillRestore rds:EnableHttpEndpoint',
        'CheckDrillRestore rds:AddTagsToResource',
        'AwaitDrillRestoreEnd rds:DescribeDBClusters',
        'AwaitDrillRestoreEnd rds:DescribeDBInstances',
        'RunDrillChecks rds-data:BeginTransaction',
        'RunDrillChecks rds-data:ExecuteStatement',
        // The RDS plan's checks over the wire: the validator (in the drill VPC in AWS) finds the endpoint and reads the secret.
        'RunDrillWireChecks rds:DescribeDBInstances',
        'RunDrillWireChecks secretsmanager:GetSecretValue',
        'CleanUpDrill rds:DeleteDBInstance',
        'CleanUpDrill rds:DeleteDBCluster',
      ]),
    );
    for (const call of calls) expect(allows(call.functionName, call.action, call.resource), `${call.functionName} ${call.action} on ${call.resource}`).toBe(true);
    // Not vacuous: the sources cannot be deleted or queried through the Data API, nor the canary writer's secret read by the checks.
    const source = (kind: string, id: string) => `arn:aws:rds:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${kind}:${id}`;
    expect(allows('CleanUpDrill', 'rds:DeleteDBCluster', source('cluster', 'orders-db'))).toBe(false);
    expect(allows('CleanUpDrill', 'rds:DeleteDBInstance', source('db', 'ledger-db'))).toBe(false);
    expect(allows('RunDrillChecks', 'rds-data:ExecuteStatement', source('cluster', 'orders-db'))).toBe(false);
    expect(allows('RunDrillChecks', 'secretsmanager:GetSecretValue', `${WRITER}-AbCdEf`)).toBe(false);
    // Each checks function has its one way in: RunDrillChecks never looks up an endpoint for the wire, the validator never speaks the Data API.
    expect(used.filter((use) => use.startsWith('RunDrillChecks rds:') || use.startsWith('RunDrillChecks secretsmanager:'))).toEqual([]);
    expect(allows('RunDrillChecks', 'rds:DescribeDBInstances', source('db', 'irdr-drill-ledger-rds-x'))).toBe(false);
    expect(allows('RunDrillWireChecks', 'rds-data:ExecuteStatement', source('cluster', 'irdr-drill-orders-aurora-x'))).toBe(false);
    expect(allows('RunDrillWireChecks', 'secretsmanager:GetSecretValue', `${WRITER}-AbCdEf`)).toBe(false);
    expect(allows('WriteDrillCanary', 'secretsmanager:GetSecretValue', `${READER}-AbCdEf`)).toBe(false);
    expect(allows('StartDrillRestore', 'rds:RestoreDBInstanceToPointInTime', source('db', 'ledger-copy'))).toBe(false);
    // The waiting step's look describes the drill's databases only.
    expect(allows('AwaitDrillRestoreEnd', 'rds:DescribeDBInstances', source('db', 'ledger-db'))).toBe(false);
  });
});

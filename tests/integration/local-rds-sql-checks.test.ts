import { CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, RestoreDBClusterToPointInTimeCommand } from '@aws-sdk/client-rds';
import { BeginTransactionCommand, ExecuteStatementCommand, RDSDataClient, RollbackTransactionCommand } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDataApiTransport } from '../../functions/aws/drill/sql/data-api-transport.js';
import { runSqlCheck } from '../../functions/aws/drill/sql/run-sql-check.js';
import type { SqlTransport } from '../../functions/aws/drill/sql/sql-transport.js';
import { postgresWireTransport } from '../../functions/aws/drill/sql/wire-transport.js';
import { SqlCheck } from '../../functions/domain/drill/sql-check.js';
import { canaryTableSql, canaryWriteSql, parseTableName } from '../../functions/domain/drill/sql-generation.js';
import { startLocalRdsForTests, type RdsTestBed } from './support/local-rds-bed.js';

const check = (input: unknown): SqlCheck => SqlCheck.parse(input);
/** A check as a plan from elsewhere could carry it, past the schema's refusal: the runner must refuse it itself. */
const unvalidated = (input: Record<string, unknown>): SqlCheck => input as unknown as SqlCheck;

describe('SQL checks against a cluster restored to a point in time, over the Data API and the Postgres wire', () => {
  let bed: RdsTestBed;
  let rds: RDSClient;
  let data: RDSDataClient;
  let sourceArn: string;
  let source: SqlTransport;
  let restoredDataApi: SqlTransport;
  let restoredWire: SqlTransport;
  let closedLedgerChecksum: string;
  let point: Date;
  const execute = (resourceArn: string, sql: string) => data.send(new ExecuteStatementCommand({ resourceArn, secretArn: bed.secretArn, sql }));

  beforeAll(async () => {
    bed = await startLocalRdsForTests();
    rds = bed.rdsClient();
    data = bed.dataClient();
    sourceArn = (await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'shop', Engine: 'aurora-postgresql', MasterUsername: bed.masterUsername, MasterUserPassword: bed.masterPassword, EnableHttpEndpoint: true }))).DBCluster!.DBClusterArn!;
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'shop-1', DBClusterIdentifier: 'shop', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    await bed.waitForInstance('shop-1');
    await execute(sourceArn, 'CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2))');
    await execute(sourceArn, "INSERT INTO orders SELECT g, 'c' || g, g * 1.5 FROM generate_series(1, 5) AS g");
    await execute(sourceArn, 'CREATE TABLE ledger (period text, line int, account text, amount numeric(12,2), PRIMARY KEY (period, line))');
    await execute(sourceArn, "INSERT INTO ledger VALUES ('2026-11', 1, 'cash', 100.00), ('2026-11', 2, 'revenue', -100.00), ('2026-11', 3, 'note, with \"quotes\"', 0)");
    // A function that writes: no parser can tell from `SELECT wipe_orders()` that it does; the read-only transaction can.
    await execute(sourceArn, 'CREATE FUNCTION wipe_orders() RETURNS int LANGUAGE sql AS $$ DELETE FROM orders; SELECT 1 $$');
    source = postgresDataApiTransport({ resourceArn: sourceArn, secretArn: bed.secretArn }, bed.dataClient());

    // The period closes: its checksum is recorded (as the plan would hold it).
    const closing = await runSqlCheck('close', check({ type: 'sql-checksum', query: "SELECT * FROM ledger WHERE period = '2026-11'", orderBy: ['period', 'line'], expected: '0'.repeat(64) }), { restored: source });
    closedLedgerChecksum = closing.details!['actualChecksum'] as string;
    expect(closedLedgerChecksum).toMatch(/^[0-9a-f]{64}$/);
    // The scheduled canary writer's table and a write, more than a second before the point.
    await execute(sourceArn, canaryTableSql('postgres', parseTableName('irdr_drill_canary')));
    await execute(sourceArn, canaryWriteSql('postgres', parseTableName('irdr_drill_canary')));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Someone changes a closed line before the recovery point, and deletes an order after it.
    await execute(sourceArn, "UPDATE ledger SET amount = 90.00 WHERE period = '2026-11' AND line = 1");
    await bed.waitForRestorable('shop', Date.now());
    point = new Date();
    await bed.waitForRestorable('shop', point.getTime());
    await execute(sourceArn, 'DELETE FROM orders WHERE id = 5');

    await rds.send(new RestoreDBClusterToPointInTimeCommand({ DBClusterIdentifier: 'shop-drill', SourceDBClusterIdentifier: 'shop', RestoreToTime: point }));
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'shop-drill-1', DBClusterIdentifier: 'shop-drill', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));
    const instance = await bed.waitForInstance('shop-drill-1');
    await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'shop-drill', EnableHttpEndpoint: true }));
    const restoredArn = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'shop-drill' }))).DBClusters![0]!.DBClusterArn!;
    restoredDataApi = postgresDataApiTransport({ resourceArn: restoredArn, secretArn: bed.secretArn }, bed.dataClient());
    restoredWire = postgresWireTransport({ host: instance.Endpoint!.Address!, port: instance.Endpoint!.Port!, user: bed.masterUsername, password: bed.masterPassword, database: 'postgres', ssl: false });
  });

  afterAll(async () => {
    await source?.close();
    await restoredDataApi?.close();
    rds?.destroy();
    data?.destroy();
    await bed?.stop();
  });

  it('fails a Data API check as a timeout when another caller holds the cluster in an open transaction, instead of waiting for it', async () => {
    const restoredArn = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'shop-drill' }))).DBClusters![0]!.DBClusterArn!;
    const held = await data.send(new BeginTransactionCommand({ resourceArn: restoredArn, secretArn: bed.secretArn }));
    try {
      const result = await runSqlCheck('held', check({ type: 'sql-row-count', table: 'orders', expected: 5 }), { restored: restoredDataApi, statementTimeoutMs: 100 });
      expect(result, JSON.stringify(result)).toMatchObject({ passed: false, details: { error: 'timeout' } });
    } finally {
      await data.send(new RollbackTransactionCommand({ resourceArn: restoredArn, secretArn: bed.secretArn, transactionId: held.transactionId! }));
    }
    expect(await runSqlCheck('after', check({ type: 'sql-row-count', table: 'orders', expected: 5 }), { restored: restoredDataApi })).toMatchObject({ passed: true });
  });

  for (const transport of ['data-api', 'wire'] as const) {
    describe(`over ${transport}`, () => {
      const restored = () => (transport === 'data-api' ? restoredDataApi : restoredWire);

      it('passes what the restore holds: the row count at the point, the schema, a custom query', async () => {
        // One after another: the local engine's wire clients share one connection (docs/local-rds.md).
        const results = [
          await runSqlCheck('orders', check({ type: 'sql-row-count', table: 'orders', expected: 5 }), { restored: restored() }),
          await runSqlCheck('schema', check({ type: 'sql-schema', tables: ['orders', 'public.ledger'], columns: [{ table: 'orders', column: 'amount' }], indexes: [{ table: 'orders', index: 'orders_pkey' }] }), { restored: restored() }),
          await runSqlCheck('custom', check({ type: 'sql-query', query: 'SELECT count(*) = 5 FROM orders' }), { restored: restored() }),
        ];
        for (const result of results) expect(result, JSON.stringify(result)).toMatchObject({ passed: true });
        expect(results[0]).toMatchObject({ type: 'sql-row-count', expected: '5 rows in orders, as the plan states', actual: '5 rows' });
      });

      it('fails for real reasons, with expected vs actual: a row deleted after the point, a closed ledger changed, a column missing', async () => {
        const vsSource = await runSqlCheck('orders-vs-source', check({ type: 'sql-row-count', table: 'orders', expected: 'source' }), { restored: restored(), source });
        expect(vsSource).toMatchObject({ passed: false, expected: "4 rows in orders, the source's count now", actual: '5 rows' });
        const ledger = await runSqlCheck('ledger', check({ type: 'sql-checksum', query: "SELECT * FROM ledger WHERE period = '2026-11' -- closed", orderBy: ['period', 'line'], expected: closedLedgerChecksum }), { restored: restored() });
        expect(ledger.passed).toBe(false);
        expect(ledger.expected).toBe(`SHA-256 ${closedLedgerChecksum}, recorded in the plan`);
        expect(ledger.actual).toMatch(/^SHA-256 [0-9a-f]{64} over 3 rows$/);
        const schema = await runSqlCheck('schema', check({ type: 'sql-schema', columns: [{ table: 'orders', column: 'shipped_at' }] }), { restored: restored() });
        expect(schema).toMatchObject({ passed: false, actual: 'missing: column orders.shipped_at' });
      });

      it('measures the RPO from the restored canary: within a 5-minute target it passes, against a 0-minute target it fails', async () => {
        const canary = check({ type: 'sql-canary' });
        const requestedAt = point.toISOString();
        const within = await runSqlCheck('canary', canary, { restored: restored(), source, recovery: { requestedAt, rpoMinutes: 5 } });
        expect(within, JSON.stringify(within)).toMatchObject({ type: 'sql-canary', passed: true });
        expect(within.measuredRpoSeconds).toBeGreaterThanOrEqual(1);
        expect(within.measuredRpoSeconds).toBeLessThan(120);
        const strict = await runSqlCheck('canary', canary, { restored: restored(), recovery: { requestedAt, rpoMinutes: 0 } });
        expect(strict).toMatchObject({ passed: false, measuredRpoSeconds: within.measuredRpoSeconds });
        expect(strict.actual).toMatch(/^canary written \d{4}-\d\d-\d\dT[\d:.]+Z, .* before the recovery point asked for$/);
        const noYardstick = await runSqlCheck('canary', canary, { restored: restored() });
        expect(noYardstick).toMatchObject({ passed: false, details: { error: 'refused' } });
      });

      it('the same checksum query gives the same hash on both transports and on the source', async () => {
        const query = check({ type: 'sql-checksum', query: 'SELECT id, customer, amount FROM orders WHERE id <= 4', orderBy: ['id'], expected: 'source' });
        expect(await runSqlCheck('orders-hash', query, { restored: restored(), source })).toMatchObject({ passed: true });
      });

      it('fails a check that is not read-only, names a missing table, or writes through a function, with the reason, and writes nothing', async () => {
        const stacked = await runSqlCheck('stacked', unvalidated({ type: 'sql-query', query: 'SELECT 1; DROP TABLE orders' }), { restored: restored() });
        expect(stacked).toMatchObject({ passed: false, details: { error: 'refused' } });
        expect(stacked.actual).toMatch(/more than one statement/);
        const cte = await runSqlCheck('cte', unvalidated({ type: 'sql-query', query: 'WITH gone AS (DELETE FROM orders RETURNING 1) SELECT count(*) = 0 FROM gone' }), { restored: restored() });
        expect(cte.actual).toMatch(/DELETE is not allowed/);
        const missing = await runSqlCheck('missing', check({ type: 'sql-row-count', table: 'invoices', expected: 1 }), { restored: restored() });
        expect(missing).toMatchObject({ passed: false, expected: '1 rows in invoices', details: { error: 'engine' } });
        expect(missing.actual).toMatch(/relation "invoices" does not exist/);
        const wipe = await runSqlCheck('wipe', check({ type: 'sql-query', query: 'SELECT wipe_orders() = 1' }), { restored: restored() });
        expect(wipe).toMatchObject({ passed: false, details: { error: 'engine' } });
        expect(wipe.actual).toMatch(/cannot execute DELETE in a read-only transaction/);
        expect(await runSqlCheck('still-there', check({ type: 'sql-row-count', table: 'orders', expected: 5 }), { restored: restored() })).toMatchObject({ passed: true });
      });

      it('fails a query that runs past its statement timeout as a timeout, instead of waiting for it', async () => {
        const slow = check({ type: 'sql-query', query: 'SELECT count(*) > 0 FROM generate_series(1, 6000000)' });
        const result = await runSqlCheck('slow', slow, { restored: restored(), statementTimeoutMs: 50 });
        expect(result, JSON.stringify(result)).toMatchObject({ passed: false });
        expect(['timeout', 'engine']).toContain(result.details!['error']);
        expect(result.actual).toMatch(/did not finish within 50 ms|statement timeout/);
      });
    });
  }
});

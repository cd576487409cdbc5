import { describe, expect, it } from 'vitest';
import { readOnlyQuery } from '../../functions/domain/drill/sql-read-only.js';
import { canaryReadSql, canaryTableSql, canaryWriteSql, checksumSessionSql, checksumSql, parseTableName, quoteIdentifier, readOnlyTransactionSql, rowCountSql, schemaListSql } from '../../functions/domain/drill/sql-generation.js';
import { checksumVerdict, countOf, customQueryVerdict, rowCountVerdict, schemaVerdict } from '../../functions/domain/drill/sql-verdicts.js';
import { SqlCheck } from '../../functions/domain/drill/sql-check.js';

// MySQL has no embedded engine here: its SQL is held to the text at this level only (Postgres' runs on PGlite in tests/integration/local-rds-sql-checks.test.ts).
describe('SQL generation', () => {
  it('quotes every name so that nothing in it reads as SQL, in each dialect', () => {
    expect(quoteIdentifier('postgres', 'orders"; DROP TABLE x; --')).toBe('"orders""; DROP TABLE x; --"');
    expect(quoteIdentifier('mysql', 'orders`; DROP TABLE x; --')).toBe('`orders``; DROP TABLE x; --`');
    expect(() => quoteIdentifier('postgres', 'a\0b')).toThrow(/NUL/);
    expect(rowCountSql('postgres', parseTableName('sales.Orders'))).toBe('SELECT COUNT(*) AS row_count FROM "sales"."Orders"');
    expect(rowCountSql('mysql', parseTableName('orders'))).toBe('SELECT COUNT(*) AS row_count FROM `orders`');
    expect(() => parseTableName('a.b.c')).toThrow(/schema.table/);
    expect(() => parseTableName('.orders')).toThrow();
  });

  it('hashes a query in key order, wrapping it so a trailing comment cannot swallow the closing parenthesis', () => {
    const postgres = checksumSql('postgres', { statement: 'SELECT * FROM ledger WHERE period = 1 -- closed', orderBy: ['id'] });
    expect(postgres).toBe(
      `SELECT encode(sha256(convert_to(coalesce(string_agg(q::text, E'\\n' ORDER BY q."id"), ''), 'UTF8')), 'hex') AS checksum, COUNT(*) AS row_count FROM (\nSELECT * FROM ledger WHERE period = 1 -- closed\n) AS q`,
    );
    const mysql = checksumSql('mysql', { statement: 'SELECT id, amount FROM ledger', orderBy: ['id'], columns: ['id', 'amount'] });
    expect(mysql).toBe(
      "SELECT SHA2(COALESCE(GROUP_CONCAT(CONCAT_WS(',', QUOTE(q.`id`), QUOTE(q.`amount`)) ORDER BY q.`id` SEPARATOR '\\n'), ''), 256) AS checksum, COUNT(*) AS row_count FROM (\nSELECT id, amount FROM ledger\n) AS q",
    );
    expect(checksumSessionSql('mysql')).toEqual(['SET SESSION group_concat_max_len = 1073741824']);
    expect(checksumSessionSql('postgres')).toEqual([]);
    expect(() => checksumSql('mysql', { statement: 'SELECT 1', orderBy: ['id'] })).toThrow(/columns/);
    expect(() => checksumSql('postgres', { statement: 'SELECT 1', orderBy: [] })).toThrow(/orderBy/);
  });

  it('lists schema from information_schema (indexes from pg_indexes in Postgres, STATISTICS in MySQL)', () => {
    expect(schemaListSql('postgres').indexes).toMatch(/FROM pg_catalog\.pg_indexes/);
    expect(schemaListSql('mysql').tables).toMatch(/information_schema\.TABLES WHERE TABLE_SCHEMA = DATABASE\(\)/);
    expect(schemaListSql('mysql').indexes).toMatch(/information_schema\.STATISTICS/);
  });

  it('writes and reads the canary with the database clock, read back as ISO 8601 UTC text', () => {
    const table = parseTableName('ops.canary');
    expect(canaryWriteSql('postgres', table)).toBe(`INSERT INTO "ops"."canary" (id, written_at) VALUES ('canary', now()) ON CONFLICT (id) DO UPDATE SET written_at = EXCLUDED.written_at`);
    expect(canaryWriteSql('mysql', table)).toBe("INSERT INTO `ops`.`canary` (id, written_at) VALUES ('canary', UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE written_at = VALUES(written_at)");
    expect(canaryReadSql('postgres', table)).toContain(`to_char(written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
    expect(canaryReadSql('mysql', table)).toContain("DATE_FORMAT(written_at, '%Y-%m-%dT%H:%i:%s.%fZ')");
    expect(canaryTableSql('mysql', table)).toBe('CREATE TABLE IF NOT EXISTS `ops`.`canary` (id VARCHAR(64) PRIMARY KEY, written_at DATETIME(3) NOT NULL)');
    // What it reads back is one read-only query.
    expect(readOnlyQuery(canaryReadSql('postgres', table)).ok).toBe(true);
    expect(readOnlyQuery(canaryReadSql('mysql', table), 'mysql').ok).toBe(true);
  });

  it('opens a read-only transaction with a statement timeout in each dialect', () => {
    expect(readOnlyTransactionSql('postgres', 5000)).toEqual(['BEGIN TRANSACTION READ ONLY', 'SET LOCAL statement_timeout = 5000']);
    expect(readOnlyTransactionSql('mysql', 5000)).toEqual(['SET SESSION max_execution_time = 5000', 'START TRANSACTION READ ONLY']);
  });
});

describe('SQL verdicts', () => {
  it('compares row counts within tolerance, and reads bigint counts that arrive as text', () => {
    expect(rowCountVerdict('orders', 98, 100, 2, 'plan')).toMatchObject({ passed: true, expected: '100 rows in orders (±2%), as the plan states', actual: '98 rows' });
    expect(rowCountVerdict('orders', 97, 100, 2, 'source')).toMatchObject({ passed: false });
    expect(rowCountVerdict('orders', 1, 0, 50, 'plan').passed).toBe(false);
    expect(countOf('12345678901')).toBe(12345678901);
    expect(countOf(7n)).toBe(7);
    expect(countOf('-1')).toBeUndefined();
    expect(countOf('1e3')).toBeUndefined();
  });

  it('fails a checksum that differs and shows both', () => {
    const verdict = checksumVerdict({ checksum: 'b'.repeat(64), rowCount: 3 }, { checksum: 'a'.repeat(64), basis: 'plan' });
    expect(verdict.passed).toBe(false);
    expect(verdict.expected).toContain('a'.repeat(64));
    expect(verdict.actual).toBe(`SHA-256 ${'b'.repeat(64)} over 3 rows`);
  });

  it('names each missing table, column and index; an unqualified name means public in Postgres', () => {
    const listing = {
      tables: [{ table_schema: 'public', table_name: 'orders' }, { table_schema: 'audit', table_name: 'ledger' }],
      columns: [{ table_schema: 'public', table_name: 'orders', column_name: 'id' }],
      indexes: [{ table_schema: 'public', table_name: 'orders', index_name: 'orders_pkey' }],
    };
    const expectation = { tables: ['orders', 'audit.ledger', 'ledger'], columns: [{ table: 'orders', column: 'id' }, { table: 'orders', column: 'amount' }], indexes: [{ table: 'orders', index: 'orders_pkey' }] };
    const verdict = schemaVerdict('postgres', expectation, listing);
    expect(verdict).toMatchObject({ passed: false, actual: 'missing: table ledger, column orders.amount' });
    // In MySQL the listing holds only the connected database: an unqualified name matches there.
    expect(schemaVerdict('mysql', { tables: ['ledger'], columns: [], indexes: [] }, listing).passed).toBe(true);
  });

  it('reads a custom query as pass only for a pass value; no row or a non-verdict fails and says so', () => {
    expect(customQueryVerdict(true, 1).passed).toBe(true);
    expect(customQueryVerdict('t', 1).passed).toBe(true);
    expect(customQueryVerdict(0, 1)).toMatchObject({ passed: false, actual: 'the query answered 0' });
    expect(customQueryVerdict('maybe', 1)).toMatchObject({ passed: false, actual: 'the query answered "maybe", which is no pass/fail' });
    expect(customQueryVerdict(undefined, 0)).toMatchObject({ passed: false, actual: 'the query returned no row' });
  });
});

describe('SqlCheck', () => {
  it('refuses a plan whose query is not read-only, with the reason', () => {
    const parsed = SqlCheck.safeParse({ type: 'sql-query', query: 'SELECT 1; DROP TABLE orders' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/more than one statement/);
    expect(SqlCheck.safeParse({ type: 'sql-row-count', table: 'a.b.c', expected: 1 }).success).toBe(false);
    expect(SqlCheck.parse({ type: 'sql-schema', tables: ['orders'] })).toEqual({ type: 'sql-schema', tables: ['orders'], columns: [], indexes: [] });
  });
});

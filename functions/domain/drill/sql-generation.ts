import type { SqlDialect } from './sql-dialect.js';

/*
 * The SQL a drill's checks send, for Postgres and MySQL. Names from the plan are always quoted identifiers, never
 * spliced in as text; a plan's own query is wrapped as a subquery once readOnlyQuery() has accepted it.
 */

/** A table as a plan names it: `orders` (the default schema: public in Postgres, the connected database in MySQL) or `sales.orders`. */
export interface QualifiedName {
  readonly schema?: string;
  readonly name: string;
}

/** `orders` or `sales.orders`; a dot inside a name is not supported (say so instead of guessing). */
export function parseTableName(text: string): QualifiedName {
  const parts = text.split('.');
  if (parts.length > 2 || parts.some((part) => part.length === 0 || part.length > 63 || part.includes('\0'))) {
    throw new RangeError(`${JSON.stringify(text)} is no table name: write table or schema.table, each part 1-63 characters, no dots inside`);
  }
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

/** One identifier, quoted so that nothing in it is read as SQL: "a""b" in Postgres, `a``b` in MySQL. */
export function quoteIdentifier(dialect: SqlDialect, identifier: string): string {
  if (identifier.includes('\0')) throw new RangeError('an identifier cannot hold a NUL character');
  const quote = dialect === 'postgres' ? '"' : '`';
  return quote + identifier.replaceAll(quote, quote + quote) + quote;
}

export const quoteTable = (dialect: SqlDialect, table: QualifiedName): string =>
  (table.schema === undefined ? '' : `${quoteIdentifier(dialect, table.schema)}.`) + quoteIdentifier(dialect, table.name);

/** Counts a table's rows: one row, column row_count. */
export const rowCountSql = (dialect: SqlDialect, table: QualifiedName): string => `SELECT COUNT(*) AS row_count FROM ${quoteTable(dialect, table)}`;

export interface ChecksumQuery {
  /** A query readOnlyQuery() accepted (its `statement`). */
  readonly statement: string;
  /** Columns of the query's result that order it totally (its key): the checksum depends on the order. */
  readonly orderBy: readonly string[];
  /** MySQL only (it has no row-to-text cast): the result's columns that go into the checksum. */
  readonly columns?: readonly string[];
}

/**
 * The SHA-256 (hex) of a query's result rows in key order, computed by the engine, so both transports (Data API
 * and the wire) see the same text: one row with columns checksum and row_count. Postgres hashes each row's text
 * form (`q::text`, which quotes values holding separators); MySQL hashes QUOTE()d columns, NULL as NULL.
 */
export function checksumSql(dialect: SqlDialect, query: ChecksumQuery): string {
  if (query.orderBy.length === 0) throw new RangeError('a checksum needs the columns that order the rows (orderBy): the hash depends on the order');
  // The newline ends a trailing -- comment of the plan's query before the subquery closes.
  const source = `(\n${query.statement}\n) AS q`;
  if (dialect === 'postgres') {
    const order = query.orderBy.map((column) => `q.${quoteIdentifier(dialect, column)}`).join(', ');
    return `SELECT encode(sha256(convert_to(coalesce(string_agg(q::text, E'\\n' ORDER BY ${order}), ''), 'UTF8')), 'hex') AS checksum, COUNT(*) AS row_count FROM ${source}`;
  }
  if (!query.columns || query.columns.length === 0) throw new RangeError('a MySQL checksum names the result columns it hashes (columns): MySQL cannot cast a row to text');
  const order = query.orderBy.map((column) => `q.${quoteIdentifier(dialect, column)}`).join(', ');
  const row = `CONCAT_WS(',', ${query.columns.map((column) => `QUOTE(q.${quoteIdentifier(dialect, column)})`).join(', ')})`;
  // GROUP_CONCAT stops at group_concat_max_len (1024 bytes by default): the runner raises it for the session first.
  return `SELECT SHA2(COALESCE(GROUP_CONCAT(${row} ORDER BY ${order} SEPARATOR '\\n'), ''), 256) AS checksum, COUNT(*) AS row_count FROM ${source}`;
}

/** What a MySQL session needs before checksumSql(): GROUP_CONCAT's limit raised to 1 GiB. Postgres needs nothing. */
export const checksumSessionSql = (dialect: SqlDialect): readonly string[] => (dialect === 'mysql' ? ['SET SESSION group_concat_max_len = 1073741824'] : []);

/** The schemas that hold no user tables, left out of the schema lists below. */
const POSTGRES_SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')";

/**
 * What the database has, for a schema check: tables, columns and indexes (columns table_schema, table_name and
 * column_name / index_name). Postgres lists indexes in pg_catalog.pg_indexes (its information_schema has none);
 * MySQL in information_schema.STATISTICS. MySQL lists only the connected database (its schema).
 */
export function schemaListSql(dialect: SqlDialect): { readonly tables: string; readonly columns: string; readonly indexes: string } {
  if (dialect === 'postgres') {
    return {
      tables: `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ${POSTGRES_SYSTEM_SCHEMAS}`,
      columns: `SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_schema NOT IN ${POSTGRES_SYSTEM_SCHEMAS}`,
      indexes: `SELECT schemaname AS table_schema, tablename AS table_name, indexname AS index_name FROM pg_catalog.pg_indexes WHERE schemaname NOT IN ${POSTGRES_SYSTEM_SCHEMAS}`,
    };
  }
  return {
    tables: 'SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    columns: 'SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
    indexes: 'SELECT DISTINCT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()',
  };
}

/** The statements that open a read-only transaction with a statement timeout (ms), in the dialect's words. */
export function readOnlyTransactionSql(dialect: SqlDialect, statementTimeoutMs: number): readonly string[] {
  const timeout = Math.max(1, Math.floor(statementTimeoutMs));
  if (dialect === 'postgres') return ['BEGIN TRANSACTION READ ONLY', `SET LOCAL statement_timeout = ${timeout}`];
  // MySQL's max_execution_time (ms) bounds SELECTs; it must be set before the transaction starts.
  return [`SET SESSION max_execution_time = ${timeout}`, 'START TRANSACTION READ ONLY'];
}

/** Inside a transaction already begun (the Data API's BeginTransaction): make it read-only and bound each statement. Postgres only. */
export const readOnlySettingsSql = (statementTimeoutMs: number): readonly string[] => ['SET TRANSACTION READ ONLY', `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(statementTimeoutMs))}`];

/** The table a SQL canary writer keeps its one row in, unless the plan names another. */
export const DEFAULT_CANARY_TABLE = 'irdr_drill_canary';

/** The canary table: one row per writer id, when it last wrote (UTC, milliseconds). */
export const canaryTableSql = (dialect: SqlDialect, table: QualifiedName): string =>
  dialect === 'postgres'
    ? `CREATE TABLE IF NOT EXISTS ${quoteTable(dialect, table)} (id text PRIMARY KEY, written_at timestamptz NOT NULL)`
    : `CREATE TABLE IF NOT EXISTS ${quoteTable(dialect, table)} (id VARCHAR(64) PRIMARY KEY, written_at DATETIME(3) NOT NULL)`;

/** The scheduled writer's upsert: the canary row now holds the database's own clock (not the writer's). */
export const canaryWriteSql = (dialect: SqlDialect, table: QualifiedName): string =>
  dialect === 'postgres'
    ? `INSERT INTO ${quoteTable(dialect, table)} (id, written_at) VALUES ('canary', now()) ON CONFLICT (id) DO UPDATE SET written_at = EXCLUDED.written_at`
    : `INSERT INTO ${quoteTable(dialect, table)} (id, written_at) VALUES ('canary', UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE written_at = VALUES(written_at)`;

/** When the canary was last written, as ISO 8601 UTC text (so both transports read the same): column written_at, no row when none. */
export const canaryReadSql = (dialect: SqlDialect, table: QualifiedName): string =>
  dialect === 'postgres'
    ? `SELECT to_char(written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS written_at FROM ${quoteTable(dialect, table)} WHERE id = 'canary'`
    : `SELECT DATE_FORMAT(written_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS written_at FROM ${quoteTable(dialect, table)} WHERE id = 'canary'`;

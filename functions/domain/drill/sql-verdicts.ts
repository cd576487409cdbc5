import type { CheckVerdict } from './check-verdicts.js';
import { parseTableName, type QualifiedName } from './sql-generation.js';
import type { SqlDialect } from './sql-dialect.js';

/* What each SQL check concludes from the rows it read: pure, tested without a database. */

const rows = (count: number): string => `${count} ${count === 1 ? 'row' : 'rows'}`;

/** A count as drivers return it (Postgres' bigint arrives as a string): a safe integer, or undefined. */
export function countOf(value: unknown): number | undefined {
  const number = typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** Passed when actual lies within tolerancePercent of expected (an expected 0 allows only 0). */
export function rowCountVerdict(table: string, actual: number, expected: number, tolerancePercent: number, basis: 'plan' | 'source'): CheckVerdict {
  const allowedDifference = Math.floor((expected * tolerancePercent) / 100);
  const difference = actual - expected;
  const tolerance = tolerancePercent > 0 ? ` (±${tolerancePercent}%)` : '';
  return {
    passed: Math.abs(difference) <= allowedDifference,
    expected: `${rows(expected)} in ${table}${tolerance}, ${basis === 'plan' ? 'as the plan states' : "the source's count now"}`,
    actual: rows(actual),
    details: { table, actual, expected, basis, tolerancePercent, allowedDifference, difference },
  };
}

export function checksumVerdict(actual: { checksum: string; rowCount: number }, expected: { checksum: string; basis: 'plan' | 'source'; rowCount?: number }): CheckVerdict {
  return {
    passed: actual.checksum === expected.checksum,
    expected: `SHA-256 ${expected.checksum}${expected.basis === 'source' ? ` (the same query on the source${expected.rowCount === undefined ? '' : `, ${rows(expected.rowCount)}`})` : ', recorded in the plan'}`,
    actual: `SHA-256 ${actual.checksum} over ${rows(actual.rowCount)}`,
    details: { actualChecksum: actual.checksum, expectedChecksum: expected.checksum, basis: expected.basis, rowCount: actual.rowCount, ...(expected.rowCount !== undefined && { sourceRowCount: expected.rowCount }) },
  };
}

/** Rows of the schema lists (schemaListSql), as read. */
export interface SchemaListing {
  readonly tables: readonly { readonly table_schema: unknown; readonly table_name: unknown }[];
  readonly columns: readonly { readonly table_schema: unknown; readonly table_name: unknown; readonly column_name: unknown }[];
  readonly indexes: readonly { readonly table_schema: unknown; readonly table_name: unknown; readonly index_name: unknown }[];
}

export interface SchemaExpectation {
  readonly tables: readonly string[];
  readonly columns: readonly { readonly table: string; readonly column: string }[];
  readonly indexes: readonly { readonly table: string; readonly index: string }[];
}

/** A plan name without a schema means Postgres' public schema; MySQL's listing holds only the connected database. */
const tableMatches = (dialect: SqlDialect, wanted: QualifiedName, row: { table_schema: unknown; table_name: unknown }): boolean =>
  row.table_name === wanted.name && (wanted.schema !== undefined ? row.table_schema === wanted.schema : dialect === 'mysql' || row.table_schema === 'public');

/** Passed when every table, column and index the plan names is there; names are compared exactly (as stored). */
export function schemaVerdict(dialect: SqlDialect, expectation: SchemaExpectation, listing: SchemaListing): CheckVerdict {
  const missing: string[] = [];
  for (const table of expectation.tables) {
    const wanted = parseTableName(table);
    if (!listing.tables.some((row) => tableMatches(dialect, wanted, row))) missing.push(`table ${table}`);
  }
  for (const { table, column } of expectation.columns) {
    const wanted = parseTableName(table);
    if (!listing.columns.some((row) => tableMatches(dialect, wanted, row) && row.column_name === column)) missing.push(`column ${table}.${column}`);
  }
  for (const { table, index } of expectation.indexes) {
    const wanted = parseTableName(table);
    if (!listing.indexes.some((row) => tableMatches(dialect, wanted, row) && row.index_name === index)) missing.push(`index ${index} on ${table}`);
  }
  const named = expectation.tables.length + expectation.columns.length + expectation.indexes.length;
  return {
    passed: missing.length === 0,
    expected: `${expectation.tables.length} tables, ${expectation.columns.length} columns, ${expectation.indexes.length} indexes present`,
    actual: missing.length === 0 ? `all ${named} present` : `missing: ${missing.join(', ')}`,
    details: { missing, named },
  };
}

const PASSING = new Set(['t', 'true', '1', 'pass', 'passed', 'ok', 'yes']);
const FAILING = new Set(['f', 'false', '0', 'fail', 'failed', 'no']);

/** A custom query's verdict: its first row's first column. No row, or a value that is no verdict, fails and says so. */
export function customQueryVerdict(firstValue: unknown, rowCount: number, description?: string): CheckVerdict {
  const expected = description ?? 'the query answers pass (true, 1, t or pass) in its first row and column';
  if (rowCount === 0) return { passed: false, expected, actual: 'the query returned no row', details: { rowCount } };
  const text = typeof firstValue === 'string' ? firstValue.trim().toLowerCase() : typeof firstValue === 'boolean' || typeof firstValue === 'number' || typeof firstValue === 'bigint' ? String(firstValue).toLowerCase() : undefined;
  const passed = text !== undefined && PASSING.has(text);
  const verdictText = text !== undefined && (PASSING.has(text) || FAILING.has(text));
  return {
    passed,
    expected,
    actual: verdictText ? `the query answered ${JSON.stringify(firstValue)}` : `the query answered ${JSON.stringify(firstValue) ?? 'nothing'}, which is no pass/fail`,
    details: { firstValue: firstValue === undefined ? null : typeof firstValue === 'bigint' ? String(firstValue) : firstValue, rowCount },
  };
}

import type { DrillCheckResult } from '../../../domain/drill/check-result.js';
import { canaryVerdict, type CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import type { SqlCheck } from '../../../domain/drill/sql-check.js';
import { canaryReadSql, checksumSql, parseTableName, rowCountSql, schemaListSql } from '../../../domain/drill/sql-generation.js';
import { readOnlyQuery } from '../../../domain/drill/sql-read-only.js';
import { checksumVerdict, countOf, customQueryVerdict, rowCountVerdict, schemaVerdict } from '../../../domain/drill/sql-verdicts.js';
import { SqlTimeoutError, statementDeadlineSession, type ReadOnlySqlSession, type SqlTransport } from './sql-transport.js';

/*
 * Runs one SQL check against the restored database (and the source, when the plan compares with it) and returns
 * its result. Whatever goes wrong with the query (refused as not read-only, a missing table, a timeout, a lost
 * connection) is a failed check that carries the engine's message: a drill never crashes or hangs on a check.
 */

export interface SqlCheckTargets {
  readonly restored: SqlTransport;
  /** Where `expected: source` reads (the source database, read-only too). */
  readonly source?: SqlTransport;
  /** @default 30000 */
  readonly statementTimeoutMs?: number;
  /** The canary check's yardstick: the point asked for (ISO 8601), the point restored (if known), the RPO target. */
  readonly recovery?: { readonly requestedAt: string; readonly recoveryPointAt?: string; readonly rpoMinutes: number };
}

class CheckRefused extends Error {}

export async function runSqlCheck(id: string, check: SqlCheck, targets: SqlCheckTargets): Promise<DrillCheckResult> {
  const timeout = targets.statementTimeoutMs ?? 30_000;
  const { dialect } = targets.restored;
  const on = async <T>(transport: SqlTransport | undefined, work: (session: ReadOnlySqlSession) => Promise<T>): Promise<T> => {
    if (!transport) throw new CheckRefused('the check compares with the source, and the drill has no connection to the source database');
    return transport.readOnly(timeout, (session) => work(statementDeadlineSession(session, timeout)));
  };
  const accepted = (sql: string): string => {
    const verdict = readOnlyQuery(sql, dialect);
    if (!verdict.ok) throw new CheckRefused(`the check's query was not run: ${verdict.reason}`);
    return verdict.statement;
  };
  const single = (rows: readonly Record<string, unknown>[]): Record<string, unknown> => rows[0] ?? {};

  const verdictOf = async (): Promise<CheckVerdict> => {
    switch (check.type) {
      case 'sql-row-count': {
        const sql = rowCountSql(dialect, parseTableName(check.table));
        const read = async (transport: SqlTransport | undefined): Promise<number> => {
          const count = countOf(single(await on(transport, (session) => session.query(sql)))['row_count']);
          if (count === undefined) throw new CheckRefused('COUNT(*) answered no count');
          return count;
        };
        const actual = await read(targets.restored);
        const expected = check.expected === 'source' ? await read(targets.source) : check.expected;
        return rowCountVerdict(check.table, actual, expected, check.tolerancePercent, check.expected === 'source' ? 'source' : 'plan');
      }
      case 'sql-checksum': {
        const sql = checksumSql(dialect, { statement: accepted(check.query), orderBy: check.orderBy, ...(check.columns && { columns: check.columns }) });
        const read = async (transport: SqlTransport | undefined) => {
          const row = single(await on(transport, (session) => session.query(sql)));
          return { checksum: String(row['checksum']), rowCount: countOf(row['row_count']) ?? 0 };
        };
        const actual = await read(targets.restored);
        if (check.expected !== 'source') return checksumVerdict(actual, { checksum: check.expected, basis: 'plan' });
        const source = await read(targets.source);
        return checksumVerdict(actual, { checksum: source.checksum, basis: 'source', rowCount: source.rowCount });
      }
      case 'sql-schema': {
        const sql = schemaListSql(dialect);
        const listing = await on(targets.restored, async (session) => ({ tables: await session.query(sql.tables), columns: await session.query(sql.columns), indexes: await session.query(sql.indexes) }));
        return schemaVerdict(dialect, check, listing as Parameters<typeof schemaVerdict>[2]);
      }
      case 'sql-canary': {
        if (!targets.recovery) throw new CheckRefused('the canary check needs the recovery point asked for and the RPO target');
        const sql = canaryReadSql(dialect, parseTableName(check.table));
        const writtenAt = async (transport: SqlTransport): Promise<string | undefined> => {
          const value = (await transport.readOnly(timeout, (session) => statementDeadlineSession(session, timeout).query(sql)))[0]?.['written_at'];
          return typeof value === 'string' ? value : undefined;
        };
        const canaryWrittenAt = await writtenAt(targets.restored);
        // The source's canary says why none was restored (written only after the point, or never); unread without a source.
        const sourceCanaryWrittenAt = canaryWrittenAt === undefined && targets.source ? await writtenAt(targets.source) : undefined;
        return canaryVerdict({ ...targets.recovery, canaryWrittenAt, ...(targets.source && { sourceCanaryWrittenAt }) });
      }
      case 'sql-query': {
        const statement = accepted(check.query);
        const rows = await on(targets.restored, (session) => session.query(statement));
        const first = rows[0];
        return customQueryVerdict(first === undefined ? undefined : Object.values(first)[0], rows.length, check.description);
      }
    }
  };

  try {
    return { id, type: check.type, ...(await verdictOf()) };
  } catch (error) {
    const message = (error as Error).message;
    const reason = error instanceof CheckRefused ? 'refused' : error instanceof SqlTimeoutError ? 'timeout' : 'engine';
    return {
      id,
      type: check.type,
      passed: false,
      expected: expectedText(check),
      actual: reason === 'engine' ? `the query failed: ${message}` : message,
      details: { error: reason, message, transport: targets.restored.kind },
    };
  }
}

/** What the check expected, for a check that could not read an answer. */
function expectedText(check: SqlCheck): string {
  switch (check.type) {
    case 'sql-row-count':
      return `${check.expected === 'source' ? "the source's count" : `${check.expected} rows`} in ${check.table}`;
    case 'sql-checksum':
      return check.expected === 'source' ? "the source's checksum of the query" : `SHA-256 ${check.expected}`;
    case 'sql-schema':
      return `${check.tables.length} tables, ${check.columns.length} columns, ${check.indexes.length} indexes present`;
    case 'sql-query':
      return check.description ?? 'the query answers pass';
    case 'sql-canary':
      return `a canary in ${check.table} written within the RPO target before the recovery point`;
  }
}

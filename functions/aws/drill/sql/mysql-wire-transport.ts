import mysql from 'mysql2/promise';
import { checksumSessionSql, readOnlyTransactionSql } from '../../../domain/drill/sql-generation.js';
import { CLIENT_TIMEOUT_MARGIN_MS, SqlTimeoutError, type ReadOnlySqlSession, type SqlRow, type SqlTransport } from './sql-transport.js';
import type { WireConnection } from './wire-transport.js';

/** The statements that open a MySQL check's session: GROUP_CONCAT's limit and the statement timeout set, then a READ ONLY transaction. */
export const mysqlSessionSql = (statementTimeoutMs: number): readonly string[] => [...checksumSessionSql('mysql'), ...readOnlyTransactionSql('mysql', statementTimeoutMs)];

/**
 * MySQL (RDS, Aurora MySQL) over its wire protocol (mysql2): one connection per read-only transaction, one statement per
 * query (multipleStatements off: a second statement is refused by the client too), rolled back at the end.
 */
export function mysqlWireTransport(connection: Omit<WireConnection, 'database'> & { readonly database?: string }): SqlTransport {
  return {
    dialect: 'mysql',
    kind: 'wire',
    async readOnly(statementTimeoutMs, work) {
      const client = await mysql.createConnection({
        host: connection.host,
        port: connection.port,
        user: connection.user,
        password: connection.password,
        ...(connection.database !== undefined && { database: connection.database }),
        ...((connection.ssl ?? true) && { ssl: { rejectUnauthorized: true, ...(connection.ca !== undefined && { ca: [...connection.ca] }) } }),
        connectTimeout: connection.connectTimeoutMs ?? 10_000,
        multipleStatements: false,
        // Counts as numbers or digit strings (countOf reads both), dates as the engine's text: nothing lost to JS types.
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
      });
      // An error on an idle connection (the server went away) must not crash the function.
      client.on('error', () => undefined);
      let usable = true;
      const session: ReadOnlySqlSession = {
        query: async (sql) => {
          try {
            // mysql2 gives up on its own when max_execution_time does not stop the statement (it bounds SELECTs only) or the network stalls.
            const [rows] = await client.query({ sql, timeout: statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS });
            return Array.isArray(rows) ? (rows as SqlRow[]) : [];
          } catch (error) {
            if ((error as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
              usable = false;
              throw new SqlTimeoutError(`the statement did not finish within ${statementTimeoutMs} ms (the client gave up after ${statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS} ms)`);
            }
            // MySQL's own timeout: ER_QUERY_TIMEOUT (3024), "maximum statement execution time exceeded".
            if ((error as { errno?: number }).errno === 3024) throw new SqlTimeoutError(`the statement did not finish within ${statementTimeoutMs} ms: ${(error as Error).message}`);
            throw error;
          }
        },
      };
      try {
        for (const statement of mysqlSessionSql(statementTimeoutMs)) await session.query(statement);
        return await work(session);
      } finally {
        if (usable) await client.query('ROLLBACK').catch(() => undefined);
        // A connection whose statement is still running is not waited for: end() would queue behind it.
        if (usable) await client.end().catch(() => undefined);
        else client.destroy();
      }
    },
    close: async () => undefined,
  };
}

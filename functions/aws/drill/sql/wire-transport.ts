import pg from 'pg';
import { readOnlyTransactionSql } from '../../../domain/drill/sql-generation.js';
import { CLIENT_TIMEOUT_MARGIN_MS, SqlTimeoutError, type ReadOnlySqlSession, type SqlRow, type SqlTransport } from './sql-transport.js';

/** Where and as whom the validator connects (the restored endpoint, the drill user's secret). */
export interface WireConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** TLS as RDS requires it in AWS; off for the local engines. @default true */
  readonly ssl?: boolean;
  /** The RDS certificate authorities (PEM) the server's certificate is verified against, and the only ones: Node's default CAs do not hold them. */
  readonly ca?: string | readonly string[];
  /** Give up connecting after this long. @default 10000 */
  readonly connectTimeoutMs?: number;
}

/** Postgres over its wire protocol (the `pg` client): one connection per read-only transaction. */
export function postgresWireTransport(connection: WireConnection): SqlTransport {
  return {
    dialect: 'postgres',
    kind: 'wire',
    async readOnly(statementTimeoutMs, work) {
      const client = new pg.Client({
        host: connection.host,
        port: connection.port,
        user: connection.user,
        password: connection.password,
        database: connection.database,
        ssl: (connection.ssl ?? true) ? { rejectUnauthorized: true, ...(connection.ca !== undefined && { ca: typeof connection.ca === 'string' ? connection.ca : [...connection.ca] }) } : false,
        connectionTimeoutMillis: connection.connectTimeoutMs ?? 10_000,
        // pg gives up on its own when the engine does not enforce statement_timeout (or the network stalls).
        query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
      });
      // An error on an idle connection (the server went away) must not crash the function.
      client.on('error', () => undefined);
      await client.connect();
      let usable = true;
      const session: ReadOnlySqlSession = {
        query: async (sql) => {
          try {
            return (await client.query<SqlRow>(sql)).rows;
          } catch (error) {
            if ((error as Error).message === 'Query read timeout') {
              usable = false;
              throw new SqlTimeoutError(`the statement did not finish within ${statementTimeoutMs} ms (the client gave up after ${statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS} ms)`);
            }
            throw error;
          }
        },
      };
      try {
        for (const statement of readOnlyTransactionSql('postgres', statementTimeoutMs)) await session.query(statement);
        return await work(session);
      } finally {
        if (usable) await client.query('ROLLBACK').catch(() => undefined);
        // A connection whose statement is still running is not waited for: end() would wait with it.
        if (usable) await client.end().catch(() => undefined);
        else (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      }
    },
    close: async () => undefined,
  };
}

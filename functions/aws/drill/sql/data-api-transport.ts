import { BeginTransactionCommand, ExecuteStatementCommand, RDSDataClient, RollbackTransactionCommand } from '@aws-sdk/client-rds-data';
import { readOnlySettingsSql } from '../../../domain/drill/sql-generation.js';
import { CLIENT_TIMEOUT_MARGIN_MS, SqlTimeoutError, type ReadOnlySqlSession, type SqlRow, type SqlTransport } from './sql-transport.js';

export interface DataApiTarget {
  /** The restored cluster's ARN. */
  readonly resourceArn: string;
  /** A secret with the drill user's username and password. */
  readonly secretArn: string;
  readonly database?: string;
}

/** Aurora PostgreSQL through the RDS Data API: BeginTransaction, SET TRANSACTION READ ONLY, the statements, Rollback. */
export function postgresDataApiTransport(target: DataApiTarget, client: RDSDataClient = new RDSDataClient({})): SqlTransport {
  const common = { resourceArn: target.resourceArn, secretArn: target.secretArn, ...(target.database !== undefined && { database: target.database }) };
  return {
    dialect: 'postgres',
    kind: 'data-api',
    async readOnly(statementTimeoutMs, work) {
      // Bounded too: a transaction another caller left open can hold the engine (locally, up to its 3-minute idle end).
      let transactionId: string | undefined;
      try {
        ({ transactionId } = await client.send(new BeginTransactionCommand(common), { abortSignal: AbortSignal.timeout(statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS) }));
      } catch (error) {
        if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') throw new SqlTimeoutError(`the Data API did not begin a transaction within ${statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS} ms`);
        throw error;
      }
      const session: ReadOnlySqlSession = {
        query: async (sql) => {
          try {
            const answer = await client.send(new ExecuteStatementCommand({ ...common, transactionId, sql, formatRecordsAs: 'JSON' }), {
              abortSignal: AbortSignal.timeout(statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS),
            });
            return answer.formattedRecords ? (JSON.parse(answer.formattedRecords) as SqlRow[]) : [];
          } catch (error) {
            if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') {
              throw new SqlTimeoutError(`the statement did not finish within ${statementTimeoutMs} ms (the client gave up after ${statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS} ms)`);
            }
            throw error;
          }
        },
      };
      try {
        for (const statement of readOnlySettingsSql(statementTimeoutMs)) await session.query(statement);
        return await work(session);
      } finally {
        await client.send(new RollbackTransactionCommand({ ...common, transactionId: transactionId! }), { abortSignal: AbortSignal.timeout(CLIENT_TIMEOUT_MARGIN_MS * 5) }).catch(() => undefined);
      }
    },
    close: async () => client.destroy(),
  };
}

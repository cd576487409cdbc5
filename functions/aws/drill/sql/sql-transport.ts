import type { SqlDialect } from '../../../domain/drill/sql-dialect.js';

/*
 * How a SQL check reaches a restored database: the RDS Data API (Aurora, no VPC) or the engine's own wire protocol
 * (a validator function in the drill's VPC). Both run the check's statements inside one READ ONLY transaction with a
 * statement timeout, rolled back at the end, and give up on their own after the timeout (plus a margin) even when
 * the engine does not.
 */

export type SqlRow = Readonly<Record<string, unknown>>;

/** Statements inside the read-only transaction. */
export interface ReadOnlySqlSession {
  query(sql: string): Promise<readonly SqlRow[]>;
}

export interface SqlTransport {
  readonly dialect: SqlDialect;
  /** `wire` or `data-api`, for the record. */
  readonly kind: string;
  /** Runs `work` in a READ ONLY transaction whose statements time out after statementTimeoutMs; always rolls back. */
  readOnly<T>(statementTimeoutMs: number, work: (session: ReadOnlySqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A statement that did not finish within its timeout on the client's side (the engine may not have stopped it). */
export class SqlTimeoutError extends Error {
  override name = 'SqlTimeoutError';
}

/** What a client waits beyond the statement timeout before it gives up itself: the engine's own error should come first. */
export const CLIENT_TIMEOUT_MARGIN_MS = 2000;

/**
 * The session with each statement held to its timeout as measured here: an answer that came after it is a timeout,
 * not a result, so a check means the same whether or not the engine enforces statement_timeout (PGlite does not).
 */
export function statementDeadlineSession(session: ReadOnlySqlSession, statementTimeoutMs: number): ReadOnlySqlSession {
  return {
    query: async (sql) => {
      const startedAt = performance.now();
      const rows = await session.query(sql);
      const tookMs = Math.round(performance.now() - startedAt);
      if (tookMs > statementTimeoutMs) throw new SqlTimeoutError(`the statement did not finish within ${statementTimeoutMs} ms (it answered after ${tookMs} ms)`);
      return rows;
    },
  };
}

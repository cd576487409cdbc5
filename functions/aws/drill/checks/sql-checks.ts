import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import type { SqlAccess } from '../../../domain/drill/rds-plan.js';
import type { SqlCheck } from '../../../domain/drill/sql-check.js';
import type { RestoredResource } from '../../../domain/drill/restore.js';
import { clusterOf } from '../restored-resources/rds.js';
import { credentialsOf, endpointOf, isLoopback } from '../sql/database-endpoints.js';
import { postgresDataApiTransport } from '../sql/data-api-transport.js';
import { runSqlCheck } from '../sql/run-sql-check.js';
import type { SqlTransport } from '../sql/sql-transport.js';
import { postgresWireTransport } from '../sql/wire-transport.js';

/*
 * A plan's SQL check against the restored database (and the source, when the plan compares with it), through the
 * transport the plan names: the Data API for Aurora PostgreSQL with it on, else the Postgres wire from the validator.
 * Whatever goes wrong reaching the database is a failed check with the reason (runSqlCheck's rule), never a throw.
 */

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

async function transportTo(database: Pick<RestoredResource, 'type' | 'name' | 'arn'>, access: SqlAccess): Promise<SqlTransport> {
  if (access.via === 'data-api') {
    const resourceArn = database.arn ?? (await clusterOf(database.name))?.DBClusterArn;
    if (!resourceArn) throw new Error(`cluster ${database.name} has no ARN`);
    return postgresDataApiTransport({ resourceArn, secretArn: access.secretArn, ...(access.database !== undefined && { database: access.database }) });
  }
  const [{ host, port }, { username, password }] = await Promise.all([endpointOf(database), credentialsOf(access.secretArn)]);
  return postgresWireTransport({ host, port, user: username, password, database: access.database ?? 'postgres', ssl: !isLoopback(host) });
}

/** One SQL check's verdict (its id and type are the caller's). */
export async function sqlCheckVerdict(check: SqlCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  const { sqlAccess, restored, source } = context;
  const failed = (reason: string): CheckVerdict => ({ passed: false, expected: 'a restored database to query', actual: reason, details: { error: 'refused', message: reason } });
  if (!sqlAccess) return failed('the plan has no sqlAccess: no way to reach the restored database');
  if (!restored || (restored.type !== 'RDS' && restored.type !== 'Aurora')) return failed(`${check.type} runs SQL on a restored database; this run restored ${restored?.type ?? 'nothing'}`);
  if (context.sqlDialect === 'mysql') return failed('the drill functions have no MySQL client: MySQL checks are generated and tested as text only (docs/sql-checks.md)');
  let restoredTransport: SqlTransport | undefined;
  let sourceTransport: SqlTransport | undefined;
  try {
    restoredTransport = await transportTo(restored, sqlAccess);
    if (sqlAccess.compareWithSource && source) sourceTransport = await transportTo(source, sqlAccess);
  } catch (error) {
    return failed(`the database could not be reached: ${(error as Error).message}`);
  }
  try {
    const { id: _id, type: _type, ...verdict } = await runSqlCheck(check.type, check, {
      restored: restoredTransport,
      ...(sourceTransport && { source: sourceTransport }),
      statementTimeoutMs: (sqlAccess.statementTimeoutSeconds ?? 0) * 1000 || DEFAULT_STATEMENT_TIMEOUT_MS,
      recovery: { requestedAt: context.recoveryPoint.requestedAt, recoveryPointAt: context.recoveryPoint.at, rpoMinutes: context.targets.rpoMinutes },
    });
    return verdict;
  } finally {
    await restoredTransport.close();
    await sourceTransport?.close();
  }
}

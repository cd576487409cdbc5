import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import type { CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import type { SqlCheck } from '../../../domain/drill/sql-check.js';
import { runSqlCheck } from '../sql/run-sql-check.js';
import type { SqlReach } from '../sql/sql-reach.js';
import type { SqlTransport } from '../sql/sql-transport.js';

/*
 * A plan's SQL check against the restored database (and the source, when the plan compares with it), through the
 * transport the plan names, which must be the running function's one reach: the Data API in RunDrillChecks, the
 * engine's wire in the validator in the drill VPC (RunDrillWireChecks). Whatever goes wrong reaching the database is
 * a failed check with the reason (runSqlCheck's rule), never a throw.
 */

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** One SQL check's verdict (its id and type are the caller's). */
export async function sqlCheckVerdict(check: SqlCheck, context: DrillCheckContext, reach: SqlReach | undefined): Promise<CheckVerdict> {
  const { sqlAccess, restored, source } = context;
  const failed = (reason: string): CheckVerdict => ({ passed: false, expected: 'a restored database to query', actual: reason, details: { error: 'refused', message: reason } });
  if (!sqlAccess) return failed('the plan has no sqlAccess: no way to reach the restored database');
  if (!restored || (restored.type !== 'RDS' && restored.type !== 'Aurora')) return failed(`${check.type} runs SQL on a restored database; this run restored ${restored?.type ?? 'nothing'}`);
  if (!reach) return failed('this function reaches no database: SQL checks run in RunDrillChecks (Data API) or RunDrillWireChecks (wire)');
  if (reach.via !== sqlAccess.via) return failed(`the plan checks via ${sqlAccess.via}; ${reach.functionName} reaches databases via ${reach.via} only (the drill routes ${sqlAccess.via} checks elsewhere: docs/sql-checks.md)`);
  const dialect = context.sqlDialect ?? 'postgres';
  let restoredTransport: SqlTransport | undefined;
  let sourceTransport: SqlTransport | undefined;
  try {
    restoredTransport = await reach.transportTo(restored, sqlAccess, dialect);
    if (sqlAccess.compareWithSource && source) sourceTransport = await reach.transportTo(source, sqlAccess, dialect);
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

import type { SqlAccess } from '../../../domain/drill/rds-plan.js';
import type { RestoredResource } from '../../../domain/drill/restore.js';
import type { SqlDialect } from '../../../domain/drill/sql-dialect.js';
import type { SqlTransport } from './sql-transport.js';

/*
 * How a drill function reaches a database for SQL checks: RunDrillChecks through the Data API, the validator in the
 * drill VPC (RunDrillWireChecks) over the wire. Each function is built with its one way, so neither carries (nor is
 * granted) the other's client or secret.
 */
export interface SqlReach {
  readonly via: SqlAccess['via'];
  /** The function that has this reach, to name in a check that needs the other one. */
  readonly functionName: string;
  transportTo(database: Pick<RestoredResource, 'type' | 'name' | 'arn'>, access: SqlAccess, dialect: SqlDialect): Promise<SqlTransport>;
}

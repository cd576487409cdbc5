import { clusterOf } from '../restored-resources/rds.js';
import { postgresDataApiTransport } from './data-api-transport.js';
import type { SqlReach } from './sql-reach.js';

/**
 * Aurora PostgreSQL through the RDS Data API, by the cluster's ARN (RunDrillChecks: no VPC needed). Imported statically:
 * a dynamic import() keeps each SDK client whole in the bundle.
 */
export const dataApiReach: SqlReach = {
  via: 'data-api',
  functionName: 'RunDrillChecks',
  async transportTo(database, access) {
    const resourceArn = database.arn ?? (await clusterOf(database.name))?.DBClusterArn;
    if (!resourceArn) throw new Error(`cluster ${database.name} has no ARN`);
    return postgresDataApiTransport({ resourceArn, secretArn: access.secretArn, ...(access.database !== undefined && { database: access.database }) });
  },
};

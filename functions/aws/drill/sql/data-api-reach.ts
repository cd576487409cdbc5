import type { SqlReach } from './sql-reach.js';

/**
 * Aurora PostgreSQL through the RDS Data API, by the cluster's ARN (RunDrillChecks: no VPC needed). The SDKs load on
 * the first SQL check: a table or bucket drill never initializes them.
 */
export const dataApiReach: SqlReach = {
  via: 'data-api',
  functionName: 'RunDrillChecks',
  async transportTo(database, access) {
    const resourceArn = database.arn ?? (await (await import('../restored-resources/rds.js')).clusterOf(database.name))?.DBClusterArn;
    if (!resourceArn) throw new Error(`cluster ${database.name} has no ARN`);
    const { postgresDataApiTransport } = await import('./data-api-transport.js');
    return postgresDataApiTransport({ resourceArn, secretArn: access.secretArn, ...(access.database !== undefined && { database: access.database }) });
  },
};

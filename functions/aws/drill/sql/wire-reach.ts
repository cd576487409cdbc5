import type { SqlReach } from './sql-reach.js';

/**
 * The engine's own wire protocol, at the endpoint RDS describes, as the secret's user (RunDrillWireChecks, in the drill
 * VPC): TLS verified against the Amazon RDS certificate authorities, and only them, for every host but a loopback one
 * (the local engines speak no TLS). Each engine's client loads when its first check runs.
 */
export const wireReach: SqlReach = {
  via: 'wire',
  functionName: 'RunDrillWireChecks',
  async transportTo(database, access, dialect) {
    const { credentialsOf, endpointOf, isLoopback } = await import('./database-endpoints.js');
    const [{ host, port }, { username, password }] = await Promise.all([endpointOf(database), credentialsOf(access.secretArn)]);
    const tls = isLoopback(host) ? { ssl: false } : { ssl: true, ca: (await import('./rds-certificate-authorities.js')).RDS_CERTIFICATE_AUTHORITIES };
    if (dialect === 'mysql') {
      const { mysqlWireTransport } = await import('./mysql-wire-transport.js');
      return mysqlWireTransport({ host, port, user: username, password, ...(access.database !== undefined && { database: access.database }), ...tls });
    }
    const { postgresWireTransport } = await import('./wire-transport.js');
    return postgresWireTransport({ host, port, user: username, password, database: access.database ?? 'postgres', ...tls });
  },
};

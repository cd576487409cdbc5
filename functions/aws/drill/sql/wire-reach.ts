import { credentialsOf, endpointOf, isLoopback } from './database-endpoints.js';
import { mysqlWireTransport } from './mysql-wire-transport.js';
import { RDS_CERTIFICATE_AUTHORITIES } from './rds-certificate-authorities.js';
import type { SqlReach } from './sql-reach.js';
import { postgresWireTransport } from './wire-transport.js';

/*
 * Static imports: a dynamic import() keeps each SDK client whole in the bundle (every command), and this function
 * (RunDrillWireChecks) exists only to run these checks.
 */

/**
 * The engine's own wire protocol, at the endpoint RDS describes, as the secret's user (RunDrillWireChecks, in the drill
 * VPC): TLS verified against the Amazon RDS certificate authorities, and only them, for every host but a loopback one
 * (the local engines speak no TLS).
 */
export const wireReach: SqlReach = {
  via: 'wire',
  functionName: 'RunDrillWireChecks',
  async transportTo(database, access, dialect) {
    const [{ host, port }, { username, password }] = await Promise.all([endpointOf(database), credentialsOf(access.secretArn)]);
    const tls = isLoopback(host) ? { ssl: false } : { ssl: true, ca: RDS_CERTIFICATE_AUTHORITIES };
    if (dialect === 'mysql') {
      return mysqlWireTransport({ host, port, user: username, password, ...(access.database !== undefined && { database: access.database }), ...tls });
    }
    return postgresWireTransport({ host, port, user: username, password, database: access.database ?? 'postgres', ...tls });
  },
};

import pg from 'pg';
import type { CanaryWrite } from './sql-canary-writer.js';
import { canaryStatements } from './sql-canary-writer.js';
import { credentialsOf, endpointOf, isLoopback } from './sql/database-endpoints.js';
import { RDS_CERTIFICATE_AUTHORITIES } from './sql/rds-certificate-authorities.js';

/*
 * The SQL canary over the Postgres wire (WriteDrillWireCanary, in the drill VPC): the source's endpoint and the
 * writer's user, TLS verified against the RDS certificate authorities (Node's default CAs do not hold them). Apart from
 * the Data API writer so that WriteDrillCanary carries neither pg nor the CA bundle.
 */
export async function writeSqlCanaryOverWire(request: CanaryWrite): Promise<void> {
  const { source, access, writerSecretArn } = request;
  const [{ host, port }, { username, password }] = await Promise.all([endpointOf(source), credentialsOf(writerSecretArn)]);
  const client = new pg.Client({ host, port, user: username, password, database: access.database ?? 'postgres', ssl: isLoopback(host) ? false : { rejectUnauthorized: true, ca: [...RDS_CERTIFICATE_AUTHORITIES] }, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const sql of canaryStatements(request.table)) await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

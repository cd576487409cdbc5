import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import pg from 'pg';
import { isAuroraEngine, type RdsDatabaseSource, type SqlAccess } from '../../domain/drill/rds-plan.js';
import type { SourceResource } from '../../domain/drill/restore.js';
import { canaryTableSql, canaryWriteSql, parseTableName } from '../../domain/drill/sql-generation.js';
import { clusterOf, instanceOf } from './restored-resources/rds.js';
import { credentialsOf, endpointOf, isLoopback } from './sql/database-endpoints.js';
import { RDS_CERTIFICATE_AUTHORITIES } from './sql/rds-certificate-authorities.js';

/*
 * The SQL canary writer, run on a schedule against the source database (never a restore): creates the canary table
 * if missing and upserts its one row stamped with the database's own clock, as the writer's user (not the checks'
 * read-only one). The restored canary then measures the RPO (the sql-canary check).
 */

export async function writeSqlCanary(request: {
  readonly source: Pick<SourceResource, 'type' | 'name' | 'arn'>;
  readonly access: Pick<SqlAccess, 'via' | 'database'>;
  readonly writerSecretArn: string;
  readonly table: string;
}): Promise<void> {
  const { source, access, writerSecretArn } = request;
  const table = parseTableName(request.table);
  const statements = [canaryTableSql('postgres', table), canaryWriteSql('postgres', table)];
  if (access.via === 'data-api') {
    const client = new RDSDataClient({});
    try {
      for (const sql of statements) {
        await client.send(new ExecuteStatementCommand({ resourceArn: source.arn, secretArn: writerSecretArn, sql, ...(access.database !== undefined && { database: access.database }) }));
      }
    } finally {
      client.destroy();
    }
    return;
  }
  const [{ host, port }, { username, password }] = await Promise.all([endpointOf(source), credentialsOf(writerSecretArn)]);
  const client = new pg.Client({ host, port, user: username, password, database: access.database ?? 'postgres', ssl: isLoopback(host) ? false : { rejectUnauthorized: true, ca: [...RDS_CERTIFICATE_AUTHORITIES] }, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A plan's source database as the writer reaches it (its ARN from RDS: the Data API names a cluster by ARN). */
export async function rdsSourceOf(source: RdsDatabaseSource): Promise<Pick<SourceResource, 'type' | 'name' | 'arn'>> {
  const aurora = isAuroraEngine(source.engine);
  const arn = aurora ? (await clusterOf(source.identifier))?.DBClusterArn : (await instanceOf(source.identifier))?.DBInstanceArn;
  if (!arn) throw new Error(`source database ${source.identifier} does not exist`);
  return { type: aurora ? 'Aurora' : 'RDS', name: source.identifier, arn };
}

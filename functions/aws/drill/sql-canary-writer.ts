import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { isAuroraEngine, type RdsDatabaseSource, type SqlAccess } from '../../domain/drill/rds-plan.js';
import type { SourceResource } from '../../domain/drill/restore.js';
import { canaryTableSql, canaryWriteSql, parseTableName } from '../../domain/drill/sql-generation.js';
import { clusterOf, instanceOf } from './restored-resources/rds.js';

/*
 * The SQL canary writer, run on a schedule against the source database (never a restore): creates the canary table
 * if missing and upserts its one row stamped with the database's own clock, as the writer's user (not the checks'
 * read-only one). The restored canary then measures the RPO (the sql-canary check).
 */

/** The canary through the RDS Data API (WriteDrillCanary; Aurora with the Data API). A wire plan's is written over the wire, in the VPC. */
export async function writeSqlCanary(request: CanaryWrite): Promise<void> {
  const { source, access, writerSecretArn } = request;
  if (access.via !== 'data-api') throw new Error(`the canary of ${source.name} is written over the wire, from the drill VPC (WriteDrillWireCanary: writeSqlCanaryOverWire)`);
  const client = new RDSDataClient({});
  try {
    for (const sql of canaryStatements(request.table)) {
      await client.send(new ExecuteStatementCommand({ resourceArn: source.arn, secretArn: writerSecretArn, sql, ...(access.database !== undefined && { database: access.database }) }));
    }
  } finally {
    client.destroy();
  }
}

export interface CanaryWrite {
  readonly source: Pick<SourceResource, 'type' | 'name' | 'arn'>;
  readonly access: Pick<SqlAccess, 'via' | 'database'>;
  readonly writerSecretArn: string;
  readonly table: string;
}

/** Create the canary table if missing, then upsert its one row stamped with the database's own clock. */
export const canaryStatements = (table: string): string[] => {
  const name = parseTableName(table);
  return [canaryTableSql('postgres', name), canaryWriteSql('postgres', name)];
};

/** A plan's source database as the writer reaches it (its ARN from RDS: the Data API names a cluster by ARN). */
export async function rdsSourceOf(source: RdsDatabaseSource): Promise<Pick<SourceResource, 'type' | 'name' | 'arn'>> {
  const aurora = isAuroraEngine(source.engine);
  const arn = aurora ? (await clusterOf(source.identifier))?.DBClusterArn : (await instanceOf(source.identifier))?.DBInstanceArn;
  if (!arn) throw new Error(`source database ${source.identifier} does not exist`);
  return { type: aurora ? 'Aurora' : 'RDS', name: source.identifier, arn };
}

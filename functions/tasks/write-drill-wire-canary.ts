import type { Context } from 'aws-lambda';
import { drillPlan } from '../aws/drill/plans.js';
import { rdsSourceOf } from '../aws/drill/sql-canary-writer.js';
import { writeSqlCanaryOverWire } from '../aws/drill/sql-canary-wire-writer.js';
import { logger } from '../aws/powertools.js';
import { WriteCanaryTask } from '../domain/drill/canary.js';
import { canaryWriterOf } from '../domain/drill/rds-plan.js';

/**
 * Scheduled every intervalMinutes per plan whose SQL canary is written over the wire, in the drill VPC (the source
 * database is reachable only there): upserts the canary row as the writer's user. Any other plan is WriteDrillCanary's.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ planId: string; database: string; writtenAt: string }> => {
  logger.addContext(context);
  const { planId } = WriteCanaryTask.parse(payload);
  const plan = drillPlan(planId);
  if (canaryWriterOf(plan) !== 'WriteDrillWireCanary' || plan.source.type !== 'rds-database' || !plan.sqlAccess) {
    throw new Error(`drill plan "${planId}" writes no SQL canary over the wire: its canary is WriteDrillCanary's`);
  }
  const writtenAt = new Date().toISOString();
  const source = await rdsSourceOf(plan.source);
  for (const check of plan.checks) {
    if (check.type === 'sql-canary' && check.writerSecretArn !== undefined) await writeSqlCanaryOverWire({ source, access: plan.sqlAccess, writerSecretArn: check.writerSecretArn, table: check.table });
  }
  logger.info('drill canary row written over the wire', { planId, database: source.name, writtenAt });
  return { planId, database: source.name, writtenAt };
};

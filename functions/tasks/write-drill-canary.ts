import type { Context } from 'aws-lambda';
import { putCanary } from '../aws/drill/canary-writer.js';
import { drillPlan } from '../aws/drill/plans.js';
import { putCanaryObject } from '../aws/drill/s3-canary-writer.js';
import { rdsSourceOf, writeSqlCanary } from '../aws/drill/sql-canary-writer.js';
import { logger } from '../aws/powertools.js';
import { countSourceTick, type CountTick } from '../aws/drill/source-counter.js';
import { requireEnvironment } from '../aws/environment.js';
import { canaryChecksOf, canaryItem, WriteCanaryTask } from '../domain/drill/canary.js';
import { sourceBucketNameOf, sourceTableNameOf } from '../domain/drill-plan-schema.js';
import { canaryWriterOf } from '../domain/drill/rds-plan.js';

/** Left of the tick's time when counting stops: enough to keep the count's key and total. */
const COUNT_TIME_MARGIN_MS = 5_000;

/** Scheduled every intervalMinutes per plan with a canary check: rewrites the canary, stamped now, into the source table or bucket. */
export const handler = async (payload: unknown, context: Context): Promise<{ planId: string; tableName?: string; bucket?: string; writtenAt: string; counts?: CountTick[] }> => {
  logger.addContext(context);
  const { planId } = WriteCanaryTask.parse(payload);
  const plan = drillPlan(planId);
  // A SQL canary over the wire is written from the drill VPC, where its source is reachable (and its grants are).
  if (canaryWriterOf(plan) === 'WriteDrillWireCanary') throw new Error(`drill plan "${planId}" writes its SQL canary over the wire: WriteDrillWireCanary, in the drill VPC, writes it`);
  const objectKeys = plan.checks.flatMap((check) => (check.type === 'canary-object' ? [check.key] : []));
  const writtenAt = new Date().toISOString();
  const bucket = sourceBucketNameOf(plan.source);
  if (objectKeys.length > 0 && bucket !== undefined && process.env.DRILL_RESTORES_S3 !== 'false') {
    // The flag drops the S3 writer, and its SDK, from stacks that restore no bucket.
    for (const key of objectKeys) await putCanaryObject({ bucket, key, planId, writtenAt });
    logger.info('drill canary object written', { planId, bucket, writtenAt, canaries: objectKeys.length });
    return { planId, bucket, writtenAt };
  }
  const sqlCanaries = plan.checks.flatMap((check) => (check.type === 'sql-canary' && check.writerSecretArn !== undefined ? [check] : []));
  if (sqlCanaries.length > 0 && plan.source.type === 'rds-database' && plan.sqlAccess) {
    const source = await rdsSourceOf(plan.source);
    for (const check of sqlCanaries) await writeSqlCanary({ source, access: plan.sqlAccess, writerSecretArn: check.writerSecretArn!, table: check.table });
    logger.info('drill canary row written', { planId, database: source.name, canaries: sqlCanaries.length });
    return { planId, writtenAt };
  }
  const checks = canaryChecksOf(plan);
  if (checks.length === 0) throw new Error(`drill plan "${planId}" has no canary check: nothing to write`);
  const tableName = sourceTableNameOf(plan.source);
  if (tableName === undefined) throw new Error(`drill plan "${planId}" names no source table to write the canary into`);
  for (const check of checks) await putCanary(tableName, canaryItem(check, planId, writtenAt));
  logger.info('drill canary written', { planId, tableName, writtenAt, canaries: checks.length });
  // Then this tick's share of counting the source, where an item count is held to counts taken at known times.
  if (plan.checks.some((check) => check.type === 'item-count' && check.baseline === 'counted')) {
    const counts = await countSourceTick(plan, requireEnvironment('DEDUPLICATION_TABLE_NAME'), Math.max(1_000, context.getRemainingTimeInMillis() - COUNT_TIME_MARGIN_MS));
    logger.info('drill source count', { planId, tableName, counts });
    return { planId, tableName, writtenAt, counts };
  }
  return { planId, tableName, writtenAt };
};

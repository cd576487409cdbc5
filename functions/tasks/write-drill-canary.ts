import type { Context } from 'aws-lambda';
import { putCanary } from '../aws/drill/canary-writer.js';
import { drillPlan } from '../aws/drill/plans.js';
import { logger } from '../aws/powertools.js';
import { canaryChecksOf, canaryItem, WriteCanaryTask } from '../domain/drill/canary.js';
import { sourceTableNameOf } from '../domain/drill-plan-schema.js';

/** Scheduled every intervalMinutes per plan with a canary check: rewrites the canary, stamped now, into the source. */
export const handler = async (payload: unknown, context: Context): Promise<{ planId: string; tableName: string; writtenAt: string }> => {
  logger.addContext(context);
  const { planId } = WriteCanaryTask.parse(payload);
  const plan = drillPlan(planId);
  const checks = canaryChecksOf(plan);
  if (checks.length === 0) throw new Error(`drill plan "${planId}" has no canary check: nothing to write`);
  const tableName = sourceTableNameOf(plan.source);
  if (tableName === undefined) throw new Error(`drill plan "${planId}" names no source table to write the canary into`);
  const writtenAt = new Date().toISOString();
  for (const check of checks) await putCanary(tableName, canaryItem(check, planId, writtenAt));
  logger.info('drill canary written', { planId, tableName, writtenAt, canaries: checks.length });
  return { planId, tableName, writtenAt };
};

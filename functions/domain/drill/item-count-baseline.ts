import type { DrillCheck } from '../drill-plan-schema.js';
import type { ItemCountBasis } from './check-verdicts.js';
import type { ChosenRecoveryPoint } from './restore.js';

type ItemCountCheck = Extract<DrillCheck, { type: 'item-count' }>;

/** A DynamoDB backup's ARN (`…:table/<name>/backup/<id>`): DescribeBackup records its item count. */
const DYNAMODB_BACKUP_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/backup\/[A-Za-z0-9-]+$/;

/**
 * What the restored count is held to. Never a scan of the source unless the plan asks (`baseline: source-scan`): a
 * full read of a live table a provisioned source may feel. Otherwise what the recovery point records, where it does
 * (a DynamoDB backup's ItemCount), else the source's DescribeTable ItemCount; both approximate.
 */
export function itemCountBasisOf(check: ItemCountCheck, recoveryPoint: ChosenRecoveryPoint): ItemCountBasis {
  if (check.expected !== undefined) return 'plan';
  if (check.baseline === 'source-scan') return 'source';
  if (check.baseline === 'counted') return 'counted';
  if (recoveryPoint.id !== undefined && DYNAMODB_BACKUP_ARN.test(recoveryPoint.id)) return 'backup-item-count';
  return 'source-item-count';
}

/** Whether the check reads the source table item by item (only when the plan asks). */
export const scansSource = (check: ItemCountCheck): boolean => check.expected === undefined && check.baseline === 'source-scan';

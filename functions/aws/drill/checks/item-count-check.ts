import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import { itemCountVerdict, type CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { exactDocuments } from './exact-documents.js';

type ItemCountCheck = Extract<DrillCheck, { type: 'item-count' }>;

/** Exact item count by a paginated Scan (Select COUNT): DescribeTable's ItemCount lags by hours. */
export async function countItems(tableName: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await exactDocuments.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** The restored table's count against the plan's number, or against the source's count now. */
export async function itemCountCheck(check: ItemCountCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  if (check.expected !== undefined) return itemCountVerdict(await countItems(context.restoredTableName), check.expected, check.tolerancePercent, 'plan');
  const [actual, sourceCount] = await Promise.all([countItems(context.restoredTableName), countItems(context.sourceTableName)]);
  return itemCountVerdict(actual, sourceCount, check.tolerancePercent, 'source');
}

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import { isCanaryItem } from '../../../domain/drill/canary.js';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import { checksumVerdict, type CheckVerdict, type ItemSetDigest } from '../../../domain/drill/check-verdicts.js';
import { itemDigest } from '../../../domain/drill/item-digest.js';
import { exactDocuments } from './exact-documents.js';
import { tableKeyOf, type TableKey } from './table-key.js';

type ChecksumCheck = Extract<DrillCheck, { type: 'checksum' }>;
type Item = Record<string, unknown>;

/** Every item of the partition (in the sort key range, when given), paginated; the canary is left out. */
async function partitionItems(tableName: string, key: TableKey, check: ChecksumCheck, consistentRead: boolean): Promise<Item[]> {
  const range = check.sortKeyRange;
  if (range && !key.sortKey) throw new Error(`checksum: the plan gives a sort key range, but ${tableName} has no sort key`);
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await exactDocuments.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: range ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
        ExpressionAttributeNames: range ? { '#pk': key.partitionKey, '#sk': key.sortKey! } : { '#pk': key.partitionKey },
        ExpressionAttributeValues: range ? { ':pk': check.partitionKeyValue, ':from': range.from, ':to': range.to } : { ':pk': check.partitionKeyValue },
        ConsistentRead: consistentRead,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).filter((item) => !isCanaryItem(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const digestOf = (items: readonly Item[]): ItemSetDigest => ({ sha256: itemDigest(items), itemCount: items.length });

/** What the plan's check covers, in words. */
function scopeOf(key: TableKey, check: ChecksumCheck): string {
  const partition = `partition ${key.partitionKey} = ${JSON.stringify(check.partitionKeyValue)}`;
  const range = check.sortKeyRange;
  return range ? `${partition} (${key.sortKey ?? 'sort key'} between ${JSON.stringify(range.from)} and ${JSON.stringify(range.to)})` : partition;
}

/** Hashes the partition in the restored table and compares with the source's now, or with the recorded hash. */
export async function checksumCheck(check: ChecksumCheck, context: DrillCheckContext): Promise<CheckVerdict> {
  const key = await tableKeyOf(context.sourceTableName);
  const [restored, source] = await Promise.all([
    partitionItems(context.restoredTableName, key, check, false),
    check.expected === 'source' ? partitionItems(context.sourceTableName, key, check, true) : Promise.resolve(undefined),
  ]);
  return checksumVerdict({
    scope: scopeOf(key, check),
    restored: digestOf(restored),
    expected: source ? { basis: 'source', ...digestOf(source) } : { basis: 'recorded', sha256: check.expected },
  });
}

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DrillCheck } from '../../../domain/drill-plan-schema.js';
import { isCanaryItem } from '../../../domain/drill/canary.js';
import type { DrillCheckContext } from '../../../domain/drill/check-result.js';
import { sampleVerdict, type CheckVerdict } from '../../../domain/drill/check-verdicts.js';
import { canonicalItem } from '../../../domain/drill/item-digest.js';
import { itemsByKey } from './batch-get.js';
import { exactDocuments } from './exact-documents.js';
import { keyOfItem, tableKeyOf } from './table-key.js';

type SampleKeysCheck = Extract<DrillCheck, { type: 'sample-keys' }>;
type Item = Record<string, unknown>;

/** Parallel-scan segments the source is split into; sampling starts in a random one. */
const TOTAL_SEGMENTS = 16;

/**
 * Up to `count` source items, from a random scan segment onwards (the next segments when one holds too few),
 * the canary left out: a cheap sample that does not always start at the table's first partition.
 */
export async function sampleSourceItems(tableName: string, count: number, random: () => number = Math.random): Promise<Item[]> {
  const first = Math.floor(random() * TOTAL_SEGMENTS);
  const sampled: Item[] = [];
  for (let visited = 0; visited < TOTAL_SEGMENTS && sampled.length < count; visited += 1) {
    let startKey: Item | undefined;
    do {
      const page = await exactDocuments.send(
        new ScanCommand({
          TableName: tableName,
          Segment: (first + visited) % TOTAL_SEGMENTS,
          TotalSegments: TOTAL_SEGMENTS,
          Limit: count * 2,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      sampled.push(...(page.Items ?? []).filter((item) => !isCanaryItem(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && sampled.length < count);
  }
  return shuffled(sampled, random).slice(0, count);
}

/** Fisher-Yates: which of the items read are kept is random too. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other]!, result[index]!];
  }
  return result;
}

/** Samples source items and looks each up in the restored table by its key. */
export async function sampleKeysCheck(check: SampleKeysCheck, context: DrillCheckContext, random: () => number = Math.random): Promise<CheckVerdict> {
  const key = await tableKeyOf(context.sourceTableName);
  const sources = await sampleSourceItems(context.sourceTableName, check.count, random);
  const keys = sources.map((item) => keyOfItem(key, item));
  const restored = await itemsByKey(context.restoredTableName, key, keys);
  return sampleVerdict({
    samples: sources.map((source, index) => ({ key: keys[index]!, source, restored: restored.get(canonicalItem(keys[index]!)) })),
    requestedCount: check.count,
    recoveryPointAt: context.recoveryPoint.at,
    ...(check.modifiedAtAttribute !== undefined && { modifiedAtAttribute: check.modifiedAtAttribute }),
  });
}

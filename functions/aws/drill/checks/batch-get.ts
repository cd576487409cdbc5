import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalItem } from '../../../domain/drill/item-digest.js';
import { exactDocuments } from './exact-documents.js';
import { keyOfItem, type TableKey } from './table-key.js';

type Item = Record<string, unknown>;

/** BatchGetItem takes at most this many keys per call. */
const BATCH_LIMIT = 100;
/** Retries of keys DynamoDB left unprocessed (throttling), waiting 50 ms, 100 ms, ... between them. */
const UNPROCESSED_RETRIES = 6;

/** The items at these keys (strongly consistent), by their key's canonical text; a key with no item is absent. */
export async function itemsByKey(tableName: string, key: TableKey, keys: readonly Item[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for (let start = 0; start < keys.length; start += BATCH_LIMIT) {
    let pending: Item[] = keys.slice(start, start + BATCH_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > UNPROCESSED_RETRIES) throw new Error(`BatchGetItem on ${tableName} left ${pending.length} keys unprocessed after ${UNPROCESSED_RETRIES} retries`);
      if (attempt > 0) await sleep(50 * 2 ** (attempt - 1));
      const response = await exactDocuments.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of response.Responses?.[tableName] ?? []) found.set(canonicalItem(keyOfItem(key, item)), item);
      pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

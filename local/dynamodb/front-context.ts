import type { BackendCalls, CallerScope } from './backend.js';
import type { BackupCatalog } from './backup-catalog.js';
import { keyOf, type KeySchemaElement } from './items.js';
import type { KeyLocks, TableLocks } from './locks.js';
import type { PitrJournal } from './pitr-journal.js';
import type { RestoreRegistry } from './restore-registry.js';
import { tableSchemaOf, type TableSchema } from './table-schema.js';
import { isObject, tableNotFound, type Item, type WireObject } from './wire.js';

/** A simulated duration that grows with the number of items. */
export interface SimulatedDuration {
  readonly baseMs: number;
  readonly perItemMs: number;
}

export const durationFor = (duration: SimulatedDuration, itemCount: number): number => duration.baseMs + duration.perItemMs * itemCount;

/** What the front's parts share: the backend, the stores, the locks, the clock and the settings. */
export interface FrontContext {
  readonly backend: BackendCalls;
  readonly journal: PitrJournal;
  readonly backups: BackupCatalog;
  readonly restores: RestoreRegistry;
  readonly tableLocks: TableLocks;
  readonly keyLocks: KeyLocks;
  /** Backups a restore is reading now (DeleteBackup refuses them), by ARN: how many restores. */
  readonly backupsInUse: Map<string, number>;
  readonly region: string;
  readonly accountId: string;
  readonly restoreDuration: SimulatedDuration;
  readonly backupDuration: SimulatedDuration;
  readonly latestRestorableLagMs: number;
  /** Item writes (PutItem, UpdateItem, DeleteItem, batches, transactions, PartiQL writes) the backend applied, counted as they pass. */
  readonly itemWrites: ItemWriteCount;
  /** Epoch ms, from the injected clock. */
  now(): number;
  log(line: string): void;
}

/** Item writes applied so far, and a promise of the next one (what an in-process waiter wakes on instead of polling). */
export class ItemWriteCount {
  private count = 0;
  private nextWrite: { promise: Promise<void>; resolve: () => void } | undefined;

  get applied(): number {
    return this.count;
  }

  add(): void {
    this.count += 1;
    this.nextWrite?.resolve();
    this.nextWrite = undefined;
  }

  /** Resolves when the next item write is applied. */
  next(): Promise<void> {
    this.nextWrite ??= Promise.withResolvers<void>();
    return this.nextWrite.promise;
  }
}

/** The backend's DescribeTable `Table`, or TableNotFoundException. */
export async function describeTable(context: FrontContext, tableName: string, scope: CallerScope): Promise<WireObject> {
  try {
    const described = await context.backend.call('DescribeTable', { TableName: tableName }, scope);
    if (!isObject(described['Table'])) throw tableNotFound(tableName);
    return described['Table'];
  } catch (error) {
    if ((error as { code?: string }).code === 'ResourceNotFoundException') throw tableNotFound(tableName);
    throw error;
  }
}

/** Every item of a table, read through the backend page by page (strongly consistent). */
export async function scanAll(context: FrontContext, tableName: string, scope: CallerScope): Promise<Item[]> {
  const items: Item[] = [];
  let exclusiveStartKey: unknown;
  do {
    const page = await context.backend.call(
      'Scan',
      { TableName: tableName, ConsistentRead: true, ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}) },
      scope,
    );
    items.push(...((page['Items'] ?? []) as Item[]));
    exclusiveStartKey = page['LastEvaluatedKey'];
  } while (exclusiveStartKey);
  return items;
}

/**
 * A table's settings and items at one instant: taken while the table's writes through the front wait,
 * so no write is half in. The caller holds the table's exclusive lock.
 */
export async function snapshotTable(context: FrontContext, tableName: string, scope: CallerScope): Promise<{ schema: TableSchema; items: Item[] }> {
  const table = await describeTable(context, tableName, scope);
  const timeToLive = await context.backend
    .call('DescribeTimeToLive', { TableName: tableName }, scope)
    .then((reply) => (isObject(reply['TimeToLiveDescription']) ? reply['TimeToLiveDescription'] : undefined))
    .catch(() => undefined);
  return { schema: tableSchemaOf(table, timeToLive), items: await scanAll(context, tableName, scope) };
}

/** The item as the backend holds it now, or null if there is none. */
export async function readItem(context: FrontContext, tableName: string, keyAttributes: Item, keySchema: readonly KeySchemaElement[], scope: CallerScope): Promise<Item | null> {
  const reply = await context.backend.call('GetItem', { TableName: tableName, Key: keyOf(keyAttributes, keySchema), ConsistentRead: true }, scope);
  return isObject(reply['Item']) ? (reply['Item'] as Item) : null;
}

import { join } from 'node:path';
import type { CallerScope } from './backend.js';
import { readJsonFile, writeFileAtomic } from './files.js';
import type { WireObject } from './wire.js';

/** A table made by a restore: CREATING until readyAt, and its RestoreSummary for as long as it exists. */
export interface RestoreRecord {
  readonly tableName: string;
  /** 'loading' while the front creates the table and writes its items; 'loaded' once all are in. */
  readonly phase: 'loading' | 'loaded';
  /** Epoch ms of the restore request. */
  readonly startedAt: number;
  /** Epoch ms at which the table becomes ACTIVE (set once loaded). */
  readonly readyAt?: number;
  readonly sourceTableArn?: string;
  readonly sourceBackupArn?: string;
  /** Epoch ms: the point in time restored, or the backup's creation time. */
  readonly restoreDateTime: number;
  /** Whose backend database holds the table (DynamoDB Local keeps one per access key and region). */
  readonly scope: CallerScope;
  /** SSEDescription of SSESpecificationOverride: reported, though the backends encrypt nothing. */
  readonly sseDescription?: WireObject;
}

/** The restored tables, in memory and, when `file` is given, in one JSON file. */
export class RestoreRegistry {
  private readonly records = new Map<string, RestoreRecord>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | undefined) {}

  static async open(directory?: string): Promise<RestoreRegistry> {
    const registry = new RestoreRegistry(directory ? join(directory, 'restores.json') : undefined);
    if (registry.file) for (const record of (await readJsonFile<RestoreRecord[]>(registry.file)) ?? []) registry.records.set(record.tableName, record);
    return registry;
  }

  get(tableName: string): RestoreRecord | undefined {
    return this.records.get(tableName);
  }

  all(): RestoreRecord[] {
    return [...this.records.values()];
  }

  /** True while the table is CREATING: being loaded, or before its simulated restore time has passed. */
  isCreating(tableName: string, now: number): boolean {
    const record = this.records.get(tableName);
    return record !== undefined && (record.phase === 'loading' || now < (record.readyAt ?? Number.POSITIVE_INFINITY));
  }

  anyCreating(now: number): boolean {
    return this.all().some((record) => this.isCreating(record.tableName, now));
  }

  set(record: RestoreRecord): Promise<void> {
    this.records.set(record.tableName, record);
    return this.save();
  }

  delete(tableName: string): Promise<void> {
    if (!this.records.delete(tableName)) return Promise.resolve();
    return this.save();
  }

  flush(): Promise<void> {
    return this.saving;
  }

  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const next = this.saving.then(() => writeFileAtomic(file, JSON.stringify(this.all())));
    this.saving = next.catch(() => undefined);
    return next;
  }
}

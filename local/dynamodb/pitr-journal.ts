import { join } from 'node:path';
import { appendLines, listFiles, readJsonFile, readJsonLines, removeFile, writeFileAtomic } from './files.js';
import { keyIdentity, type KeySchemaElement } from './items.js';
import type { Item } from './wire.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One change of one item: its image after the write, or null once deleted. */
export interface ItemChange {
  /** keyIdentity() of the item. */
  readonly key: string;
  readonly item: Item | null;
}

interface JournalEntry extends ItemChange {
  readonly seq: number;
  /** Epoch ms at which the write was acknowledged by the backend. */
  readonly at: number;
}

export interface PitrSettings {
  readonly tableName: string;
  readonly keySchema: readonly KeySchemaElement[];
  readonly recoveryPeriodDays: number;
  /** When PITR was (last) enabled: nothing before it can be restored. */
  readonly enabledAt: number;
}

interface TableJournal {
  settings: PitrSettings;
  /** The table as it was at baseAt: the snapshot taken when PITR was enabled, later rolled forward. */
  base: Map<string, Item>;
  baseAt: number;
  /** Writes after baseAt, in the order the backend applied them. */
  entries: JournalEntry[];
  /** The table as it is now: base with every entry applied. */
  current: Map<string, Item>;
  nextSeq: number;
  lastAt: number;
}

interface BaseFile {
  readonly settings: PitrSettings;
  readonly baseAt: number;
  readonly items: readonly Item[];
}

/**
 * The continuous backups of PITR-enabled tables: a base snapshot plus every write journaled with its time and the
 * item's resulting image, so the table at any time T in the window is the base with the entries up to T applied.
 * Kept in memory, and under `directory` when given (a base file and an append-only journal per table).
 */
export class PitrJournal {
  private readonly tables = new Map<string, TableJournal>();
  /** File writes per table name, one after another (also across a disable and a new enable). */
  private readonly fileQueues = new Map<string, Promise<void>>();

  private constructor(private readonly directory: string | undefined) {}

  static async open(directory?: string): Promise<PitrJournal> {
    const journal = new PitrJournal(directory);
    if (directory) {
      for (const path of await listFiles(directory, '.base.json')) {
        const base = await readJsonFile<BaseFile>(path);
        if (!base) continue;
        const entries = await readJsonLines<JournalEntry>(journal.journalPath(base.settings.tableName));
        journal.tables.set(base.settings.tableName, journal.rebuild(base, entries));
      }
    }
    return journal;
  }

  settings(tableName: string): PitrSettings | undefined {
    return this.tables.get(tableName)?.settings;
  }

  /** Starts PITR for a table whose contents at `at` are `items`. */
  async enable(settings: PitrSettings, items: readonly Item[], at: number): Promise<void> {
    const base = new Map(items.map((item) => [identityOf(item, settings.keySchema), item] as const));
    const table: TableJournal = { settings, base, baseAt: at, entries: [], current: new Map(base), nextSeq: 1, lastAt: at };
    this.tables.set(settings.tableName, table);
    await this.persist(table, async () => {
      await this.writeBase(table);
      await writeFileAtomic(this.journalPath(settings.tableName), '');
    });
  }

  async setRecoveryPeriod(tableName: string, recoveryPeriodDays: number): Promise<void> {
    const table = this.tables.get(tableName);
    if (!table || table.settings.recoveryPeriodDays === recoveryPeriodDays) return;
    table.settings = { ...table.settings, recoveryPeriodDays };
    await this.persist(table, () => this.writeBase(table));
  }

  /** Ends PITR for a table and forgets its history, as AWS does. */
  async disable(tableName: string): Promise<void> {
    const table = this.tables.get(tableName);
    if (!table) return;
    this.tables.delete(tableName);
    await this.persist(table, async () => {
      await removeFile(this.basePath(tableName));
      await removeFile(this.journalPath(tableName));
    });
  }

  /** Journals writes the backend acknowledged at `at` (never earlier than the table's previous entry). */
  async record(tableName: string, changes: readonly ItemChange[], at: number): Promise<void> {
    const table = this.tables.get(tableName);
    if (!table || changes.length === 0) return;
    table.lastAt = Math.max(table.lastAt, at);
    const entries = changes.map((change): JournalEntry => ({ seq: table.nextSeq++, at: table.lastAt, key: change.key, item: change.item }));
    for (const entry of entries) apply(table.current, entry);
    table.entries.push(...entries);
    await this.persist(table, () => appendLines(this.journalPath(tableName), entries));
    await this.rollForward(table, at);
  }

  /**
   * The changes that turn the journal's current contents into `items` (the table as just read in full), for writes
   * the front cannot see item by item (PartiQL statements).
   */
  changesTo(tableName: string, items: readonly Item[]): ItemChange[] {
    const table = this.tables.get(tableName);
    if (!table) return [];
    const changes: ItemChange[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = identityOf(item, table.settings.keySchema);
      seen.add(key);
      const known = table.current.get(key);
      if (!known || JSON.stringify(known) !== JSON.stringify(item)) changes.push({ key, item });
    }
    for (const key of table.current.keys()) if (!seen.has(key)) changes.push({ key, item: null });
    return changes;
  }

  /** The table's current contents as the journal knows them. */
  currentItems(tableName: string): Map<string, Item> {
    return new Map(this.tables.get(tableName)?.current);
  }

  /** Earliest and latest restorable times (epoch ms) at `now`. */
  window(tableName: string, now: number, latestLagMs: number): { earliest: number; latest: number } | undefined {
    const table = this.tables.get(tableName);
    if (!table) return undefined;
    const earliest = Math.max(table.settings.enabledAt, table.baseAt, now - table.settings.recoveryPeriodDays * DAY_MS);
    return { earliest, latest: Math.max(earliest, now - latestLagMs) };
  }

  /** The table's items as they were at `at` (epoch ms, not before baseAt): the base plus every write up to `at`. */
  itemsAt(tableName: string, at: number): Item[] {
    const table = this.tables.get(tableName);
    if (!table) return [];
    const state = new Map(table.base);
    for (const entry of table.entries) {
      if (entry.at > at) break;
      apply(state, entry);
    }
    return [...state.values()];
  }

  /** Waits for every pending file write (before the front stops). */
  async flush(): Promise<void> {
    await Promise.all(this.fileQueues.values());
  }

  /** Drops entries that fell out of the recovery window into the base, so the journal does not grow forever. */
  private async rollForward(table: TableJournal, now: number): Promise<void> {
    const cutoff = now - table.settings.recoveryPeriodDays * DAY_MS;
    const first = table.entries[0];
    if (!first || first.at > cutoff) return;
    let folded = 0;
    while (folded < table.entries.length && table.entries[folded]!.at <= cutoff) apply(table.base, table.entries[folded++]!);
    table.entries = table.entries.slice(folded);
    table.baseAt = cutoff;
    const remaining = table.entries;
    await this.persist(table, async () => {
      // Base first: after a crash between the two writes, replaying already folded entries onto the base is harmless.
      await this.writeBase(table);
      await writeFileAtomic(this.journalPath(table.settings.tableName), remaining.map((entry) => JSON.stringify(entry) + '\n').join(''));
    });
  }

  private rebuild(base: BaseFile, entries: readonly JournalEntry[]): TableJournal {
    const keySchema = base.settings.keySchema;
    const table: TableJournal = {
      settings: base.settings,
      base: new Map(base.items.map((item) => [identityOf(item, keySchema), item] as const)),
      baseAt: base.baseAt,
      entries: [],
      current: new Map(),
      nextSeq: 1,
      lastAt: base.baseAt,
    };
    for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
      if (entry.at <= base.baseAt) apply(table.base, entry);
      else table.entries.push(entry);
      table.nextSeq = Math.max(table.nextSeq, entry.seq + 1);
      table.lastAt = Math.max(table.lastAt, entry.at);
    }
    table.current = new Map(table.base);
    for (const entry of table.entries) apply(table.current, entry);
    return table;
  }

  private writeBase(table: TableJournal): Promise<void> {
    const file: BaseFile = { settings: table.settings, baseAt: table.baseAt, items: [...table.base.values()] };
    return writeFileAtomic(this.basePath(table.settings.tableName), JSON.stringify(file));
  }

  private persist(table: TableJournal, write: () => Promise<void>): Promise<void> {
    if (!this.directory) return Promise.resolve();
    const name = table.settings.tableName;
    const next = (this.fileQueues.get(name) ?? Promise.resolve()).then(write);
    const queued = next.catch(() => undefined);
    this.fileQueues.set(name, queued);
    void queued.then(() => {
      if (this.fileQueues.get(name) === queued) this.fileQueues.delete(name);
    });
    return next;
  }

  private basePath(tableName: string): string {
    return join(this.directory ?? '', `${encodeURIComponent(tableName)}.base.json`);
  }

  private journalPath(tableName: string): string {
    return join(this.directory ?? '', `${encodeURIComponent(tableName)}.journal.jsonl`);
  }
}

function apply(state: Map<string, Item>, change: ItemChange): void {
  if (change.item) state.set(change.key, change.item);
  else state.delete(change.key);
}

function identityOf(item: Item, keySchema: readonly KeySchemaElement[]): string {
  const identity = keyIdentity(item, keySchema);
  if (identity === undefined) throw new Error(`item without its key attributes: ${JSON.stringify(item)}`);
  return identity;
}

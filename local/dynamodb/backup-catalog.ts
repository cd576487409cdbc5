import { join } from 'node:path';
import { listFiles, readJsonFile, removeFile, writeFileAtomic } from './files.js';
import type { TableSchema } from './table-schema.js';
import type { Item } from './wire.js';

/** An on-demand backup: USER (CreateBackup) or SYSTEM (taken when a PITR-enabled table is deleted). */
export interface BackupRecord {
  readonly BackupArn: string;
  readonly BackupName: string;
  readonly BackupType: 'USER' | 'SYSTEM';
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms from which the backup is AVAILABLE (CREATING before). */
  readonly availableAt: number;
  /** Epoch ms; SYSTEM backups only. */
  readonly expiresAt?: number;
  readonly sizeBytes: number;
  readonly itemCount: number;
  readonly source: TableSchema;
}

/** The backups, in memory and, when `directory` is given, on disk: a metadata file and an items file per backup. */
export class BackupCatalog {
  private readonly records = new Map<string, BackupRecord>();
  private readonly itemsInMemory = new Map<string, readonly Item[]>();

  private constructor(private readonly directory: string | undefined) {}

  static async open(directory?: string): Promise<BackupCatalog> {
    const catalog = new BackupCatalog(directory);
    if (directory) {
      for (const path of await listFiles(directory, '.backup.json')) {
        const record = await readJsonFile<BackupRecord>(path);
        if (record) catalog.records.set(record.BackupArn, record);
      }
    }
    return catalog;
  }

  async add(record: BackupRecord, items: readonly Item[]): Promise<void> {
    if (this.directory) {
      // Items first: a metadata file never names a backup whose items are not all on disk.
      await writeFileAtomic(this.itemsPath(record.BackupArn), JSON.stringify(items));
      await writeFileAtomic(this.recordPath(record.BackupArn), JSON.stringify(record));
    } else {
      this.itemsInMemory.set(record.BackupArn, items);
    }
    this.records.set(record.BackupArn, record);
  }

  get(backupArn: string): BackupRecord | undefined {
    return this.records.get(backupArn);
  }

  /** Every backup, oldest first (ListBackups order). */
  all(): BackupRecord[] {
    return [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt || a.BackupArn.localeCompare(b.BackupArn));
  }

  async items(backupArn: string): Promise<readonly Item[]> {
    if (!this.directory) return this.itemsInMemory.get(backupArn) ?? [];
    return (await readJsonFile<Item[]>(this.itemsPath(backupArn))) ?? [];
  }

  async remove(backupArn: string): Promise<void> {
    this.records.delete(backupArn);
    this.itemsInMemory.delete(backupArn);
    if (this.directory) {
      await removeFile(this.recordPath(backupArn));
      await removeFile(this.itemsPath(backupArn));
    }
  }

  private recordPath(backupArn: string): string {
    return join(this.directory ?? '', `${fileStem(backupArn)}.backup.json`);
  }

  private itemsPath(backupArn: string): string {
    return join(this.directory ?? '', `${fileStem(backupArn)}.items.json`);
  }
}

/** `<table>.<ms>-<hex>` from `arn:...:table/<table>/backup/<ms>-<hex>`. */
function fileStem(backupArn: string): string {
  const [, table = 'table', id = 'backup'] = /table\/([^/]+)\/backup\/([^/]+)$/.exec(backupArn) ?? [];
  return `${encodeURIComponent(table)}.${encodeURIComponent(id)}`;
}

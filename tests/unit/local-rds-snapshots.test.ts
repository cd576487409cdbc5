import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataDirSnapshot, filesystemFrom, PGDATA, snapshotDataDir, snapshotFromTar } from '../../local/rds/data-dir-snapshot.js';
import { ENGINE_SETTINGS, PostgresEngine } from '../../local/rds/postgres-engine.js';

/*
 * The local RDS's snapshots (data-dir-snapshot.ts) against real engines: a restore holds exactly the source at the
 * snapshot, a snapshot never sees later writes (its files are shared with later snapshots and copied into restores),
 * and two restores of one snapshot are two databases.
 */

const ENGINE = { host: '127.0.0.1', backupIntervalMs: 0, retentionMs: 86_400_000 } as const;

/** Every file's bytes, hashed: equal digests before and after a write mean the snapshot's bytes were not touched. */
const digestOf = (snapshot: DataDirSnapshot): string => {
  const hash = createHash('sha256');
  for (const entry of snapshot.entries) {
    hash.update(`${entry.kind} ${entry.path} ${entry.mode}\n`);
    if (entry.kind === 'file') for (const page of entry.pages) hash.update(page);
  }
  return hash.digest('hex');
};

/** What a user sees of the database: the rows, the sequence, which tables exist. */
async function contentsOf(engine: PostgresEngine) {
  const rows = (await engine.db.query<{ id: number; note: string }>('SELECT id, note FROM orders ORDER BY id')).rows;
  const sequence = (await engine.db.query<{ last_value: string }>('SELECT last_value::text FROM invoice_numbers')).rows[0]!.last_value;
  const tables = (await engine.db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((row) => row.name);
  return { rows, sequence, tables };
}

describe('local RDS snapshots of an engine’s data directory', () => {
  let source: PostgresEngine;
  const restored: PostgresEngine[] = [];

  beforeAll(async () => {
    source = await PostgresEngine.start(ENGINE);
    await source.db.exec(`
      CREATE TABLE orders (id int PRIMARY KEY, note text NOT NULL);
      INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 2000) g;
      CREATE SEQUENCE invoice_numbers;
      SELECT nextval('invoice_numbers') FROM generate_series(1, 41);
      CREATE TABLE dropped_later (id int);
      CHECKPOINT;`);
  });

  afterAll(async () => {
    await Promise.all([source, ...restored].map((engine) => engine?.stop()));
  });

  it('restores exactly what the source held when it was taken, whatever the source did after', async () => {
    const before = await contentsOf(source);
    const snapshot = await source.dumpNow();
    const digest = digestOf(snapshot);

    // Rewrite pages the snapshot shares with the engine's files, in place (UPDATE + CHECKPOINT writes the heap files).
    await source.db.exec(`
      UPDATE orders SET note = 'changed';
      DELETE FROM orders WHERE id > 1500;
      SELECT nextval('invoice_numbers') FROM generate_series(1, 9);
      DROP TABLE dropped_later;
      CREATE TABLE created_later (id int);
      CHECKPOINT;`);
    const later = await source.dumpNow();
    expect(digestOf(snapshot)).toBe(digest);
    // The later snapshot shares the unchanged pages' copies and holds its own for the changed ones.
    const pages = later.entries.flatMap((entry) => (entry.kind === 'file' ? entry.pages.map((page, index) => page === snapshot.filePages(entry.path)?.[index]) : []));
    expect(pages.filter((shared) => shared).length).toBeGreaterThan(1000);
    expect(pages.filter((shared) => !shared).length).toBeGreaterThan(10);

    const copy = await PostgresEngine.start({ ...ENGINE, restoreFrom: snapshot });
    restored.push(copy);
    expect(await contentsOf(copy)).toEqual(before);
    expect(before).toMatchObject({ sequence: '41', tables: ['dropped_later', 'orders'] });
    expect(before.rows).toHaveLength(2000);
    expect(await contentsOf(source)).toMatchObject({ sequence: '50', tables: ['created_later', 'orders'] });

    const newer = await PostgresEngine.start({ ...ENGINE, restoreFrom: later });
    restored.push(newer);
    expect(await contentsOf(newer)).toEqual(await contentsOf(source));
  });

  it('costs a lightly written database only the pages that changed since its last snapshot', async () => {
    // A first write after a checkpoint logs whole pages (full_page_writes); the second to the same pages logs only the row.
    await source.db.query("INSERT INTO orders VALUES (100001, 'one more')");
    const first = await source.dumpNow();
    await source.db.query("INSERT INTO orders VALUES (100002, 'and another')");
    const second = await source.dumpNow();
    const newPages = second.entries.flatMap((entry) => (entry.kind === 'file' ? entry.pages.filter((page, index) => page !== first.filePages(entry.path)?.[index]) : []));
    // The row reaches the files as WAL (its heap page stays in Postgres's buffers until a checkpoint): a few 8 KB pages of ~25 MB.
    expect(newPages.length).toBeGreaterThan(0);
    expect(newPages.length).toBeLessThanOrEqual(4);
    expect(second.byteLength).toBeGreaterThan(10_000_000);
  });

  it('gives each restore of one snapshot its own copy: a write to one reaches neither the other nor the snapshot', async () => {
    const snapshot = await source.dumpNow();
    const digest = digestOf(snapshot);
    const [first, second] = await Promise.all([PostgresEngine.start({ ...ENGINE, restoreFrom: snapshot }), PostgresEngine.start({ ...ENGINE, restoreFrom: snapshot })]);
    restored.push(first, second);
    const untouched = await contentsOf(second);

    await first.db.exec(`UPDATE orders SET note = 'only in the first'; SELECT nextval('invoice_numbers'); CREATE TABLE only_first (id int); CHECKPOINT;`);

    expect(await contentsOf(second)).toEqual(untouched);
    expect(await contentsOf(first)).toMatchObject({ sequence: String(Number(untouched.sequence) + 1), tables: ['created_later', 'only_first', 'orders'] });
    expect(digestOf(snapshot)).toBe(digest);
    // A later restore of the same snapshot still gets the state it was taken at.
    const third = await PostgresEngine.start({ ...ENGINE, restoreFrom: snapshot });
    restored.push(third);
    expect(await contentsOf(third)).toEqual(untouched);
  });

  it('starts every engine, new or restored, with its settings: 16 MB of shared buffers, not the 128 MB Postgres zeroes at each start', async () => {
    expect(restored.length).toBeGreaterThan(0);
    for (const engine of [source, ...restored]) {
      const shown = (await engine.db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers;
      expect(shown).toBe(ENGINE_SETTINGS.shared_buffers);
      expect(shown).toBe('16MB');
    }
  });

  it('grows a file being appended to by at least 1.5x (MEMFS copies the whole file at each growth; its own 1.125x copied a spilled 20 MB ~9 times over)', () => {
    const fs = source.db.Module.FS as unknown as {
      open(path: string, flags: string): unknown;
      write(stream: unknown, buffer: Uint8Array, offset: number, length: number): number;
      close(stream: unknown): void;
      lookupPath(path: string): { node: { contents: Uint8Array; usedBytes: number } };
      readFile(path: string): Uint8Array;
      unlink(path: string): void;
    };
    const path = `${PGDATA}/base/pgsql_tmp_growth_test`;
    const stream = fs.open(path, 'w');
    const capacities = new Set<number>();
    for (let page = 0; page < 2560; page += 1) {
      fs.write(stream, new Uint8Array(8192).fill(page % 251), 0, 8192);
      capacities.add(fs.lookupPath(path).node.contents.length);
    }
    fs.close(stream);
    // 8 KB to 1 MB doubling (8 growths), then 1 MB to 20 MB by 1.5x (8 more): emscripten's 1.125x needed 26 past 1 MB.
    expect(capacities.size).toBeLessThanOrEqual(17);
    const bytes = fs.readFile(path);
    expect(bytes.byteLength).toBe(2560 * 8192);
    expect([bytes[0], bytes[8192 * 300], bytes[bytes.byteLength - 1]]).toEqual([0, 300 % 251, 2559 % 251]);
    fs.unlink(path);
  });

  it('writes back every directory and file with its mode, time and bytes, empty files included', async () => {
    const snapshot = await source.dumpNow();
    // noInitDb: PGlite fills its filesystem and stops there, before Postgres boots (which would replay WAL into the files).
    const { PGlite } = await import('@electric-sql/pglite');
    const unstarted = await PGlite.create({ fs: await filesystemFrom(snapshot), noInitDb: true });
    const written = snapshotDataDir(unstarted);
    const described = (s: DataDirSnapshot) => s.entries.map((entry) => ({ ...entry, ...(entry.kind === 'file' && { pages: createHash('sha256').update(s.fileBytes(entry.path)!).digest('hex') }) }));
    expect(described(written)).toEqual(described(snapshot));
    expect(snapshot.entries.filter((entry) => entry.kind === 'file' && entry.size === 0).length).toBeGreaterThan(10);
    expect(snapshot.entries.filter((entry) => entry.kind === 'directory').length).toBeGreaterThan(10);
    // Not the snapshot's own arrays: write every file through the filesystem as the engine writes a page (pwrite),
    // flipping every byte, and one more through msync (MEMFS's msync writes without the stream's write), then truncate one.
    const digest = digestOf(snapshot);
    const fs = unstarted.Module.FS as unknown as {
      open(path: string, flags: string): { stream_ops: { msync(stream: unknown, buffer: Uint8Array, offset: number, length: number, flags: number): number } };
      write(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
      close(stream: unknown): void;
      readFile(path: string): Uint8Array;
      truncate(path: string, length: number): void;
    };
    const pathOf = (entry: { path: string }) => `${PGDATA}${entry.path}`;
    const [synced, truncated] = written.entries.filter((entry) => entry.kind === 'file' && entry.size >= 16_384).map(pathOf);
    const stream = fs.open(synced!, 'r+');
    stream.stream_ops.msync(stream, new Uint8Array(8192).fill(7), 0, 8192, 0);
    fs.close(stream);
    expect(fs.readFile(synced!).subarray(0, 8192).every((byte) => byte === 7)).toBe(true);
    fs.truncate(truncated!, 1);
    for (const path of written.entries.filter((entry) => entry.kind === 'file' && entry.size > 0).map(pathOf)) {
      if (path === synced || path === truncated) continue;
      const flipped = fs.readFile(path).map((byte) => byte ^ 0xff);
      const opened = fs.open(path, 'r+');
      expect(fs.write(opened, flipped, 0, flipped.byteLength, 0)).toBe(flipped.byteLength);
      fs.close(opened);
    }
    expect(digestOf(snapshotDataDir(unstarted))).not.toBe(digest);
    expect(digestOf(snapshot)).toBe(digest);
  });
});

describe('the template data directory read from its tar', () => {
  const header = (name: string, type: string, size: number, mode: number): Uint8Array => {
    const block = new Uint8Array(512);
    const put = (offset: number, value: string) => block.set(new TextEncoder().encode(value), offset);
    put(0, name);
    put(100, `${mode.toString(8).padStart(7, '0')}\0`);
    put(124, `${size.toString(8).padStart(11, '0')}\0`);
    put(136, `${(1_796_657_051).toString(8).padStart(11, '0')}\0`);
    put(156, type);
    put(257, 'ustar\x0000');
    return block;
  };

  it('reads directories, empty files and files with their modes, and refuses what a data directory never holds', () => {
    const body = new Uint8Array(512);
    body.set([1, 2, 3]);
    const tar = new Uint8Array([...header('/global', '5', 0, 0o750), ...header('/global/1214', '0', 0, 0o600), ...header('/PG_VERSION', '0', 3, 0o600), ...body, ...new Uint8Array(1024)]);
    const snapshot = snapshotFromTar(tar);
    expect(snapshot.entries.map(({ kind, path, mode }) => ({ kind, path, mode }))).toEqual([
      { kind: 'directory', path: '', mode: 0o40700 },
      { kind: 'directory', path: '/global', mode: 0o40750 },
      { kind: 'file', path: '/global/1214', mode: 0o100600 },
      { kind: 'file', path: '/PG_VERSION', mode: 0o100600 },
    ]);
    expect([...snapshot.fileBytes('/PG_VERSION')!]).toEqual([1, 2, 3]);
    expect(snapshot.fileBytes('/global/1214')!.byteLength).toBe(0);

    // Read from disk, the tar is a Buffer (whose slice is a view): the snapshot's pages are copies all the same.
    const onDisk = Buffer.from(tar);
    const fromDisk = snapshotFromTar(onDisk);
    onDisk.fill(0xee);
    expect([...fromDisk.fileBytes('/PG_VERSION')!]).toEqual([1, 2, 3]);
    expect([...fromDisk.sharedBytes('/PG_VERSION')!]).toEqual([1, 2, 3]);

    const symlink = new Uint8Array([...header('/pg_tblspc/16384', '2', 0, 0o777), ...new Uint8Array(1024)]);
    expect(() => snapshotFromTar(symlink)).toThrow(/tar type '2'/);
  });
});

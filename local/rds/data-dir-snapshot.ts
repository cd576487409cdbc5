import type { PGlite } from '@electric-sql/pglite';
import { growFilesGeometrically } from './memfs-growth.js';

/*
 * A database's data directory at one moment, copied straight out of its engine's in-memory filesystem (emscripten's
 * MEMFS, where a file's bytes are a Uint8Array the engine mutates in place) instead of through a tar and gzip. A
 * snapshot's bytes are never written after it is taken: a file is kept as 8 KB pages (Postgres's block size, data
 * and WAL), and a page whose bytes did not change since the previous snapshot shares that snapshot's copy, so
 * consecutive snapshots of a lightly written database cost the pages that changed, not the whole directory (see
 * docs/local-rds-snapshots-6.md).
 */

export const PGDATA = '/pglite/data';
/** Postgres's block size (BLCKSZ and XLOG_BLCKSZ): a write changes whole pages of this size. */
const PAGE_BYTES = 8192;
const EMPTY = new Uint8Array(0);

interface DirectoryEntry {
  readonly kind: 'directory';
  /** Relative to PGDATA, '' for PGDATA itself. */
  readonly path: string;
  readonly mode: number;
  readonly mtime: number;
}

interface FileEntry {
  readonly kind: 'file';
  readonly path: string;
  readonly mode: number;
  readonly mtime: number;
  readonly size: number;
  /** The file's bytes, PAGE_BYTES each (the last may be shorter), shared with other snapshots: read them, never write them. */
  readonly pages: readonly Uint8Array[];
}

type SnapshotEntry = DirectoryEntry | FileEntry;

export class DataDirSnapshot {
  private filesByPath: Map<string, FileEntry> | undefined;
  private readonly sharedByPath = new Map<string, Uint8Array>();

  /** Parents before children, as written back. */
  constructor(readonly entries: readonly SnapshotEntry[]) {}

  /** The pages of the file at `path`, or undefined. */
  filePages(path: string): readonly Uint8Array[] | undefined {
    this.filesByPath ??= new Map(this.entries.flatMap((entry) => (entry.kind === 'file' ? [[entry.path, entry] as const] : [])));
    return this.filesByPath.get(path)?.pages;
  }

  /**
   * The bytes of the file at `path` in one array shared by every restore of this snapshot (made once; a one-page file's
   * page itself): never written, so restores copy it before their first write (see writeDataDir).
   */
  sharedBytes(path: string): Uint8Array | undefined {
    const known = this.sharedByPath.get(path);
    if (known !== undefined) return known;
    const pages = this.filePages(path);
    if (pages === undefined) return undefined;
    const bytes = pages.length === 1 ? pages[0]! : pages.length === 0 ? EMPTY : joined(pages);
    this.sharedByPath.set(path, bytes);
    return bytes;
  }

  /** The bytes of the file at `path` in one (new) array, or undefined. */
  fileBytes(path: string): Uint8Array | undefined {
    const pages = this.filePages(path);
    return pages === undefined ? undefined : joined(pages);
  }

  /** The directory's size: every file's bytes, shared or not. */
  get byteLength(): number {
    return this.entries.reduce((total, entry) => total + (entry.kind === 'file' ? entry.size : 0), 0);
  }
}

/** The parts of emscripten's FS and its MEMFS nodes used here (PGlite's typings do not describe the nodes). */
interface MemNode {
  readonly name: string;
  readonly mode: number;
  readonly mtime?: number;
  readonly timestamp?: number;
  /** A directory's children by name; a file's bytes (null when never written), valid up to usedBytes. */
  contents: Record<string, MemNode> | Uint8Array | number[] | null;
  usedBytes?: number;
  /** What an open stream of the node calls (FS.open copies it into the stream): MEMFS's write and msync change `contents` in place. */
  stream_ops: StreamOps;
  /** MEMFS's operations on the node: mknod makes a child (of a directory) and hashes it in, as FS.mknod does after its checks. */
  readonly node_ops: {
    mknod(parent: MemNode, name: string, mode: number, dev: number): MemNode;
    setattr(node: MemNode, attributes: { mode?: number; atime?: number; mtime?: number }): void;
  };
}

interface StreamOps {
  write(stream: { node: MemNode }, ...rest: unknown[]): number;
  msync(stream: { node: MemNode }, ...rest: unknown[]): number;
}

/** Files whose `contents` is a snapshot's shared array: copied before their first write. */
const sharedContents = new WeakSet<MemNode>();

function ownContents(node: MemNode): void {
  // A copy whatever the array's class (a Buffer's slice is a view of the same bytes).
  if (sharedContents.delete(node)) node.contents = Uint8Array.prototype.slice.call(node.contents as Uint8Array, 0, node.usedBytes ?? 0);
}

const copyOnWriteOps = new WeakMap<StreamOps, StreamOps>();

/** MEMFS's file stream operations, each that writes (write, and msync, which calls MEMFS's write itself) first copying a shared `contents`. */
function copyOnWrite(ops: StreamOps): StreamOps {
  let wrapped = copyOnWriteOps.get(ops);
  if (wrapped === undefined) {
    wrapped = {
      ...ops,
      write: (stream, ...rest) => (ownContents(stream.node), ops.write(stream, ...rest)),
      msync: (stream, ...rest) => (ownContents(stream.node), ops.msync(stream, ...rest)),
    };
    copyOnWriteOps.set(ops, wrapped);
  }
  return wrapped;
}

interface MemFs {
  lookupPath(path: string): { node: MemNode };
  analyzePath(path: string): { exists: boolean };
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  mkdirTree(path: string, mode?: number): void;
}

const memFsOf = (db: PGlite): MemFs => db.Module.FS as unknown as MemFs;
const mtimeOf = (node: MemNode): number => node.mtime ?? node.timestamp ?? 0;

/** The file's current bytes as a view (no copy). */
function liveBytes(node: MemNode): Uint8Array {
  const size = node.usedBytes ?? 0;
  if (node.contents === null || size === 0) return EMPTY;
  if (node.contents instanceof Uint8Array) return node.contents.subarray(0, size);
  return Uint8Array.from((node.contents as number[]).slice(0, size));
}

function joined(pages: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(pages.reduce((total, page) => total + page.byteLength, 0));
  let offset = 0;
  for (const page of pages) {
    bytes.set(page, offset);
    offset += page.byteLength;
  }
  return bytes;
}

/** `bytes` as pages, each the earlier snapshot's page at that place when equal, else a copy. */
function pagesOf(bytes: Uint8Array, earlier: readonly Uint8Array[] | undefined): Uint8Array[] {
  const pages: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += PAGE_BYTES) {
    const page = bytes.subarray(offset, Math.min(offset + PAGE_BYTES, bytes.byteLength));
    const before = earlier?.[pages.length];
    // Uint8Array's slice, a copy, even of a Buffer (whose own slice is a view: the tar read from disk is one).
    pages.push(before !== undefined && sameBytes(before, page) ? before : Uint8Array.prototype.slice.call(page));
  }
  return pages;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/**
 * The engine's data directory now, sharing `previous`'s copy of every page whose bytes are the same. Synchronous, so
 * no statement can run while it is taken; callers hold the engine's query lock so none is half done either.
 */
export function snapshotDataDir(db: PGlite, previous?: DataDirSnapshot): DataDirSnapshot {
  const fs = memFsOf(db);
  const entries: SnapshotEntry[] = [];
  const visit = (node: MemNode, path: string): void => {
    if (fs.isDir(node.mode)) {
      entries.push({ kind: 'directory', path, mode: node.mode, mtime: mtimeOf(node) });
      const children = node.contents as Record<string, MemNode>;
      for (const name of Object.keys(children).sort()) visit(children[name]!, `${path}/${name}`);
    } else if (fs.isFile(node.mode)) {
      const live = liveBytes(node);
      entries.push({ kind: 'file', path, mode: node.mode, mtime: mtimeOf(node), size: live.byteLength, pages: pagesOf(live, previous?.filePages(path)) });
    } else {
      // Postgres keeps only directories and files here (a tablespace would be a symlink: local RDS makes none).
      throw new Error(`local RDS: ${PGDATA}${path} is neither a file nor a directory; it cannot be snapshotted`);
    }
  };
  visit(fs.lookupPath(PGDATA).node, '');
  return new DataDirSnapshot(entries);
}

/**
 * Writes the snapshot into an engine's empty filesystem: each file gets a private copy at its first write (MEMFS
 * mutates in place). Nodes
 * are made under their parent's node (MEMFS's own mknod and setattr), not by path: a path is parsed and looked up
 * anew on each call, three calls a file, which cost more than the copy.
 */
export function writeDataDir(db: PGlite, snapshot: DataDirSnapshot): void {
  const fs = memFsOf(db);
  const directories = new Map<string, MemNode>();
  for (const entry of snapshot.entries) {
    if (entry.path === '') {
      if (!fs.analyzePath(PGDATA).exists) fs.mkdirTree(PGDATA, entry.mode);
      const root = fs.lookupPath(PGDATA).node;
      root.node_ops.setattr(root, { mode: entry.mode });
      directories.set('', root);
      continue;
    }
    const slash = entry.path.lastIndexOf('/');
    const parent = directories.get(entry.path.slice(0, slash));
    if (parent === undefined) throw new Error(`local RDS: the snapshot holds ${entry.path} before its directory`);
    const name = entry.path.slice(slash + 1);
    const children = parent.contents as Record<string, MemNode>;
    if (children[name] !== undefined) throw new Error(`local RDS: ${PGDATA}${entry.path} is already there; a snapshot is written into an empty data directory`);
    const node = parent.node_ops.mknod(parent, name, entry.mode, 0);
    if (entry.kind === 'directory') {
      directories.set(entry.path, node);
    } else {
      // The snapshot's array, shared until the engine first writes the file (MEMFS writes in place): most files of a
      // restore are only read, so a restore need not copy the whole directory (~25 MB), nor GC the copies.
      const bytes = snapshot.sharedBytes(entry.path)!;
      node.contents = bytes;
      node.usedBytes = bytes.byteLength;
      node.stream_ops = copyOnWrite(node.stream_ops);
      sharedContents.add(node);
      node.node_ops.setattr(node, { atime: entry.mtime, mtime: entry.mtime });
    }
  }
  // A directory's time moves when an entry is made in it: set them once their contents are in place.
  for (const entry of snapshot.entries) {
    if (entry.kind === 'directory') {
      const node = directories.get(entry.path)!;
      node.node_ops.setattr(node, { atime: entry.mtime, mtime: entry.mtime });
    }
  }
}

/**
 * A filesystem for `PGlite.create({ fs })` that holds `snapshot` before Postgres looks for a database (PGlite runs
 * initdb only when PGDATA has no PG_VERSION; it checks after `initialSyncFs`), so the engine starts from it.
 */
export async function filesystemFrom(snapshot: DataDirSnapshot): Promise<InstanceType<typeof import('@electric-sql/pglite').MemoryFS>> {
  const { MemoryFS } = await import('@electric-sql/pglite');
  class SnapshotFS extends MemoryFS {
    override async initialSyncFs(): Promise<void> {
      await super.initialSyncFs();
      growFilesGeometrically(this.pg!);
      writeDataDir(this.pg!, snapshot);
    }
  }
  return new SnapshotFS();
}

const TAR_BLOCK = 512;
const octal = (header: Uint8Array, offset: number, length: number): number => Number.parseInt(new TextDecoder().decode(header.subarray(offset, offset + length)).replace(/\0.*$/s, '').trim() || '0', 8);
const text = (header: Uint8Array, offset: number, length: number): string => new TextDecoder().decode(header.subarray(offset, offset + length)).replace(/\0.*$/s, '');

/**
 * A snapshot of a data directory PGlite dumped as a tar (`dumpDataDir('none')`: ustar, names relative to PGDATA
 * starting with '/', directories and regular files only), as the template is kept on disk.
 */
export function snapshotFromTar(tar: Uint8Array): DataDirSnapshot {
  const entries: SnapshotEntry[] = [{ kind: 'directory', path: '', mode: 0o40700, mtime: 0 }];
  for (let offset = 0; offset + TAR_BLOCK <= tar.byteLength; ) {
    const header = tar.subarray(offset, offset + TAR_BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const prefix = text(header, 345, 155);
    const name = (prefix === '' ? '' : `${prefix}/`) + text(header, 0, 100);
    const path = `/${name.replace(/^\/+|\/+$/g, '')}`;
    const mode = octal(header, 100, 8);
    const size = octal(header, 124, 12);
    const mtime = octal(header, 136, 12) * 1000;
    const type = String.fromCharCode(header[156]!);
    offset += TAR_BLOCK;
    if (type === '5') entries.push({ kind: 'directory', path, mode: 0o40000 | (mode & 0o7777), mtime });
    else if (type === '0' || type === '\0') entries.push({ kind: 'file', path, mode: 0o100000 | (mode & 0o7777), mtime, size, pages: pagesOf(tar.subarray(offset, offset + size), undefined) });
    else throw new Error(`local RDS: the template data directory holds ${path} of tar type '${type}'; only directories and files are expected`);
    offset += Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  return new DataDirSnapshot(entries);
}

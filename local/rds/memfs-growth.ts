import type { PGlite } from '@electric-sql/pglite';

/*
 * How an engine's in-memory files grow. Emscripten's MEMFS grows a file past 1 MB by 1.125x, copying it whole each
 * time: a file appended to 100 MB (a sort or a set-returning function spilling to a temporary file) is copied ~9 times
 * over. Growing by 1.5x copies it ~3 times, for at most half again its size in spare capacity.
 */

const SMALL_FILE_BYTES = 1024 * 1024;

interface GrowingNode {
  contents: Uint8Array | null;
  usedBytes: number;
}

interface MemFsModule {
  expandFileStorage(node: GrowingNode, capacity: number): void;
}

/** The capacity a file holding `current` bytes of room gets when it needs `needed`: at least 2x (small) or 1.5x. */
export function grownCapacity(current: number, needed: number): number {
  if (current >= needed) return current;
  const factor = current < SMALL_FILE_BYTES ? 2 : 1.5;
  return Math.max(needed, Math.floor(current * factor), 256);
}

/** Replaces the engine's MEMFS growth (before Postgres writes anything): a new array, the old bytes copied, as MEMFS does. */
export function growFilesGeometrically(db: PGlite): void {
  const memfs = (db.Module.FS as unknown as { filesystems: { MEMFS: MemFsModule } }).filesystems.MEMFS;
  memfs.expandFileStorage = (node, needed) => {
    const current = node.contents?.length ?? 0;
    const capacity = grownCapacity(current, needed);
    if (capacity === current) return;
    const before = node.contents;
    // A new array, never the old one written: a snapshot's shared array stays as it was (see data-dir-snapshot.ts).
    node.contents = new Uint8Array(capacity);
    if (before !== null && node.usedBytes > 0) node.contents.set(before.subarray(0, node.usedBytes));
  };
}

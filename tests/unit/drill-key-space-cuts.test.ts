import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keySpaceNodes, NODES_PER_RANGE, type FirstKeyAfter } from '../../functions/domain/drill/key-space-cuts.js';
import { partitionBoundaries, planObjectScans, type ObjectScan } from '../../functions/domain/drill/object-segments.js';
import { compareS3Keys } from '../../functions/domain/drill/s3-recovery-point.js';

/** A bucket as S3 answers ListObjectsV2(Prefix, StartAfter, MaxKeys 1): keys in UTF-8 byte order; probes counted. */
function bucketOf(keys: readonly string[]) {
  const sorted = [...new Set(keys)].sort(compareS3Keys);
  const bytes = sorted.map((key) => Buffer.from(key, 'utf8'));
  let probes = 0;
  /** The first index whose key is above `bound` (or at it, when `inclusive`). */
  const search = (bound: Buffer, inclusive: boolean) => {
    let low = 0;
    let high = bytes.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const order = Buffer.compare(bytes[middle]!, bound);
      if (order < 0 || (order === 0 && !inclusive)) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const first: FirstKeyAfter = async (prefix, after) => {
    probes += 1;
    const start = Math.max(search(Buffer.from(prefix, 'utf8'), true), after === undefined ? 0 : search(Buffer.from(after, 'utf8'), false));
    const key = sorted[start];
    return key !== undefined && key.startsWith(prefix) ? key : undefined;
  };
  return { sorted, first, probes: () => probes };
}

/** Keys per range when a prefix is cut at `boundaries` into (after, through] ranges (keys and boundaries in S3 order). */
const rangeSizes = (sortedKeys: readonly string[], boundaries: readonly string[]): number[] => {
  const sizes = Array.from({ length: boundaries.length + 1 }, () => 0);
  let range = 0;
  for (const key of sortedKeys) {
    while (range < boundaries.length && compareS3Keys(key, boundaries[range]!) > 0) range += 1;
    sizes[range]! += 1;
  }
  return sizes;
};

async function cut(keys: readonly string[], prefix: string, segments = 16) {
  const bucket = bucketOf(keys);
  const nodes = await keySpaceNodes(bucket.first, prefix, segments * NODES_PER_RANGE);
  const boundaries = partitionBoundaries(nodes, segments);
  const sizes = rangeSizes(bucket.sorted, boundaries);
  return { nodes, boundaries, sizes, probes: bucket.probes(), mean: bucket.sorted.length / sizes.length };
}

const hex = (index: number) => createHash('sha256').update(String(index)).digest('hex');

describe('cutting a large flat prefix across its whole key space', () => {
  it('sequential numbered keys: 16 ranges over all 60,000 keys, none more than twice its share, the tail not one long range', async () => {
    const keys = Array.from({ length: 60_000 }, (_, index) => `orders/${String(index).padStart(8, '0')}.json`);
    const { boundaries, sizes, probes, mean } = await cut(keys, 'orders/');
    expect(boundaries).toHaveLength(15);
    // Cut among the first 5000 keys (five planning pages), the last range held 55,000 keys: 14.7 times its share.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * mean);
    expect(sizes.at(-1)).toBeLessThanOrEqual(2 * mean);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    expect(probes).toBeLessThanOrEqual(512);
  });

  it('hashed names (uuid-like), timestamps, and a few huge folders beside a small one', async () => {
    const hashed = await cut(Array.from({ length: 20_000 }, (_, index) => `blobs/${hex(index)}`), 'blobs/');
    expect(Math.max(...hashed.sizes)).toBeLessThanOrEqual(1.5 * hashed.mean);
    const day = Date.parse('2026-12-07T00:00:00.000Z');
    const stamped = await cut(Array.from({ length: 20_000 }, (_, index) => `events/${new Date(day + index * 4_321).toISOString()}-${index % 7}.json`), 'events/');
    expect(Math.max(...stamped.sizes)).toBeLessThanOrEqual(3 * stamped.mean);
    const folders = await cut([...['a', 'b', 'c'].flatMap((folder) => Array.from({ length: 8_000 }, (_, index) => `data/${folder}/${String(index).padStart(6, '0')}`)), 'data/readme', 'data/z/1'], 'data/');
    // Three folders were three ranges (each a third of the prefix); now every folder is cut too.
    expect(folders.boundaries.length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...folders.sizes)).toBeLessThanOrEqual(2.5 * folders.mean);
  });

  it('awkward keys: a key equal to a node, keys holding the highest character, non-BMP characters, one long shared head', async () => {
    const keys = ['x', 'x/', 'x/a', 'x/a\u{10FFFF}', 'x/a\u{10FFFF}b', 'x/a\u{10FFFF}\u{10FFFF}', 'x/é', 'x/😀1', 'x/😀2', 'x/😁', ...Array.from({ length: 200 }, (_, index) => `x/${'shared-head/'.repeat(8)}${index}`)];
    const { nodes, boundaries, sizes } = await cut(keys, 'x', 8);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(keys.length);
    expect([...boundaries].sort(compareS3Keys)).toEqual(boundaries);
    expect(new Set(boundaries).size).toBe(boundaries.length);
    for (const node of nodes) expect(node).toBe(Buffer.from(node, 'utf8').toString('utf8'));
    // The long shared head was skipped by binary search, not walked a character at a time.
    expect(nodes.some((node) => node.startsWith(`x/${'shared-head/'.repeat(8)}`))).toBe(true);
  });

  it('stays within its probes, keeping the last level it walked whole; an empty prefix has no nodes', async () => {
    const keys = Array.from({ length: 10_000 }, (_, index) => `k/${hex(index)}`);
    const few = bucketOf(keys);
    const nodes = await keySpaceNodes(few.first, 'k/', 64, 40);
    expect(few.probes()).toBeLessThanOrEqual(40);
    expect(nodes.length).toBeGreaterThan(1);
    expect(await keySpaceNodes(bucketOf(keys).first, 'nothing/', 64)).toEqual([]);
  });

  it('the planned ranges still hold every key exactly once, the cut only moving where ranges end', async () => {
    const keys = Array.from({ length: 5_000 }, (_, index) => `orders/${String(index * 7).padStart(7, '0')}`);
    const { boundaries } = await cut(keys, 'orders/');
    const scans = planObjectScans([{ checkId: 'object-count', measure: 'totals', prefix: 'orders/', exclude: [], atPoint: '2026-12-07T03:00:00.000Z', buckets: [{ role: 'restored', bucket: 'irdr-drill-x' }], boundaries }], 300);
    const holding = (key: string) => scans.filter((scan: ObjectScan) => (scan.after === undefined || compareS3Keys(key, scan.after) > 0) && (scan.through === undefined || compareS3Keys(key, scan.through) <= 0));
    expect(keys.every((key) => holding(key).length === 1)).toBe(true);
    expect(boundaries.every((boundary) => holding(boundary).length === 1)).toBe(true);
  });
});

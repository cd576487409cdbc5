import { describe, expect, it } from 'vitest';
import { HEAD_SECONDS, interleavedOrder, type FileCost } from '../support/file-order.js';

const costs = (entries: Record<string, FileCost>) => ({ files: Object.keys(entries), costOf: (file: string) => entries[file]! });

describe("the test files' start order", () => {
  it('starts the long files first, longest first, and every file once', () => {
    const { files, costOf } = costs({
      short: { wall: 2, cpu: 1 },
      longest: { wall: HEAD_SECONDS + 30, cpu: 5 },
      long: { wall: HEAD_SECONDS + 1, cpu: 20 },
      middle: { wall: 10, cpu: 1 },
    });
    const order = interleavedOrder(files, costOf, 2);
    expect(order.slice(0, 2)).toEqual(['longest', 'long']);
    expect([...order].sort()).toEqual([...files].sort());
  });

  // Longest-first gave waiting files of alike length (escalation, resolve-run, drill-api, faults) all five workers at once.
  it('mixes files that mostly wait with files that compute, rather than run five waiting files together', () => {
    const entries: Record<string, FileCost> = {};
    for (let index = 0; index < 10; index += 1) entries[`waits-${index}`] = { wall: 10.5 - index * 0.01, cpu: 0.5 };
    for (let index = 0; index < 10; index += 1) entries[`computes-${index}`] = { wall: 10 - index * 0.01, cpu: 6 };
    const { files, costOf } = costs(entries);
    const order = interleavedOrder(files, costOf, 5);
    for (let start = 0; start + 5 <= order.length; start += 5) {
      const together = order.slice(start, start + 5);
      expect(together.filter((file) => file.startsWith('waits')).length, together.join(' ')).toBeGreaterThanOrEqual(2);
      expect(together.filter((file) => file.startsWith('computes')).length, together.join(' ')).toBeGreaterThanOrEqual(2);
    }
  });

  it('keeps a given order of files that cost alike, and takes files that recorded nothing', () => {
    const { files, costOf } = costs({ a: { wall: 0, cpu: 0 }, b: { wall: 0, cpu: 0 }, c: { wall: 0, cpu: 0 } });
    expect(interleavedOrder(files, costOf, 3)).toEqual(['a', 'b', 'c']);
    expect(interleavedOrder([], costOf, 3)).toEqual([]);
  });
});

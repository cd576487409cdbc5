import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, contentBlocks, contentChunks, type ExportFile, type ExportManifest } from '../../functions/domain/evidence/export-manifest.js';
import { exportBaseName, exportZip } from '../../functions/domain/evidence/export-response.js';

const period = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };
const manifest = { format: 1, period, tableName: 'irdr', generatedAt: '2026-01-01T00:00:00.000Z', trails: { incidents: 0, drillRuns: 0, total: 0, broken: 0 }, heads: [], files: [] } as unknown as ExportManifest;

describe('the export zip', () => {
  it('holds each file as made, a listing deflated piece by piece without being joined first, and the manifest', () => {
    // A listing's pieces (one larger than a deflate window), a one-piece file, an empty one, and a listing of no pieces.
    const big = Buffer.from(Array.from({ length: 40_000 }, (_, index) => `{"seq": ${index}, "hash": "${(index * 2_654_435_761).toString(16)}"}`).join(',\n'));
    const files: ExportFile[] = [
      { name: 'incidents.json', content: [Buffer.from('{\n  "incidents": [\n'), big.subarray(0, 700_000), big.subarray(700_000), Buffer.from('\n  ]\n}\n')] },
      { name: 'report.html', content: Buffer.from('<!doctype html><p>Ünïcode ✓</p>') },
      { name: 'empty.csv', content: Buffer.alloc(0) },
      { name: 'none.json', content: [] },
    ];
    const entries = unzipSync(new Uint8Array(exportZip(period, files, manifest)));
    const folder = exportBaseName(period);
    expect(Object.keys(entries).sort()).toEqual([...files.map(({ name }) => `${folder}/${name}`), `${folder}/${MANIFEST_FILE}`].sort());
    for (const { name, content } of files) expect(Buffer.from(entries[`${folder}/${name}`]!).equals(Buffer.concat(contentChunks(content))), name).toBe(true);
    expect(JSON.parse(Buffer.from(entries[`${folder}/${MANIFEST_FILE}`]!).toString('utf8'))).toEqual(manifest);
  });

  it('writes and deflates a file in blocks of at least the size asked (the last shorter), its bytes unchanged', () => {
    const pieces = Array.from({ length: 10 }, (_, index) => Buffer.alloc(300 + index, 97 + index));
    const blocks = [...contentBlocks(pieces, 1_000)];
    expect(Buffer.concat(blocks).equals(Buffer.concat(pieces))).toBe(true);
    expect(blocks.slice(0, -1).every((block) => block.length >= 1_000)).toBe(true);
    expect(blocks.map((block) => block.length)).toEqual([1206, 1222, 617]);
    expect([...contentBlocks([], 1_000)]).toEqual([]);
    expect([...contentBlocks(Buffer.from('one'), 1_000)].map(String)).toEqual(['one']);
  });
});

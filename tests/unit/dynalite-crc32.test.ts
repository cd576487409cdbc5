import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { useNativeCrc32ForDynalite } from '../../local/dynamodb/dynalite-crc32.js';

/** CRC-32 (IEEE, reflected, as buffer-crc32 and zlib compute it), bit by bit: the reference, whatever is patched. */
function referenceCrc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("dynalite's response checksum, computed natively", () => {
  it('gives the CRC-32 buffer-crc32 gives, for strings (as UTF-8) and bytes', () => {
    const crc = createRequire(createRequire(import.meta.url).resolve('dynalite'))('buffer-crc32') as { unsigned: (input: string | Buffer, previous?: number) => number };
    const inputs: Array<string | Buffer> = ['', '{}', '{"Items":[{"title":{"S":"Ünïcode ✓ 😀"}}],"Count":1}', 'x'.repeat(100_001), Buffer.from([0, 255, 128, 7]), Buffer.alloc(0)];
    const expected = inputs.map((input) => referenceCrc32(Buffer.isBuffer(input) ? input : Buffer.from(input, 'utf8')));
    useNativeCrc32ForDynalite();
    useNativeCrc32ForDynalite();
    expect(inputs.map((input) => crc.unsigned(input))).toEqual(expected);
    // A running CRC (not dynalite's use) still goes through the library.
    expect(crc.unsigned('b', crc.unsigned('a'))).toBe(referenceCrc32(Buffer.from('ab')));
  });
});

import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';

type Crc32 = { unsigned: (input: string | Buffer, previous?: number | Buffer) => number };

/**
 * dynalite signs every response body with `x-amz-crc32` (the SDK checks it) through buffer-crc32, a table lookup per
 * byte in JavaScript: ~0.8 CPU-s of the table's 6.6 for a year's export (bench/export-year.ts). Node's zlib.crc32 gives
 * the same CRC-32 (a string as its UTF-8 bytes, as buffer-crc32 takes it) natively. Set once, on dynalite's own copy.
 */
export function useNativeCrc32ForDynalite(): void {
  const dynaliteRequire = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const module = dynaliteRequire('buffer-crc32') as Crc32 & { irdrNative?: true };
  if (module.irdrNative) return;
  const inJavaScript = module.unsigned;
  module.unsigned = (input, previous) => (previous === undefined ? crc32(input) : inJavaScript(input, previous));
  module.irdrNative = true;
}

/*
 * SHA-256 (FIPS 180-4) whose running state is plain JSON, so a digest over more data than one Lambda invocation can
 * read is carried from one invocation to the next (node:crypto's Hash cannot be saved). Pure; checked against node:crypto.
 */

/** The running state: the eight words, the bytes not yet forming a 64-byte block (base64), and the bytes hashed so far. */
export interface Sha256State {
  readonly h: readonly number[];
  readonly pending: string;
  readonly length: number;
}

const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export const sha256Start = (): Sha256State => ({ h: [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19], pending: '', length: 0 });

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

function compress(h: Uint32Array, block: Uint8Array, offset: number, w: Uint32Array): void {
  for (let t = 0; t < 16; t += 1) w[t] = (block[offset + 4 * t]! << 24) | (block[offset + 4 * t + 1]! << 16) | (block[offset + 4 * t + 2]! << 8) | block[offset + 4 * t + 3]!;
  for (let t = 16; t < 64; t += 1) {
    const s0 = rotr(w[t - 15]!, 7) ^ rotr(w[t - 15]!, 18) ^ (w[t - 15]! >>> 3);
    const s1 = rotr(w[t - 2]!, 17) ^ rotr(w[t - 2]!, 19) ^ (w[t - 2]! >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let [a, b, c, d, e, f, g, hh] = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!];
  for (let t = 0; t < 64; t += 1) {
    const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
  }
  [a, b, c, d, e, f, g, hh].forEach((value, index) => (h[index] = (h[index]! + value) | 0));
}

/** The state after hashing `data` on from `state`. */
export function sha256Update(state: Sha256State, data: Uint8Array | string): Sha256State {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const input = Buffer.concat([Buffer.from(state.pending, 'base64'), bytes]);
  const h = Uint32Array.from(state.h);
  const w = new Uint32Array(64);
  const whole = input.length - (input.length % 64);
  for (let offset = 0; offset < whole; offset += 64) compress(h, input, offset, w);
  return { h: [...h], pending: input.subarray(whole).toString('base64'), length: state.length + bytes.length };
}

/** The digest (hex) of everything hashed into `state`. */
export function sha256Digest(state: Sha256State): string {
  const pending = Buffer.from(state.pending, 'base64');
  const padded = Buffer.alloc(pending.length + 9 <= 64 ? 64 : 128);
  pending.copy(padded);
  padded[pending.length] = 0x80;
  padded.writeBigUInt64BE(BigInt(state.length) * 8n, padded.length - 8);
  const h = Uint32Array.from(state.h);
  const w = new Uint32Array(64);
  for (let offset = 0; offset < padded.length; offset += 64) compress(h, padded, offset, w);
  return [...h].map((word) => word.toString(16).padStart(8, '0')).join('');
}

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { S3Error, s3Errors } from './s3-error.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './model.js';

/*
 * A request's body as S3 reads it: plain or `aws-chunked` (the SDKs' streaming uploads, checksum in a trailer), held
 * to the Content-MD5, x-amz-content-sha256 and x-amz-checksum-* it came with. A body that does not match is refused.
 */

/** Bodies are held in memory here; S3's own single-PUT limit is 5 GB. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export interface CheckedBody {
  readonly body: Buffer;
  /** The x-amz-checksum-* values sent (headers or trailer), each verified. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** Content-MD5 or a checksum came with it. */
  readonly integrityChecked: boolean;
}

export async function readRawBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new S3Error('EntityTooLarge', 400, `Your proposed upload exceeds the maximum allowed size (the local S3 holds bodies of at most ${MAX_BODY_BYTES} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Decodes `aws-chunked`: `<hex size>[;chunk-signature=…]\r\n<data>\r\n`… then a 0 chunk and the trailer lines. */
function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let offset = 0;
  const malformed = () => s3Errors.invalidRequest('The aws-chunked body is malformed');
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd === -1) throw malformed();
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isSafeInteger(size) || size < 0) throw malformed();
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size + 2 > raw.length) throw malformed();
    parts.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

/** The Castagnoli CRC (CRC32C) S3 offers beside CRC32; Node's zlib has only the latter. */
const CRC32C_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  return crc >>> 0;
});

function crc32c(body: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const bigEndian32 = (value: number): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
};

/** The checksum S3 computes for an algorithm, base64 as in x-amz-checksum-*. */
export function checksumOf(algorithm: ChecksumAlgorithm, body: Buffer): string {
  switch (algorithm) {
    case 'CRC32':
      return bigEndian32(crc32(body));
    case 'CRC32C':
      return bigEndian32(crc32c(body));
    case 'SHA1':
      return createHash('sha1').update(body).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(body).digest('base64');
  }
}

/** The body of a PUT, decoded and held to every integrity value sent with it. */
export async function readCheckedBody(request: IncomingMessage): Promise<CheckedBody> {
  const raw = await readRawBody(request);
  const headers = request.headers;
  const chunked = String(headers['content-encoding'] ?? '').split(',').map((coding) => coding.trim()).includes('aws-chunked');
  const { body, trailers } = chunked ? decodeAwsChunked(raw) : { body: raw, trailers: {} };
  const declared = headers['x-amz-decoded-content-length'];
  if (chunked && declared !== undefined && Number(declared) !== body.length) throw s3Errors.invalidRequest('x-amz-decoded-content-length does not match the body');

  const contentSha256 = headers['x-amz-content-sha256'];
  if (typeof contentSha256 === 'string' && /^[0-9a-f]{64}$/.test(contentSha256) && createHash('sha256').update(raw).digest('hex') !== contentSha256) {
    throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const contentMd5 = headers['content-md5'];
  if (typeof contentMd5 === 'string' && createHash('md5').update(body).digest('base64') !== contentMd5) {
    throw s3Errors.badDigest('Content-MD5');
  }
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const name of Object.keys({ ...headers, ...trailers })) {
    const match = /^x-amz-checksum-([a-z0-9]+)$/.exec(name);
    if (!match || name === 'x-amz-checksum-type' || name === 'x-amz-checksum-algorithm') continue;
    const algorithm = match[1]!.toUpperCase() as ChecksumAlgorithm;
    if (!CHECKSUM_ALGORITHMS.includes(algorithm)) throw s3Errors.notImplemented(`${match[1]} checksums (it verifies ${CHECKSUM_ALGORITHMS.join(', ')})`);
    const sent = String(trailers[name] ?? headers[name]);
    if (sent !== checksumOf(algorithm, body)) {
      if (Buffer.from(sent, 'base64').length !== Buffer.from(checksumOf(algorithm, body), 'base64').length) throw s3Errors.invalidRequest(`Value for ${name} header is invalid.`);
      throw s3Errors.badDigest(algorithm.toLowerCase());
    }
    checksums[algorithm] = sent;
  }
  return { body, checksums, integrityChecked: typeof contentMd5 === 'string' || Object.keys(checksums).length > 0 };
}

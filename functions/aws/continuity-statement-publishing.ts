import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './s3-client.js';

export interface PublishedFile {
  readonly name: string;
  /** Text (UTF-8) or bytes (the PDF). */
  readonly content: string | Uint8Array;
  readonly contentType: string;
}

/**
 * Puts the statement's public files at `s3://<bucket>[/<prefix>]/<name>`, each with its SHA-256 checked by S3 on the way in;
 * the Trust Center links there, so the newest statement replaces the last (the bucket's versioning keeps history).
 */
export async function publishStatementFiles(location: string, files: readonly PublishedFile[]): Promise<string[]> {
  const url = new URL(location);
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  const published: string[] = [];
  for (const file of files) {
    const key = prefix ? `${prefix}/${file.name}` : file.name;
    await s3.send(
      new PutObjectCommand({ Bucket: url.host, Key: key, Body: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content, ContentType: file.contentType, CacheControl: 'no-cache', ChecksumAlgorithm: 'SHA256' }),
    );
    published.push(`s3://${url.host}/${key}`);
  }
  return published;
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { S3Error } from './s3-error.js';
import { xmlDocument, xmlErrorDocument, type XmlNode } from './xml.js';

/** Headers every S3 answer carries. */
function commonHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(24).toString('base64'), Server: 'AmazonS3' };
}

export const newRequestId = (): string => randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();

export function sendXml(response: ServerResponse, requestId: string, root: string, children: readonly XmlNode[], headers: Record<string, string> = {}, status = 200): void {
  const body = xmlDocument(root, children);
  response.writeHead(status, { ...commonHeaders(requestId), 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

export function sendEmpty(response: ServerResponse, requestId: string, status: number, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...commonHeaders(requestId), 'Content-Length': 0, ...headers });
  response.end();
}

/** S3's error document (no body to a HEAD, as S3 answers: clients then know the error by its status alone). */
export function sendError(response: ServerResponse, requestId: string, error: unknown, resource: string, isHead: boolean): void {
  const s3Error = error instanceof S3Error ? error : new S3Error('InternalError', 500, `We encountered an internal error. Please try again. (${(error as Error).message})`);
  const fields = Object.entries(s3Error.fields).map(([name, value]): XmlNode => [name, value]);
  const body = isHead ? '' : xmlErrorDocument([['Code', s3Error.code], ['Message', s3Error.message], ...fields, ['Resource', resource], ['RequestId', requestId]]);
  response.writeHead(s3Error.statusCode, {
    ...commonHeaders(requestId),
    ...(body !== '' && { 'Content-Type': 'application/xml' }),
    'Content-Length': Buffer.byteLength(body),
    ...s3Error.headers,
  });
  response.end(body);
}

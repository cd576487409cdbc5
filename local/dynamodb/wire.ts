import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/** The AWS JSON 1.0 target prefix of DynamoDB: `X-Amz-Target: DynamoDB_20120810.<Operation>`. */
export const TARGET_PREFIX = 'DynamoDB_20120810.';
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';
/** dynalite's own limit; DynamoDB's largest request (a 25-item BatchWriteItem) is far below it. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A DynamoDB attribute value as it travels on the wire (`{"S": "x"}`, `{"N": "1"}`, `{"B": "<base64>"}`, ...). */
export type AttributeValue = Readonly<Record<string, unknown>>;
/** An item (or a key) as it travels on the wire. */
export type Item = Readonly<Record<string, AttributeValue>>;
/** A JSON request or response body of the DynamoDB API. */
export type WireObject = Record<string, unknown>;

/** A client error of the DynamoDB API: HTTP 400 with `{"__type": "com.amazonaws.dynamodb.v20120810#<code>", "message"}`. */
export class DynamoDbError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const tableNotFound = (table: string): DynamoDbError => new DynamoDbError('TableNotFoundException', `Table not found: ${table}`);
export const resourceNotFound = (): DynamoDbError => new DynamoDbError('ResourceNotFoundException', 'Requested resource not found');
export const validation = (message: string): DynamoDbError => new DynamoDbError('ValidationException', message);

/** Sends a JSON body as DynamoDB does, with the CRC32 header the SDKs verify when present. */
export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  sendRaw(response, statusCode, Buffer.from(JSON.stringify(body ?? {}), 'utf8'));
}

function sendRaw(response: ServerResponse, statusCode: number, payload: Buffer): void {
  response.writeHead(statusCode, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': payload.length,
    'x-amz-crc32': String(crc32(payload)),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(payload);
}

export function sendError(response: ServerResponse, error: DynamoDbError): void {
  sendJson(response, error.statusCode, { __type: ERROR_NAMESPACE + error.code, message: error.message });
}

/** The error code of a DynamoDB error body (`__type` after its `#`). */
export function errorCodeOf(body: unknown): string {
  const type = isObject(body) && typeof body['__type'] === 'string' ? body['__type'] : 'InternalServerError';
  return type.slice(type.lastIndexOf('#') + 1);
}

export function errorMessageOf(body: unknown): string {
  if (!isObject(body)) return '';
  const message = body['message'] ?? body['Message'];
  return typeof message === 'string' ? message : '';
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new DynamoDbError('ValidationException', 'Request body is larger than 16 MiB', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(body: Buffer): WireObject {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new DynamoDbError('SerializationException', 'Request body is not valid JSON');
  }
  if (!isObject(parsed)) throw new DynamoDbError('SerializationException', 'Request body must be a JSON object');
  return parsed;
}

export function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Timestamps travel as epoch seconds (fractional); the AWS CLI and SDKs send numbers, we accept ISO text too. */
export function timestampMs(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? parseTimestampText(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw validation(`Value '${String(value)}' at '${member}' is not a valid timestamp`);
  return ms;
}

function parseTimestampText(text: string): number {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

export const epochSeconds = (ms: number): number => ms / 1000;

export function optionalString(body: WireObject, member: string): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`Value at '${member}' must be a string`);
  return value;
}

export function requiredString(body: WireObject, member: string): string {
  const value = optionalString(body, member);
  if (value === undefined) {
    const wireName = member.charAt(0).toLowerCase() + member.slice(1);
    throw validation(`1 validation error detected: Value null at '${wireName}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table\/([a-zA-Z0-9_.-]{3,255})$/;

/** A table named by name or by ARN (the backup and PITR APIs take either). */
export function tableNameOf(nameOrArn: string, member: string): string {
  const fromArn = TABLE_ARN.exec(nameOrArn)?.[1];
  if (fromArn) return fromArn;
  assertTableName(nameOrArn, member);
  return nameOrArn;
}

export function assertTableName(name: string, member: string): void {
  if (!TABLE_NAME.test(name)) {
    const wireName = member.charAt(0).toLowerCase() + member.slice(1);
    throw validation(
      `1 validation error detected: Value '${name}' at '${wireName}' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255',
    );
  }
}

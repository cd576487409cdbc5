import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type ListeningServer } from '../listen.js';
import { refuseForeignHosts } from '../loopback-host.js';

/*
 * The AWS Query protocol as RDS speaks it: POST of form fields (`Action`, `Version`, `Tags.Tag.1.Key`, ...),
 * XML answers `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata/>`, errors as `<ErrorResponse>`
 * with the code AWS documents, so @aws-sdk/client-rds and the AWS CLI read them unchanged.
 */

const XML_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** An error AWS documents for the operation: its code (e.g. DBInstanceNotFound), HTTP status and message. */
export class RdsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** A form value list or structure, as the Query protocol flattens it. */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/**
 * Form fields to a nested value: `Tags.Tag.1.Key=k` becomes `{ Tags: [{ Key: 'k' }] }` (a segment followed by an
 * index names the list's member, `member` or `Tag`, and is dropped); `Filters.Filter.1.Values.Value.1` likewise.
 */
export function parseQueryForm(fields: URLSearchParams): Record<string, QueryValue> {
  const root: Record<string, QueryValue> = {};
  for (const [path, value] of fields) {
    const segments = path.split('.');
    // No RDS parameter is named so; assigning one would reach Object.prototype.
    if (segments.some((segment) => segment === '__proto__' || segment === 'constructor' || segment === 'prototype')) {
      throw new RdsError('InvalidParameterValue', `Unknown parameter ${JSON.stringify(path)}`);
    }
    let container: Record<string, QueryValue> | QueryValue[] = root;
    for (let index = 0; index < segments.length; index += 1) {
      const segment = segments[index]!;
      const last = index === segments.length - 1;
      const isIndex = /^\d+$/.test(segment);
      // A list member name (`Tag` in `Tags.Tag.1`) adds no level of its own: its parent already holds the list.
      if (!isIndex && index > 0 && /^\d+$/.test(segments[index + 1] ?? '')) continue;
      const key: string | number = isIndex ? Number(segment) - 1 : segment;
      if (last) {
        (container as Record<string | number, QueryValue>)[key] = value;
        break;
      }
      const nextIsList = /^\d+$/.test(segments[index + 2] ?? '') && !/^\d+$/.test(segments[index + 1] ?? '');
      const existing = Object.hasOwn(container, key) ? (container as Record<string | number, QueryValue | undefined>)[key] : undefined;
      const child = existing ?? (nextIsList ? [] : {});
      (container as Record<string | number, QueryValue>)[key] = child;
      container = child as Record<string, QueryValue> | QueryValue[];
    }
  }
  return root;
}

/** A value to put into the XML answer; arrays need their member element name (`DBInstance`, `Tag`, ...). */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlList | { readonly [key: string]: XmlValue };
export interface XmlList {
  readonly member: string;
  readonly items: readonly XmlValue[];
}
export const xmlList = (member: string, items: readonly XmlValue[]): XmlList => ({ member, items });
const isXmlList = (value: unknown): value is XmlList => typeof value === 'object' && value !== null && 'member' in value && 'items' in value && Array.isArray((value as XmlList).items);

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!);

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (isXmlList(value)) return `<${name}>${value.items.map((item) => toXml(value.member, item)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([key, child]) => toXml(key, child)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export type QueryOperation = (input: Record<string, QueryValue>) => Promise<Record<string, XmlValue> | undefined> | Record<string, XmlValue> | undefined;

/** Serves `operations` by Action name at the Query protocol; unknown actions get InvalidAction as AWS answers. */
export async function startQueryProtocolService(options: { host: string; port: number; serviceName: string; operations: Record<string, QueryOperation> }): Promise<ListeningServer> {
  const server = createServer((request, response) => {
    void respond(request, response, options.operations, options.serviceName);
  });
  refuseForeignHosts(server, options.serviceName);
  return listen(server, options.host, options.port);
}

async function respond(request: IncomingMessage, response: ServerResponse, operations: Record<string, QueryOperation>, serviceName: string): Promise<void> {
  const requestId = randomUUID();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const fields = new URLSearchParams(request.method === 'POST' ? Buffer.concat(chunks).toString('utf8') : (request.url ?? '').split('?')[1] ?? '');
    const action = fields.get('Action') ?? '';
    const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
    if (!operation) throw new RdsError('InvalidAction', `The local ${serviceName} does not support the action ${JSON.stringify(action)}`);
    fields.delete('Action');
    fields.delete('Version');
    const result = await operation(parseQueryForm(fields));
    const body =
      `<${action}Response xmlns="${XML_NAMESPACE}">${result === undefined ? '' : toXml(`${action}Result`, result)}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    send(response, 200, body, requestId);
  } catch (error) {
    const rdsError = error instanceof RdsError ? error : new RdsError('InternalFailure', (error as Error).message, 500);
    const body =
      `<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${rdsError.statusCode < 500 ? 'Sender' : 'Receiver'}</Type>` +
      `<Code>${escapeXml(rdsError.code)}</Code><Message>${escapeXml(rdsError.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    send(response, rdsError.statusCode, body, requestId);
  }
}

function send(response: ServerResponse, statusCode: number, body: string, requestId: string): void {
  response.writeHead(statusCode, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId });
  response.end(body);
}

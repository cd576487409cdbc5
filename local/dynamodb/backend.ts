import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { DynamoDbError, errorCodeOf, errorMessageOf, TARGET_PREFIX, type WireObject } from './wire.js';

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * Whose tables a call sees. DynamoDB Local (without -sharedDb) keeps one database per access key and region,
 * read from the SigV4 credential scope; neither backend checks signatures, so the front's own calls carry the
 * caller's scope with a dummy signature.
 */
export interface CallerScope {
  readonly accessKeyId: string;
  readonly region: string;
}

export interface BufferedResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What the front's parts do with the backend (a metered request sees a wrapper: see capacity-reports.ts). */
export interface BackendCalls {
  /** Sends a request on and its response back; a promise, when there is one, settles once the response is sent. */
  forward(request: IncomingMessage, response: ServerResponse, body?: Buffer): void | Promise<void>;
  exchange(request: IncomingMessage, body: Buffer): Promise<BufferedResponse>;
  call<T = WireObject>(operation: string, input: WireObject, scope: CallerScope): Promise<T>;
}

/** `exchange` and `call` over a backend's own way of sending one request whose body is in hand. */
export abstract class BufferingBackend implements BackendCalls {
  abstract forward(request: IncomingMessage, response: ServerResponse, body?: Buffer): void | Promise<void>;
  abstract close(): void;
  protected abstract send(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<BufferedResponse>;

  /** Sends a request to the backend and reads the whole response (for responses the front must inspect). */
  exchange(request: IncomingMessage, body: Buffer): Promise<BufferedResponse> {
    const headers = forwardable(request.headers);
    headers['content-length'] = String(body.length);
    return this.send(request.method ?? 'POST', request.url ?? '/', headers, body);
  }

  /** Calls a DynamoDB operation as `scope`; a DynamoDB error becomes a thrown DynamoDbError with the backend's code. */
  call<T = WireObject>(operation: string, input: WireObject, scope: CallerScope): Promise<T> {
    return callThrough<T>((headers, payload) => this.send('POST', '/', headers, payload), operation, input, scope);
  }
}

/** The DynamoDB behind the front, over HTTP: requests are forwarded to it, and the front calls it for its own work. */
export class Backend extends BufferingBackend {
  private readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true });

  /**
   * `database`: a name of this front's own in a DynamoDB Local that other fronts share. DynamoDB Local keeps a database
   * per access key (in memory too), so each request's access key is sent prefixed with it.
   */
  constructor(endpoint: string, private readonly database?: string) {
    super();
    this.url = new URL(endpoint);
  }

  /** Streams a request to the backend and its response back, unchanged (a body already read is passed in). */
  forward(request: IncomingMessage, response: ServerResponse, body?: Buffer): void {
    const upstream = this.open(request.method ?? 'POST', request.url ?? '/', forwardable(request.headers));
    upstream.on('response', (reply) => {
      response.writeHead(reply.statusCode ?? 502, forwardable(reply.headers));
      reply.pipe(response);
    });
    upstream.on('error', (error) => failUpstream(response, error));
    if (body) upstream.end(body);
    else request.pipe(upstream);
  }

  close(): void {
    this.agent.destroy();
  }

  protected send(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<BufferedResponse> {
    return new Promise((resolve, reject) => {
      const upstream = this.open(method, path, headers);
      upstream.on('response', (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => resolve({ statusCode: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }));
        reply.on('error', reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  private open(method: string, path: string, headers: Record<string, string>) {
    if (this.database && headers.authorization) headers.authorization = headers.authorization.replace(/Credential=([^/,\s]+)\//, `Credential=${this.database}$1/`);
    return httpRequest({ protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent });
  }
}

/**
 * One operation sent by `send` as `scope` and its answer parsed; a DynamoDB error becomes a thrown DynamoDbError with the
 * backend's code. Neither backend checks signatures: the credential scope is what picks DynamoDB Local's database.
 */
export async function callThrough<T>(
  send: (headers: Record<string, string>, payload: Buffer) => Promise<BufferedResponse>, operation: string, input: WireObject, scope: CallerScope,
): Promise<T> {
  const payload = Buffer.from(JSON.stringify(input), 'utf8');
  const date = amzDate(new Date());
  const reply = await send({
    'content-type': 'application/x-amz-json-1.0',
    'content-length': String(payload.length),
    'x-amz-target': TARGET_PREFIX + operation,
    'x-amz-date': date,
    authorization:
      `AWS4-HMAC-SHA256 Credential=${scope.accessKeyId}/${date.slice(0, 8)}/${scope.region}/dynamodb/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  }, payload);
  const parsed: unknown = reply.body.length ? JSON.parse(reply.body.toString('utf8')) : {};
  if (reply.statusCode !== 200) throw new DynamoDbError(errorCodeOf(parsed), errorMessageOf(parsed), reply.statusCode);
  return parsed as T;
}

/** The scope of the caller's SigV4 credential, if it sent one. */
export function callerScopeOf(headers: IncomingHttpHeaders, fallback: CallerScope): CallerScope {
  const credential = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//.exec(headers.authorization ?? '');
  return credential?.[1] && credential[2] ? { accessKeyId: credential[1], region: credential[2] } : fallback;
}

export function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** Answers a forwarded request whose backend failed: 500 if nothing was sent yet, else the connection is cut. */
export function failUpstream(response: ServerResponse, error: Error): void {
  if (response.headersSent) {
    response.destroy(error);
    return;
  }
  const payload = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `DynamoDB backend: ${error.message}` });
  response.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(payload) });
  response.end(payload);
}

/** The `X-Amz-Date` form of a time: 20261105T093000Z. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Sends a buffered backend response on to the client, unchanged. */
export function relay(response: ServerResponse, reply: BufferedResponse): void {
  const headers = forwardable(reply.headers);
  headers['content-length'] = String(reply.body.length);
  response.writeHead(reply.statusCode, headers);
  response.end(reply.body);
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseForeignHosts } from './loopback-host.js';

/*
 * The AWS JSON 1.1 wire protocol (POST, `X-Amz-Target: <prefix>.<Operation>`, JSON in and out, errors as
 * `{__type, message}`), shared by the local services that speak it, so the SDK talks to them as to AWS.
 */

/** An error the caller sees as AWS would send it: its code (`__type`) and message, with status 400. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type AwsJsonOperations = Record<string, (body: Record<string, unknown>) => unknown>;

export interface AwsJsonServiceOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** `secretsmanager`, `TrentService` (KMS), ... */
  readonly targetPrefix: string;
  /** For the message an unsupported operation gets: `the local <serviceName> does not support ...`. */
  readonly serviceName: string;
  readonly operations: AwsJsonOperations;
}

export interface AwsJsonService {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startAwsJsonService(options: AwsJsonServiceOptions): Promise<AwsJsonService> {
  const server = createServer((request, response) => {
    void respond(request, response, options);
  });
  refuseForeignHosts(server, options.serviceName);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(request: IncomingMessage, response: ServerResponse, options: AwsJsonServiceOptions): Promise<void> {
  try {
    const target = request.headers['x-amz-target'];
    const prefix = `${options.targetPrefix}.`;
    const name = typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
    const operation = name === undefined ? undefined : options.operations[name];
    if (request.method !== 'POST' || !operation) {
      throw new AwsServiceError('UnknownOperationException', `The local ${options.serviceName} does not support ${typeof target === 'string' ? target : '(no X-Amz-Target)'}`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
    }
    send(response, 200, operation(body));
  } catch (error) {
    const code = error instanceof AwsServiceError ? error.code : 'InternalServiceError';
    send(response, error instanceof AwsServiceError ? 400 : 500, { __type: code, Message: (error as Error).message }, { 'x-amzn-ErrorType': code });
  }
}

function send(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  response.end(payload);
}

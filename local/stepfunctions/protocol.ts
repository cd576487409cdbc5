import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SfnError } from './errors.js';
import type { Operation } from './operations.js';
import { refuseForeignHosts } from '../loopback-host.js';

const TARGET_PREFIX = 'AWSStepFunctions.';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The AWS JSON 1.0 front of the Step Functions API: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * so the AWS SDK and CLI talk to it unchanged. Client errors are 400 `{"__type", "message"}` plus `x-amzn-ErrorType`.
 */
export function createProtocolServer(operations: Readonly<Record<string, Operation>>): Server {
  const server = createServer((request, response) => {
    void respond(request, response, operations);
  });
  refuseForeignHosts(server, 'Step Functions');
  return server;
}

async function respond(request: IncomingMessage, response: ServerResponse, operations: Readonly<Record<string, Operation>>): Promise<void> {
  try {
    const target = request.headers['x-amz-target'];
    const operationName = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const operation = operationName === undefined ? undefined : operations[operationName];
    if (request.method !== 'POST' || !operation) {
      throw new SfnError('UnknownOperationException', `Unknown operation: ${typeof target === 'string' ? target : '(no X-Amz-Target header)'}`);
    }
    const body = await readJson(request);
    send(response, 200, await operation(body));
  } catch (error) {
    if (error instanceof SfnError) {
      send(response, 400, { __type: error.code, message: error.message }, { 'x-amzn-ErrorType': error.code });
    } else {
      process.stderr.write(`local Step Functions: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      send(response, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) }, { 'x-amzn-ErrorType': 'InternalFailure' });
    }
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SfnError('ValidationException', 'Request body is larger than 2 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SfnError('SerializationException', 'Request body is not valid JSON');
  }
}

function send(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body ?? {});
  response.writeHead(statusCode, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  response.end(payload);
}

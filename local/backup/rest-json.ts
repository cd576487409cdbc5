import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.js';
import { refuseForeignHosts } from '../loopback-host.js';

/*
 * AWS Backup's wire protocol (restJson1): the operation is the method and path, path parameters are URL-encoded (an
 * ARN's `:` and `/` included), list filters are query parameters, bodies are JSON with timestamps in epoch seconds,
 * and an error is its code in `x-amzn-ErrorType` with `{ Code, Message }` in the body.
 */

/** An error as AWS Backup answers it; `status` 400 unless AWS documents another. */
export class BackupServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface BackupRequest {
  /** Path parameters, decoded, by the name the route gives them. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
}

/** What an operation answers: a body (200, or 201 as the Create* of restore testing answer) or nothing (204, as PutRestoreValidationResult answers). */
export type BackupResponse = { readonly status: 200 | 201; readonly body: unknown } | { readonly status: 204 };

export interface BackupRoute {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** `/backup-vaults/{BackupVaultName}/recovery-points`: each `{Name}` matches one encoded path segment. */
  readonly path: string;
  readonly operation: string;
  readonly handle: (request: BackupRequest) => Promise<BackupResponse>;
}

export interface RestJsonServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startRestJsonServer(options: { host: string; port: number; serviceName: string; routes: readonly BackupRoute[] }): Promise<RestJsonServer> {
  const compiled = options.routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, pattern: new RegExp(`^${pattern}$`) };
  });
  const server = createServer((request, response) => {
    void respond(request, response).catch((error: unknown) => sendError(response, new BackupServiceError('ServiceUnavailableException', (error as Error).message, 500)));
  });
  const respond = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://local');
    // The AWS CLI's model spells some paths with a trailing slash (`/restore-jobs/`), the SDK v3's without.
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const match = compiled
      .map((candidate) => ({ candidate, found: candidate.route.method === request.method ? candidate.pattern.exec(path) : null }))
      .find(({ found }) => found !== null);
    if (!match?.found) {
      request.resume();
      sendError(response, new BackupServiceError('UnknownOperationException', `The local ${options.serviceName} does not support ${request.method ?? ''} ${url.pathname}`, 404));
      return;
    }
    try {
      const params = Object.fromEntries(match.candidate.names.map((name, index) => [name, decodePathParameter(name, match.found![index + 1]!)]));
      const answer = await match.candidate.route.handle({ params, query: url.searchParams, body: await readJson(request) });
      if (answer.status === 204) {
        response.writeHead(204, { 'x-amzn-RequestId': randomUUID() });
        response.end();
        return;
      }
      const payload = JSON.stringify(answer.body);
      response.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), 'x-amzn-RequestId': randomUUID() });
      response.end(payload);
    } catch (error) {
      sendError(response, error instanceof BackupServiceError ? error : new BackupServiceError('ServiceUnavailableException', (error as Error).message, 500));
    }
  };
  refuseForeignHosts(server, options.serviceName);
  const listening = await listen(server, options.host, options.port);
  return {
    endpoint: listening.endpoint,
    stop: async () => {
      server.closeAllConnections();
      await listening.close();
    },
  };
}

function decodePathParameter(name: string, encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new BackupServiceError('InvalidRequestException', `${name} in the path is not valid percent-encoding`);
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BackupServiceError('InvalidRequestException', `The request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new BackupServiceError('InvalidRequestException', 'The request body is not a JSON object');
  }
}

function sendError(response: ServerResponse, error: BackupServiceError): void {
  if (response.headersSent) return;
  const payload = JSON.stringify({ Code: error.code, Message: error.message });
  response.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-ErrorType': error.code,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(payload);
}

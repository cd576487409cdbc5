import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { DevIdentity } from '../dev-identities.js';
import { buildHttpApiEvent, parseRequestTarget, type IncomingHttpRequest } from './event.js';
import {
  badRequest,
  forbidden,
  internalServerError,
  notFound,
  payloadTooLarge,
  serviceUnavailable,
  toHttpApiResponse,
  type HttpApiResponse,
} from './result.js';
import { compileRoutes, matchRoute, type HttpRouteBinding } from './routes.js';
import { refuseForeignHosts } from '../loopback-host.js';

export type { HttpRouteBinding } from './routes.js';

/** Calls the function behind a route with its event; resolves to what the function returned. */
export type InvokeHttpFunction = (functionName: string, event: APIGatewayProxyEventV2WithIAMAuthorizer) => Promise<unknown>;

export interface LocalHttpApiOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly routes: readonly HttpRouteBinding[];
  readonly invoke: InvokeHttpFunction;
  /** Whether the stack behind the API is up; GET /health answers 200 only when it is. */
  readonly isReady: () => boolean | Promise<boolean>;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default 'irdrlocal1' */
  readonly apiId?: string;
  /** Requests with a larger body get 413, like API Gateway's 10 MB payload quota. @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** API Gateway's integration timeout: a slower function gets 503. @default 30 000 */
  readonly integrationTimeoutMs?: number;
  /** Maps a bearer token to the caller (the stack's tokens of this start, DevTokens.identityFor); undefined: 403. */
  readonly identityForToken: (token: string) => DevIdentity | undefined;
  /** Pages the local stack serves beside the API (e.g. /review); a handler answers undefined for paths not its own. */
  readonly localPages?: (method: string, path: string, rawQueryString: string, headers: Readonly<Record<string, string | undefined>>) => Promise<HttpApiResponse | undefined>;
  /** Where a failed invocation or a malformed result is reported (the client only sees a 500). @default console.error */
  readonly onError?: (routeKey: string, error: unknown) => void;
}

export interface LocalHttpApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const TIMED_OUT = Symbol('integration timed out');
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Serves the HTTP API as API Gateway would with IAM authorization and Lambda proxy integrations
 * (payload format 2.0). The caller's identity comes from `Authorization: Bearer <dev token>`
 * instead of a SigV4 signature; `GET /health` is the local stack's readiness probe.
 */
export async function startLocalHttpApi(options: LocalHttpApiOptions): Promise<LocalHttpApi> {
  const table = compileRoutes(options.routes);
  const host = options.host ?? '127.0.0.1';
  const settings = {
    accountId: options.accountId ?? '000000000000',
    apiId: options.apiId ?? 'irdrlocal1',
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    integrationTimeoutMs: options.integrationTimeoutMs ?? 30_000,
    identityForToken: options.identityForToken,
    onError: options.onError ?? ((routeKey: string, error: unknown) => console.error(`HTTP API ${routeKey}: ${describe(error)}`)),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAt = new Date();
    const requestId = randomBytes(10).toString('base64').replace(/=+$/, '=');
    const reply = (result: HttpApiResponse): void => writeResponse(response, result, requestId);

    const target = parseRequestTarget(request.url ?? '/');
    if (!target) return reply(badRequest());
    if (target.path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      return reply(await healthResponse(options.isReady, table.routes.length));
    }
    const page = await options.localPages?.(request.method ?? 'GET', target.path, target.rawQueryString, { authorization: request.headers.authorization });
    if (page) return reply(page);

    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > settings.maxBodyBytes) {
      request.resume(); // drain it, so the client can finish sending and read the answer
      return reply(payloadTooLarge());
    }
    const body = await readBody(request, settings.maxBodyBytes);
    if (body === 'too-large') return reply(payloadTooLarge());

    const route = matchRoute(table, request.method ?? 'GET', target.path);
    if (!route) return reply(notFound());

    // IAM authorization happens after routing, as in API Gateway: unsigned callers never reach the function.
    // A signed-link route has no authorizer: the function checks the link (and sees no identity).
    // Slack's interactions likewise: the function checks Slack's signature.
    const signedLink = route.binding.auth === 'signed-link' || route.binding.auth === 'slack-signature';
    const identity = signedLink ? undefined : bearerIdentity(request.headers.authorization, settings.identityForToken);
    if (!signedLink && !identity) return reply(forbidden());

    const incoming: IncomingHttpRequest = {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      body,
      httpVersion: request.httpVersion,
      sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    };
    const event = buildHttpApiEvent(incoming, target, route, {
      accountId: settings.accountId,
      apiId: settings.apiId,
      requestId,
      receivedAt,
      identity,
    });

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), settings.integrationTimeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([options.invoke(route.binding.functionName, event), timedOut]);
      if (result === TIMED_OUT) {
        settings.onError(route.routeKey, new Error(`${route.binding.functionName} did not answer within ${settings.integrationTimeoutMs} ms`));
        return reply(serviceUnavailable());
      }
      return reply(toHttpApiResponse(result));
    } catch (error) {
      settings.onError(route.routeKey, error);
      return reply(internalServerError());
    } finally {
      clearTimeout(timer);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      settings.onError(`${request.method} ${request.url}`, error);
      if (!response.headersSent) writeResponse(response, internalServerError(), 'unknown');
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  refuseForeignHosts(server, 'HTTP API');

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function bearerIdentity(authorization: string | undefined, identityForToken: (token: string) => DevIdentity | undefined): DevIdentity | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? identityForToken(match[1]!) : undefined;
}

async function healthResponse(isReady: () => boolean | Promise<boolean>, routeCount: number): Promise<HttpApiResponse> {
  let ready = false;
  try {
    ready = await isReady();
  } catch {
    ready = false;
  }
  return {
    statusCode: ready ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ status: ready ? 'ok' : 'starting', routes: routeCount })),
  };
}

/** Reads the body up to the limit; past it, drains the rest so the 413 reaches the client intact. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    request.once('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function writeResponse(response: ServerResponse, result: HttpApiResponse, requestId: string): void {
  if (response.headersSent) return;
  response.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers)) {
    // Framing is the server's business: a function cannot set it, as behind API Gateway.
    if (FRAMING_HEADERS.has(name)) continue;
    try {
      response.setHeader(name, value);
    } catch {
      // A header Node refuses (a bad name or value) is dropped rather than failing the whole response.
    }
  }
  if (result.cookies.length > 0) response.setHeader('set-cookie', [...result.cookies]);
  response.setHeader('apigw-requestid', requestId);
  response.setHeader('content-length', result.body.length);
  response.end(response.req.method === 'HEAD' ? undefined : result.body);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

import { escapeUri } from '@smithy/core/protocols';

/**
 * The irdr HTTP API as a client sees it: a base URL and how to prove who is calling. Locally a dev token
 * (`Authorization: Bearer dev-…`); in AWS the HTTP API's IAM authorizer wants SigV4 (service execute-api:
 * bin/api-sigv4-signer.ts, loaded only then).
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request as it will go out: the signer sees exactly what fetch sends. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Adds the headers that say who is calling. */
export type RequestAuthorizer = (request: OutgoingRequest) => Promise<Record<string, string>>;

/** `Authorization: Bearer <token>`: the local stack's dev identities. */
export const bearerToken =
  (token: string): RequestAuthorizer =>
  async (request) => ({ ...request.headers, authorization: `Bearer ${token}` });

/** A 4xx or 5xx: the API's own message (every irdr error body has one), and the status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The API could not be reached at all (refused, DNS, TLS, timeout): nothing was answered. */
export class ApiUnreachableError extends Error {
  override name = 'ApiUnreachableError';
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface ApiRequestOptions {
  readonly query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface IrdrApiClient {
  readonly baseUrl: URL;
  request(method: string, path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  json<T>(method: string, path: string, options?: ApiRequestOptions): Promise<T>;
}

/** `/incidents/{id}` with each segment escaped. */
export const apiPath = (...segments: readonly string[]): string => `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;

/** The base URL's path (a stage, e.g. `/prod/`) and the route's path, joined by one slash. */
function urlOf(baseUrl: URL, path: string, query: ApiRequestOptions['query']): URL {
  const url = new URL(baseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  // RFC 3986 escaping, as SigV4 canonicalizes it, so the query sent is the query signed.
  const pairs = Object.entries(query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  url.search = pairs.map(([name, value]) => `${escapeUri(name)}=${escapeUri(String(value))}`).join('&');
  return url;
}

/** What an error body says: its `message` (irdr's handlers and API Gateway both send one), else the text. */
function messageOf(status: number, text: string): { message: string; body: unknown } {
  try {
    const body = JSON.parse(text) as unknown;
    const message = typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' ? body.message : text;
    return { message, body };
  } catch {
    return { message: text.trim() || `HTTP ${status}`, body: text };
  }
}

const REQUEST_TIMEOUT_MS = 35_000;

export function irdrApiClient(options: { apiUrl: string; authorize: RequestAuthorizer; fetch?: typeof fetch }): IrdrApiClient {
  const baseUrl = new URL(options.apiUrl);
  const send = options.fetch ?? fetch;
  const client: IrdrApiClient = {
    baseUrl,
    async request(method, path, requestOptions = {}) {
      const url = urlOf(baseUrl, path, requestOptions.query);
      const body = requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body);
      const headers = { accept: 'application/json, text/markdown', ...(body !== undefined && { 'content-type': 'application/json' }), ...requestOptions.headers };
      const authorized = await options.authorize({ method, url, headers, ...(body !== undefined && { body }) });
      let response: Response;
      try {
        // API Gateway answers within 30 s or gives up itself: past that, nothing is coming.
        response = await send(url, { method, headers: authorized, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(body !== undefined && { body }) });
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        throw new ApiUnreachableError(`could not reach the irdr API at ${url.origin} (${method} ${url.href}): ${cause?.message ?? (error as Error).message}`, { cause: error });
      }
      const text = await response.text();
      if (response.status >= 400) {
        const { message, body: errorBody } = messageOf(response.status, text);
        throw new ApiError(response.status, message, errorBody);
      }
      return { status: response.status, headers: response.headers, text };
    },
    async json(method, path, requestOptions) {
      const response = await client.request(method, path, requestOptions);
      return JSON.parse(response.text);
    },
  };
  return client;
}

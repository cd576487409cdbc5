import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS, loadConfig } from '@smithy/core/config';
import { escapeUri } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The irdr HTTP API as a client sees it: a base URL and how to prove who is calling. Locally a dev token
 * (`Authorization: Bearer dev-…`); in AWS the HTTP API's IAM authorizer wants SigV4 (service execute-api).
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

/**
 * SigV4 for API Gateway (service `execute-api`): signs method, path, query, host, x-amz-date and the body's
 * SHA-256 (x-amz-content-sha256); with temporary credentials x-amz-security-token too. `now` fixes the clock (tests).
 */
export function sigV4Signer(options: {
  region: string | (() => Promise<string>);
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  now?: () => Date;
}): RequestAuthorizer {
  const signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials: options.credentials, sha256: Sha256 });
  return async (request) => {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        ...(request.url.port !== '' && { port: Number(request.url.port) }),
        path: request.url.pathname,
        query,
        // fetch sends Host from the URL (with the port when it is not the default): the same value is signed.
        headers: { ...request.headers, host: request.url.host },
        ...(request.body !== undefined && { body: request.body }),
      },
      options.now ? { signingDate: options.now() } : {},
    );
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
}

/** The region an API Gateway default endpoint names (`<id>.execute-api.<region>.amazonaws.com`), if it is one. */
export function regionOfApiHost(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

/**
 * SigV4 with the AWS SDK's default credential chain (environment, SSO, profiles, web identity, instance or
 * container role). The region: `--region`, else the one the API's host names, else the SDK's (AWS_REGION, profile).
 */
export function defaultChainSigner(apiUrl: URL, region: string | undefined): RequestAuthorizer {
  const resolvedRegion = region ?? regionOfApiHost(apiUrl);
  return sigV4Signer({
    region: resolvedRegion ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS),
    credentials: defaultProvider(),
  });
}

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

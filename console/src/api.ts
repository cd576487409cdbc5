/*
 * The console's only way to the data: the irdr HTTP API, with the caller's own credentials on every request, so
 * every role check is the API's (the console adds no authorization of its own; it hides nothing it could not show).
 */

/** Where the API is and how this deployment signs in: console/config.json, served beside index.html. */
export interface ConsoleConfig {
  /** The API's base URL: '' on the API's own origin (the local stack), '/api' behind CloudFront (same origin too). */
  readonly apiUrl: string;
  /** `dev`: the local stack's dev identities (a picker); `cognito`: Amazon Cognito sign-in and SigV4. */
  readonly auth: { readonly kind: 'dev' } | CognitoAuthConfig;
}

export interface CognitoAuthConfig {
  readonly kind: 'cognito';
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
  /** The user pool's hosted sign-in domain (https://…auth.<region>.amazoncognito.com). */
  readonly signInDomain: string;
  /** The console's address: the app client's callback and sign-out URL. */
  readonly redirectUri: string;
  /** The API's own host, which SigV4 signatures name (the console calls it through its origin's `apiUrl`). */
  readonly apiHost: string;
  /** A federated IdP's name in the pool, if sign-in goes straight to it. */
  readonly identityProvider?: string;
}

/** A refusal or failure as the API gave it: its status and its message (which says what to change). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Adds the caller's credentials to one request (a bearer dev token, or a SigV4 signature). */
export type SignRequest = (request: { method: string; url: string; headers: Record<string, string>; body: string | undefined }) => Promise<Record<string, string>>;

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** A GET whose answer is a file (an export): its bytes and the name the API gave it. */
  download(path: string, accept: string): Promise<{ blob: Blob; fileName: string | undefined }>;
}

export function apiClient(config: ConsoleConfig, sign: SignRequest): Api {
  const send = async (method: string, path: string, body: unknown, extra: Record<string, string>, accept: string): Promise<Response> => {
    const url = `${config.apiUrl}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept, ...(text !== undefined && { 'content-type': 'application/json' }), ...extra };
    const signed = await sign({ method, url, headers, body: text });
    const response = await fetch(url, { method, headers: signed, ...(text !== undefined && { body: text }), credentials: 'omit', cache: 'no-store' });
    if (!response.ok) throw new ApiError(response.status, await messageOf(response));
    return response;
  };
  return {
    async get<T>(path: string) {
      return (await (await send('GET', path, undefined, {}, 'application/json')).json()) as T;
    },
    async post<T>(path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await send('POST', path, body, headers, 'application/json');
      const text = await response.text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    async download(path: string, accept: string) {
      const response = await send('GET', path, undefined, {}, accept);
      const disposition = response.headers.get('content-disposition') ?? '';
      const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1];
      return { blob: await response.blob(), fileName };
    },
  };
}

async function messageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the status says enough
  }
  if (response.status === 403) return 'the API refused this identity (403): it acts in no role that may do this';
  return `the API answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

/** The API's message for a failed call, or the error's own. */
export const describeError = (error: unknown): string => (error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error));

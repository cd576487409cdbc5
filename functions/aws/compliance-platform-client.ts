import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import pRetry, { AbortError } from 'p-retry';
import { CompliancePlatformCredentials } from '../domain/compliance-platform/credentials.js';
import { VantaTokenResponse, vantaPaths, type VantaTokenRequest } from '../domain/compliance-platform/vanta-wire.js';
import { requireEnvironment } from './environment.js';

/** Cached five minutes per container: rotated credentials reach every function within that. */
const CREDENTIALS_CACHE_SECONDS = 300;
const secrets = new SecretsProvider();

/** A platform said no (4xx other than 429): recorded with its message, never retried. */
export class PlatformRejection extends Error {
  constructor(readonly status: number, readonly vendorMessage: string) {
    super(`answered ${status}: ${vendorMessage}`);
    this.name = 'PlatformRejection';
  }
}

/** A platform stayed unavailable (429/5xx, network) through every retry: the push stays pending for the scheduled retry. */
export class PlatformUnavailable extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'PlatformUnavailable';
  }
}

/** 429 or 5xx: worth another attempt, after Retry-After when the platform gave one. */
class RetryableAnswer extends Error {
  constructor(readonly status: number, readonly vendorMessage: string, readonly retryAfterMs: number | undefined) {
    super(`answered ${status}: ${vendorMessage}`);
  }
}

/** One request may take this long before it is abandoned (and retried): a stalled platform never holds the function to its timeout. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface RetryPolicy {
  /** Attempts after the first. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
  /** A Retry-After longer than this is not waited out here: the scheduled retry comes back later. */
  readonly maxRetryAfterMs: number;
  /** All attempts of one call end within this (inside the function's timeout). */
  readonly maxRetryTimeMs: number;
}

/**
 * Backoff doubling from 1 s with full jitter (p-retry's randomize: ×1–2), 4 retries, at most 60 s per call: Vanta's
 * FAQ asks for exponential backoff on 429; Drata allows 500 requests a minute per IP, which one push never nears.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, minTimeoutMs: 1_000, maxTimeoutMs: 20_000, maxRetryAfterMs: 30_000, maxRetryTimeMs: 60_000 };

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The platform's own words: `message`, `error_description` or `error` of a JSON body, else the text (cut short). */
async function vendorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.message ?? body.error_description ?? body.error;
    if (typeof message === 'string' && message.length > 0) return message.slice(0, 1000);
    if (Array.isArray(message)) return message.join('; ').slice(0, 1000);
  } catch {
    // Not JSON: the text itself.
  }
  return text.slice(0, 1000) || response.statusText || `HTTP ${response.status}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One call with retries: 429 and 5xx (and network failures) again after backoff with jitter, waiting at least
 * Retry-After; any other 4xx is a PlatformRejection at once. `send` builds a fresh request each attempt (bodies are
 * single-use streams).
 */
export async function callWithRetry(what: string, send: () => Promise<Response>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<Response> {
  try {
    return await pRetry(
      async () => {
        const response = await send();
        if (response.ok) return response;
        const message = await vendorMessage(response);
        if (response.status === 429 || response.status >= 500) throw new RetryableAnswer(response.status, message, retryAfterMs(response.headers.get('retry-after')));
        throw new AbortError(new PlatformRejection(response.status, message));
      },
      {
        retries: policy.retries,
        minTimeout: policy.minTimeoutMs,
        maxTimeout: policy.maxTimeoutMs,
        factor: 2,
        randomize: true,
        maxRetryTime: policy.maxRetryTimeMs,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (!(error instanceof RetryableAnswer) || error.retryAfterMs === undefined || retriesLeft === 0) return;
          // Longer than we may wait here: give up now, the scheduled retry comes back after it.
          if (error.retryAfterMs > policy.maxRetryAfterMs) throw new PlatformUnavailable(`${what} ${error.message} (Retry-After ${Math.round(error.retryAfterMs / 1000)} s)`);
          await sleep(error.retryAfterMs);
        },
      },
    );
  } catch (error) {
    if (error instanceof PlatformRejection || error instanceof PlatformUnavailable) throw error;
    throw new PlatformUnavailable(`${what}: ${(error as Error).message}`);
  }
}

/** The platforms' credentials from the one secret (COMPLIANCE_PLATFORMS_SECRET_ID). */
export async function compliancePlatformCredentials(): Promise<CompliancePlatformCredentials> {
  const secretId = requireEnvironment('COMPLIANCE_PLATFORMS_SECRET_ID');
  const value = await secrets.get(secretId, { maxAge: CREDENTIALS_CACHE_SECONDS });
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`secret ${secretId} is not JSON (see docs/compliance-platforms.md for its shape)`);
  }
  const parsed = CompliancePlatformCredentials.safeParse(json);
  if (!parsed.success) throw new Error(`secret ${secretId} does not have the documented shape (docs/compliance-platforms.md): ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  return parsed.data;
}

/**
 * Vanta bearer tokens, one per application, kept for the container's life until a minute before they expire. Vanta
 * keeps one live token per application (a new one revokes the old) and allows 5 token requests a minute: asking
 * per call would both revoke a concurrent call's token and hit that limit.
 */
const tokens = new Map<string, { readonly token: string; readonly expiresAt: number }>();

export async function vantaToken(baseUrl: string, client: { clientId: string; clientSecret: string }, scope: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<string> {
  const cacheKey = `${baseUrl}\n${client.clientId}\n${scope}`;
  const cached = tokens.get(cacheKey);
  if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
  const body: VantaTokenRequest = { client_id: client.clientId, client_secret: client.clientSecret, scope, grant_type: 'client_credentials' };
  const response = await callWithRetry('Vanta token', () => fetch(baseUrl + vantaPaths.token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }), policy);
  const parsed = VantaTokenResponse.safeParse(await response.json());
  if (!parsed.success) throw new PlatformUnavailable('Vanta token: the answer held no access_token');
  tokens.set(cacheKey, { token: parsed.data.access_token, expiresAt: Date.now() + (parsed.data.expires_in ?? 3600) * 1000 });
  return parsed.data.access_token;
}

/** Forget a token the platform refused (revoked by a newer one elsewhere): the next call asks for a fresh one. */
export function forgetVantaToken(baseUrl: string, clientId: string, scope: string): void {
  tokens.delete(`${baseUrl}\n${clientId}\n${scope}`);
}

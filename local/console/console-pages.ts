import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CONSOLE_SECURITY_HEADERS, consoleContentSecurityPolicy } from '../../console/security-headers.js';
import type { ConsoleFiles } from '../../console/build.js';
import { devIdentities, type DevTokens } from '../dev-identities.js';
import type { HttpApiResponse } from '../http-api/result.js';

/*
 * The console at /console/ on the local API's own origin (its calls are same-origin: no CORS to open). Built in
 * memory on the first request, so a stack that nobody browses pays nothing. The dev-identity picker reads the
 * identities and their tokens of this start from /console/dev-identities, which wants this start's console key
 * (in the printed URL's fragment, and in local-stack.json as IRDR_CONSOLE_URL): what `irdr local env` already gives.
 */

export const CONSOLE_PATH = '/console/';
const CONTENT_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'config.json': 'application/json',
};
/** The local console calls the API it is served by; its dev identities stand in for Cognito. */
const LOCAL_CONFIG = { apiUrl: '', auth: { kind: 'dev' } };

export interface ConsolePages {
  readonly handle: ConsolePageHandler;
  /** This start's console key: the printed URL carries it (`/console/#key=…`). */
  readonly key: string;
}

const respond = (statusCode: number, contentType: string, body: Buffer | string, extra: Record<string, string> = {}): HttpApiResponse => ({
  statusCode,
  headers: {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-security-policy': consoleContentSecurityPolicy(["'self'"]),
    ...CONSOLE_SECURITY_HEADERS,
    ...extra,
  },
  cookies: [],
  body: typeof body === 'string' ? Buffer.from(body) : body,
});
const problem = (statusCode: number, message: string, extra: Record<string, string> = {}) => respond(statusCode, 'application/json', JSON.stringify({ message }), extra);

export function consolePages(devTokens: DevTokens, build: () => Promise<ConsoleFiles> = defaultBuild): ConsolePages {
  const key = randomBytes(24).toString('base64url');
  let files: Promise<ConsoleFiles> | undefined;
  const keyMatches = (authorization: string | undefined): boolean => {
    const offered = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(key);
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  };

  const handle: ConsolePageHandler = async (method, path, _rawQueryString, headers) => {
    if (path === '/console') return respond(308, 'text/plain', '', { location: CONSOLE_PATH });
    if (!path.startsWith(CONSOLE_PATH)) return undefined;
    if (method !== 'GET' && method !== 'HEAD') return problem(405, 'the console is static: GET its files; its actions go to the API', { allow: 'GET, HEAD' });
    const name = path.slice(CONSOLE_PATH.length) || 'index.html';
    if (name === 'dev-identities') {
      if (!keyMatches(headers.authorization)) return problem(403, "send this start's console key (the #key= of the URL npm start printed) as the bearer token");
      const identities = devIdentities.map(({ name: identity, displayName, roles }) => ({ name: identity, displayName, roles, token: devTokens.tokenOf(identity) }));
      return respond(200, 'application/json', JSON.stringify({ identities }));
    }
    if (name === 'config.json') return respond(200, CONTENT_TYPES[name]!, JSON.stringify(LOCAL_CONFIG));
    const contentType = CONTENT_TYPES[name];
    if (!contentType) return problem(404, `the console has no file ${name}`);
    files ??= build().catch((error: unknown) => {
      files = undefined;
      throw error;
    });
    const content = (await files).get(name);
    return content ? respond(200, contentType, content) : problem(404, `the console has no file ${name}`);
  };
  return { handle, key };
}

/** A page handler that also sees the request's headers (the key check needs Authorization). */
export type ConsolePageHandler = (method: string, path: string, rawQueryString: string, headers: Readonly<Record<string, string | undefined>>) => Promise<HttpApiResponse | undefined>;

// Imported when first asked for: esbuild stays out of every stack that serves no console.
const defaultBuild = async (): Promise<ConsoleFiles> => (await import('../../console/build.js')).buildConsoleFiles();

import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { DevIdentity } from '../dev-identities.js';
import type { RouteMatch } from './routes.js';

/** What the server read off one request; everything an event is built from, so building needs no socket. */
export interface IncomingHttpRequest {
  readonly method: string;
  /** The request target as sent: path and query string, still percent-encoded. */
  readonly url: string;
  /** Node's rawHeaders: name, value, name, value, ... in the order received. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly httpVersion: string;
  readonly sourceIp: string;
}

export interface HttpApiContext {
  readonly accountId: string;
  readonly apiId: string;
  readonly requestId: string;
  readonly receivedAt: Date;
  /** The IAM caller; undefined on a route without an authorizer (as API Gateway then sends no `authorizer`). */
  readonly identity: DevIdentity | undefined;
}

/** The parts of a request target: API Gateway HTTP APIs hand the path to routes and handlers decoded. */
export interface RequestTarget {
  readonly path: string;
  readonly rawQueryString: string;
}

/** Splits and decodes a request target; undefined when its percent-encoding is malformed. */
export function parseRequestTarget(url: string): RequestTarget | undefined {
  const queryStart = url.indexOf('?');
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : url.slice(queryStart + 1).replace(/#.*$/, '');
  try {
    return { path: decodeURIComponent(rawPath.replace(/#.*$/, '')) || '/', rawQueryString };
  } catch {
    return undefined;
  }
}

/**
 * Content types API Gateway HTTP APIs pass to Lambda as text; every other body (a missing
 * content type and form posts included) arrives base64-encoded with isBase64Encoded true.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/javascript'
  );
}

/** API Gateway's `time`: 12/Mar/2020:19:03:58 +0000. */
export function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number): string => String(value).padStart(2, '0');
  const day = `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Lower-cased names; repeated headers joined with commas; cookies moved out to `cookies`, as format 2.0 does. */
export function collectHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] | undefined } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    const value = rawHeaders[index + 1]!;
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((cookie) => cookie.trim()).filter((cookie) => cookie !== ''));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies: cookies.length > 0 ? cookies : undefined };
}

/** Decoded query parameters, repeated ones joined with commas; undefined when there are none. */
export function collectQueryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** Builds the payload format 2.0 event API Gateway would send for this request, route and IAM caller. */
export function buildHttpApiEvent(
  request: IncomingHttpRequest,
  target: RequestTarget,
  route: RouteMatch,
  context: HttpApiContext,
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  const host = headers['host'] ?? 'localhost';
  // Headers API Gateway adds in front of every integration.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= host.includes(':') ? host.slice(host.lastIndexOf(':') + 1) : '80';
  headers['x-amzn-trace-id'] ??= traceId(context.receivedAt, context.requestId);
  const queryStringParameters = collectQueryParameters(target.rawQueryString);
  const hasBody = request.body.length > 0;
  const textBody = isTextContentType(headers['content-type']);
  const identity = context.identity;
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: target.path,
    rawQueryString: target.rawQueryString,
    ...(cookies && { cookies }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...(identity && {
        authorizer: {
          iam: {
            accessKey: identity.accessKey,
            accountId: identity.accountId,
            callerId: identity.callerId,
            cognitoIdentity: null,
            principalOrgId: identity.principalOrgId,
            userArn: identity.userArn,
            userId: identity.userId,
          },
        },
      }),
      domainName: host,
      domainPrefix: host.split('.')[0]!.split(':')[0]!,
      http: {
        method: request.method.toUpperCase(),
        path: target.path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: formatRequestTime(context.receivedAt),
      timeEpoch: context.receivedAt.getTime(),
      // The type insists on an authorizer; a route without one (signed-link) gets none, as from API Gateway.
    } as APIGatewayProxyEventV2WithIAMAuthorizer['requestContext'],
    ...(route.pathParameters && { pathParameters: route.pathParameters }),
    ...(hasBody && { body: textBody ? request.body.toString('utf8') : request.body.toString('base64') }),
    isBase64Encoded: hasBody && !textBody,
  };
}

/** An X-Ray style trace id: Root=1-<epoch seconds, hex>-<24 hex>. */
function traceId(receivedAt: Date, requestId: string): string {
  const seconds = Math.floor(receivedAt.getTime() / 1000).toString(16).padStart(8, '0');
  const unique = Buffer.from(requestId).toString('hex').padEnd(24, '0').slice(0, 24);
  return `Root=1-${seconds}-${unique}`;
}

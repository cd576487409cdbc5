/** An HTTP response ready to write: what API Gateway makes of a function's result. */
export interface HttpApiResponse {
  readonly statusCode: number;
  /** Lower-cased names, one value each. */
  readonly headers: Readonly<Record<string, string>>;
  /** Each becomes its own Set-Cookie header. */
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/** The JSON bodies API Gateway itself answers with. */
export function gatewayResponse(statusCode: number, message: string): HttpApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

export const notFound = (): HttpApiResponse => gatewayResponse(404, 'Not Found');
export const forbidden = (): HttpApiResponse => gatewayResponse(403, 'Forbidden');
export const internalServerError = (): HttpApiResponse => gatewayResponse(500, 'Internal Server Error');
export const payloadTooLarge = (): HttpApiResponse => gatewayResponse(413, 'Request Entity Too Large');
export const serviceUnavailable = (): HttpApiResponse => gatewayResponse(503, 'Service Unavailable');
export const badRequest = (): HttpApiResponse => gatewayResponse(400, 'Bad Request');

/** Thrown for a result API Gateway would refuse; the client sees a 500, the log sees why. */
export class MalformedLambdaResultError extends Error {
  override name = 'MalformedLambdaResultError';
}

/**
 * Maps a Lambda result to a response as payload format 2.0 does: an object with `statusCode` is
 * used as given (headers, cookies, body, isBase64Encoded); anything else is a 200 whose body is
 * the result (a string as it is, other values as JSON) with content-type application/json.
 */
export function toHttpApiResponse(result: unknown): HttpApiResponse {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    return structuredResponse(result as Record<string, unknown>);
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body) };
}

function structuredResponse(result: Record<string, unknown>): HttpApiResponse {
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded = false } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedLambdaResultError(`statusCode must be an integer HTTP status, got ${JSON.stringify(statusCode)}`);
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new MalformedLambdaResultError('headers must be an object of header names to values');
  }
  if (!Array.isArray(cookies) || cookies.some((cookie) => typeof cookie !== 'string')) {
    throw new MalformedLambdaResultError('cookies must be an array of strings');
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedLambdaResultError(`body must be a string (JSON.stringify it), got ${Array.isArray(body) ? 'array' : typeof body}`);
  }
  if (typeof isBase64Encoded !== 'boolean') throw new MalformedLambdaResultError('isBase64Encoded must be a boolean');
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new MalformedLambdaResultError(`header ${name} must be a string, number or boolean`);
    }
    responseHeaders[name.toLowerCase()] = String(value);
  }
  const text = typeof body === 'string' ? body : '';
  return {
    statusCode,
    headers: responseHeaders,
    cookies: cookies as string[],
    body: isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text),
  };
}

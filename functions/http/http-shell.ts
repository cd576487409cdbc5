import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from '../domain/zod.js';
import { logger } from '../aws/powertools.js';
import { callerPrincipal, type IamAuthorizerContext } from '../domain/console-caller.js';
import { refusedPathParameter } from '../domain/path-parameters.js';
import { printable } from '../domain/plain-text.js';
import { refusedRequestContent, type BodyMediaType } from '../domain/request-content.js';
import { HttpError } from './http-errors.js';
import { TrailBusyError } from '../domain/trail-busy.js';
import { ThrottledRequestError, throttlingErrorIn } from '../domain/aws-throttling.js';

export type ApiEvent = APIGatewayProxyEventV2WithIAMAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;
type ApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export function jsonResponse(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The caller as API Gateway's IAM authorizer names them; a console user by their person, not the group's role (domain/console-caller.ts). */
export function callerArn(event: ApiEvent, identityPoolId: string): string {
  // aws-lambda types cognitoIdentity as null; API Gateway fills it for identity pool credentials.
  const principal = callerPrincipal(event.requestContext.authorizer?.iam as IamAuthorizerContext | undefined, identityPoolId);
  if (!principal.ok) throw new HttpError(403, principal.reason);
  return principal.arn;
}

/** Parses the JSON body against a zod schema; any problem is a 400 that says what to change. */
export function parseJsonBody<Schema extends z.ZodMiniType>(event: ApiEvent, schema: Schema): z.infer<Schema> {
  if (!event.body) throw new HttpError(400, 'the request needs a JSON body');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(issueOf);
    const summary = issues.map((issue) => `${issue.path || '(body)'}: ${issue.message}`).join('; ');
    throw new HttpError(400, `invalid request: ${summary}`, { issues });
  }
  return parsed.data;
}

/**
 * A zod issue as the caller reads it: its path printable (a key may be what was refused), and a refused record key
 * saying why rather than zod's "Invalid key in record".
 */
function issueOf(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = printable(issue.path.map(String).join('.'));
  if (issue.code === 'invalid_key') return { path, message: `the name: ${issue.issues.map((inner) => inner.message).join('; ')}` };
  // zod quotes what it refused (an unknown key): shown, not sent on.
  return { path, message: printable(issue.message) };
}

/** What a handler reads from a request body, and how its refusals look (JSON unless a page is wanted). */
export interface ApiHandlerOptions {
  /** @default 'application/json' */
  readonly body?: BodyMediaType;
  /** Renders a refusal the shell makes (a browser's form wants a page, not JSON). */
  readonly refusal?: (statusCode: number, message: string) => ApiResult;
}

/**
 * The thin shell every API handler wears: before the handler runs, every path parameter must be one a record can
 * have (see domain/path-parameters.ts) and a body must be labelled as the handler reads it; errors become JSON
 * responses, faults are logged, never leaked.
 */
export function apiHandler(handler: ApiHandler, options: ApiHandlerOptions = {}) {
  const refuse = options.refusal ?? ((statusCode: number, message: string) => jsonResponse(statusCode, { message }));
  return middy<ApiEvent, ApiResult>().handler(async (event, context) => {
    logger.addContext(context);
    const badParameter = refusedPathParameter(event.pathParameters);
    if (badParameter) return refuse(404, badParameter.message);
    const badContent = refusedRequestContent((name) => headerValue(event, name), Boolean(event.body), options.body ?? 'application/json');
    if (badContent) return refuse(badContent.statusCode, badContent.message);
    try {
      return await handler(event, context);
    } catch (error) {
      if (error instanceof HttpError) {
        return jsonResponse(error.statusCode, { message: error.message, ...error.details });
      }
      if (error instanceof TrailBusyError) {
        // Contention, not a fault: nothing was written, and the same request succeeds once the writers thin out.
        const busy = jsonResponse(503, { message: `the record is being written by many at once: ${error.message}` });
        return { ...busy, headers: { ...busy.headers, 'retry-after': '1' } };
      }
      const throttled = throttlingErrorIn(error);
      if (error instanceof ThrottledRequestError || throttled) {
        // AWS refusing for rate (the SDK's retries spent): a moment's wait, not a fault; the caller is told so, not sent a 500.
        logger.warn('request throttled by AWS', { error: error as Error, routeKey: event.routeKey });
        const message = error instanceof ThrottledRequestError ? error.message : `AWS is throttling irdr's requests (${throttled!.name}); try again in a moment`;
        const busy = jsonResponse(503, { message });
        return { ...busy, headers: { ...busy.headers, 'retry-after': '2' } };
      }
      logger.error('request failed', { error: error as Error, routeKey: event.routeKey });
      return jsonResponse(500, { message: 'internal error; the request id is ' + context.awsRequestId });
    }
  });
}

/** Parses the query string against a zod schema; any problem is a 400 that says what to change. */
export function parseQueryParameters<Schema extends z.ZodMiniType>(event: ApiEvent, schema: Schema): z.infer<Schema> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: printable(issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '')),
      message: printable(issue.message),
    }));
    const summary = issues.map((issue) => `${issue.path || '(query)'}: ${issue.message}`).join('; ');
    throw new HttpError(400, `invalid query: ${summary}`, { issues });
  }
  return parsed.data;
}

/** A request header's value (HTTP API events carry header names in lower case). */
export function headerValue(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

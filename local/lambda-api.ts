import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from './listen.js';
import { refuseForeignHosts } from './loopback-host.js';

/*
 * Lambda's Invoke API on this machine (REST: POST /2015-03-31/functions/{FunctionName}/invocations), so code that
 * invokes functions with @aws-sdk/client-lambda (custom drill checks) reaches the local functions through
 * AWS_ENDPOINT_URL_LAMBDA exactly as in AWS. RequestResponse, Event and DryRun; function errors answered as Lambda
 * answers them (200, X-Amz-Function-Error: Unhandled, { errorType, errorMessage, trace }).
 */

export interface LocalLambdaApiOptions {
  /** 127.0.0.1: the API has no authentication. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Runs the function; a rejection is the function's error (errorType: the error's errorType or name). */
  readonly invoke: (functionName: string, payload: unknown) => Promise<unknown>;
  /**
   * Whether a function of that name or ARN exists. Without it, a rejection named ResourceNotFoundException
   * (what LocalLambdaRuntime throws for an unknown name) is taken as "no such function".
   */
  readonly functionExists?: (functionName: string) => boolean;
}

export interface LocalLambdaApi {
  /** AWS_ENDPOINT_URL_LAMBDA for SDK clients. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Lambda's limit for a synchronous invocation's request payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body) ?? 'null';
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, error: LambdaApiError): void {
  sendJson(response, error.status, { Type: 'User', Message: error.message }, { 'x-amzn-errortype': error.code });
}

async function readPayload(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) {
      throw new LambdaApiError(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // Lambda hands a function invoked without a payload an empty object.
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LambdaApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
}

/** The function's error as Lambda's invocation response body has it. */
function functionErrorBody(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (!(error instanceof Error)) return { errorType: 'Error', errorMessage: String(error), trace: [] };
  const fields = error as Error & { errorType?: unknown; errorMessage?: unknown; trace?: unknown };
  return {
    errorType: typeof fields.errorType === 'string' ? fields.errorType : error.name,
    errorMessage: typeof fields.errorMessage === 'string' ? fields.errorMessage : error.message,
    trace: Array.isArray(fields.trace) ? fields.trace.map(String) : (error.stack ?? '').split('\n'),
  };
}

const isNotFound = (error: unknown): boolean => error instanceof Error && error.name === 'ResourceNotFoundException';

export async function startLocalLambdaApi(options: LocalLambdaApiOptions): Promise<LocalLambdaApi> {
  const notFound = (functionName: string) => new LambdaApiError(404, 'ResourceNotFoundException', `Function not found: ${functionName}`);
  const inFlight = new Set<Promise<unknown>>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = INVOKE_PATH.exec((request.url ?? '').split('?')[0] ?? '');
    if (request.method !== 'POST' || !path?.[1]) {
      request.resume();
      throw new LambdaApiError(404, 'UnknownOperationException', `${request.method ?? ''} ${request.url ?? ''} is not the Invoke operation`);
    }
    const functionName = decodeURIComponent(path[1]);
    const payload = await readPayload(request);
    if (options.functionExists && !options.functionExists(functionName)) throw notFound(functionName);
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'DryRun') {
      response.writeHead(204).end();
      return;
    }
    if (invocationType === 'Event') {
      // Queued as Lambda would: the caller gets 202 at once; the function's own failure is not the caller's.
      const run = options.invoke(functionName, payload).catch(() => undefined);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
      response.writeHead(202, { 'content-length': 0 }).end();
      return;
    }
    if (invocationType !== 'RequestResponse') throw new LambdaApiError(400, 'InvalidParameterValueException', `unknown InvocationType ${invocationType}`);
    const executed = { 'x-amz-executed-version': '$LATEST' };
    try {
      sendJson(response, 200, (await options.invoke(functionName, payload)) ?? null, executed);
    } catch (error) {
      if (!options.functionExists && isNotFound(error)) throw notFound(functionName);
      sendJson(response, 200, functionErrorBody(error), { ...executed, 'x-amz-function-error': 'Unhandled' });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      sendError(response, error instanceof LambdaApiError ? error : new LambdaApiError(500, 'ServiceException', (error as Error).message));
    });
  });
  refuseForeignHosts(server, 'Lambda API');
  const listening = await listen(server, options.host, options.port);
  return {
    endpoint: listening.endpoint,
    stop: async () => {
      await listening.close();
      await Promise.all([...inFlight]);
    },
  };
}

import { randomUUID } from 'node:crypto';

/** Error and Cause of a failed Lambda invocation, as Step Functions reports them: Cause is the Node.js runtime's error payload. */
export function lambdaFailure(thrown: unknown): { error: string; cause: string } {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorType = error.name || 'Error';
  return {
    error: errorType,
    cause: JSON.stringify({ errorType, errorMessage: error.message, trace: (error.stack ?? `${errorType}: ${error.message}`).split('\n') }),
  };
}

/** What `arn:aws:states:::lambda:invoke` returns: the function's result under `Payload`, beside the SDK response metadata. */
export function lambdaInvokeOutput(payload: unknown, invocationType: 'RequestResponse' | 'Event'): Record<string, unknown> {
  const requestId = randomUUID();
  const synchronous = invocationType === 'RequestResponse';
  const statusCode = synchronous ? 200 : 202;
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(synchronous ? JSON.stringify(payload ?? null).length : 0),
    'Content-Type': 'application/json',
    Date: new Date().toUTCString(),
    ...(synchronous ? { 'X-Amz-Executed-Version': '$LATEST' } : {}),
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Sampled=0`,
  };
  return {
    ...(synchronous ? { ExecutedVersion: '$LATEST' } : {}),
    Payload: synchronous ? (payload ?? null) : '',
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

/** A deep copy that is plain JSON, as values are after crossing the Lambda wire (undefined becomes null). */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** One AWS API call a function made, named as IAM names the action (e.g. dynamodb:PutItem). */
export interface RecordedAwsCall {
  readonly functionName: string;
  readonly action: string;
}

/** Which registered function the current async work belongs to (set by the local Lambda runtime). */
const invocation = new AsyncLocalStorage<string>();

/** The registered function whose invocation the current async work is part of, if any. */
export const currentFunctionName = (): string | undefined => invocation.getStore();

/** Announces each handler invocation, so a recorder also sees functions that call no AWS API. */
const invocations = diagnosticsChannel.channel('irdr.local.lambda.invoke');

/** Announces each finished invocation with its duration (benchmarks model Lambda cost from it). */
export const FINISHED_INVOCATIONS_CHANNEL = 'irdr.local.lambda.finished';
const finishedInvocations = diagnosticsChannel.channel(FINISHED_INVOCATIONS_CHANNEL);

export interface FinishedInvocation {
  readonly functionName: string;
  readonly durationMs: number;
}

export async function runAsFunction<T>(functionName: string, work: () => Promise<T>): Promise<T> {
  invocations.publish({ functionName });
  const started = performance.now();
  try {
    return await invocation.run(functionName, work);
  } finally {
    if (finishedInvocations.hasSubscribers) finishedInvocations.publish({ functionName, durationMs: performance.now() - started } satisfies FinishedInvocation);
  }
}

/** JSON-protocol services carry the operation in X-Amz-Target: prefix → IAM service. */
const TARGET_PREFIXES: Readonly<Record<string, string>> = {
  DynamoDB_20120810: 'dynamodb',
  AWSStepFunctions: 'states',
  secretsmanager: 'secretsmanager',
  TrentService: 'kms',
};

/** REST-protocol operations the handlers use, by method and path. */
const REST_OPERATIONS: ReadonlyArray<{ method: string; path: RegExp; action: string }> = [
  { method: 'POST', path: /^\/v2\/email\/outbound-emails$/, action: 'ses:SendEmail' },
];

export function actionOfRequest(method: string, path: string, target: string | undefined): string {
  if (target) {
    const [prefix, operation] = target.split('.');
    const service = prefix ? TARGET_PREFIXES[prefix] : undefined;
    if (service && operation) return `${service}:${operation}`;
    return `unknown:${target}`;
  }
  const bare = path.split('?')[0] ?? path;
  return REST_OPERATIONS.find((operation) => operation.method === method && operation.path.test(bare))?.action ?? `unknown:${method} ${bare}`;
}

/**
 * Records every HTTP request a registered handler makes (the SDK's requests included), through Node's
 * http client diagnostics channel: no SDK middleware, so the handlers stay exactly as deployed.
 * Used to check each function's calls against its synthesized IAM policy.
 */
export function recordAwsCalls(): { calls(): RecordedAwsCall[]; invoked(): string[]; stop(): void } {
  const calls: RecordedAwsCall[] = [];
  const invoked = new Set<string>();
  const onInvoke = (message: unknown): void => {
    invoked.add((message as { functionName: string }).functionName);
  };
  const onRequest = (message: unknown): void => {
    const functionName = currentFunctionName();
    if (!functionName) return;
    const { request } = message as { request: ClientRequest };
    const target = request.getHeader('x-amz-target');
    calls.push({ functionName, action: actionOfRequest(request.method, request.path, typeof target === 'string' ? target : undefined) });
  };
  diagnosticsChannel.subscribe('http.client.request.start', onRequest);
  invocations.subscribe(onInvoke);
  return {
    calls: () => [...calls],
    invoked: () => [...invoked].sort(),
    stop: () => {
      diagnosticsChannel.unsubscribe('http.client.request.start', onRequest);
      invocations.unsubscribe(onInvoke);
    },
  };
}

import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { authorizationOfRequest, readsRequestBody, type RequestAuthorization } from './aws-request-resources.js';
import { rdsAuthorizationOf } from './rds/iam-actions.js';
import { s3AuthorizationsOf } from './s3/iam-actions.js';
import { readSentBodies } from './sent-request-bodies.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './stack-config.js';
import { stateMachineArnOfExecution } from './stepfunctions/arns.js';
import { TASK_TOKEN_ISSUED_CHANNEL, type IssuedTaskToken } from './stepfunctions/task-tokens.js';

/** One AWS API call a function made, named as IAM names the action (e.g. dynamodb:PutItem). */
export interface RecordedAwsCall {
  readonly functionName: string;
  readonly action: string;
  /** What IAM evaluates the call against (local ARNs), when the recorder reads authorizations. */
  readonly authorization?: RequestAuthorization;
}

export interface AwsCallRecordingOptions {
  /** Also read what each call is authorized against (resources, condition keys): request bodies are read only then. */
  readonly authorization?: {
    /** A table's partition key attribute, for `dynamodb:LeadingKeys`; tables it returns undefined for get none. */
    readonly partitionKeyOf?: (tableName: string) => string | undefined;
  };
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
  { method: 'POST', path: /^\/2015-03-31\/functions\/[^/]+\/invocations$/, action: 'lambda:InvokeFunction' },
  // AWS Backup (restJson1): the calls the aws-backup drill driver and the validation report make.
  { method: 'GET', path: /^\/resources\/[^/]+\/recovery-points$/, action: 'backup:ListRecoveryPointsByResource' },
  { method: 'GET', path: /^\/resources\/[^/]+$/, action: 'backup:DescribeProtectedResource' },
  { method: 'GET', path: /^\/backup-vaults\/[^/]+\/recovery-points\/[^/]+\/restore-metadata$/, action: 'backup:GetRecoveryPointRestoreMetadata' },
  { method: 'PUT', path: /^\/restore-jobs$/, action: 'backup:StartRestoreJob' },
  { method: 'GET', path: /^\/restore-jobs\/[^/]+$/, action: 'backup:DescribeRestoreJob' },
  { method: 'PUT', path: /^\/restore-jobs\/[^/]+\/validations$/, action: 'backup:PutRestoreValidationResult' },
  // RDS Data API (restJson): the SQL checks and the SQL canary writer.
  { method: 'POST', path: /^\/Execute$/, action: 'rds-data:ExecuteStatement' },
  { method: 'POST', path: /^\/BeginTransaction$/, action: 'rds-data:BeginTransaction' },
  { method: 'POST', path: /^\/RollbackTransaction$/, action: 'rds-data:RollbackTransaction' },
  { method: 'POST', path: /^\/CommitTransaction$/, action: 'rds-data:CommitTransaction' },
  // Coverage of the estate (the AWS CLI's model spells the path with a trailing slash).
  { method: 'GET', path: /^\/resources\/?$/, action: 'backup:ListProtectedResources' },
];

/** A request to the local RDS (Query protocol: the action is in the form body, read only while recording). */
function isRdsRequest(request: ClientRequest): boolean {
  const endpoint = process.env.AWS_ENDPOINT_URL_RDS;
  return endpoint !== undefined && String(request.getHeader('host')) === new URL(endpoint).host;
}

/** A request to the local S3 (AWS_ENDPOINT_URL_S3, as the handlers' S3 client reaches it). */
function isS3Request(request: ClientRequest): boolean {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  return endpoint !== undefined && String(request.getHeader('host')) === new URL(endpoint).host;
}

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
 * Used to check each function's calls against its synthesized IAM policy; with `authorization`, each call's
 * resources too (read from its JSON body, kept as it is sent only while such a recorder listens).
 */
export function recordAwsCalls(options: AwsCallRecordingOptions = {}): { calls(): RecordedAwsCall[]; invoked(): string[]; stop(): void } {
  const calls: RecordedAwsCall[] = [];
  const invoked = new Set<string>();
  // SendTask* name no resource: the state machine of each token's execution, as local Step Functions issues them.
  const stateMachineOfToken = new Map<string, string>();
  const scope = {
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT_ID,
    partitionKeyOf: options.authorization?.partitionKeyOf,
    stateMachineOfTaskToken: (taskToken: string) => stateMachineOfToken.get(taskToken),
  };
  const onInvoke = (message: unknown): void => {
    invoked.add((message as { functionName: string }).functionName);
  };
  const onTokenIssued = (message: unknown): void => {
    const { taskToken, executionArn } = message as IssuedTaskToken;
    const stateMachineArn = stateMachineArnOfExecution(executionArn);
    if (stateMachineArn) stateMachineOfToken.set(taskToken, stateMachineArn);
  };
  /** The AWS call a request in a function's invocation makes; undefined outside any invocation. */
  const actionOf = (request: ClientRequest): string | undefined => {
    if (!currentFunctionName()) return undefined;
    const target = request.getHeader('x-amz-target');
    return actionOfRequest(request.method, request.path, typeof target === 'string' ? target : undefined);
  };
  // Bodies only of the calls whose resources they name (DeleteObjects names its keys), and only while recording authorizations.
  const bodies = options.authorization && readSentBodies((request) => (isS3Request(request) ? request.path.includes('delete') : isRdsRequest(request) || readsRequestBody(actionOf(request) ?? '')));
  const onRequest = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    const functionName = currentFunctionName();
    if (functionName && isS3Request(request)) {
      // S3 speaks REST on paths of its own: one call per action S3 authorizes the request against (DeleteObjects: per key).
      const headers = Object.fromEntries(Object.entries(request.getHeaders()).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
      const body = bodies?.bodyOf(request);
      for (const { action, resource } of s3AuthorizationsOf({ method: request.method, path: request.path, headers, ...(body !== undefined && { body }) })) {
        calls.push(bodies ? { functionName, action, authorization: { resources: [resource], conditionValues: {} } } : { functionName, action });
      }
      return;
    }
    if (functionName && bodies && isRdsRequest(request)) {
      const { action, resources, conditionValues } = rdsAuthorizationOf(bodies.bodyOf(request) ?? '', scope);
      calls.push({ functionName, action, authorization: { resources: [...resources], conditionValues } });
      return;
    }
    const action = actionOf(request);
    if (!functionName || !action) return;
    if (!bodies) {
      calls.push({ functionName, action });
      return;
    }
    const body = readsRequestBody(action) ? parseJson(bodies.bodyOf(request)) : undefined;
    calls.push({ functionName, action, authorization: authorizationOfRequest({ action, path: request.path, body }, scope) });
  };
  diagnosticsChannel.subscribe('http.client.request.start', onRequest);
  invocations.subscribe(onInvoke);
  if (bodies) diagnosticsChannel.subscribe(TASK_TOKEN_ISSUED_CHANNEL, onTokenIssued);
  return {
    calls: () => [...calls],
    invoked: () => [...invoked].sort(),
    stop: () => {
      diagnosticsChannel.unsubscribe('http.client.request.start', onRequest);
      invocations.unsubscribe(onInvoke);
      if (bodies) {
        diagnosticsChannel.unsubscribe(TASK_TOKEN_ISSUED_CHANNEL, onTokenIssued);
        bodies.close();
      }
    },
  };
}

const parseJson = (text: string | undefined): unknown => {
  try {
    return text === undefined || text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

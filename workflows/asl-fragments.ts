import { THROTTLING_ERRORS } from '../functions/domain/aws-throttling.js';
import { functionArnPlaceholder, type FunctionName } from '../functions/registry.js';

/** ASL is plain JSON; this is the slice of it our compilers emit. */
export type AslState = Record<string, unknown>;
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

/**
 * Errors worth retrying: Lambda service faults (as the lambda:invoke integration names them)
 * and throttling from the AWS services our handlers call, which surfaces as the Lambda errorType.
 */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  ...THROTTLING_ERRORS,
  'ServiceUnavailable',
  'InternalServerError',
] as const;

/** Retry with exponential backoff and full jitter, capped so a step never stalls for long. */
export const transientRetry = [
  {
    ErrorEquals: [...TRANSIENT_ERRORS],
    IntervalSeconds: 1,
    MaxAttempts: 4,
    BackoffRate: 2,
    MaxDelaySeconds: 20,
    JitterStrategy: 'FULL',
  },
];

/** Retry for a step whose handler reports that SES refused an email: longer waits, then the Catch records notify.failed. */
export function notificationRetry(errorName: string) {
  return [
    ...transientRetry,
    { ErrorEquals: [errorName], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
  ];
}

/**
 * A Task that invokes a registered function with `$$.Task.Token` in its payload and then waits, up to
 * `timeoutSeconds`, for SendTaskSuccess/SendTaskFailure on that token (a person's decision).
 */
export function invokeAndWaitForToken(name: FunctionName, payload: Record<string, unknown>, timeoutSeconds: number): AslState {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: '${' + functionArnPlaceholder(name) + '}', Payload: { ...payload, 'taskToken.$': '$$.Task.Token' } },
    TimeoutSeconds: timeoutSeconds,
    Retry: transientRetry,
  };
}

/** A Task that invokes one of our registered functions through the optimized Lambda integration. */
export function invokeFunction(name: FunctionName, payload: Record<string, unknown>): AslState {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: '${' + functionArnPlaceholder(name) + '}', Payload: payload },
    // Handlers' own results are not threaded through the runbook: the trail in DynamoDB is the record.
    ResultPath: null,
    TimeoutSeconds: 60,
    Retry: transientRetry,
  };
}

/** Every `${Placeholder}` a definition refers to, sorted. */
export function placeholdersOf(definition: AslDefinition): string[] {
  const found = new Set<string>();
  for (const match of JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9]+)\}/g)) found.add(match[1]!);
  return [...found].sort();
}

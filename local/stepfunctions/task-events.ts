import type { ExecutionHistory } from './history.js';
import { executionData } from './history.js';

/** The history events of one task attempt; which ones AWS writes depends on how the task calls Lambda. */
export interface TaskEvents {
  scheduled(parameters: unknown, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined): void;
  started(): void;
  submitted(output: unknown): void;
  succeeded(output: unknown): void;
  failed(error: string | undefined, cause: string | undefined): void;
  timedOut(error: string): void;
}

function errorFields(error: string | undefined, cause: string | undefined): Record<string, string> {
  return { ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
}

/** `arn:aws:states:::lambda:invoke[.waitForTaskToken]`: the Task* events of a service integration. */
export function serviceIntegrationEvents(history: ExecutionHistory, region: string, resource: 'invoke' | 'invoke.waitForTaskToken'): TaskEvents {
  const source = { resourceType: 'lambda', resource };
  return {
    scheduled: (parameters, timeoutSeconds, heartbeatSeconds) =>
      history.record('TaskScheduled', 'taskScheduledEventDetails', {
        ...source,
        region,
        parameters: JSON.stringify(parameters ?? null),
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        ...(heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: heartbeatSeconds }),
      }),
    started: () => history.record('TaskStarted', 'taskStartedEventDetails', source),
    submitted: (output) => history.record('TaskSubmitted', 'taskSubmittedEventDetails', { ...source, ...executionData('output', output) }),
    succeeded: (output) => history.record('TaskSucceeded', 'taskSucceededEventDetails', { ...source, ...executionData('output', output) }),
    failed: (error, cause) => history.record('TaskFailed', 'taskFailedEventDetails', { ...source, ...errorFields(error, cause) }),
    timedOut: (error) => history.record('TaskTimedOut', 'taskTimedOutEventDetails', { ...source, error }),
  };
}

/** A Lambda function ARN as the Task's Resource: the LambdaFunction* events. */
export function lambdaFunctionEvents(history: ExecutionHistory, functionArn: string): TaskEvents {
  return {
    scheduled: (input, timeoutSeconds) =>
      history.record('LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource: functionArn,
        ...executionData('input', input),
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
      }),
    started: () => history.record('LambdaFunctionStarted'),
    submitted: () => {},
    succeeded: (output) => history.record('LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', executionData('output', output)),
    failed: (error, cause) => history.record('LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', errorFields(error, cause)),
    timedOut: (error) => history.record('LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', { error }),
  };
}

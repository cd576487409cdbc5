import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/** What the engine reads on an error: `name` is matched by Retry/Catch, `message` becomes the Cause. */
type EngineError = Error & { isRetryable?: boolean; isCatchable?: boolean };

/** A task failure as Retry/Catch see it: Error = `error`, Cause = `cause`. */
export function taskFailure(error: string | undefined, cause: string | undefined): Error {
  const failure = new Error(cause ?? '');
  failure.name = error ?? '';
  return failure;
}

/** An error that fails the execution and that no Retry or Catch may handle (AWS's States.Runtime class of errors). */
export function runtimeFailure(message: string): Error {
  return Object.assign(new Error(message), { name: 'States.Runtime', isRetryable: false, isCatchable: false }) satisfies EngineError;
}

/** Rejects a task whose execution or branch was stopped, so the engine unwinds without retrying or catching it. */
export function abortedFailure(): Error {
  return Object.assign(new Error('The execution was stopped'), { name: 'States.Aborted', isRetryable: false, isCatchable: false }) satisfies EngineError;
}

export function heartbeatTimeoutFailure(): Error {
  return taskFailure('States.HeartbeatTimeout', 'States.HeartbeatTimeout');
}

type ErrorClass = new () => Error;
let timeoutErrorClass: Promise<ErrorClass> | undefined;

/**
 * A States.Timeout error of the engine's own class: the engine's `States.TaskFailed` wildcard
 * excludes timeouts by `instanceof`, and that class is not exported, so it is taken from one
 * engine-made timeout (a 1 ms task that never answers).
 */
export async function statesTimeoutFailure(): Promise<Error> {
  timeoutErrorClass ??= probeTimeoutErrorClass();
  const TimeoutError = await timeoutErrorClass;
  return new TimeoutError();
}

async function probeTimeoutErrorClass(): Promise<ErrorClass> {
  const probe: StateMachineDefinition = {
    StartAt: 'Probe',
    States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } },
  };
  const { result } = new StateMachine(probe, { validationOptions: { noValidate: true } }).run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } },
  });
  try {
    await result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as ErrorClass;
  }
  throw new Error('aws-local-stepfunctions no longer fails a slow task with States.Timeout: check the engine version');
}

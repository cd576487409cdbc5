import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';
import { listStates, type AslDefinition, type AslState, type StateIndex } from './definition.js';
import { abortedFailure, heartbeatTimeoutFailure, runtimeFailure, statesTimeoutFailure, taskFailure } from './engine-errors.js';
import { LOCAL_PASS_RESOURCE, LOCAL_WAIT_RESOURCE } from './engine-definition.js';
import type { ExecutionHistory } from './history.js';
import { readReferencePath } from './json-path.js';
import { asJson, lambdaFailure, lambdaInvokeOutput } from './lambda-shapes.js';
import { TaskClock, TaskExpired } from './task-clock.js';
import { lambdaFunctionEvents, serviceIntegrationEvents, type TaskEvents } from './task-events.js';
import type { TaskTokenRegistry } from './task-tokens.js';
import { abortableSleep, scaledMs } from './timers.js';

/** Invokes a Lambda function by name or ARN; rejects with an Error whose `name` is the function's errorType. */
export type InvokeLambda = (functionArn: string, payload: unknown) => Promise<unknown>;

/** The attempt of a state the engine is starting now (it calls a Task's handler synchronously after announcing the state). */
export interface TaskAttempt {
  readonly stateName: string;
  /** The state's input before InputPath and Parameters: AWS reads TimeoutSecondsPath/HeartbeatSecondsPath from it. */
  readonly rawInput: unknown;
  /** Aborts when the execution, or the Parallel branch or Map iteration running the state, stops. */
  readonly signal: AbortSignal;
  /** The token `$$.Task.Token` gave this attempt, if the state read it. */
  readonly token: string | undefined;
}

export interface TaskEnvironment {
  readonly executionArn: string;
  readonly region: string;
  readonly timeScale: number;
  readonly invokeLambda: InvokeLambda;
  readonly tokens: TaskTokenRegistry;
  readonly history: ExecutionHistory;
  /** The context object, for `$$` paths. */
  readonly context: unknown;
  currentAttempt(stateName: string): TaskAttempt;
}

type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type TaskHandler = (input: unknown) => Promise<unknown>;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** One local handler per Task state the engine runs (Waits and falsy-Result Passes included), nested states too. */
export function createTaskHandlers(engineDefinition: StateMachineDefinition, states: StateIndex, env: TaskEnvironment): TaskHandlers {
  const handlers: Record<string, TaskHandler> = {};
  for (const { name, state } of listStates(engineDefinition as unknown as AslDefinition)) {
    const original = states.get(name)?.state;
    if (state.Type === 'Task' && original) handlers[name] = handlerFor(name, state.Resource ?? '', original, env);
  }
  return handlers as TaskHandlers;
}

function handlerFor(name: string, engineResource: string, original: AslState, env: TaskEnvironment): TaskHandler {
  if (engineResource === LOCAL_WAIT_RESOURCE) return (input) => runWait(name, original, input, env);
  if (engineResource === LOCAL_PASS_RESOURCE) return async () => original['Result'];
  const resource = original.Resource ?? '';
  if (resource === LAMBDA_INVOKE) return (input) => runLambdaInvoke(name, original, input, env, false);
  if (resource === LAMBDA_INVOKE_WAIT_FOR_TOKEN) return (input) => runLambdaInvoke(name, original, input, env, true);
  if (LAMBDA_FUNCTION_ARN.test(resource)) return (input) => runLambdaFunction(name, original, input, env);
  return async () => {
    env.currentAttempt(name);
    throw runtimeFailure(
      `The local Step Functions cannot run Task state '${name}': resource '${resource}' is not supported ` +
        `(supported: ${LAMBDA_INVOKE}, ${LAMBDA_INVOKE_WAIT_FOR_TOKEN}, arn:aws:lambda:<region>:<account>:function:<name>)`,
    );
  };
}

/** `arn:aws:states:::lambda:invoke` and its `.waitForTaskToken` form. Must not await before reading the attempt. */
async function runLambdaInvoke(name: string, state: AslState, input: unknown, env: TaskEnvironment, waitForToken: boolean): Promise<unknown> {
  const attempt = env.currentAttempt(name);
  const token = waitForToken ? (attempt.token ?? env.tokens.issue(env.executionArn)) : undefined;
  try {
    const parameters = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown; InvocationType?: unknown };
    if (typeof parameters.FunctionName !== 'string') throw runtimeFailure(`Task state '${name}': Parameters.FunctionName must be a function name or ARN`);
    const functionName = parameters.FunctionName;
    const invocationType = parameters.InvocationType === 'Event' ? 'Event' : 'RequestResponse';
    const timeoutSeconds = durationSeconds(state, 'Timeout', attempt.rawInput, env.context);
    const heartbeatSeconds = waitForToken ? durationSeconds(state, 'Heartbeat', attempt.rawInput, env.context) : undefined;
    const events = serviceIntegrationEvents(env.history, env.region, waitForToken ? 'invoke.waitForTaskToken' : 'invoke');
    // The time scale shrinks waiting (for a task token), never a function's own run time.
    const timeScale = waitForToken ? env.timeScale : 1;
    return await runTask(events, { parameters: input, timeoutSeconds, heartbeatSeconds, signal: attempt.signal, timeScale }, async (clock) => {
      const answer = token === undefined ? undefined : awaitTaskToken(env.tokens, token, clock);
      const invoked = await clock.race(invoke(env.invokeLambda, functionName, parameters.Payload, invocationType));
      if (!answer) return invoked;
      events.submitted(invoked);
      return clock.race(answer);
    });
  } finally {
    if (token !== undefined) env.tokens.close(token);
  }
}

/** A Lambda function ARN as the Resource: the function gets the state's effective input and its result is the task's. */
async function runLambdaFunction(name: string, state: AslState, input: unknown, env: TaskEnvironment): Promise<unknown> {
  const attempt = env.currentAttempt(name);
  const functionArn = state.Resource ?? '';
  const timeoutSeconds = durationSeconds(state, 'Timeout', attempt.rawInput, env.context);
  const events = lambdaFunctionEvents(env.history, functionArn);
  // A synchronous invocation runs in real time whatever the time scale: only waiting is shrunk.
  return runTask(events, { parameters: input, timeoutSeconds, heartbeatSeconds: undefined, signal: attempt.signal, timeScale: 1 }, async (clock) =>
    asJson(await clock.race(callLambda(env.invokeLambda, functionArn, input))),
  );
}

interface TaskLimits {
  readonly parameters: unknown;
  readonly timeoutSeconds: number | undefined;
  readonly heartbeatSeconds: number | undefined;
  readonly signal: AbortSignal;
  readonly timeScale: number;
}

/** Records a task's life in the history and turns how it ended into the error the engine's Retry/Catch match. */
async function runTask(events: TaskEvents, limits: TaskLimits, work: (clock: TaskClock) => Promise<unknown>): Promise<unknown> {
  if (limits.signal.aborted) throw abortedFailure();
  events.scheduled(limits.parameters, limits.timeoutSeconds, limits.heartbeatSeconds);
  const scaled = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : scaledMs(seconds, limits.timeScale));
  const clock = new TaskClock(limits.signal, scaled(limits.timeoutSeconds), scaled(limits.heartbeatSeconds));
  events.started();
  try {
    const output = await work(clock);
    events.succeeded(output);
    return output;
  } catch (thrown) {
    if (thrown instanceof TaskExpired) {
      if (thrown.expiry === 'aborted') throw abortedFailure();
      const error = thrown.expiry === 'timeout' ? 'States.Timeout' : 'States.HeartbeatTimeout';
      events.timedOut(error);
      throw thrown.expiry === 'timeout' ? await statesTimeoutFailure() : heartbeatTimeoutFailure();
    }
    if (thrown instanceof TaskAnswerFailure) {
      events.failed(thrown.error, thrown.cause);
      throw taskFailure(thrown.error, thrown.cause);
    }
    const { error, cause } = lambdaFailure(thrown);
    events.failed(error, cause);
    throw taskFailure(error, cause);
  } finally {
    clock.dispose();
  }
}

/** SendTaskFailure's error and cause. */
class TaskAnswerFailure extends Error {
  constructor(
    readonly error: string | undefined,
    override readonly cause: string | undefined,
  ) {
    super(cause ?? '');
    this.name = 'TaskAnswerFailure';
  }
}

/** Resolves with SendTaskSuccess's output; SendTaskHeartbeat restarts the heartbeat deadline. */
function awaitTaskToken(tokens: TaskTokenRegistry, token: string, clock: TaskClock): Promise<unknown> {
  const answer = Promise.withResolvers<unknown>();
  answer.promise.catch(() => {});
  tokens.wait(token, {
    succeed: (output) => {
      tokens.close(token);
      answer.resolve(JSON.parse(output) as unknown);
    },
    fail: (error, cause) => {
      tokens.close(token);
      answer.reject(new TaskAnswerFailure(error, cause));
    },
    heartbeat: () => clock.heartbeat(),
  });
  return answer.promise;
}

function callLambda(invokeLambda: InvokeLambda, functionName: string, payload: unknown): Promise<unknown> {
  // A handler that throws synchronously fails the task like one that rejects.
  return new Promise((resolve) => resolve(invokeLambda(functionName, asJson(payload))));
}

async function invoke(invokeLambda: InvokeLambda, functionName: string, payload: unknown, invocationType: 'RequestResponse' | 'Event'): Promise<unknown> {
  const call = callLambda(invokeLambda, functionName, payload ?? {});
  if (invocationType === 'Event') {
    call.catch(() => {}); // AWS does not wait for, or report, an asynchronous invocation's outcome
    return lambdaInvokeOutput(undefined, 'Event');
  }
  return lambdaInvokeOutput(asJson(await call), 'RequestResponse');
}

/** TimeoutSeconds / HeartbeatSeconds, or their *Path read from the state's raw input. */
function durationSeconds(state: AslState, kind: 'Timeout' | 'Heartbeat', rawInput: unknown, context: unknown): number | undefined {
  const fixed = state[`${kind}Seconds`];
  if (typeof fixed === 'number') return fixed;
  const path = state[`${kind}SecondsPath`];
  if (typeof path !== 'string') return undefined;
  const value = readReferencePath(path, rawInput, context);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw runtimeFailure(`${kind}SecondsPath '${path}' must point to a positive integer, but found ${JSON.stringify(value)}`);
  }
  return value;
}

/** A Wait state (run by the engine as a Task): sleeps the scaled time, then passes its input on. */
async function runWait(name: string, state: AslState, input: unknown, env: TaskEnvironment): Promise<unknown> {
  const { signal } = env.currentAttempt(name);
  await abortableSleep(waitMs(name, state, input, env), signal, abortedFailure);
  return input;
}

function waitMs(name: string, state: AslState, input: unknown, env: TaskEnvironment): number {
  const read = (path: string): unknown => readReferencePath(path, input, env.context);
  const seconds = state.Seconds ?? (state.SecondsPath === undefined ? undefined : read(state.SecondsPath));
  if (state.Seconds !== undefined || state.SecondsPath !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw runtimeFailure(`Wait state '${name}': SecondsPath '${state.SecondsPath}' must point to a non-negative integer, but found ${JSON.stringify(seconds)}`);
    }
    return scaledMs(seconds, env.timeScale);
  }
  const timestamp = state.Timestamp ?? (state.TimestampPath === undefined ? undefined : read(state.TimestampPath));
  const until = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(until)) {
    throw runtimeFailure(`Wait state '${name}': TimestampPath '${state.TimestampPath}' must point to an ISO 8601 timestamp, but found ${JSON.stringify(timestamp)}`);
  }
  // What is left until the timestamp passes N times faster from now on.
  return Math.max(0, until - Date.now()) / env.timeScale;
}

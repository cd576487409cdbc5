import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';

/**
 * A synchronous view of what the engine does, run by run. The engine's own `eventLogs` is an async
 * generator that forwards Parallel/Map events late, out of order, and drops those that arrive after the
 * execution ends; this hook sees every event of every (nested) run at the moment it is dispatched.
 */

/** One engine run: the execution itself, or one Parallel branch or Map iteration inside it. */
export interface EngineRun {
  readonly id: number;
  readonly parent: EngineRun | undefined;
  /** Aborts when this run, or any run above it, is aborted. */
  readonly signal: AbortSignal;
}

export type EngineEvent =
  | { readonly type: 'ExecutionStarted'; readonly input: unknown }
  | { readonly type: 'ExecutionSucceeded'; readonly output: unknown }
  | { readonly type: 'ExecutionFailed'; readonly error: Error }
  | { readonly type: 'ExecutionAborted' }
  | { readonly type: 'StateEntered'; readonly name: string; readonly input: unknown }
  | { readonly type: 'StateExited'; readonly name: string; readonly output: unknown }
  | { readonly type: 'StateFailed'; readonly name: string; readonly error: Error }
  | { readonly type: 'StateRetried'; readonly name: string; readonly input: unknown }
  | { readonly type: 'StateCaught'; readonly name: string };

export interface EngineObserver {
  onRunStarted(run: EngineRun): void;
  onEvent(run: EngineRun, event: EngineEvent): void;
}

const OBSERVER = Symbol('local-stepfunctions-observer');

/** Run options that make the engine report to `observer` (and pass it on to nested runs). */
export function observedRunOptions(options: RunOptions, observer: EngineObserver): RunOptions {
  installEngineHook();
  return { ...options, [OBSERVER]: observer } as RunOptions;
}

type Dispatch = (...args: never[]) => void;
interface EngineEventLogger {
  isLoggerClosed: boolean;
  [method: string]: unknown;
}
interface EngineExecuteOptions {
  runOptions?: RunOptions & { [OBSERVER]?: EngineObserver };
  abortSignal: AbortSignal;
  eventLogger: EngineEventLogger;
}
type Run = (this: StateMachine, input: unknown, options?: RunOptions & { _rootAbortSignal?: AbortSignal; [OBSERVER]?: EngineObserver }) => unknown;
type Execute = (this: StateMachine, input: unknown, options: EngineExecuteOptions, cleanup: () => void) => unknown;

let installed = false;
let nextRunId = 1;
const runsBySignal = new WeakMap<AbortSignal, EngineRun>();
// `run` calls `execute` synchronously; this stack hands the parent's abort signal from one to the other.
const parentSignals: (AbortSignal | undefined)[] = [];

/**
 * Wraps the engine's `run` and (private) `execute` once. Both stay untouched for runs without an observer.
 * Pinned to aws-local-stepfunctions 3.0.0; fails loudly if the engine's shape changes.
 */
export function installEngineHook(): void {
  if (installed) return;
  const prototype = StateMachine.prototype as unknown as { run: Run; execute: Execute };
  const originalRun = prototype.run;
  const originalExecute = prototype.execute;
  if (typeof originalRun !== 'function' || typeof originalExecute !== 'function') {
    throw new Error('aws-local-stepfunctions changed shape (StateMachine.prototype.execute is gone): local/stepfunctions/engine-hook.ts needs updating');
  }
  prototype.run = function run(input, options) {
    if (!options?.[OBSERVER]) return originalRun.call(this, input, options);
    parentSignals.push(options._rootAbortSignal);
    try {
      return originalRun.call(this, input, options);
    } finally {
      parentSignals.pop();
    }
  };
  prototype.execute = function execute(input, options, cleanup) {
    const observer = options.runOptions?.[OBSERVER];
    if (observer) {
      const parentSignal = parentSignals.at(-1);
      const run: EngineRun = { id: nextRunId++, parent: parentSignal && runsBySignal.get(parentSignal), signal: options.abortSignal };
      runsBySignal.set(options.abortSignal, run);
      observer.onRunStarted(run);
      instrumentLogger(options.eventLogger, (event) => observer.onEvent(run, event));
    }
    return originalExecute.call(this, input, options, cleanup);
  };
  installed = true;
}

/** Reports the run's own events (not the nested ones the engine forwards into it) while its log is open. */
function instrumentLogger(logger: EngineEventLogger, report: (event: EngineEvent) => void): void {
  const tap = (method: string, toEvent: (...args: never[]) => EngineEvent): void => {
    const original = logger[method] as Dispatch;
    if (typeof original !== 'function') throw new Error(`aws-local-stepfunctions changed shape (EventLogger.${method} is gone)`);
    logger[method] = function (this: unknown, ...args: never[]) {
      if (!logger.isLoggerClosed) report(toEvent(...args));
      return original.apply(this, args);
    };
  };
  tap('dispatchExecutionStartedEvent', (input: unknown) => ({ type: 'ExecutionStarted', input }));
  tap('dispatchExecutionSucceededEvent', (output: unknown) => ({ type: 'ExecutionSucceeded', output }));
  tap('dispatchExecutionFailedEvent', (error: Error) => ({ type: 'ExecutionFailed', error }));
  tap('dispatchExecutionAbortedEvent', () => ({ type: 'ExecutionAborted' }));
  tap('dispatchStateEnteredEvent', (name: string, _type: string, input: unknown) => ({ type: 'StateEntered', name, input }));
  tap('dispatchStateExitedEvent', (name: string, _type: string, _input: unknown, output: unknown) => ({ type: 'StateExited', name, output }));
  tap('dispatchStateFailedEvent', (name: string, _type: string, _input: unknown, error: Error) => ({ type: 'StateFailed', name, error }));
  tap('dispatchStateRetriedEvent', (name: string, _type: string, input: unknown) => ({ type: 'StateRetried', name, input }));
  tap('dispatchStateCaughtEvent', (name: string) => ({ type: 'StateCaught', name }));
}

import { ExecutionError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { StateIndex } from './definition.js';
import { ROOT_EXECUTION_CONTEXT_KEY } from './engine-definition.js';
import { observedRunOptions, type EngineEvent, type EngineObserver, type EngineRun } from './engine-hook.js';
import { ExecutionHistory, executionData } from './history.js';
import { HistoryMapper } from './history-mapper.js';
import { createTaskHandlers, type InvokeLambda, type TaskAttempt } from './task-handlers.js';
import type { TaskTokenRegistry } from './task-tokens.js';
import { scaledMs, startTimer } from './timers.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionSetup {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  /** The input as the caller sent it (JSON text). */
  readonly input: string;
  /** The original definition's execution TimeoutSeconds, if any. */
  readonly timeoutSeconds: number | undefined;
  readonly states: StateIndex;
  readonly engineDefinition: StateMachineDefinition;
  readonly region: string;
  readonly timeScale: number;
  readonly invokeLambda: InvokeLambda;
  readonly tokens: TaskTokenRegistry;
}

interface MutableAttempt {
  readonly run: EngineRun;
  readonly stateName: string;
  readonly rawInput: unknown;
  token: string | undefined;
}

/**
 * One execution on the aws-local-stepfunctions engine: its status, its history, its task tokens, its
 * timeout. Observes the engine synchronously (see engine-hook.ts), so the history is in real order.
 */
export class LocalExecution implements EngineObserver {
  status: ExecutionStatus = 'RUNNING';
  readonly startDate = new Date();
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  readonly history = new ExecutionHistory();
  /** Settles once the execution has ended (any status). */
  readonly ended: Promise<void>;

  private readonly mapper: HistoryMapper;
  private readonly endSignal = new AbortController();
  private abortEngine: () => void = () => {};
  private cancelTimeout: () => void = () => {};
  private markEnded: () => void = () => {};
  /** The state the engine is starting: Task handlers run synchronously after it is announced. */
  private attempt: MutableAttempt | undefined;
  /** The error a Fail state threw, with whether it named an Error and a Cause (the engine fills in defaults). */
  private failStateError: { readonly error: Error; readonly hasError: boolean; readonly hasCause: boolean } | undefined;

  constructor(private readonly setup: ExecutionSetup) {
    this.mapper = new HistoryMapper(this.history, setup.states);
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  get executionArn(): string {
    return this.setup.executionArn;
  }

  get name(): string {
    return this.setup.name;
  }

  get stateMachineArn(): string {
    return this.setup.stateMachineArn;
  }

  /** The input as the caller sent it. */
  get input(): string {
    return this.setup.input;
  }

  start(): void {
    const { setup } = this;
    const input = JSON.parse(setup.input) as unknown;
    const execution = { Id: setup.executionArn, Input: input, Name: setup.name, RoleArn: setup.roleArn, StartTime: this.startDate.toISOString(), RedriveCount: 0 };
    const task = {};
    // A getter, so each task attempt that reads $$.Task.Token gets its own token, issued as it is read.
    Object.defineProperty(task, 'Token', { enumerable: true, get: () => this.tokenOfCurrentAttempt() });
    const context = { Execution: execution, [ROOT_EXECUTION_CONTEXT_KEY]: execution, StateMachine: { Id: setup.stateMachineArn, Name: setup.stateMachineName }, Task: task };

    const handlers = createTaskHandlers(setup.engineDefinition, setup.states, {
      executionArn: setup.executionArn,
      region: setup.region,
      timeScale: setup.timeScale,
      invokeLambda: setup.invokeLambda,
      tokens: setup.tokens,
      history: this.history,
      context,
      currentAttempt: (stateName) => this.currentAttempt(stateName),
    });
    if (setup.timeoutSeconds !== undefined) {
      this.cancelTimeout = startTimer(scaledMs(setup.timeoutSeconds, setup.timeScale), () => this.timeOut());
    }
    const machine = new StateMachine(setup.engineDefinition, { validationOptions: { noValidate: true } });
    const run = machine.run(input as never, observedRunOptions({ overrides: { taskResourceLocalHandlers: handlers }, context: context as RunOptions['context'], noThrowOnAbort: true }, this));
    this.abortEngine = run.abort;
    void drain(run.eventLogs);
    // The observer ends the execution; this only covers an engine that settles without saying so.
    run.result.then(
      (output) => this.end('SUCCEEDED', { output: JSON.stringify(output ?? null) }, () => this.history.recordLast('ExecutionSucceeded', 'executionSucceededEventDetails', executionData('output', output))),
      (error: unknown) => this.fail(error instanceof ExecutionError && error.cause instanceof Error ? error.cause : new Error(String(error))),
    );
  }

  /** StopExecution: ends it as ABORTED and unwinds everything still running in it. */
  stop(error: string | undefined, cause: string | undefined): void {
    const stopped = this.end('ABORTED', { error, cause }, () =>
      this.history.recordLast('ExecutionAborted', 'executionAbortedEventDetails', { ...(error ? { error } : {}), ...(cause ? { cause } : {}) }),
    );
    if (stopped) this.abortEngine();
  }

  onRunStarted(run: EngineRun): void {
    this.mapper.runStarted(run);
  }

  onEvent(run: EngineRun, event: EngineEvent): void {
    if (this.status !== 'RUNNING') return;
    if (event.type === 'StateEntered' || event.type === 'StateRetried') {
      this.attempt = { run, stateName: event.name, rawInput: event.input, token: undefined };
    }
    const failState = event.type === 'StateFailed' ? this.setup.states.get(event.name)?.state : undefined;
    if (event.type === 'StateFailed' && failState?.Type === 'Fail') {
      this.failStateError = { error: event.error, hasError: 'Error' in failState || 'ErrorPath' in failState, hasCause: 'Cause' in failState || 'CausePath' in failState };
    }
    if (run.parent !== undefined) return this.mapper.map(run, event);
    switch (event.type) {
      case 'ExecutionStarted':
        return this.history.record('ExecutionStarted', 'executionStartedEventDetails', { input: this.setup.input, inputDetails: { truncated: false }, roleArn: this.setup.roleArn });
      case 'ExecutionSucceeded':
        this.end('SUCCEEDED', { output: JSON.stringify(event.output ?? null) }, () =>
          this.history.recordLast('ExecutionSucceeded', 'executionSucceededEventDetails', executionData('output', event.output)),
        );
        return;
      case 'ExecutionFailed':
        return this.fail(event.error);
      case 'ExecutionAborted':
        return; // only ever after stop() or the timeout, which have ended the execution already
      default:
        return this.mapper.map(run, event);
    }
  }

  private fail(thrown: Error): void {
    const { error, cause } = this.failureOf(thrown);
    this.end('FAILED', { error, cause }, () =>
      this.history.recordLast('ExecutionFailed', 'executionFailedEventDetails', { ...(error ? { error } : {}), ...(cause ? { cause } : {}) }),
    );
  }

  /** Error and Cause as the engine reports them, without the defaults it invents for a Fail state that names none. */
  private failureOf(thrown: Error): { error: string | undefined; cause: string | undefined } {
    const rawCause: unknown = thrown.cause ?? thrown.message;
    let error: string | undefined = thrown.name || undefined;
    let cause: string | undefined = (typeof rawCause === 'string' ? rawCause : JSON.stringify(rawCause)) || undefined;
    if (this.failStateError?.error === thrown) {
      if (!this.failStateError.hasError) error = undefined;
      if (!this.failStateError.hasCause) cause = undefined;
    }
    return { error, cause };
  }

  private timeOut(): void {
    const timedOut = this.end('TIMED_OUT', { error: 'States.Timeout' }, () =>
      this.history.recordLast('ExecutionTimedOut', 'executionTimedOutEventDetails', { error: 'States.Timeout' }),
    );
    if (timedOut) this.abortEngine();
  }

  /** Moves a RUNNING execution to its final status once; false if it had already ended. */
  private end(status: Exclude<ExecutionStatus, 'RUNNING'>, result: { output?: string; error?: string | undefined; cause?: string | undefined }, recordLastEvent: () => void): boolean {
    if (this.status !== 'RUNNING') return false;
    this.status = status;
    this.stopDate = new Date();
    this.output = result.output;
    this.error = result.error;
    this.cause = result.cause;
    recordLastEvent();
    this.cancelTimeout();
    this.endSignal.abort();
    this.setup.tokens.closeExecution(this.setup.executionArn);
    this.markEnded();
    return true;
  }

  private currentAttempt(stateName: string): TaskAttempt {
    const attempt = this.attempt;
    const known = attempt?.stateName === stateName ? attempt : undefined;
    const runSignal = known?.run.signal;
    return {
      stateName,
      rawInput: known?.rawInput,
      signal: runSignal ? AbortSignal.any([runSignal, this.endSignal.signal]) : this.endSignal.signal,
      token: known?.token,
    };
  }

  private tokenOfCurrentAttempt(): string | undefined {
    if (!this.attempt) return undefined;
    this.attempt.token ??= this.setup.tokens.issue(this.setup.executionArn);
    return this.attempt.token;
  }
}

async function drain(events: AsyncGenerator<unknown>): Promise<void> {
  // Nothing is read from the engine's own log (see engine-hook.ts), but unread it would grow until the end.
  for await (const _ of events);
}

import { SfnError } from './errors.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { installEngineHook } from './engine-hook.js';
import { ExecutionRegistry } from './executions.js';
import type { LocalExecution } from './execution.js';
import { executionStatusChangeEvent, type ExecutionStatusChangeBusEvent } from './status-change-event.js';
import { createOperations, type Operation } from './operations.js';
import { createProtocolServer } from './protocol.js';
import { StateMachineRegistry, type Tag } from './state-machines.js';
import type { InvokeLambda } from './task-handlers.js';
import { TaskTokenRegistry } from './task-tokens.js';

export interface LocalStepFunctionsOptions {
  /** e.g. 'us-east-1': goes into every ARN. */
  readonly region: string;
  /** e.g. '000000000000': goes into every ARN. */
  readonly accountId: string;
  /** Runs a Lambda function in process: Task states call it. */
  readonly invokeLambda: InvokeLambda;
  /**
   * How many times faster workflow time runs: Wait states, Task TimeoutSeconds and HeartbeatSeconds,
   * Retry intervals and the execution's TimeoutSeconds all take 1/timeScale of their real duration.
   * @default 1
   */
  readonly timeScale?: number;
  /** Gets each "Step Functions Execution Status Change" event (RUNNING, then the end), as EventBridge would. */
  readonly onExecutionStatusChange?: (event: ExecutionStatusChangeBusEvent) => void;
}

export interface CreateStateMachineRequest {
  readonly name: string;
  /** Amazon States Language (JSONPath), as text. */
  readonly definition: string;
  readonly roleArn: string;
  readonly type?: 'STANDARD';
  readonly tags?: readonly Tag[];
}

/**
 * AWS Step Functions on this machine: state machines run on the aws-local-stepfunctions engine,
 * Task states call `invokeLambda`, and the Step Functions API is served over HTTP for the AWS SDK and CLI.
 */
export class LocalStepFunctions {
  private readonly tokens = new TaskTokenRegistry();
  private readonly stateMachines: StateMachineRegistry;
  private readonly executions: ExecutionRegistry;
  private readonly operations: Readonly<Record<string, Operation>>;
  private server: Server | undefined;
  private refusingStarts = false;

  constructor(options: LocalStepFunctionsOptions) {
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    installEngineHook(); // fails here, not mid-execution, if the engine no longer has the shape it hooks into
    const scope = { region: options.region, accountId: options.accountId };
    this.stateMachines = new StateMachineRegistry(scope, timeScale);
    const onStatusChange = options.onExecutionStatusChange;
    this.executions = new ExecutionRegistry({
      ...scope,
      timeScale,
      invokeLambda: options.invokeLambda,
      tokens: this.tokens,
      ...(onStatusChange && { onStatusChange: (execution: LocalExecution) => onStatusChange(executionStatusChangeEvent(execution, scope)) }),
    });
    const operations = createOperations({ stateMachines: this.stateMachines, executions: this.executions, tokens: this.tokens });
    const start = operations['StartExecution']!;
    this.operations = { ...operations, StartExecution: (body) => (this.refuseIfAsked(), start(body)) };
  }

  /** Fault knob: while on, StartExecution answers ThrottlingException (as AWS does past its rate), however often retried. */
  refuseStarts(refuse: boolean): void {
    this.refusingStarts = refuse;
  }

  private refuseIfAsked(): void {
    if (this.refusingStarts) throw new SfnError('ThrottlingException', 'Rate exceeded (the local Step Functions refuses starts: faults.stepFunctions.refuseStarts)');
  }

  /** As the CreateStateMachine API (and with its errors, as SfnError): the same name and definition again returns the existing one. */
  createStateMachine(request: CreateStateMachineRequest): { stateMachineArn: string; creationDate: Date } {
    const created = this.stateMachines.create(request);
    return { stateMachineArn: created.arn, creationDate: created.creationDate };
  }

  /** As the StartExecution API (and with its errors, as SfnError), for callers in this process such as the local scheduler. */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    const execution = this.executions.start(this.stateMachines.get(request.stateMachineArn), request.name, request.input);
    return { executionArn: execution.executionArn, startDate: execution.startDate };
  }

  /** Whether this engine is running the execution now (an execution from before a restart is unknown to it). */
  isRunning(executionArn: string): boolean {
    try {
      return this.executions.get(executionArn).status === 'RUNNING';
    } catch {
      return false;
    }
  }

  /**
   * Resolves when the execution leaves RUNNING (at once when it has, or when this engine does not know it): what a
   * caller in this process (a test) waits on instead of polling DescribeExecution.
   */
  async executionEnded(executionArn: string): Promise<void> {
    let execution;
    try {
      execution = this.executions.get(executionArn);
    } catch {
      return;
    }
    await execution.ended;
  }

  /** Serves the Step Functions API on `host:port` (port 0: any free port). */
  async listen(port: number, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
    if (this.server) throw new Error('The local Step Functions service is already listening');
    const server = createProtocolServer(this.operations);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${urlHost}:${address.port}`, port: address.port };
  }

  /** Stops serving and aborts every running execution (recorded as ABORTED), leaving no timer or socket behind. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.executions.stopAll('The local Step Functions service was closed');
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    // Aborted tasks unwind through the engine in the next turns of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

import { randomUUID } from 'node:crypto';
import { assertExecutionArn, assertValidName, executionArn, type AccountScope } from './arns.js';
import { SfnError } from './errors.js';
import { LocalExecution } from './execution.js';
import type { StateMachineRecord } from './state-machines.js';
import type { InvokeLambda } from './task-handlers.js';
import type { TaskTokenRegistry } from './task-tokens.js';

export interface ExecutionEnvironment extends AccountScope {
  readonly timeScale: number;
  readonly invokeLambda: InvokeLambda;
  readonly tokens: TaskTokenRegistry;
  /** Told when an execution starts and when it ends, as Step Functions tells EventBridge (not while closing down). */
  readonly onStatusChange?: (execution: LocalExecution) => void;
}

const MAX_INPUT_BYTES = 256 * 1024;

/** Every execution started here, kept in memory with its history. */
export class ExecutionRegistry {
  private readonly byArn = new Map<string, { readonly execution: LocalExecution; readonly stateMachine: StateMachineRecord }>();
  /** Set by stopAll: executions the service stops as it closes are not news to anyone. */
  private closing = false;

  constructor(private readonly environment: ExecutionEnvironment) {}

  /**
   * As StartExecution: the same name and input while that execution runs returns it again;
   * any other reuse of a name is ExecutionAlreadyExists.
   */
  start(stateMachine: StateMachineRecord, name: string | undefined, input: string | undefined): LocalExecution {
    const executionName = name ?? randomUUID();
    assertValidName(executionName, 'execution');
    const inputText = input ?? '{}';
    assertJsonInput(inputText);
    const arn = executionArn(this.environment, stateMachine.name, executionName);
    const existing = this.byArn.get(arn)?.execution;
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = new LocalExecution({
      executionArn: arn,
      name: executionName,
      stateMachineArn: stateMachine.arn,
      stateMachineName: stateMachine.name,
      roleArn: stateMachine.roleArn,
      input: inputText,
      timeoutSeconds: stateMachine.definition.TimeoutSeconds,
      states: stateMachine.states,
      engineDefinition: stateMachine.engineDefinition,
      region: this.environment.region,
      timeScale: this.environment.timeScale,
      invokeLambda: this.environment.invokeLambda,
      tokens: this.environment.tokens,
    });
    this.byArn.set(arn, { execution, stateMachine });
    execution.start();
    const notify = this.environment.onStatusChange;
    if (notify) {
      notify(execution);
      void execution.ended.then(() => {
        if (!this.closing) notify(execution);
      });
    }
    return execution;
  }

  get(arn: string): LocalExecution {
    return this.entry(arn).execution;
  }

  stateMachineOf(arn: string): StateMachineRecord {
    return this.entry(arn).stateMachine;
  }

  /** A state machine's executions, newest first, as ListExecutions returns them. */
  list(stateMachineArn: string): LocalExecution[] {
    return [...this.byArn.values()]
      .filter(({ stateMachine }) => stateMachine.arn === stateMachineArn)
      .map(({ execution }) => execution)
      .reverse();
  }

  /** Stops every running execution (recorded as ABORTED) and waits until they have unwound. */
  async stopAll(cause: string): Promise<void> {
    this.closing = true;
    const running = [...this.byArn.values()].map(({ execution }) => execution).filter((execution) => execution.status === 'RUNNING');
    for (const execution of running) execution.stop(undefined, cause);
    await Promise.all(running.map((execution) => execution.ended));
  }

  private entry(arn: string): { readonly execution: LocalExecution; readonly stateMachine: StateMachineRecord } {
    assertExecutionArn(arn);
    const entry = this.byArn.get(arn);
    if (!entry) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return entry;
  }
}

function assertJsonInput(input: string): void {
  if (Buffer.byteLength(input) > MAX_INPUT_BYTES) throw new SfnError('InvalidExecutionInput', 'Invalid Execution Input: the input is larger than 256 KiB');
  try {
    JSON.parse(input);
  } catch (error) {
    throw new SfnError('InvalidExecutionInput', `Invalid Execution Input: the input is not JSON (${(error as Error).message})`);
  }
}

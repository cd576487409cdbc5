/**
 * The bare aws-local-stepfunctions engine, set up as its README shows: `new StateMachine(definition)` on a state
 * machine's ASL exactly as deployed, and `taskResourceLocalHandlers` making each Lambda task a direct call of the
 * registered handler. No history, no task tokens, no timeouts of ours: the baseline of bench/orchestration-overhead.ts.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { functionRegistry, type FunctionSpec } from '../functions/registry.js';
import { PROJECT_ROOT } from '../local/project-root.js';
import { LOCAL_ACCOUNT_ID, LOCAL_NAME_PREFIX, LOCAL_REGION } from '../local/stack-config.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
interface AslStates {
  readonly States: Readonly<Record<string, { Type: string; Resource?: string; Parameters?: unknown; Branches?: AslStates[]; Iterator?: AslStates; ItemProcessor?: AslStates }>>;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

export interface BareEngine {
  /** Runs one execution to its end: resolves with its output, rejects as the engine does when it fails. */
  run(executionName: string, input: unknown): Promise<unknown>;
}

/** A bare engine for the state machine `stateMachineArn` whose ASL is `definitionText` (as DescribeStateMachine gives it). */
export async function bareEngine(stateMachineArn: string, definitionText: string): Promise<BareEngine> {
  const definition = JSON.parse(definitionText) as StateMachineDefinition;
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [stateName, state] of taskStates(definition as unknown as AslStates)) {
    const resource = state.Resource ?? '';
    if (resource === LAMBDA_INVOKE) {
      const functionArn = String((state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName);
      const handler = await loadHandler(functionArn);
      handlers[stateName] = async (input) => {
        const { Payload } = input as { Payload?: unknown };
        // What the lambda:invoke integration hands on: the function's result under Payload.
        return { ExecutedVersion: '$LATEST', Payload: await handler(Payload ?? {}, lambdaContext(functionArn)), StatusCode: 200 };
      };
    } else if (resource.includes(':function:')) {
      const handler = await loadHandler(resource);
      handlers[stateName] = (input) => handler(input, lambdaContext(resource));
    } else {
      throw new Error(`the bare engine baseline runs Lambda tasks only; state ${stateName} has resource ${resource}`);
    }
  }
  const stateMachineName = stateMachineArn.split(':').at(-1)!;
  // Unvalidated, as our runtime builds it (validation would cost only here, outside the timed runs). The stack's engine
  // hook wraps StateMachine.prototype.run too, but passes runs without its observer straight through.
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  return {
    run(executionName, input) {
      // The engine's default context has no Execution.Id; the ASL passes $$.Execution.Id to every handler.
      const execution = { Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:${stateMachineName}:${executionName}`, Input: input, Name: executionName, StartTime: new Date().toISOString() };
      const context = { Execution: execution, StateMachine: { Id: stateMachineArn, Name: stateMachineName } };
      return machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as TaskHandlers }, context: context as RunOptions['context'] }).result;
    },
  };
}

/** Every Task state, nested ones (Parallel branches, Map iterations) included. */
function* taskStates(machine: AslStates): Generator<[string, AslStates['States'][string]]> {
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.Type === 'Task') yield [name, state];
    for (const nested of [...(state.Branches ?? []), state.Iterator, state.ItemProcessor]) if (nested) yield* taskStates(nested);
  }
}

const functionNameOf = (functionArn: string): string => functionArn.split(':function:').pop()!.split(':')[0]!;

/** The registered handler behind a function ARN, imported from the URL the local Lambda runtime imports it from (the same module instance). */
async function loadHandler(functionArn: string): Promise<Handler> {
  const spec: FunctionSpec | undefined = functionRegistry.find((candidate) => LOCAL_NAME_PREFIX + candidate.name === functionNameOf(functionArn));
  if (!spec) throw new Error(`no registered function behind ${functionArn}`);
  return ((await import(pathToFileURL(resolve(PROJECT_ROOT, spec.entry)).href)) as { handler: Handler }).handler;
}

/** The least of a Lambda context the handlers read (Powertools' logger takes its fields). */
function lambdaContext(functionArn: string): Context {
  const functionName = functionNameOf(functionArn);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bare',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

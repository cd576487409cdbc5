import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/stepfunctions/index.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/irdr-test`;
const fn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

type Handler = (payload: any) => unknown;

/** In-test Lambda functions, by name; the lead wires the real handlers in local/stack.ts. */
const handlers: Record<string, Handler> = {};
const calls: Record<string, unknown[]> = {};
async function invokeLambda(functionArn: string, payload: unknown): Promise<unknown> {
  const name = functionArn.split(':function:').at(-1)!.split(':')[0]!;
  (calls[name] ??= []).push(payload);
  const handler = handlers[name];
  if (!handler) throw Object.assign(new Error(`no function ${name}`), { name: 'ResourceNotFoundException' });
  return handler(payload);
}

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** Each Task in a test gets its own function name, so tests can run side by side. */
let machineCount = 0;
function uniqueName(prefix: string): string {
  machineCount += 1;
  return `${prefix}-${machineCount}`;
}

/** Task tokens, by the id their function was given, as a human-task handler would store them. */
const tokens = new Map<string, string>();
handlers['store-token'] = (payload: { id: string; token: string }) => {
  tokens.set(payload.id, payload.token);
  return { stored: true };
};

async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: last saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('local Step Functions API (real server, @aws-sdk/client-sfn)', () => {
  // 60 s of workflow time is 100 ms here.
  const service = new LocalStepFunctions({ region: REGION, accountId: ACCOUNT, invokeLambda, timeScale: 600 });
  let client: SFNClient;

  beforeAll(async () => {
    const { url } = await service.listen(0);
    client = new SFNClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await service.close();
  });

  async function createMachine(prefix: string, definition: object): Promise<string> {
    const created = await client.send(new CreateStateMachineCommand({ name: uniqueName(prefix), definition: JSON.stringify(definition), roleArn: ROLE }));
    return created.stateMachineArn!;
  }

  async function start(stateMachineArn: string, input: unknown = {}, name?: string): Promise<string> {
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }));
    return started.executionArn!;
  }

  function describeExecution(executionArn: string): Promise<DescribeExecutionOutput> {
    return client.send(new DescribeExecutionCommand({ executionArn }));
  }

  function finished(executionArn: string): Promise<DescribeExecutionOutput> {
    return eventually(() => describeExecution(executionArn), (execution) => execution.status !== 'RUNNING', `${executionArn} to finish`);
  }

  async function history(executionArn: string): Promise<HistoryEvent[]> {
    return (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
  }

  const types = (events: HistoryEvent[]): string[] => events.map((event) => event.type!);

  function tokenFor(id: string): Promise<string> {
    return eventually(() => tokens.get(id), (token) => token !== undefined, `the task token of ${id}`) as Promise<string>;
  }

  it('creates, lists and describes state machines, idempotently by name and definition', async () => {
    const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const name = uniqueName('crud');
    const created = await client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE }));
    expect(created.stateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`);
    expect(created.creationDate).toBeInstanceOf(Date);

    const again = await client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE }));
    expect(again.stateMachineArn).toBe(created.stateMachineArn);
    await expect(
      client.send(new CreateStateMachineCommand({ name, definition: JSON.stringify({ StartAt: 'Other', States: { Other: { Type: 'Succeed' } } }), roleArn: ROLE })),
    ).rejects.toMatchObject({ name: 'StateMachineAlreadyExists' });

    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(described).toMatchObject({ name, definition, roleArn: ROLE, type: 'STANDARD', status: 'ACTIVE' });
    const listed = await client.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((machine) => machine.stateMachineArn)).toContain(created.stateMachineArn);

    await expect(client.send(new DescribeStateMachineCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:nope` }))).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
    await expect(client.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(client.send(new CreateStateMachineCommand({ name: 'has space', definition, roleArn: ROLE }))).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('refuses an invalid definition with InvalidDefinition', async () => {
    const broken = { StartAt: 'Missing', States: { Only: { Type: 'Pass', Next: 'Nowhere' } } };
    await expect(client.send(new CreateStateMachineCommand({ name: uniqueName('broken'), definition: JSON.stringify(broken), roleArn: ROLE }))).rejects.toMatchObject({
      name: 'InvalidDefinition',
    });
    await expect(client.send(new CreateStateMachineCommand({ name: uniqueName('broken'), definition: '{not json', roleArn: ROLE }))).rejects.toMatchObject({
      name: 'InvalidDefinition',
    });
  });

  it('runs lambda:invoke to SUCCEEDED with the AWS result shape and the context object', async () => {
    const name = uniqueName('add');
    handlers[name] = (payload: { a: number; b: number }) => ({ sum: payload.a + payload.b });
    const stateMachineArn = await createMachine('invoke', {
      StartAt: 'Add',
      States: {
        Add: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: fn(name),
            Payload: { 'a.$': '$.a', 'b.$': '$.b', 'executionId.$': '$$.Execution.Id', 'executionName.$': '$$.Execution.Name', 'machine.$': '$$.StateMachine.Name' },
          },
          ResultSelector: { 'sum.$': '$.Payload.sum', 'statusCode.$': '$.StatusCode', 'version.$': '$.ExecutedVersion' },
          ResultPath: '$.result',
          End: true,
        },
      },
    });
    const executionArn = await start(stateMachineArn, { a: 2, b: 3 }, 'first');
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ a: 2, b: 3, result: { sum: 5, statusCode: 200, version: '$LATEST' } });
    expect(calls[name]).toEqual([{ a: 2, b: 3, executionId: executionArn, executionName: 'first', machine: stateMachineArn.split(':').at(-1) }]);
    expect(executionArn).toBe(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:first`);

    const forExecution = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(forExecution.stateMachineArn).toBe(stateMachineArn);
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(listed.executions?.map((item) => item.executionArn)).toEqual([executionArn]);
  });

  it('starts executions idempotently by name and input', async () => {
    const stateMachineArn = await createMachine('idempotent', { StartAt: 'Wait', States: { Wait: humanTask('idempotent', { End: true }) } });
    const first = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'incident-42', input: '{"n":1}' }));
    const again = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'incident-42', input: '{"n":1}' }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(client.send(new StartExecutionCommand({ stateMachineArn, name: 'incident-42', input: '{"n":2}' }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await expect(client.send(new StartExecutionCommand({ stateMachineArn, input: 'not json' }))).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await expect(client.send(new StartExecutionCommand({ stateMachineArn, name: 'incident-42', input: '{"n":1}' }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  it('retries a named handler error, then catches it, and the history shows each TaskFailed', async () => {
    const name = uniqueName('restore');
    handlers[name] = () => {
      throw namedError('RestoreFailed', 'snapshot is corrupt');
    };
    const stateMachineArn = await createMachine('retry-catch', {
      StartAt: 'Restore',
      States: {
        Restore: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn(name), 'Payload.$': '$' },
          Retry: [{ ErrorEquals: ['RestoreFailed'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
          Catch: [{ ErrorEquals: ['RestoreFailed'], ResultPath: '$.failure', Next: 'RecordFailure' }],
          End: true,
        },
        RecordFailure: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(stateMachineArn, { drill: 'd1' });
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls[name]).toHaveLength(3);
    const output = JSON.parse(execution.output!) as { drill: string; failure: { Error: string; Cause: string } };
    expect(output.drill).toBe('d1');
    expect(output.failure.Error).toBe('RestoreFailed');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({ errorType: 'RestoreFailed', errorMessage: 'snapshot is corrupt' });

    const events = await history(executionArn);
    const failures = events.filter((event) => event.type === 'TaskFailed');
    expect(failures).toHaveLength(3);
    for (const failure of failures) {
      expect(failure.taskFailedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'RestoreFailed' });
      expect(JSON.parse(failure.taskFailedEventDetails!.cause!)).toMatchObject({ errorType: 'RestoreFailed', errorMessage: 'snapshot is corrupt' });
    }
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.find((event) => event.type === 'PassStateEntered')?.stateEnteredEventDetails?.name).toBe('RecordFailure');
  });

  it('waits for a task token: RUNNING until SendTaskSuccess, whose output flows on', async () => {
    const stateMachineArn = await createMachine('approve', {
      StartAt: 'Approve',
      States: {
        Approve: humanTask('approve', { ResultPath: '$.decision', Next: 'Done' }),
        Done: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(stateMachineArn, { incident: 'INC-1' });
    const token = await tokenFor('approve');
    expect((await describeExecution(executionArn)).status).toBe('RUNNING');

    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true, by: 'alice' }) }));
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ incident: 'INC-1', decision: { approved: true, by: 'alice' } });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });

    const events = await history(executionArn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2]!.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: REGION });
    expect(JSON.parse(events[4]!.taskSubmittedEventDetails!.output!)).toMatchObject({ Payload: { stored: true }, StatusCode: 200 });
    expect(JSON.parse(events[5]!.taskSucceededEventDetails!.output!)).toEqual({ approved: true, by: 'alice' });
  });

  it('catches SendTaskFailure by its error name', async () => {
    const stateMachineArn = await createMachine('reject', {
      StartAt: 'Approve',
      States: {
        Approve: humanTask('reject', { Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Rejected' }], End: true }),
        Rejected: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(stateMachineArn);
    await client.send(new SendTaskFailureCommand({ taskToken: await tokenFor('reject'), error: 'Rejected', cause: 'not a real incident' }));
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ rejection: { Error: 'Rejected', Cause: 'not a real incident' } });
    const failed = (await history(executionArn)).find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'Rejected', cause: 'not a real incident' });
  });

  it('times a waiting task out with States.Timeout, which States.TaskFailed does not catch', async () => {
    const stateMachineArn = await createMachine('deadline', {
      StartAt: 'Acknowledge',
      States: {
        Acknowledge: humanTask('deadline', {
          TimeoutSeconds: 60,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Escalate' },
          ],
          End: true,
        }),
        Failed: { Type: 'Fail', Error: 'Wrong' },
        Escalate: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(stateMachineArn);
    const token = await tokenFor('deadline');
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).timeout.Error).toBe('States.Timeout');
    const events = await history(executionArn);
    expect(events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails?.timeoutInSeconds).toBe(60);
    expect(events.find((event) => event.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
    expect(events.find((event) => event.type === 'PassStateEntered')?.stateEnteredEventDetails?.name).toBe('Escalate');
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('fails a task whose heartbeats stop with States.HeartbeatTimeout', async () => {
    const stateMachineArn = await createMachine('heartbeat-lost', { StartAt: 'Work', States: { Work: humanTask('heartbeat-lost', { HeartbeatSeconds: 60, End: true }) } });
    const executionArn = await start(stateMachineArn);
    const execution = await finished(executionArn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    const timedOut = (await history(executionArn)).find((event) => event.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout' });
  });

  it('keeps a task alive with SendTaskHeartbeat', async () => {
    // HeartbeatSeconds 120 is 200 ms here; heartbeats every ~40 ms for longer than that.
    const stateMachineArn = await createMachine('heartbeat-kept', { StartAt: 'Work', States: { Work: humanTask('heartbeat-kept', { HeartbeatSeconds: 120, End: true }) } });
    const executionArn = await start(stateMachineArn);
    const token = await tokenFor('heartbeat-kept');
    for (let beat = 0; beat < 10; beat++) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    expect((await describeExecution(executionArn)).status).toBe('RUNNING');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"done"' }));
    const execution = await finished(executionArn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
  });

  it('runs a task inside a Parallel branch, with $$.Execution.Input of the execution', async () => {
    const name = uniqueName('scan');
    handlers[name] = (payload: { target: string; original: unknown }) => ({ scanned: payload.target, original: payload.original });
    const stateMachineArn = await createMachine('parallel', {
      StartAt: 'Respond',
      States: {
        Respond: {
          Type: 'Parallel',
          Parameters: { 'target.$': '$.host' },
          Branches: [
            {
              StartAt: 'Scan',
              States: {
                Scan: {
                  Type: 'Task',
                  Resource: fn(name),
                  Parameters: { 'target.$': '$.target', 'original.$': '$$.Execution.Input' },
                  End: true,
                },
              },
            },
            { StartAt: 'Clock', States: { Clock: { Type: 'Wait', Seconds: 30, End: true } } },
          ],
          End: true,
        },
      },
    });
    const executionArn = await start(stateMachineArn, { host: 'web-1' });
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual([{ scanned: 'web-1', original: { host: 'web-1' } }, { target: 'web-1' }]);

    const eventTypes = types(await history(executionArn));
    expect(eventTypes.slice(0, 3)).toEqual(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted']);
    expect(eventTypes.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    const branch = eventTypes.slice(3, -3);
    expect(branch.filter((type) => type.startsWith('LambdaFunction') || type.startsWith('TaskState'))).toEqual([
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
    ]);
    expect(branch.filter((type) => type.startsWith('Wait'))).toEqual(['WaitStateEntered', 'WaitStateExited']);
  });

  it('stops an execution as ABORTED and invalidates its pending task token', async () => {
    const stateMachineArn = await createMachine('stop', { StartAt: 'Wait', States: { Wait: humanTask('stop', { End: true }) } });
    const executionArn = await start(stateMachineArn);
    const token = await tokenFor('stop');
    const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'false alarm' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(await describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'false alarm' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    const events = await history(executionArn);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Cancelled', cause: 'false alarm' } });
    await expect(client.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-nope` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('numbers history events in order, newest first on reverseOrder, page by page', async () => {
    const stateMachineArn = await createMachine('history', {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Result: { step: 1 }, Next: 'Route' },
        Route: { Type: 'Choice', Choices: [{ Variable: '$.step', NumericEquals: 1, Next: 'Pause' }], Default: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await start(stateMachineArn);
    await finished(executionArn);
    const events = await history(executionArn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    events.forEach((event, index) => {
      expect(event.id).toBe(index + 1);
      expect(event.previousEventId).toBe(index);
      expect(event.timestamp).toBeInstanceOf(Date);
    });
    expect(JSON.parse(events.at(-1)!.executionSucceededEventDetails!.output!)).toEqual({ step: 1 });

    const reversed = (await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }))).events!;
    expect(reversed.map((event) => event.id)).toEqual(events.map((event) => event.id).reverse());

    const firstPage = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4 }));
    const secondPage = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, nextToken: firstPage.nextToken }));
    const lastPage = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, nextToken: secondPage.nextToken }));
    expect([firstPage, secondPage, lastPage].flatMap((page) => page.events!.map((event) => event.id))).toEqual(events.map((event) => event.id));
    expect(lastPage.nextToken).toBeUndefined();

    const withoutData = (await client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }))).events!;
    expect(withoutData[1]!.stateEnteredEventDetails).toEqual({ name: 'First' });
  });
});

describe('local Step Functions time scale', () => {
  it('finishes a Wait of 3600 s at timeScale 36000', async () => {
    const service = new LocalStepFunctions({ region: REGION, accountId: ACCOUNT, invokeLambda, timeScale: 36_000 });
    const { url } = await service.listen(0);
    const client = new SFNClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const { stateMachineArn } = service.createStateMachine({
        name: 'hour',
        roleArn: ROLE,
        definition: JSON.stringify({ StartAt: 'Hour', TimeoutSeconds: 7200, States: { Hour: { Type: 'Wait', Seconds: 3600, End: true } } }),
      });
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: '{"ok":true}' }));
      // What an in-process waiter awaits: it settles once the execution has ended, as DescribeExecution then says.
      await service.executionEnded(executionArn!);
      expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('SUCCEEDED');
      // One this engine does not know (another start's) does not hold its waiter.
      await service.executionEnded(`${executionArn!}-of-another-start`);
      const execution = await eventually(
        () => client.send(new DescribeExecutionCommand({ executionArn })),
        (described) => described.status !== 'RUNNING',
        'the hour to pass',
      );
      expect(execution).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}' });
    } finally {
      client.destroy();
      await service.close();
    }
  });

  it('times an execution out by its scaled TimeoutSeconds', async () => {
    const service = new LocalStepFunctions({ region: REGION, accountId: ACCOUNT, invokeLambda, timeScale: 36_000 });
    try {
      const { stateMachineArn } = service.createStateMachine({
        name: 'too-slow',
        roleArn: ROLE,
        definition: JSON.stringify({ StartAt: 'Day', TimeoutSeconds: 3600, States: { Day: { Type: 'Wait', Seconds: 86_400, End: true } } }),
      });
      const { url } = await service.listen(0);
      const client = new SFNClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const { executionArn } = service.startExecution({ stateMachineArn });
      const execution = await eventually(
        () => client.send(new DescribeExecutionCommand({ executionArn })),
        (described) => described.status !== 'RUNNING',
        'the execution to time out',
      );
      expect(execution.status).toBe('TIMED_OUT');
      const events = (await client.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
      expect(events.at(-1)?.type).toBe('ExecutionTimedOut');
      client.destroy();
    } finally {
      await service.close();
    }
  });
});

describe('local Step Functions close()', () => {
  it('aborts running executions and leaves no timer, socket or server behind', async () => {
    const resources = (): string[] => process.getActiveResourcesInfo().filter((resource) => resource !== 'TTYWrap');
    const count = (list: string[], kind: string): number => list.filter((resource) => resource === kind).length;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let handles closed by earlier tests leave the list
    const before = resources();

    const service = new LocalStepFunctions({ region: REGION, accountId: ACCOUNT, invokeLambda, timeScale: 1 });
    const { url } = await service.listen(0);
    const client = new SFNClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { stateMachineArn } = service.createStateMachine({
      name: 'pending',
      roleArn: ROLE,
      definition: JSON.stringify({
        StartAt: 'Both',
        TimeoutSeconds: 86_400,
        States: {
          Both: {
            Type: 'Parallel',
            End: true,
            Branches: [
              { StartAt: 'Human', States: { Human: humanTask('close', { TimeoutSeconds: 3600, HeartbeatSeconds: 600, End: true }) } },
              { StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } },
            ],
          },
        },
      }),
    });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn }));
    await eventually(() => tokens.get('close'), (token) => token !== undefined, 'the pending task');
    client.destroy();
    // The execution timeout, the task's timeout and heartbeat, the Wait and the engine's own task timers.
    expect(count(resources(), 'Timeout')).toBeGreaterThan(count(before, 'Timeout'));

    await service.close();
    // Closed handles leave Node's list on the next turns of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = resources();
    expect(count(after, 'Timeout')).toBeLessThanOrEqual(count(before, 'Timeout'));
    expect(count(after, 'TCPServerWrap')).toBeLessThanOrEqual(count(before, 'TCPServerWrap'));
    expect(count(after, 'TCPSocketWrap')).toBeLessThanOrEqual(count(before, 'TCPSocketWrap'));
    expect(executionArn).toContain(':execution:pending:');
  });
});

/** A human task: the function stores `$$.Task.Token` under `id`, then the state waits for an answer. */
function humanTask(id: string, fields: object): object {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: fn('store-token'), Payload: { id, 'token.$': '$$.Task.Token' } },
    ...fields,
  };
}

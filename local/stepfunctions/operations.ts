import * as z from 'zod';
import { SfnError } from './errors.js';
import type { LocalExecution } from './execution.js';
import type { ExecutionRegistry } from './executions.js';
import { toWireEvent } from './history.js';
import type { StateMachineRecord, StateMachineRegistry } from './state-machines.js';
import type { TaskTokenRegistry } from './task-tokens.js';

/** One Step Functions API operation: the JSON body in, the JSON body out (dates as epoch seconds). */
export type Operation = (body: unknown) => unknown;

export interface OperationDependencies {
  readonly stateMachines: StateMachineRegistry;
  readonly executions: ExecutionRegistry;
  readonly tokens: TaskTokenRegistry;
}

const arn = z.string().min(1).max(2048);
const maxResults = z.number().int().min(0).max(1000).optional();
const nextToken = z.string().min(1).max(1024).optional();
const taskToken = z.string().min(1).max(2048);
const status = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

const requests = {
  CreateStateMachine: z.object({
    name: z.string(),
    definition: z.string().min(1).max(1_048_576),
    roleArn: arn,
    type: z.string().optional(),
    tags: z.array(z.object({ key: z.string().min(1).max(128), value: z.string().max(256) })).optional(),
  }),
  DescribeStateMachine: z.object({ stateMachineArn: arn }),
  ListStateMachines: z.object({ maxResults, nextToken }),
  StartExecution: z.object({ stateMachineArn: arn, name: z.string().optional(), input: z.string().optional(), traceHeader: z.string().optional() }),
  DescribeExecution: z.object({ executionArn: arn }),
  DescribeStateMachineForExecution: z.object({ executionArn: arn }),
  ListExecutions: z.object({ stateMachineArn: arn, statusFilter: status.optional(), maxResults, nextToken }),
  GetExecutionHistory: z.object({ executionArn: arn, maxResults, reverseOrder: z.boolean().optional(), nextToken, includeExecutionData: z.boolean().optional() }),
  StopExecution: z.object({ executionArn: arn, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  SendTaskSuccess: z.object({ taskToken, output: z.string().max(262_144) }),
  SendTaskFailure: z.object({ taskToken, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  SendTaskHeartbeat: z.object({ taskToken }),
  ListTagsForResource: z.object({ resourceArn: arn }),
};

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `Value at '${issue.path.join('.')}' failed to satisfy constraint: ${issue.message}`);
  throw new SfnError('ValidationException', `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** The Step Functions API operations this service speaks, by name (the X-Amz-Target suffix). */
export function createOperations({ stateMachines, executions, tokens }: OperationDependencies): Record<string, Operation> {
  return {
    CreateStateMachine: (body) => {
      const request = parse(requests.CreateStateMachine, body);
      const created = stateMachines.create(request);
      return { stateMachineArn: created.arn, creationDate: epochSeconds(created.creationDate) };
    },
    DescribeStateMachine: (body) => {
      const stateMachine = stateMachines.get(parse(requests.DescribeStateMachine, body).stateMachineArn);
      return { ...describeStateMachine(stateMachine), status: 'ACTIVE', type: stateMachine.type, creationDate: epochSeconds(stateMachine.creationDate) };
    },
    ListStateMachines: (body) => {
      const request = parse(requests.ListStateMachines, body);
      const { items, next } = page(stateMachines.list(), request.maxResults, request.nextToken);
      return {
        stateMachines: items.map((stateMachine) => ({ stateMachineArn: stateMachine.arn, name: stateMachine.name, type: stateMachine.type, creationDate: epochSeconds(stateMachine.creationDate) })),
        ...(next ? { nextToken: next } : {}),
      };
    },
    StartExecution: (body) => {
      const request = parse(requests.StartExecution, body);
      const execution = executions.start(stateMachines.get(request.stateMachineArn), request.name, request.input);
      return { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) };
    },
    DescribeExecution: (body) => describeExecution(executions.get(parse(requests.DescribeExecution, body).executionArn)),
    DescribeStateMachineForExecution: (body) => {
      const stateMachine = executions.stateMachineOf(parse(requests.DescribeStateMachineForExecution, body).executionArn);
      return { ...describeStateMachine(stateMachine), updateDate: epochSeconds(stateMachine.creationDate) };
    },
    ListExecutions: (body) => {
      const request = parse(requests.ListExecutions, body);
      const all = executions.list(stateMachines.get(request.stateMachineArn).arn);
      const matching = request.statusFilter ? all.filter((execution) => execution.status === request.statusFilter) : all;
      const { items, next } = page(matching, request.maxResults, request.nextToken);
      return { executions: items.map(listItem), ...(next ? { nextToken: next } : {}) };
    },
    GetExecutionHistory: (body) => {
      const request = parse(requests.GetExecutionHistory, body);
      const events = [...executions.get(request.executionArn).history.events];
      if (request.reverseOrder) events.reverse();
      const { items, next } = page(events, request.maxResults, request.nextToken);
      return { events: items.map((event) => toWireEvent(event, request.includeExecutionData ?? true)), ...(next ? { nextToken: next } : {}) };
    },
    StopExecution: (body) => {
      const request = parse(requests.StopExecution, body);
      const execution = executions.get(request.executionArn);
      execution.stop(request.error, request.cause);
      return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
    },
    SendTaskSuccess: (body) => {
      const request = parse(requests.SendTaskSuccess, body);
      try {
        JSON.parse(request.output);
      } catch {
        throw new SfnError('InvalidOutput', 'Invalid Output: the output is not JSON');
      }
      tokens.sendSuccess(request.taskToken, request.output);
      return {};
    },
    SendTaskFailure: (body) => {
      const request = parse(requests.SendTaskFailure, body);
      tokens.sendFailure(request.taskToken, request.error, request.cause);
      return {};
    },
    SendTaskHeartbeat: (body) => {
      tokens.sendHeartbeat(parse(requests.SendTaskHeartbeat, body).taskToken);
      return {};
    },
    ListTagsForResource: (body) => {
      const resourceArn = parse(requests.ListTagsForResource, body).resourceArn;
      const stateMachine = stateMachines.find(resourceArn);
      if (!stateMachine) throw new SfnError('ResourceNotFound', `Resource not found: '${resourceArn}'`);
      return { tags: stateMachine.tags };
    },
  };
}

function describeStateMachine(stateMachine: StateMachineRecord): Record<string, unknown> {
  return {
    stateMachineArn: stateMachine.arn,
    name: stateMachine.name,
    definition: stateMachine.definitionText,
    roleArn: stateMachine.roleArn,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

function listItem(execution: LocalExecution): Record<string, unknown> {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
    ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
  };
}

function describeExecution(execution: LocalExecution): Record<string, unknown> {
  return {
    ...listItem(execution),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.output === undefined ? {} : { output: execution.output, outputDetails: { included: true } }),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    redriveCount: 0,
  };
}

/** Offset pagination behind an opaque nextToken; maxResults 0 or absent means 100, as in AWS. */
function page<T>(all: readonly T[], maxResults: number | undefined, token: string | undefined): { items: T[]; next: string | undefined } {
  const offset = token === undefined ? 0 : offsetOf(token);
  const size = maxResults || 100;
  const items = all.slice(offset, offset + size);
  const nextOffset = offset + items.length;
  return { items, next: nextOffset < all.length ? Buffer.from(JSON.stringify({ offset: nextOffset })).toString('base64url') : undefined };
}

function offsetOf(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // reported below
  }
  throw new SfnError('InvalidToken', 'Invalid Token: the nextToken was not returned by a previous call');
}

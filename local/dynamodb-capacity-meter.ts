import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { currentFunctionName } from './aws-call-recorder.js';
import { CAPACITY_REPORT_HEADER, METERED_OPERATIONS, READ_OPERATIONS, type CapacityReport } from './dynamodb/capacity-reports.js';
import { isObject, TARGET_PREFIX, type WireObject } from './dynamodb/wire.js';

/** The request units one call consumed, as DynamoDB bills them on demand. */
export interface ConsumedUnits {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Of the write units, those spent keeping global secondary indexes up to date. */
  readonly indexWriteUnits: number;
}

/** One DynamoDB item call a function made, with what the local DynamoDB reported it consumed. */
export interface MeteredDynamoDbCall {
  readonly functionName: string;
  /** As IAM names it, e.g. dynamodb:PutItem. */
  readonly action: string;
  /** Undefined when the response carried no report (the stack was started without reportDynamoDbCapacity). */
  readonly consumed: ConsumedUnits | undefined;
  /** A write refused by its condition: AWS bills it (at least 1 WRU) and reports no units, so neither does the meter. */
  readonly refusedBy?: string;
}

const NOTHING: ConsumedUnits = { readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };

/**
 * The units in a ConsumedCapacity (one, or a list per table from batches and transactions). ReadCapacityUnits and
 * WriteCapacityUnits are taken when DynamoDB gives them; otherwise CapacityUnits count as the operation's kind.
 * The total already includes the indexes' units (AWS and both emulators), so indexes are only broken out.
 */
export function consumedUnitsOf(operation: string, consumedCapacity: unknown): ConsumedUnits {
  const entries = Array.isArray(consumedCapacity) ? consumedCapacity : [consumedCapacity];
  return entries.reduce<ConsumedUnits>((sum, entry) => {
    if (!isObject(entry)) return sum;
    const { readUnits, writeUnits } = unitsIn(operation, entry);
    const indexes = isObject(entry['GlobalSecondaryIndexes']) ? Object.values(entry['GlobalSecondaryIndexes']) : [];
    return {
      readUnits: sum.readUnits + readUnits,
      writeUnits: sum.writeUnits + writeUnits,
      indexWriteUnits: sum.indexWriteUnits + indexes.reduce<number>((units, index) => units + (isObject(index) ? unitsIn(operation, index).writeUnits : 0), 0),
    };
  }, NOTHING);
}

/** Adds up the units of many calls. */
export const sumOfUnits = (calls: readonly MeteredDynamoDbCall[]): ConsumedUnits =>
  calls.reduce<ConsumedUnits>(
    (sum, { consumed = NOTHING }) => ({
      readUnits: sum.readUnits + consumed.readUnits,
      writeUnits: sum.writeUnits + consumed.writeUnits,
      indexWriteUnits: sum.indexWriteUnits + consumed.indexWriteUnits,
    }),
    NOTHING,
  );

/**
 * Meters the DynamoDB item calls registered handlers make, through Node's http client diagnostics channels: the
 * request names the function (the local Lambda runtime's async context), the response carries the front's capacity
 * report. Handlers and their SDK clients stay exactly as deployed.
 */
export function meterDynamoDbCapacity(): { calls(): MeteredDynamoDbCall[]; stop(): void } {
  const calls: MeteredDynamoDbCall[] = [];
  // A response may arrive in another async context (a reused socket's), so the request remembers whose it is.
  const callers = new WeakMap<ClientRequest, { functionName: string; operation: string }>();
  const onRequest = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    const functionName = currentFunctionName();
    const target = request.getHeader('x-amz-target');
    if (!functionName || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return;
    const operation = target.slice(TARGET_PREFIX.length);
    if (METERED_OPERATIONS.has(operation)) callers.set(request, { functionName, operation });
  };
  const onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const caller = callers.get(request);
    if (!caller) return;
    const header = response.headers[CAPACITY_REPORT_HEADER];
    const report = typeof header === 'string' ? (JSON.parse(header) as CapacityReport) : undefined;
    calls.push({
      functionName: caller.functionName,
      action: `dynamodb:${caller.operation}`,
      consumed: report === undefined ? undefined : report.RefusedBy ? NOTHING : consumedUnitsOf(caller.operation, report.ConsumedCapacity),
      ...(report?.RefusedBy && { refusedBy: report.RefusedBy }),
    });
  };
  diagnosticsChannel.subscribe('http.client.request.start', onRequest);
  diagnosticsChannel.subscribe('http.client.response.finish', onResponse);
  return {
    calls: () => [...calls],
    stop: () => {
      diagnosticsChannel.unsubscribe('http.client.request.start', onRequest);
      diagnosticsChannel.unsubscribe('http.client.response.finish', onResponse);
    },
  };
}

/** A Capacity (of a call, a table or an index) as read and write units. */
function unitsIn(operation: string, capacity: WireObject): { readUnits: number; writeUnits: number } {
  if (capacity['ReadCapacityUnits'] !== undefined || capacity['WriteCapacityUnits'] !== undefined) {
    return { readUnits: numberIn(capacity['ReadCapacityUnits']), writeUnits: numberIn(capacity['WriteCapacityUnits']) };
  }
  const total = numberIn(capacity['CapacityUnits']);
  return READ_OPERATIONS.has(operation) ? { readUnits: total, writeUnits: 0 } : { readUnits: 0, writeUnits: total };
}

const numberIn = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

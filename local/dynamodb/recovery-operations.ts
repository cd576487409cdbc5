import { randomBytes } from 'node:crypto';
import type { CallerScope } from './backend.js';
import type { BackupRecord } from './backup-catalog.js';
import { describeTable, durationFor, scanAll, snapshotTable, type FrontContext } from './front-context.js';
import { itemSizeBytes } from './items.js';
import type { RestoreRecord } from './restore-registry.js';
import { restoreCreateTableInput, sourceTableDetails, sourceTableFeatureDetails, tableSchemaOf, type TableSchema } from './table-schema.js';
import {
  assertTableName,
  DynamoDbError,
  epochSeconds,
  isObject,
  optionalString,
  requiredString,
  tableNameOf,
  timestampMs,
  validation,
  type Item,
  type WireObject,
} from './wire.js';

/** An operation the front answers itself. */
export type FrontOperation = (input: WireObject, scope: CallerScope) => Promise<WireObject>;

const DEFAULT_RECOVERY_PERIOD_DAYS = 35;
const SYSTEM_BACKUP_RETENTION_MS = 35 * 24 * 60 * 60 * 1000;
const BACKUP_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const BATCH_WRITE_LIMIT = 25;

/** The backup, point-in-time recovery and restore operations that neither dynalite nor DynamoDB Local has. */
export function recoveryOperations(context: FrontContext): Readonly<Record<string, FrontOperation>> {
  return {
    CreateBackup: (input, scope) => createBackup(context, input, scope),
    DescribeBackup: async (input) => ({ BackupDescription: backupDescription(context, backupNamed(context, requiredString(input, 'BackupArn'))) }),
    ListBackups: async (input) => listBackups(context, input),
    DeleteBackup: (input) => deleteBackup(context, input),
    RestoreTableFromBackup: (input, scope) => restoreTableFromBackup(context, input, scope),
    UpdateContinuousBackups: (input, scope) => updateContinuousBackups(context, input, scope),
    DescribeContinuousBackups: async (input, scope) => {
      const tableName = tableNameOf(requiredString(input, 'TableName'), 'TableName');
      await describeTable(context, tableName, scope);
      return { ContinuousBackupsDescription: continuousBackupsDescription(context, tableName) };
    },
    RestoreTableToPointInTime: (input, scope) => restoreTableToPointInTime(context, input, scope),
  };
}

// ---------------------------------------------------------------------------------------------- backups

async function createBackup(context: FrontContext, input: WireObject, scope: CallerScope): Promise<WireObject> {
  const tableName = tableNameOf(requiredString(input, 'TableName'), 'TableName');
  const backupName = requiredString(input, 'BackupName');
  if (!BACKUP_NAME.test(backupName)) {
    throw validation(`1 validation error detected: Value '${backupName}' at 'backupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255`);
  }
  if (context.restores.isCreating(tableName, context.now())) throw new DynamoDbError('TableInUseException', `Table is being restored: ${tableName}`);
  const release = await context.tableLocks.exclusive([tableName]);
  try {
    const { schema, items } = await snapshotTable(context, tableName, scope);
    const record = await addBackup(context, schema, items, backupName, 'USER');
    return { BackupDetails: backupDetails(context, record) };
  } finally {
    release();
  }
}

/** Records a backup of `items`, CREATING for the simulated backup duration, then AVAILABLE. */
export async function addBackup(context: FrontContext, source: TableSchema, items: readonly Item[], backupName: string, backupType: 'USER' | 'SYSTEM'): Promise<BackupRecord> {
  const createdAt = context.now();
  const record: BackupRecord = {
    BackupArn: `arn:aws:dynamodb:${context.region}:${context.accountId}:table/${source.TableName}/backup/${String(createdAt).padStart(13, '0')}-${randomBytes(4).toString('hex')}`,
    BackupName: backupName,
    BackupType: backupType,
    createdAt,
    availableAt: createdAt + durationFor(context.backupDuration, items.length),
    ...(backupType === 'SYSTEM' ? { expiresAt: createdAt + SYSTEM_BACKUP_RETENTION_MS } : {}),
    sizeBytes: items.reduce((sum, item) => sum + itemSizeBytes(item), 0),
    itemCount: items.length,
    source,
  };
  await context.backups.add(record, items);
  return record;
}

function backupNamed(context: FrontContext, backupArn: string): BackupRecord {
  const record = context.backups.get(backupArn);
  if (!record) throw new DynamoDbError('BackupNotFoundException', `Backup not found: ${backupArn}`);
  return record;
}

function backupStatus(context: FrontContext, record: BackupRecord): 'CREATING' | 'AVAILABLE' {
  return context.now() < record.availableAt ? 'CREATING' : 'AVAILABLE';
}

function backupDetails(context: FrontContext, record: BackupRecord, status: string = backupStatus(context, record)): WireObject {
  return {
    BackupArn: record.BackupArn,
    BackupName: record.BackupName,
    BackupSizeBytes: record.sizeBytes,
    BackupStatus: status,
    BackupType: record.BackupType,
    BackupCreationDateTime: epochSeconds(record.createdAt),
    ...(record.expiresAt !== undefined ? { BackupExpiryDateTime: epochSeconds(record.expiresAt) } : {}),
  };
}

function backupDescription(context: FrontContext, record: BackupRecord, status?: string): WireObject {
  return {
    BackupDetails: backupDetails(context, record, status),
    SourceTableDetails: sourceTableDetails(record.source, record.itemCount, record.sizeBytes),
    SourceTableFeatureDetails: sourceTableFeatureDetails(record.source),
  };
}

function listBackups(context: FrontContext, input: WireObject): WireObject {
  const tableFilter = optionalString(input, 'TableName');
  const tableName = tableFilter === undefined ? undefined : tableNameOf(tableFilter, 'TableName');
  const backupType = optionalString(input, 'BackupType') ?? 'USER';
  if (!['USER', 'SYSTEM', 'AWS_BACKUP', 'ALL'].includes(backupType)) {
    throw validation(`Value '${backupType}' at 'backupType' failed to satisfy constraint: Member must satisfy enum value set: [USER, SYSTEM, AWS_BACKUP, ALL]`);
  }
  const limit = input['Limit'] === undefined ? 100 : Number(input['Limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validation(`Value '${String(input['Limit'])}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
  const lower = timestampMs(input['TimeRangeLowerBound'], 'timeRangeLowerBound');
  const upper = timestampMs(input['TimeRangeUpperBound'], 'timeRangeUpperBound');

  let matching = context.backups
    .all()
    .filter((record) => tableName === undefined || record.source.TableName === tableName)
    .filter((record) => (backupType === 'ALL' ? true : record.BackupType === backupType))
    // The lower bound is inclusive, the upper exclusive (as the API reference says).
    .filter((record) => (lower === undefined || record.createdAt >= lower) && (upper === undefined || record.createdAt < upper));
  const startAfter = optionalString(input, 'ExclusiveStartBackupArn');
  if (startAfter !== undefined) {
    const position = matching.findIndex((record) => record.BackupArn === startAfter);
    if (position < 0) throw validation(`ExclusiveStartBackupArn ${startAfter} is not a backup this request lists`);
    matching = matching.slice(position + 1);
  }
  const page = matching.slice(0, limit);
  return {
    BackupSummaries: page.map((record) => ({
      TableName: record.source.TableName,
      TableId: record.source.TableId,
      TableArn: record.source.TableArn,
      ...backupDetails(context, record),
    })),
    ...(matching.length > limit ? { LastEvaluatedBackupArn: page.at(-1)?.BackupArn } : {}),
  };
}

async function deleteBackup(context: FrontContext, input: WireObject): Promise<WireObject> {
  const record = backupNamed(context, requiredString(input, 'BackupArn'));
  if (backupStatus(context, record) === 'CREATING' || (context.backupsInUse.get(record.BackupArn) ?? 0) > 0) {
    throw new DynamoDbError('BackupInUseException', `Backup is being created or restored: ${record.BackupArn}`);
  }
  await context.backups.remove(record.BackupArn);
  return { BackupDescription: backupDescription(context, record, 'DELETED') };
}

async function restoreTableFromBackup(context: FrontContext, input: WireObject, scope: CallerScope): Promise<WireObject> {
  const targetTableName = requiredString(input, 'TargetTableName');
  assertTableName(targetTableName, 'TargetTableName');
  const record = backupNamed(context, requiredString(input, 'BackupArn'));
  if (backupStatus(context, record) === 'CREATING') throw new DynamoDbError('BackupInUseException', `Backup is still being created: ${record.BackupArn}`);
  const inUse = context.backupsInUse;
  inUse.set(record.BackupArn, (inUse.get(record.BackupArn) ?? 0) + 1);
  try {
    return await restoreTable(context, scope, {
      targetTableName,
      source: record.source,
      items: () => context.backups.items(record.BackupArn),
      request: input,
      summary: { sourceBackupArn: record.BackupArn, sourceTableArn: record.source.TableArn, restoreDateTime: record.createdAt },
    });
  } finally {
    const count = (inUse.get(record.BackupArn) ?? 1) - 1;
    if (count > 0) inUse.set(record.BackupArn, count);
    else inUse.delete(record.BackupArn);
  }
}

// ------------------------------------------------------------------------------- point-in-time recovery

async function updateContinuousBackups(context: FrontContext, input: WireObject, scope: CallerScope): Promise<WireObject> {
  const tableName = tableNameOf(requiredString(input, 'TableName'), 'TableName');
  const specification = input['PointInTimeRecoverySpecification'];
  if (!isObject(specification)) {
    throw validation("1 validation error detected: Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null");
  }
  const enabled = specification['PointInTimeRecoveryEnabled'];
  if (typeof enabled !== 'boolean') {
    throw validation("1 validation error detected: Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy constraint: Member must not be null");
  }
  const days = specification['RecoveryPeriodInDays'];
  if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 35)) {
    throw validation(`Value '${String(days)}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value between 1 and 35`);
  }
  if (context.restores.isCreating(tableName, context.now())) {
    throw new DynamoDbError('ContinuousBackupsUnavailableException', `Backups are being enabled for the table: ${tableName}. Please retry later`);
  }
  // Alone on the table: the snapshot that becomes the PITR base must not miss a write that is half in.
  const release = await context.tableLocks.exclusive([tableName]);
  try {
    const table = await describeTable(context, tableName, scope);
    if (!enabled) {
      await context.journal.disable(tableName);
    } else if (context.journal.settings(tableName)) {
      if (days !== undefined) await context.journal.setRecoveryPeriod(tableName, days);
    } else {
      const items = await scanAll(context, tableName, scope);
      const enabledAt = context.now();
      const schema = tableSchemaOf(table);
      await context.journal.enable(
        { tableName, keySchema: schema.KeySchema, recoveryPeriodDays: days ?? DEFAULT_RECOVERY_PERIOD_DAYS, enabledAt },
        items,
        enabledAt,
      );
    }
  } finally {
    release();
  }
  return { ContinuousBackupsDescription: continuousBackupsDescription(context, tableName) };
}

function continuousBackupsDescription(context: FrontContext, tableName: string): WireObject {
  const settings = context.journal.settings(tableName);
  const window = context.journal.window(tableName, context.now(), context.latestRestorableLagMs);
  if (!settings || !window) return { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } };
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: 'ENABLED',
      RecoveryPeriodInDays: settings.recoveryPeriodDays,
      EarliestRestorableDateTime: epochSeconds(window.earliest),
      LatestRestorableDateTime: epochSeconds(window.latest),
    },
  };
}

async function restoreTableToPointInTime(context: FrontContext, input: WireObject, scope: CallerScope): Promise<WireObject> {
  const sourceName = optionalString(input, 'SourceTableName');
  const sourceArn = optionalString(input, 'SourceTableArn');
  if ((sourceName === undefined) === (sourceArn === undefined)) throw validation('Exactly one of SourceTableName or SourceTableArn must be specified');
  const sourceTableName = sourceName !== undefined ? tableNameOf(sourceName, 'SourceTableName') : tableNameOf(sourceArn ?? '', 'SourceTableArn');
  const targetTableName = requiredString(input, 'TargetTableName');
  assertTableName(targetTableName, 'TargetTableName');
  const useLatest = input['UseLatestRestorableTime'] === true;
  const requested = timestampMs(input['RestoreDateTime'], 'restoreDateTime');
  if (useLatest && requested !== undefined) throw validation('Only one of RestoreDateTime or UseLatestRestorableTime can be specified');
  if (!useLatest && requested === undefined) throw validation('Either RestoreDateTime or UseLatestRestorableTime must be specified');

  // As in AWS, the new table takes the source's settings as they are now; only the items come from the past.
  const source = tableSchemaOf(await describeTable(context, sourceTableName, scope));
  const window = context.journal.window(sourceTableName, context.now(), context.latestRestorableLagMs);
  if (!window) throw new DynamoDbError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${sourceTableName}'`);
  const restoreAt = useLatest ? window.latest : (requested ?? window.latest);
  if (restoreAt < window.earliest || restoreAt > window.latest) {
    throw new DynamoDbError(
      'InvalidRestoreTimeException',
      `RestoreDateTime ${new Date(restoreAt).toISOString()} must be between EarliestRestorableDateTime ${new Date(window.earliest).toISOString()} ` +
        `and LatestRestorableDateTime ${new Date(window.latest).toISOString()}`,
    );
  }
  return restoreTable(context, scope, {
    targetTableName,
    source,
    items: async () => context.journal.itemsAt(sourceTableName, restoreAt),
    request: input,
    summary: { sourceTableArn: source.TableArn, restoreDateTime: restoreAt },
  });
}

// --------------------------------------------------------------------------------------------- restores

interface RestoreRequest {
  readonly targetTableName: string;
  readonly source: TableSchema;
  readonly items: () => Promise<readonly Item[]>;
  /** The API request, for its overrides. */
  readonly request: WireObject;
  readonly summary: { readonly sourceTableArn: string; readonly sourceBackupArn?: string; readonly restoreDateTime: number };
}

/**
 * Creates the target table with the source's settings and the request's overrides, writes the items into it,
 * and answers with the table CREATING: it turns ACTIVE once the simulated restore duration, which grows with
 * the number of items, has passed. A restore that fails leaves no table behind.
 */
async function restoreTable(context: FrontContext, scope: CallerScope, restore: RestoreRequest): Promise<WireObject> {
  const { targetTableName } = restore;
  const createTableInput = restoreCreateTableInput(targetTableName, restore.source, restore.request);
  const alreadyExists = new DynamoDbError('TableAlreadyExistsException', `Table already exists: ${targetTableName}`);
  if (context.restores.get(targetTableName) || (await tableExists(context, targetTableName, scope))) throw alreadyExists;
  if (context.restores.get(targetTableName)) throw alreadyExists; // a concurrent restore claimed it meanwhile

  const loading: RestoreRecord = {
    tableName: targetTableName,
    phase: 'loading',
    startedAt: context.now(),
    sourceTableArn: restore.summary.sourceTableArn,
    ...(restore.summary.sourceBackupArn ? { sourceBackupArn: restore.summary.sourceBackupArn } : {}),
    restoreDateTime: restore.summary.restoreDateTime,
    scope,
    ...sseDescriptionOf(restore.request['SSESpecificationOverride']),
  };
  await context.restores.set(loading);
  let created: WireObject | undefined;
  try {
    const items = await restore.items();
    let table: WireObject;
    try {
      table = await context.backend.call('CreateTable', createTableInput, scope);
      created = table;
    } catch (error) {
      if ((error as DynamoDbError).code === 'ResourceInUseException') throw alreadyExists;
      throw error;
    }
    await waitUntilActive(context, targetTableName, scope);
    // A restored table starts without PITR, whatever history an earlier table of its name left behind.
    await context.journal.disable(targetTableName);
    await writeItems(context, targetTableName, items, scope);
    const loaded: RestoreRecord = { ...loading, phase: 'loaded', readyAt: loading.startedAt + durationFor(context.restoreDuration, items.length) };
    await context.restores.set(loaded);
    const description = isObject(table['TableDescription']) ? table['TableDescription'] : { TableName: targetTableName };
    return { TableDescription: describeRestoredTable(context, description, loaded) };
  } catch (error) {
    if (created) await context.backend.call('DeleteTable', { TableName: targetTableName }, scope).catch(() => undefined);
    await context.restores.delete(targetTableName);
    throw error;
  }
}

async function tableExists(context: FrontContext, tableName: string, scope: CallerScope): Promise<boolean> {
  try {
    await context.backend.call('DescribeTable', { TableName: tableName }, scope);
    return true;
  } catch (error) {
    if ((error as DynamoDbError).code === 'ResourceNotFoundException') return false;
    throw error;
  }
}

async function waitUntilActive(context: FrontContext, tableName: string, scope: CallerScope): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { Table: table } = await context.backend.call<{ Table?: WireObject }>('DescribeTable', { TableName: tableName }, scope);
    const indexes = Array.isArray(table?.['GlobalSecondaryIndexes']) ? (table['GlobalSecondaryIndexes'] as WireObject[]) : [];
    if (table?.['TableStatus'] === 'ACTIVE' && indexes.every((index) => (index['IndexStatus'] ?? 'ACTIVE') === 'ACTIVE')) return;
    if (Date.now() > deadline) throw new DynamoDbError('InternalServerError', `restored table ${tableName} did not become ACTIVE in the backend`, 500);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes items in BatchWriteItem pages, a few at a time, retrying what the backend leaves unprocessed. */
async function writeItems(context: FrontContext, tableName: string, items: readonly Item[], scope: CallerScope): Promise<void> {
  const pages: Item[][] = [];
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) pages.push(items.slice(start, start + BATCH_WRITE_LIMIT));
  const writePage = async (page: Item[]): Promise<void> => {
    let requests: unknown[] = page.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      if (attempt > 20) throw new DynamoDbError('InternalServerError', `the backend kept items of ${tableName} unprocessed`, 500);
      const reply = await context.backend.call('BatchWriteItem', { RequestItems: { [tableName]: requests } }, scope);
      const unprocessed = isObject(reply['UnprocessedItems']) ? reply['UnprocessedItems'][tableName] : undefined;
      requests = Array.isArray(unprocessed) ? unprocessed : [];
    }
  };
  const workers = Array.from({ length: Math.min(4, pages.length) }, async () => {
    for (let page = pages.shift(); page; page = pages.shift()) await writePage(page);
  });
  await Promise.all(workers);
}

function sseDescriptionOf(specification: unknown): { sseDescription?: WireObject } {
  if (!isObject(specification) || specification['Enabled'] !== true) return {};
  const key = specification['KMSMasterKeyId'];
  return { sseDescription: { Status: 'ENABLED', SSEType: specification['SSEType'] ?? 'KMS', ...(typeof key === 'string' ? { KMSMasterKeyArn: key } : {}) } };
}

/** A restored table's description: CREATING (with its indexes) until the simulated restore ends, and its RestoreSummary. */
export function describeRestoredTable(context: FrontContext, table: WireObject, record: RestoreRecord): WireObject {
  const creating = context.restores.isCreating(record.tableName, context.now());
  const described: WireObject = {
    ...table,
    RestoreSummary: {
      ...(record.sourceBackupArn ? { SourceBackupArn: record.sourceBackupArn } : {}),
      ...(record.sourceTableArn ? { SourceTableArn: record.sourceTableArn } : {}),
      RestoreDateTime: epochSeconds(record.restoreDateTime),
      RestoreInProgress: creating,
    },
    ...(record.sseDescription ? { SSEDescription: record.sseDescription } : {}),
  };
  if (creating) {
    described['TableStatus'] = 'CREATING';
    if (Array.isArray(table['GlobalSecondaryIndexes'])) {
      described['GlobalSecondaryIndexes'] = (table['GlobalSecondaryIndexes'] as WireObject[]).map((index) => ({ ...index, IndexStatus: 'CREATING' }));
    }
  }
  return described;
}

/**
 * Before a PITR-enabled table is deleted (its writes held by the caller): AWS keeps its last state as a SYSTEM backup
 * named `<table>$DeletedTableBackup` for 35 days and ends its point-in-time history.
 */
export async function keepDeletedTableBackup(context: FrontContext, tableName: string, snapshot: { schema: TableSchema; items: readonly Item[] }): Promise<void> {
  await addBackup(context, snapshot.schema, snapshot.items, `${tableName}$DeletedTableBackup`, 'SYSTEM');
  await context.journal.disable(tableName);
}

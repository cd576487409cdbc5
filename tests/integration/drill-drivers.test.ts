import {
  CreateBackupCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  ScanCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestoreRequest } from '../../functions/aws/drill/restore-driver.js';
import { restoreDriverFor } from '../../functions/aws/drill/restore-drivers.js';
import type { DrillDriver } from '../../functions/domain/drill-plan-schema.js';
import { claimRestoredTable, cleanUpRestoredTable, DrillClaimRefused } from '../../functions/aws/drill/restored-table.js';
import { chooseRecoveryPoint } from '../../functions/domain/drill/recovery-point-choice.js';
import { DrillPreflightError, DrillRestoreError, readRestoreHandle, type RestoreHandle, type RestoreProgress } from '../../functions/domain/drill/restore.js';
import { DRILL_PLAN_TAG, DRILL_RUN_TAG, drillTableName } from '../../functions/domain/drill-naming.js';
import { startDynamoDbFront, type RunningDynamoDbFront } from '../../local/dynamodb/front.js';
import { startDynamoDb, type RunningDynamoDb } from '../../local/dynamodb/servers.js';
import { createPkSkTable } from '../../local/dynamodb/pk-sk-table.js';

/*
 * Every test makes its own source table and run ids, so they run side by side (it.concurrent: vitest runs adjacent ones
 * together), except the two that must catch a restore or a backup in the act, within its 0.3 s: those run alone.
 *
 * The drivers against the local DynamoDB front (backups and PITR on the wire). startLocalStack has no knob for the
 * front's restore duration or LatestRestorableDateTime lag (5 min by default), so this starts the front alone, with
 * quick restores and no lag, and points the shared SDK clients at it through AWS_ENDPOINT_URL_DYNAMODB.
 */
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const PLAN_ID = 'orders-weekly';

let backend: RunningDynamoDb;
let front: RunningDynamoDbFront;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tableCount = 0;
let runCount = 0;

beforeAll(async () => {
  backend = await startDynamoDb({ backend: 'embedded', host: '127.0.0.1', port: 0 });
  front = await startDynamoDbFront({
    backendEndpoint: backend.endpoint,
    region: REGION,
    accountId: ACCOUNT,
    restoreDuration: { baseMs: 300, perItemMs: 2 },
    backupDuration: { baseMs: 300, perItemMs: 0 },
    latestRestorableLagMs: 0,
    log: () => undefined,
  });
  // Before the shared client's first call: it reads endpoint, region and credentials from the environment.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = front.endpoint;
  process.env.AWS_REGION = REGION;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  client = new DynamoDBClient({ endpoint: front.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  documents = DynamoDBDocumentClient.from(client);
});

afterAll(async () => {
  client?.destroy();
  await front?.stop();
  await backend?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextRunId = (): string => `run-${++runCount}`;

const createTable = (name: string): Promise<TableDescription> => createPkSkTable(client, name);

/** A source table with `count` items; PITR on if asked (then a pause, so the restorable window holds a whole second after the writes). */
async function createSource(options: { pitr?: boolean; count?: number } = {}): Promise<string> {
  const name = `orders-${++tableCount}`;
  await createTable(name);
  if (options.pitr) await client.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  for (let index = 0; index < (options.count ?? 5); index += 1) {
    await documents.send(new PutCommand({ TableName: name, Item: { pk: `customer-${index % 2}`, sk: `order-${index}`, total: index * 10 } }));
  }
  if (options.pitr) await sleep(1_100);
  return name;
}

async function itemCount(tableName: string): Promise<number> {
  return (await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }))).Count ?? 0;
}

async function tagsOf(tableName: string): Promise<Record<string, string>> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const { Tags } = await client.send(new ListTagsOfResourceCommand({ ResourceArn: Table!.TableArn }));
  return Object.fromEntries((Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

async function tableExists(tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

/** A table plan's driver, for whichever source table each call names (these tests drill many tables with one driver). */
function tableDriver(driver: DrillDriver) {
  const forTable = (tableName: string) => restoreDriverFor({ source: { type: 'dynamodb-table', tableName }, driver });
  return {
    preflight: (tableName: string) => forTable(tableName).preflight(),
    startRestore: (request: RestoreRequest) => forTable(request.source.name).startRestore(request),
    describeRestore: (handle: RestoreHandle) => forTable(handle.source.name).describeRestore(handle),
    cleanUp: (handle: RestoreHandle, runId: string) => forTable(handle.source.name).cleanUp(handle, { runId, planId: PLAN_ID }),
  };
}

/** Looks at the restore until it is done, carrying the handle forward as the drill's wait loop does (bounded). */
async function untilSettled(driver: Pick<ReturnType<typeof tableDriver>, 'describeRestore'>, handle: RestoreHandle, seen: RestoreProgress['state'][] = []): Promise<RestoreProgress> {
  let current = handle;
  for (let look = 0; look < 400; look += 1) {
    const progress = await driver.describeRestore(current);
    seen.push(progress.state);
    if (progress.state !== 'IN_PROGRESS') return progress;
    current = progress.handle;
    await sleep(25);
  }
  throw new Error(`restore into ${handle.restored.name} still in progress`);
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('dynamodb-pitr driver against the local front', () => {
  const driver = tableDriver({ type: 'dynamodb-pitr' });

  it.concurrent('refuses a missing source and a source without PITR at preflight', async ({ expect }) => {
    const missing = await errorOf(driver.preflight('no-such-table'));
    expect(missing).toBeInstanceOf(DrillPreflightError);
    expect(missing.message).toBe('source table no-such-table does not exist');

    const withoutPitr = await createSource();
    const off = await errorOf(driver.preflight(withoutPitr));
    expect(off).toBeInstanceOf(DrillPreflightError);
    expect(off.message).toMatch(/enable point-in-time recovery/);
  });

  // Catches the restore while it is CREATING: alone.
  it('restores the latest second into the drill table, claims it, and cleans it up', async () => {
    const source = await createSource({ pitr: true, count: 7 });
    const startedAt = new Date();
    const { source: facts, points } = await driver.preflight(source);
    expect(facts).toMatchObject({ type: 'DynamoDB', name: source, arn: expect.stringContaining(`:table/${source}`) });
    expect(points.kind).toBe('continuous');
    if (points.kind !== 'continuous') return;
    expect(Date.parse(points.earliest)).toBeLessThanOrEqual(Date.parse(points.latest));

    const recoveryPoint = chooseRecoveryPoint({ type: 'latest' }, points, startedAt);
    const runId = nextRunId();
    const target = drillTableName(PLAN_ID, runId);
    const handle = await driver.startRestore({ source: facts, recoveryPoint, restoredName: target });
    expect(handle).toMatchObject({
      driver: 'dynamodb-pitr',
      source: { type: 'DynamoDB', name: source, arn: facts.arn },
      restored: { type: 'DynamoDB', name: target },
      phase: 'restoring',
      recoveryPoint,
    });

    // While it is CREATING: no claim, and cleanup waits.
    const early = await errorOf(claimRestoredTable({ handle, runId, planId: PLAN_ID }));
    expect(early).toBeInstanceOf(DrillClaimRefused);
    expect(early.name).toBe('DrillClaimRefused');
    expect(early.message).toMatch(/CREATING, not ACTIVE/);
    expect(await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source, handle })).toMatchObject({ status: 'WAITING' });

    const seen: RestoreProgress['state'][] = [];
    expect((await untilSettled(driver, handle, seen)).state).toBe('COMPLETED');
    expect(seen[0]).toBe('IN_PROGRESS');
    expect(await itemCount(target)).toBe(7);

    await claimRestoredTable({ handle, runId, planId: PLAN_ID });
    expect(await tagsOf(target)).toMatchObject({ [DRILL_RUN_TAG]: runId, [DRILL_PLAN_TAG]: PLAN_ID });

    // Another run may not delete it.
    expect(await cleanUpRestoredTable({ tableName: target, runId: 'run-other', sourceTableName: source })).toMatchObject({ status: 'REFUSED' });
    expect(await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source, handle })).toEqual({ status: 'DELETED' });
    expect(await tableExists(target)).toBe(false);
    expect(await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source, handle })).toEqual({ status: 'NOT_FOUND' });
    expect(await driver.cleanUp(handle, runId)).toEqual({ status: 'NOT_FOUND', deletedExtras: [] });
    expect(await tableExists(source)).toBe(true);
  });

  it.concurrent('restores to an earlier point: the table holds the items as they were then', async ({ expect }) => {
    const source = await createSource({ pitr: true, count: 3 });
    const { source: facts, points } = await driver.preflight(source);
    if (points.kind !== 'continuous') throw new Error('expected a window');
    const recoveryPoint = chooseRecoveryPoint({ type: 'latest' }, points, new Date());
    for (let index = 3; index < 6; index += 1) await documents.send(new PutCommand({ TableName: source, Item: { pk: 'late', sk: `order-${index}` } }));
    const runId = nextRunId();
    const handle = await driver.startRestore({ source: facts, recoveryPoint, restoredName: drillTableName(PLAN_ID, runId) });
    expect((await untilSettled(driver, handle)).state).toBe('COMPLETED');
    expect(await itemCount(handle.restored.name)).toBe(3);
    await claimRestoredTable({ handle, runId, planId: PLAN_ID });
    expect((await cleanUpRestoredTable({ tableName: handle.restored.name, runId, sourceTableName: source })).status).toBe('DELETED');
  });

  it.concurrent('fails to start into a table that already exists (DrillRestoreError with the AWS error)', async ({ expect }) => {
    const source = await createSource({ pitr: true });
    const { source: facts, points } = await driver.preflight(source);
    const existing = drillTableName(PLAN_ID, nextRunId());
    await createTable(existing);
    const failure = await errorOf(driver.startRestore({ source: facts, recoveryPoint: chooseRecoveryPoint({ type: 'latest' }, points, new Date()), restoredName: existing }));
    expect(failure).toBeInstanceOf(DrillRestoreError);
    expect(failure.message).toMatch(/TableAlreadyExistsException/);
  });

  it.concurrent('fails to start at a time outside the window (DrillRestoreError)', async ({ expect }) => {
    const source = await createSource({ pitr: true });
    const { source: facts } = await driver.preflight(source);
    const failure = await errorOf(
      driver.startRestore({ source: facts, recoveryPoint: { at: '2020-01-01T00:00:00.000Z', requestedAt: '2020-01-01T00:00:00.000Z' }, restoredName: drillTableName(PLAN_ID, nextRunId()) }),
    );
    expect(failure).toBeInstanceOf(DrillRestoreError);
    expect(failure.message).toMatch(/InvalidRestoreTimeException/);
  });

  it.concurrent('a target still missing is in progress only within the grace period', async ({ expect }) => {
    // The shape executions started before resource types still hold: read as today's handle.
    const handle: RestoreHandle = readRestoreHandle({
      driver: 'dynamodb-pitr',
      sourceTableName: 'orders',
      sourceTableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`,
      targetTableName: drillTableName(PLAN_ID, 'never-made'),
      startedAt: new Date().toISOString(),
      phase: 'restoring',
      recoveryPoint: { at: new Date().toISOString(), requestedAt: new Date().toISOString() },
    });
    expect((await driver.describeRestore(handle)).state).toBe('IN_PROGRESS');
    const late = await driver.describeRestore({ ...handle, startedAt: new Date(Date.now() - 3 * 60_000).toISOString() });
    expect(late).toMatchObject({ state: 'FAILED', reason: expect.stringContaining('does not exist') });
  });
});

describe('dynamodb-backup driver against the local front', () => {
  it('latest: refuses a source without an AVAILABLE backup, then restores the newest', async ({ expect }) => {
    const driver = tableDriver({ type: 'dynamodb-backup', backup: 'latest' });
    const source = await createSource({ count: 4 });
    expect(await errorOf(driver.preflight(source))).toBeInstanceOf(DrillPreflightError);

    const older = (await client.send(new CreateBackupCommand({ TableName: source, BackupName: 'older' }))).BackupDetails!.BackupArn!;
    // A backup still CREATING is no recovery point yet.
    expect(await errorOf(driver.preflight(source))).toBeInstanceOf(DrillPreflightError);
    await documents.send(new PutCommand({ TableName: source, Item: { pk: 'customer-9', sk: 'order-9' } }));
    await sleep(20);
    const newer = (await client.send(new CreateBackupCommand({ TableName: source, BackupName: 'newer' }))).BackupDetails!.BackupArn!;
    await waitForBackup(older);
    await waitForBackup(newer);

    const { source: facts, points } = await driver.preflight(source);
    expect(points).toMatchObject({ kind: 'discrete', points: [{ id: newer }, { id: older }] });
    const recoveryPoint = chooseRecoveryPoint({ type: 'latest' }, points, new Date());
    expect(recoveryPoint.id).toBe(newer);

    const runId = nextRunId();
    const handle = await driver.startRestore({ source: facts, recoveryPoint, restoredName: drillTableName(PLAN_ID, runId) });
    expect(handle).toMatchObject({ driver: 'dynamodb-backup', phase: 'restoring', recoveryPoint: { id: newer } });
    expect(handle.createdBackupArn).toBeUndefined();
    expect((await untilSettled(driver, handle)).state).toBe('COMPLETED');
    expect(await itemCount(handle.restored.name)).toBe(5);

    await claimRestoredTable({ handle, runId, planId: PLAN_ID });
    expect(await cleanUpRestoredTable({ tableName: handle.restored.name, runId, sourceTableName: source, handle })).toEqual({ status: 'DELETED' });
    // The drill deletes no backup it did not take.
    expect(await driver.cleanUp(handle, runId)).toEqual({ status: 'NOT_FOUND', deletedExtras: [] });
    expect((await client.send(new DescribeBackupCommand({ BackupArn: newer }))).BackupDescription?.BackupDetails?.BackupStatus).toBe('AVAILABLE');
  });

  // Catches the backup while it is being made: alone.
  it('create: takes a backup, restores it once AVAILABLE, and deletes that backup at cleanup', async () => {
    const driver = tableDriver({ type: 'dynamodb-backup', backup: 'create' });
    const source = await createSource({ count: 6 });
    const startedAt = new Date();
    const { source: facts, points } = await driver.preflight(source);
    expect(points).toEqual({ kind: 'create' });
    const recoveryPoint = chooseRecoveryPoint({ type: 'latest' }, points, startedAt);

    const runId = nextRunId();
    const target = drillTableName(PLAN_ID, runId);
    const handle = await driver.startRestore({ source: facts, recoveryPoint, restoredName: target });
    expect(handle).toMatchObject({ phase: 'backing-up', createdBackupArn: expect.stringContaining(`:table/${source}/backup/`) });
    expect(handle.recoveryPoint).toMatchObject({ id: handle.createdBackupArn, requestedAt: startedAt.toISOString() });
    const backup = (await client.send(new DescribeBackupCommand({ BackupArn: handle.createdBackupArn }))).BackupDescription!.BackupDetails!;
    expect(backup.BackupName).toBe(target);
    expect(handle.recoveryPoint.at).toBe(backup.BackupCreationDateTime!.toISOString());

    // Backing up, then restoring, then done; the handle moves on to `restoring` on the way.
    let current = handle;
    const phases: string[] = [];
    for (let look = 0; look < 400; look += 1) {
      const progress = await driver.describeRestore(current);
      current = progress.handle;
      if (phases.at(-1) !== current.phase) phases.push(current.phase);
      if (progress.state === 'COMPLETED') break;
      expect(progress.state).toBe('IN_PROGRESS');
      await sleep(25);
    }
    expect(phases).toEqual(['backing-up', 'restoring']);
    expect(await itemCount(target)).toBe(6);

    await claimRestoredTable({ handle: current, runId, planId: PLAN_ID });
    expect(await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source, handle: current })).toEqual({ status: 'DELETED' });
    expect(await driver.cleanUp(current, runId)).toEqual({ status: 'NOT_FOUND', deletedExtras: [current.createdBackupArn] });
    expect((await errorOf(client.send(new DescribeBackupCommand({ BackupArn: current.createdBackupArn })))).name).toBe('BackupNotFoundException');
    expect(await driver.cleanUp(current, runId)).toEqual({ status: 'NOT_FOUND', deletedExtras: [] });
  });
});

describe.concurrent('restored table cleanup guard against the local front', () => {
  // Written in the table-only shape of executions started before resource types, read as today's handle.
  const pitrHandle = (source: string, target: string, startedAt = new Date()): RestoreHandle =>
    readRestoreHandle({
    driver: 'dynamodb-pitr',
    sourceTableName: source,
    sourceTableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${source}`,
    targetTableName: target,
    startedAt: startedAt.toISOString(),
    phase: 'restoring',
    recoveryPoint: { at: startedAt.toISOString(), requestedAt: startedAt.toISOString() },
    });

  it('never deletes the source, even tagged with the run and named as the target', async ({ expect }) => {
    const source = await createSource();
    const runId = nextRunId();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: source }));
    await client.send(new TagResourceCommand({ ResourceArn: Table!.TableArn, Tags: [{ Key: DRILL_RUN_TAG, Value: runId }] }));

    const forged = await cleanUpRestoredTable({ tableName: source, runId, sourceTableName: source });
    expect(forged).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('source table') });
    const asTarget = await cleanUpRestoredTable({ tableName: source, runId, sourceTableName: source, handle: pitrHandle(source, source) });
    expect(asTarget.status).toBe('REFUSED');
    expect(await tableExists(source)).toBe(true);
    expect(await itemCount(source)).toBe(5);
  });

  it('never deletes a prefixed table this run did not restore', async ({ expect }) => {
    const source = await createSource();
    const runId = nextRunId();
    const target = drillTableName(PLAN_ID, runId);
    await createTable(target);

    // Untagged, no restore to claim it for.
    expect(await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source })).toMatchObject({
      status: 'REFUSED',
      reason: expect.stringContaining(`no ${DRILL_RUN_TAG} tag`),
    });
    // A restore handle names it, but it was not restored from the source (a plain CreateTable).
    const notRestored = await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source, handle: pitrHandle(source, target) });
    expect(notRestored).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('was not restored from') });
    // It existed before the restore started.
    const older = await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source, handle: pitrHandle(source, target, new Date(Date.now() + 5 * 60_000)) });
    expect(older).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('before this restore started') });
    expect(await tagsOf(target)).toEqual({});

    // Tagged by another run.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: target }));
    await client.send(new TagResourceCommand({ ResourceArn: Table!.TableArn, Tags: [{ Key: DRILL_RUN_TAG, Value: 'run-other' }] }));
    expect(await cleanUpRestoredTable({ tableName: target, runId, sourceTableName: source })).toMatchObject({
      status: 'REFUSED',
      reason: expect.stringContaining('not this run'),
    });
    expect(await tableExists(target)).toBe(true);
  });

  it('claims at cleanup a restore that completed after the drill stopped waiting', async ({ expect }) => {
    const driver = tableDriver({ type: 'dynamodb-pitr' });
    const source = await createSource({ pitr: true });
    const { source: facts, points } = await driver.preflight(source);
    const runId = nextRunId();
    const handle = await driver.startRestore({ source: facts, recoveryPoint: chooseRecoveryPoint({ type: 'latest' }, points, new Date()), restoredName: drillTableName(PLAN_ID, runId) });
    let result = await cleanUpRestoredTable({ tableName: handle.restored.name, runId, sourceTableName: source, handle });
    for (let attempt = 0; result.status === 'WAITING' && attempt < 400; attempt += 1) {
      await sleep(25);
      result = await cleanUpRestoredTable({ tableName: handle.restored.name, runId, sourceTableName: source, handle });
    }
    expect(result).toEqual({ status: 'DELETED' });
    expect(await tableExists(handle.restored.name)).toBe(false);
  });
});

async function waitForBackup(backupArn: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const status = (await client.send(new DescribeBackupCommand({ BackupArn: backupArn }))).BackupDescription?.BackupDetails?.BackupStatus;
    if (status === 'AVAILABLE') return;
    await sleep(25);
  }
  throw new Error(`backup ${backupArn} never became AVAILABLE`);
}

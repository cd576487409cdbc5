import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdentity, normalizeNumber, type KeySchemaElement } from '../../local/dynamodb/items.js';
import { KeyLocks, TableLocks } from '../../local/dynamodb/locks.js';
import { PitrJournal } from '../../local/dynamodb/pitr-journal.js';
import { restoreCreateTableInput, tableSchemaOf } from '../../local/dynamodb/table-schema.js';
import type { Item } from '../../local/dynamodb/wire.js';

const DAY = 24 * 60 * 60 * 1000;
const keySchema: KeySchemaElement[] = [
  { AttributeName: 'PK', KeyType: 'HASH' },
  { AttributeName: 'SK', KeyType: 'RANGE' },
];
const item = (pk: string, v: number): Item => ({ PK: { S: pk }, SK: { S: 'x' }, v: { N: String(v) } });
const key = (pk: string): string => keyIdentity(item(pk, 0), keySchema)!;
const pks = (items: readonly Item[]): string[] => items.map((found) => `${(found['PK'] as { S: string }).S}=${(found['v'] as { N: string }).N}`).sort();

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('item identity', () => {
  it('treats numerically equal numbers as one key, as DynamoDB does', () => {
    expect(normalizeNumber('1.50')).toBe(normalizeNumber('1.5'));
    expect(normalizeNumber('0015')).toBe(normalizeNumber('15'));
    expect(normalizeNumber('1.5e1')).toBe(normalizeNumber('15'));
    expect(normalizeNumber('-0.0')).toBe('0');
    expect(normalizeNumber('12')).not.toBe(normalizeNumber('120'));
    expect(normalizeNumber('abc')).toBeUndefined();
    const numeric: KeySchemaElement[] = [{ AttributeName: 'id', KeyType: 'HASH' }];
    expect(keyIdentity({ id: { N: '100' } }, numeric)).toBe(keyIdentity({ id: { N: '1E2' } }, numeric));
  });

  it('has no identity for a key with a missing or non-scalar attribute', () => {
    expect(keyIdentity({ PK: { S: 'a' } }, keySchema)).toBeUndefined();
    expect(keyIdentity({ PK: { S: 'a' }, SK: { L: [] } }, keySchema)).toBeUndefined();
  });
});

describe('PITR journal', () => {
  it('gives each time the table as it was then, and a window from enabling to now minus the lag', async () => {
    const journal = await PitrJournal.open();
    await journal.enable({ tableName: 't', keySchema, recoveryPeriodDays: 35, enabledAt: 1_000 }, [item('a', 1), item('b', 1)], 1_000);
    await journal.record('t', [{ key: key('a'), item: item('a', 2) }], 2_000);
    await journal.record('t', [{ key: key('b'), item: null }, { key: key('c'), item: item('c', 1) }], 3_000);
    await journal.record('t', [{ key: key('a'), item: item('a', 3) }], 2_500); // acknowledged "earlier" than the last: kept in order

    expect(pks(journal.itemsAt('t', 1_000))).toEqual(['a=1', 'b=1']);
    expect(pks(journal.itemsAt('t', 2_999))).toEqual(['a=2', 'b=1']);
    expect(pks(journal.itemsAt('t', 3_000))).toEqual(['a=3', 'c=1']);
    expect(pks([...journal.currentItems('t').values()])).toEqual(['a=3', 'c=1']);
    expect(journal.window('t', 10_000, 300_000)).toEqual({ earliest: 1_000, latest: 1_000 });
    expect(journal.window('t', 1_000_000, 300_000)).toEqual({ earliest: 1_000, latest: 700_000 });
    expect(journal.window('t', 40 * DAY, 0)).toEqual({ earliest: 5 * DAY, latest: 40 * DAY });
  });

  it('finds the changes between what it knows and a full read of the table', async () => {
    const journal = await PitrJournal.open();
    await journal.enable({ tableName: 't', keySchema, recoveryPeriodDays: 35, enabledAt: 0 }, [item('a', 1), item('b', 1)], 0);
    expect(journal.changesTo('t', [item('a', 1), item('b', 2), item('c', 1)])).toEqual([
      { key: key('b'), item: item('b', 2) },
      { key: key('c'), item: item('c', 1) },
    ]);
    expect(journal.changesTo('t', [item('a', 1)])).toEqual([{ key: key('b'), item: null }]);
  });

  it('survives a restart from its directory, a torn last line included, and rolls old entries into the base', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'irdr-journal-'));
    directories.push(directory);
    const journal = await PitrJournal.open(directory);
    await journal.enable({ tableName: 't', keySchema, recoveryPeriodDays: 1, enabledAt: 0 }, [item('a', 1)], 0);
    await journal.record('t', [{ key: key('a'), item: item('a', 2) }], 1_000);
    await journal.record('t', [{ key: key('b'), item: item('b', 1) }], 2_000);
    await journal.flush();
    appendFileSync(join(directory, 't.journal.jsonl'), '{"seq":99,"at":');

    const reopened = await PitrJournal.open(directory);
    expect(reopened.settings('t')).toMatchObject({ recoveryPeriodDays: 1, enabledAt: 0 });
    expect(pks(reopened.itemsAt('t', 1_500))).toEqual(['a=2']);
    expect(pks(reopened.itemsAt('t', 2_000))).toEqual(['a=2', 'b=1']);

    // A day and a half later, the first two writes are out of the window: folded into the base.
    await reopened.record('t', [{ key: key('c'), item: item('c', 1) }], 1.5 * DAY);
    expect(reopened.window('t', 1.5 * DAY, 0)?.earliest).toBe(0.5 * DAY);
    expect(pks(reopened.itemsAt('t', 0.5 * DAY))).toEqual(['a=2', 'b=1']);
    await reopened.flush();
    const again = await PitrJournal.open(directory);
    expect(pks(again.itemsAt('t', 1.5 * DAY))).toEqual(['a=2', 'b=1', 'c=1']);

    await again.disable('t');
    expect((await PitrJournal.open(directory)).settings('t')).toBeUndefined();
  });
});

describe('locks', () => {
  it('runs holders of one key one after another, in arrival order', async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const hold = async (name: string, ms: number) => {
      const release = await locks.lock(['k']);
      order.push(`${name}+`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`${name}-`);
      release();
    };
    await Promise.all([hold('first', 20), hold('second', 0), hold('third', 5)]);
    expect(order).toEqual(['first+', 'first-', 'second+', 'second-', 'third+', 'third-']);
  });

  it('lets shared holders of a table run together and an exclusive one alone', async () => {
    const locks = new TableLocks();
    const releaseA = await locks.shared(['t']);
    const releaseB = await locks.shared(['t', 'u']);
    let exclusiveHeld = false;
    const exclusive = locks.exclusive(['t']).then((release) => {
      exclusiveHeld = true;
      return release;
    });
    let laterShared = false;
    const later = locks.shared(['t']).then((release) => {
      laterShared = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect([exclusiveHeld, laterShared]).toEqual([false, false]); // a later shared waits behind the queued exclusive
    releaseA();
    releaseB();
    (await exclusive)();
    expect(exclusiveHeld).toBe(true);
    (await later)();
    expect(laterShared).toBe(true);
  });
});

describe('the CreateTable request of a restore', () => {
  const source = tableSchemaOf({
    TableName: 'src',
    TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/src',
    KeySchema: keySchema,
    AttributeDefinitions: ['PK', 'SK', 'G1'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    GlobalSecondaryIndexes: [{ IndexName: 'G', KeySchema: [{ AttributeName: 'G1', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, IndexStatus: 'ACTIVE' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  });

  it('keeps the source\'s keys, indexes and billing, and no stream', () => {
    const input = restoreCreateTableInput('dst', source, {});
    expect(input).toEqual({
      TableName: 'dst',
      KeySchema: keySchema,
      AttributeDefinitions: ['PK', 'SK', 'G1'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'G', KeySchema: [{ AttributeName: 'G1', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
  });

  it('applies billing, throughput and index overrides', () => {
    const input = restoreCreateTableInput('dst', source, {
      BillingModeOverride: 'PROVISIONED',
      ProvisionedThroughputOverride: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 },
      GlobalSecondaryIndexOverride: [],
    });
    expect(input).toEqual({
      TableName: 'dst',
      KeySchema: keySchema,
      AttributeDefinitions: ['PK', 'SK'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 },
    });
    expect(() => restoreCreateTableInput('dst', source, { BillingModeOverride: 'PROVISIONED' })).toThrow(/ProvisionedThroughputOverride/);
  });
});

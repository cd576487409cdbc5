import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrillCheck } from '../../functions/aws/drill/checks/run-check.js';
import { countSegment } from '../../functions/aws/drill/checks/segment-count.js';
import { planSegmentScans, startOf, sumSegmentCounts } from '../../functions/domain/drill/scan-segments.js';
import { sampleSourceItems } from '../../functions/aws/drill/checks/sample-keys-check.js';
import type { DrillCheckContext } from '../../functions/domain/drill/check-result.js';
import { itemDigest } from '../../functions/domain/drill/item-digest.js';
import { startLocalLambdaApi, type LocalLambdaApi } from '../../local/lambda-api.js';
import { LOCAL_DEDUPLICATION_TABLE_NAME, LOCAL_HOST } from '../../local/stack-config.js';
import { DrillCheck, DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { createPkSkTable } from '../../local/dynamodb/pk-sk-table.js';
import { SOURCE_COUNT_RUNNING_SK, sourceCountPk } from '../../functions/domain/keys.js';

/*
 * Every drill check against real tables on the local DynamoDB: a source, a faithful copy ("good") and a copy with
 * one order missing, one ledger entry altered and a stale canary ("bad"). The checks only read, so plain
 * CreateTable copies stand in for restored tables. Custom checks reach in-test functions through the local Invoke API.
 */
const SOURCE = 'irdr-test-check-source';
const GOOD = 'irdr-test-check-good';
const BAD = 'irdr-test-check-bad';
const CANARY_KEY = { pk: 'irdr#canary', sk: 'irdr#canary' };
const LEDGER = 'LEDGER#2025';
const REQUESTED_AT = '2026-03-01T12:00:00.000Z';
const RECOVERY_POINT_AT = '2026-03-01T11:59:00.000Z';

const orders = Array.from({ length: 30 }, (_, index) => ({
  pk: `ORDER#${String(index).padStart(2, '0')}`,
  sk: 'v1',
  total: 10.5 + index,
  quantity: index,
  tags: new Set(['web', `batch-${index % 3}`]),
  lines: [{ sku: `SKU-${index}`, units: 1 }],
  shipping: { city: 'Oslo', zip: '0150', express: index % 2 === 0 },
  note: index % 5 === 0 ? null : 'ok',
  receipt: Buffer.from(`receipt-${index}`),
}));
const ledger = Array.from({ length: 5 }, (_, index) => ({
  pk: LEDGER,
  sk: `E#0${index + 1}`,
  amount: 100 * (index + 1),
  // A number beyond JavaScript's precision: read and hashed exactly.
  cents: new NumberValue(`1234567890123456789012${index}`),
  memo: `entry ${index + 1}`,
}));
const canaryAt = (minutesBefore: number) => ({
  ...CANARY_KEY,
  writtenAt: new Date(Date.parse(REQUESTED_AT) - minutesBefore * 60_000).toISOString(),
  irdrCanary: true,
  planId: 'checks',
});
const MISSING_ORDER = orders[7]!;
const ALTERED_ENTRY = ledger[3]!;

let local: TestStack;
let documents: DynamoDBDocumentClient;
let lambdaApi: LocalLambdaApi;

/** The in-test functions behind the local Invoke API, as a custom check's own Lambda would be. */
const checkFunctions: Record<string, (payload: any) => Promise<unknown>> = {
  'orders-present': async (payload: { restoredTableName: string }) => {
    const { Item } = await documents.send(new GetCommand({ TableName: payload.restoredTableName, Key: { pk: 'ORDER#00', sk: 'v1' } }));
    return { passed: Item !== undefined, details: { looked: 'ORDER#00', payload } };
  },
  crashes: async () => {
    throw new RangeError('ledger totals do not add up');
  },
  'answers-nonsense': async () => ({ ok: 'yes' }),
};

const createTable = (tableName: string) => createPkSkTable(local.dynamodb, tableName);

async function putAll(tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    const { UnprocessedItems } = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
    expect(UnprocessedItems?.[tableName] ?? []).toEqual([]);
  }
}

const contextFor = (restoredTableName: string, rpoMinutes = 15): DrillCheckContext => ({
  runId: 'run-0001',
  planId: 'checks',
  sourceTableName: SOURCE,
  restoredTableName,
  recoveryPoint: { at: RECOVERY_POINT_AT, requestedAt: REQUESTED_AT },
  targets: { rtoMinutes: 60, rpoMinutes },
});

/** Runs one plan check (as the plan file gives it, defaults applied) against a restored table. */
const run = (check: Record<string, unknown>, restoredTableName: string, rpoMinutes?: number) =>
  runDrillCheck(DrillCheck.parse(check), String(check['type']), contextFor(restoredTableName, rpoMinutes));

beforeAll(async () => {
  local = await startTestStack();
  documents = DynamoDBDocumentClient.from(local.dynamodb);
  lambdaApi = await startLocalLambdaApi({
    host: LOCAL_HOST,
    port: 0,
    functionExists: (name) => name in checkFunctions,
    invoke: (name, payload) => checkFunctions[name]!(payload),
  });
  process.env.AWS_ENDPOINT_URL_LAMBDA = lambdaApi.endpoint;

  for (const table of [SOURCE, GOOD, BAD]) await createTable(table);
  await putAll(SOURCE, [...orders, ...ledger, canaryAt(0)]);
  await putAll(GOOD, [...orders, ...ledger, canaryAt(2)]);
  await putAll(BAD, [
    ...orders.filter((order) => order !== MISSING_ORDER),
    ...ledger.map((entry) => (entry === ALTERED_ENTRY ? { ...entry, memo: 'entry 4 (edited)' } : entry)),
    canaryAt(30),
  ]);
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  await lambdaApi?.stop();
  await local?.stop();
});

describe('item-count', () => {
  it("holds the restored table to the source's ItemCount when the point records no count, saying how approximate it is", async () => {
    const result = await run({ type: 'item-count' }, GOOD);
    expect(result).toMatchObject({ id: 'item-count', type: 'item-count', passed: true, actual: '36 items', details: { basis: 'source-item-count', baselineFrom: SOURCE, counting: 'one scan in one invocation' } });
    expect(result.expected).toBe("36 items (±1%), the source table's ItemCount (approximate: DynamoDB refreshes it about every 6 hours; the source now, not at the point)");
  });

  it('fails a restored table an item short: 1% of 36 items allows none', async () => {
    expect(await run({ type: 'item-count' }, BAD)).toMatchObject({ passed: false, actual: '35 items', details: { tolerancePercent: 1, toleranceFrom: 'approximate-baseline', allowedDifference: 0 } });
  });

  it('scans the source only when the plan asks', async () => {
    expect(await run({ type: 'item-count', baseline: 'source-scan' }, GOOD)).toMatchObject({ passed: true, expected: "36 items, the source table's count now", details: { basis: 'source', source: { counting: 'one scan in one invocation' } } });
    expect(await run({ type: 'item-count', baseline: 'source-scan' }, BAD)).toMatchObject({ passed: false, actual: '35 items' });
  });

  it("measures against the plan's number within its tolerance", async () => {
    expect(await run({ type: 'item-count', expected: 36, tolerancePercent: 5 }, BAD)).toMatchObject({ passed: true, expected: '36 items (±5%), as the plan states' });
    expect(await run({ type: 'item-count', expected: 40, tolerancePercent: 5 }, BAD)).toMatchObject({ passed: false, details: { allowedDifference: 2, difference: -5 } });
  });

  it("the local DynamoDB's ItemCount and TableSizeBytes follow writes (dynalite alone reports 0 forever)", async () => {
    const table = 'irdr-test-check-counted';
    await createTable(table);
    const described = async () => (await local.dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table!;
    expect(await described()).toMatchObject({ ItemCount: 0, TableSizeBytes: 0 });
    await putAll(table, orders.slice(0, 3));
    const three = await described();
    expect(three.ItemCount).toBe(3);
    expect(three.TableSizeBytes).toBeGreaterThan(0);
    await documents.send(new DeleteCommand({ TableName: table, Key: { pk: orders[0]!.pk, sk: 'v1' } }));
    expect((await described()).ItemCount).toBe(2);
  });

  it('counts a segment larger than one invocation across invocations, from the key where the last one stopped', async () => {
    // ~1.3 MB: more than one 1 MB Scan page, so a reading budget of 0 stops after the first page.
    const wide = 'irdr-test-check-wide';
    await createTable(wide);
    await putAll(wide, Array.from({ length: 320 }, (_, index) => ({ pk: `WIDE#${index}`, sk: 'v1', blob: 'x'.repeat(4000) })));
    const [scan] = planSegmentScans([{ checkId: 'item-count', tables: [{ role: 'restored', tableName: wide }], segments: 1 }]);
    const first = await countSegment(startOf(scan!, undefined), 0);
    expect(first).toMatchObject({ done: false, invocations: 1, pages: 1, nextKey: expect.any(Object) });
    expect(first.count).toBeLessThan(320);
    let progress = first;
    while (!progress.done) progress = await countSegment(startOf(scan!, progress), 0);
    expect(progress).toMatchObject({ done: true, count: 320 });
    expect(progress).not.toHaveProperty('nextKey');
    expect(progress.invocations).toBeGreaterThan(1);
    // The same table in 4 parallel segments sums to the same count.
    const scans = planSegmentScans([{ checkId: 'item-count', tables: [{ role: 'restored', tableName: wide }], segments: 4 }]);
    const counted = await Promise.all(scans.map((segment) => countSegment(startOf(segment, undefined), 60_000)));
    expect(sumSegmentCounts(scans, counted, 'item-count', 'restored').count).toBe(320);
  });

  it('counts the source in parallel Scan segments over several ticks while its items change: exactly what the segments read, each item once, the layout it started with kept, a broken count under way started again', async () => {
    const table = 'irdr-test-counted-segments';
    await createTable(table);
    const itemOf = (prefix: string, index: number) => ({ pk: `${prefix}#${String(index).padStart(3, '0')}`, sk: 'v1', total: index });
    await putAll(table, Array.from({ length: 120 }, (_, index) => itemOf('ORDER', index)));
    const planWith = (segments: number) => DrillPlan.parse({
      id: 'counted-segments', title: 'Counted in segments', owner: 'drill-owner@example.com', schedule: { expression: 'rate(7 days)' },
      source: { type: 'dynamodb-table', tableName: table }, driver: { type: 'dynamodb-pitr' }, targets: { rtoMinutes: 60, rpoMinutes: 15 },
      checks: [{ type: 'item-count', baseline: 'counted', segments, countEveryMinutes: 60 }, { type: 'canary', key: CANARY_KEY }], recipients: { roles: ['commander'] }, controls: ['SOC2 A1.3'],
    });
    const countsTable = LOCAL_DEDUPLICATION_TABLE_NAME;
    const { countSourceTick } = await import('../../functions/aws/drill/source-counter.js');
    let clock = Date.parse('2026-12-07T01:00:00.000Z');
    // Budget 0 and pages of 10 items: each tick reads one page of every unfinished segment, as a large table's tick reads 55 s of them.
    const tick = (segments = 4) => countSourceTick(planWith(segments), countsTable, 0, { now: () => new Date(clock), pageItems: 10 });
    const running = async () => (await documents.send(new GetCommand({ TableName: countsTable, Key: { PK: sourceCountPk('counted-segments', 'item-count'), SK: SOURCE_COUNT_RUNNING_SK } }))).Item;

    // What the count must find, read beside it: the keys of the same page of the same segment, at the same moment.
    const seen = Array.from({ length: 4 }, () => new Set<string>());
    const oracleKeys: Array<Record<string, unknown> | undefined | null> = [null, null, null, null];
    const oraclePage = async () => {
      for (const segment of [0, 1, 2, 3]) {
        if (oracleKeys[segment] === undefined) continue;
        const page = await documents.send(new ScanCommand({ TableName: table, Segment: segment, TotalSegments: 4, Limit: 10, ProjectionExpression: 'pk', ...(oracleKeys[segment] && { ExclusiveStartKey: oracleKeys[segment]! }) }));
        for (const item of page.Items ?? []) seen[segment]!.add(String(item['pk']));
        oracleKeys[segment] = page.LastEvaluatedKey;
      }
    };
    const startedAt = new Date(clock).toISOString();
    expect(await tick()).toEqual([{ checkId: 'item-count', action: 'start' }]);
    await oraclePage();
    expect(await running()).toMatchObject({ totalSegments: 4, invocations: 1, segments: [{ segment: 0 }, { segment: 1 }, { segment: 2 }, { segment: 3 }] });
    // Between ticks: 15 orders deleted, 10 rewritten, 25 new ones; and the plan now asks for 8 segments.
    for (let index = 0; index < 15; index += 1) await documents.send(new DeleteCommand({ TableName: table, Key: { pk: itemOf('ORDER', index).pk, sk: 'v1' } }));
    await putAll(table, [...Array.from({ length: 10 }, (_, index) => ({ ...itemOf('ORDER', 100 + index), total: -1 })), ...Array.from({ length: 25 }, (_, index) => itemOf('NEW', index))]);
    let finished;
    for (let ticks = 2; finished === undefined; ticks += 1) {
      expect(ticks).toBeLessThan(12);
      clock += 60_000;
      const [result] = await tick(8);
      await oraclePage();
      if (ticks === 2) {
        expect(result).toEqual({ checkId: 'item-count', action: 'continue' });
        expect(await running()).toMatchObject({ totalSegments: 4 });
        for (let index = 0; index < 5; index += 1) await documents.send(new DeleteCommand({ TableName: table, Key: { pk: itemOf('NEW', index).pk, sk: 'v1' } }));
        await putAll(table, Array.from({ length: 5 }, (_, index) => itemOf('NEW', 100 + index)));
      }
      finished = result!.finished;
    }
    const everSeen = seen.reduce((sum, keys) => sum + keys.size, 0);
    // The segments split the table: no key read by two of them, so none counted twice.
    expect(new Set(seen.flatMap((keys) => [...keys])).size).toBe(everSeen);
    expect(finished).toEqual({ count: everSeen, startedAt, completedAt: new Date(clock).toISOString() });
    // Between the 105 orders there all along and the 150 keys ever written: the window says the rest were changing.
    expect(finished.count).toBeGreaterThanOrEqual(105);
    expect(finished.count).toBeLessThanOrEqual(150);
    expect(await running()).toBeUndefined();
    const { Items } = await documents.send(new QueryCommand({ TableName: countsTable, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :at)', ExpressionAttributeValues: { ':pk': sourceCountPk('counted-segments', 'item-count'), ':at': 'AT#' } }));
    expect(Items).toEqual([expect.objectContaining({ count: everSeen, segments: 4, startedAt })]);

    // A count under way that does not hold its segments once each is never summed: it starts again, saying why.
    clock += 2 * 3_600_000;
    await tick();
    const broken = (await running())!;
    await documents.send(new PutCommand({ TableName: countsTable, Item: { ...broken, segments: [...broken['segments'], broken['segments'][2]] } }));
    clock += 60_000;
    const [restarted] = await tick();
    expect(restarted).toMatchObject({ action: 'start', restarted: expect.stringMatching(/holds segment 2 twice/) });
    expect(await running()).toMatchObject({ startedAt: new Date(clock).toISOString(), invocations: 1 });
  });
});

describe('canary', () => {
  it('measures the RPO from the restored canary', async () => {
    const result = await run({ type: 'canary', key: CANARY_KEY }, GOOD);
    expect(result).toMatchObject({ passed: true, measuredRpoSeconds: 120 });
    expect(result.actual).toContain('2m before the recovery point asked for');
  });

  it('fails a canary older than the RPO target', async () => {
    expect(await run({ type: 'canary', key: CANARY_KEY }, BAD)).toMatchObject({ passed: false, measuredRpoSeconds: 1800 });
    expect(await run({ type: 'canary', key: CANARY_KEY }, BAD, 30)).toMatchObject({ passed: true, measuredRpoSeconds: 1800 });
  });

  it('fails, explaining why, when the restored table has no canary', async () => {
    const result = await run({ type: 'canary', key: { pk: 'irdr#canary', sk: 'never-written' } }, GOOD);
    expect(result.passed).toBe(false);
    expect(result.measuredRpoSeconds).toBeUndefined();
    // Nor has the source one at that key: the writer is not writing it.
    expect(result.actual).toBe('no canary in the restored table, nor in the source: is the canary writer scheduled?');
  });
});

describe('sample-keys', () => {
  it('samples the number asked for from random segments, never the canary', async () => {
    for (const count of [1, 5, 20]) {
      const sampled = await sampleSourceItems(SOURCE, count);
      expect(sampled).toHaveLength(count);
      expect(new Set(sampled.map((item) => `${String(item['pk'])}|${String(item['sk'])}`)).size).toBe(count);
      expect(sampled.some((item) => item['irdrCanary'] === true)).toBe(false);
    }
    expect(await sampleSourceItems(SOURCE, 100)).toHaveLength(35);
  });

  it('passes when every sampled item is in the restored table, equal', async () => {
    const result = await run({ type: 'sample-keys', count: 100 }, GOOD);
    expect(result).toMatchObject({ passed: true, actual: '35 items sampled: 35 equal, 0 missing, 0 different (the source holds fewer than 100)' });
  });

  it('fails on the missing order and the altered ledger entry, naming them', async () => {
    const result = await run({ type: 'sample-keys', count: 100 }, BAD);
    expect(result).toMatchObject({ passed: false, actual: '35 items sampled: 33 equal, 1 missing, 1 different (the source holds fewer than 100)' });
    expect(result.details).toMatchObject({
      missing: [{ pk: MISSING_ORDER.pk, sk: 'v1' }],
      different: [{ key: { pk: LEDGER, sk: ALTERED_ENTRY.sk }, attributes: ['memo'] }],
    });
  });
});

describe('checksum', () => {
  it("passes when the restored partition hashes like the source's", async () => {
    const result = await run({ type: 'checksum', partitionKeyValue: LEDGER }, GOOD);
    expect(result).toMatchObject({ passed: true, details: { restoredItemCount: 5, sourceItemCount: 5 } });
    const details = result.details as { restoredSha256: string; expectedSha256: string };
    expect(details.restoredSha256).toBe(details.expectedSha256);
  });

  it('fails on one altered attribute, with both digests and counts', async () => {
    const result = await run({ type: 'checksum', partitionKeyValue: LEDGER }, BAD);
    expect(result).toMatchObject({ passed: false, details: { restoredItemCount: 5, sourceItemCount: 5 } });
    const details = result.details as { restoredSha256: string; expectedSha256: string };
    expect(details.restoredSha256).not.toBe(details.expectedSha256);
  });

  it('covers only the sort key range given', async () => {
    const result = await run({ type: 'checksum', partitionKeyValue: LEDGER, sortKeyRange: { from: 'E#01', to: 'E#03' } }, BAD);
    expect(result).toMatchObject({ passed: true, details: { restoredItemCount: 3 } });
    expect(result.expected).toContain('sk between "E#01" and "E#03"');
  });

  it('compares with a hash recorded earlier, computed from the same items in memory', async () => {
    const recorded = itemDigest(ledger);
    expect(await run({ type: 'checksum', partitionKeyValue: LEDGER, expected: recorded }, GOOD)).toMatchObject({ passed: true });
    expect(await run({ type: 'checksum', partitionKeyValue: LEDGER, expected: recorded }, BAD)).toMatchObject({ passed: false });
  });
});

describe('custom', () => {
  it("passes on the function's word, with what it reported", async () => {
    const result = await run({ type: 'custom', functionName: 'orders-present', description: 'ORDER#00 survived' }, GOOD);
    expect(result).toMatchObject({ passed: true, expected: 'ORDER#00 survived', actual: 'orders-present reported passed' });
    expect(result.details).toMatchObject({
      functionName: 'orders-present',
      reported: {
        looked: 'ORDER#00',
        payload: { runId: 'run-0001', planId: 'checks', sourceTableName: SOURCE, restoredTableName: GOOD, recoveryPoint: { at: RECOVERY_POINT_AT, requestedAt: REQUESTED_AT } },
      },
    });
  });

  it('throws DrillCheckError when the function fails or answers no verdict', async () => {
    await expect(run({ type: 'custom', functionName: 'crashes' }, GOOD)).rejects.toMatchObject({
      name: 'DrillCheckError',
      message: expect.stringContaining('RangeError: ledger totals do not add up'),
    });
    await expect(run({ type: 'custom', functionName: 'answers-nonsense' }, GOOD)).rejects.toMatchObject({ name: 'DrillCheckError' });
  });

  it('throws when there is no such function (the check cannot run)', async () => {
    await expect(run({ type: 'custom', functionName: 'irdr-no-such-check' }, GOOD)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('canary writer', () => {
  it("puts the plan's canary into its source, which the canary check then reads", async () => {
    const plan = DrillPlan.parse({
      id: 'checks',
      title: 'Checks plan',
      owner: 'drill-owner@example.com',
      schedule: { expression: 'rate(7 days)' },
      source: { type: 'dynamodb-table', tableName: SOURCE },
      driver: { type: 'dynamodb-pitr' },
      targets: { rtoMinutes: 60, rpoMinutes: 15 },
      checks: [{ type: 'item-count' }, { type: 'canary', key: CANARY_KEY }],
      recipients: { roles: ['commander'] },
      controls: ['SOC2 A1.3'],
    });
    process.env.DRILL_PLANS = JSON.stringify([plan]);
    const { handler } = await import('../../functions/tasks/write-drill-canary.js');
    const before = Date.now();
    const written = await handler({ planId: 'checks' }, {} as Context);
    expect(written).toMatchObject({ planId: 'checks', tableName: SOURCE });
    expect(Date.parse(written.writtenAt)).toBeGreaterThanOrEqual(before);

    const { Item } = await documents.send(new GetCommand({ TableName: SOURCE, Key: CANARY_KEY }));
    expect(Item).toEqual({ ...CANARY_KEY, writtenAt: written.writtenAt, irdrCanary: true, planId: 'checks' });
    const check = await runDrillCheck(plan.checks[1]!, 'canary', {
      ...contextFor(SOURCE),
      recoveryPoint: { at: written.writtenAt, requestedAt: new Date().toISOString() },
    });
    expect(check).toMatchObject({ passed: true, measuredRpoSeconds: expect.any(Number) });
    expect(check.measuredRpoSeconds).toBeLessThan(60);

    await expect(handler({ planId: 'nope' }, {} as Context)).rejects.toMatchObject({ name: 'UnknownDrillPlanError' });
    await documents.send(new DeleteCommand({ TableName: SOURCE, Key: CANARY_KEY }));
    await documents.send(new PutCommand({ TableName: SOURCE, Item: canaryAt(0) }));
  });

  it('counts the source on its schedule where a plan asks (baseline: counted), and a drill is held to the count finished nearest before its point, a stale or missing one failing named', async () => {
    const plan = DrillPlan.parse({
      id: 'counted',
      title: 'Counted plan',
      owner: 'drill-owner@example.com',
      schedule: { expression: 'rate(7 days)' },
      source: { type: 'dynamodb-table', tableName: SOURCE },
      driver: { type: 'dynamodb-pitr' },
      targets: { rtoMinutes: 60, rpoMinutes: 15 },
      checks: [{ type: 'item-count', baseline: 'counted', countEveryMinutes: 60, maxBaselineAgeMinutes: 90 }, { type: 'canary', key: CANARY_KEY }],
      recipients: { roles: ['commander'] },
      controls: ['SOC2 A1.3'],
    });
    process.env.DRILL_PLANS = JSON.stringify([plan]);
    process.env.DEDUPLICATION_TABLE_NAME ??= LOCAL_DEDUPLICATION_TABLE_NAME;
    const { handler } = await import('../../functions/tasks/write-drill-canary.js');
    const tick = { getRemainingTimeInMillis: () => 60_000 } as Context;
    const first = await handler({ planId: 'counted' }, tick);
    expect(first.counts).toEqual([{ checkId: 'item-count', action: 'start', finished: { count: 36, startedAt: expect.any(String), completedAt: expect.any(String) } }]);
    // The next tick within the hour counts nothing: the last count is not due yet.
    expect((await handler({ planId: 'counted' }, tick)).counts).toEqual([{ checkId: 'item-count', action: 'none' }]);

    const { completedAt } = first.counts![0]!.finished!;
    const at = (offsetMinutes: number) => ({ ...contextFor(GOOD), planId: 'counted', recoveryPoint: { at: new Date(Date.parse(completedAt) + offsetMinutes * 60_000).toISOString(), requestedAt: REQUESTED_AT } });
    const fresh = await runDrillCheck(plan.checks[0]!, 'item-count', at(30));
    expect(fresh).toMatchObject({ passed: true, actual: '36 items', details: { basis: 'counted', baselineCompletedAt: completedAt, baselineAgeSeconds: 1800, stale: false } });
    expect(fresh.expected).toMatch(/^36 items \(±1%\), the source's count the canary writer recorded nearest before the recovery point \(counted .* to .*, 30m before the recovery point; writes since are not in it\)$/);
    // The same count, 3 hours before the point: the restored table matches it, and the check still fails, naming why.
    const stale = await runDrillCheck(plan.checks[0]!, 'item-count', at(180));
    expect(stale).toMatchObject({ passed: false, actual: '36 items; the baseline is stale: 3h old at the recovery point, more than the 1h30m the plan allows' });
    // A point before any count finished: nothing to hold it to, and the check says so rather than passing.
    expect(await runDrillCheck(plan.checks[0]!, 'item-count', at(-1))).toMatchObject({ passed: false, details: { baselineMissing: true } });
    expect(await runDrillCheck(plan.checks[0]!, 'item-count', { ...at(30), restoredTableName: BAD })).toMatchObject({ passed: false, actual: '35 items' });
  });
});

import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredTrailEvent } from '../../functions/domain/chain-verify.js';
import { META_SK, eventSk, incidentPk } from '../../functions/domain/keys.js';
import { tableDesign } from '../../functions/domain/table-design.js';
import { seedSyntheticIncidents } from './support/synthetic-evidence.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const { partitionKey: PK, sortKey: SK } = tableDesign;
const [byMonth] = tableDesign.globalIndexes;
const MAY = { from: '2024-05-01T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' };
/** The events an exported incident's listing item holds (incidents.json's entry for it). */
const listedEvents = ({ listed }: { listed: Buffer }): StoredTrailEvent[] => (JSON.parse(listed.toString('utf8')) as { trail: { events: StoredTrailEvent[] } }).trail.events;

/**
 * A period's trails are read from GSI1's events partitions (a page holds the events of dozens of trails), not a Query
 * per trail; any trail not found whole there is read by its own Query, so what is exported is what the trail holds.
 */
describe('evidence over a period, read from the events index', () => {
  let local: TestStack;
  let documents: DynamoDBDocumentClient;
  let liveIncidentId: string;
  let template: Record<string, unknown>;
  let collect: typeof import('../../functions/aws/evidence-collection.js').collectIncidentEvidence;
  let listStoredEvents: typeof import('../../functions/aws/event-trail.js').listStoredEvents;
  let verifyIncidentTrails: typeof import('../../functions/aws/trail-verification.js').verifyIncidentTrails;
  /** The Queries the exporter's client sent since the last reset: the partition each asked for, and on which index. */
  let queries: Array<{ index?: string; partition: string }> = [];

  const trailItems = async (pk: string) =>
    (
      await documents.send(
        new QueryCommand({ TableName: local.stack.tableName, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :evt)', ExpressionAttributeNames: { '#pk': PK, '#sk': SK }, ExpressionAttributeValues: { ':pk': pk, ':evt': 'EVT#' }, ConsistentRead: true }),
      )
    ).Items ?? [];
  const mayIncidents = async () => {
    const { Items } = await documents.send(
      new QueryCommand({ TableName: local.stack.tableName, IndexName: byMonth.indexName, KeyConditionExpression: '#month = :month', ExpressionAttributeNames: { '#month': byMonth.partitionKey }, ExpressionAttributeValues: { ':month': 'INCIDENT#2024-05' } }),
    );
    // Oldest first: the indexed trails of May's first ten days.
    return (Items ?? []).map((item) => item['incidentId'] as string);
  };

  beforeAll(async () => {
    local = await startTestStack();
    documents = DynamoDBDocumentClient.from(local.dynamodb);
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Index keys', severity: 'SEV3', summary: 'a live trail' });
    expect(created.status).toBe(202);
    liveIncidentId = created.body.incidentId as string;
    expect((await local.waitForExecution(created.body.executionArn as string)).status).toBe('SUCCEEDED');
    expect((await local.api('POST', `/incidents/${liveIncidentId}/notes`, { token: 'dev-commander', body: { text: 'Noted' } })).status).toBeLessThan(300);
    template = (await documents.send(new GetCommand({ TableName: local.stack.tableName, Key: { [PK]: incidentPk(liveIncidentId), [SK]: META_SK } }))).Item!;
    // The indexed trails in May's first ten days, before the others: mayIncidents() lists them first.
    const may = { documents, tableName: local.stack.tableName, startMs: Date.parse(MAY.from), spanMs: 10 * 86_400_000 };
    await seedSyntheticIncidents(may, template, { count: 40, events: 6 });
    // Three trails begun before events were indexed, and one opened as May ended whose first event fell in June.
    await seedSyntheticIncidents({ ...may, startMs: Date.parse('2024-05-20T00:00:00.000Z') }, template, { count: 3, events: 6, unindexed: true });
    await seedSyntheticIncidents({ ...may, startMs: Date.parse('2024-05-31T23:59:30.000Z'), spanMs: 1 }, template, { count: 1, events: 6 });
    ({ collectIncidentEvidence: collect } = await import('../../functions/aws/evidence-collection.js'));
    ({ listStoredEvents } = await import('../../functions/aws/event-trail.js'));
    ({ verifyIncidentTrails } = await import('../../functions/aws/trail-verification.js'));
    const { dynamodbClient } = await import('../../functions/aws/dynamodb-client.js');
    dynamodbClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') {
          // Marshalled ({ S: … }) or not yet, depending on where the document client's own step falls.
          const input = args.input as { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
          const values = Object.values(input.ExpressionAttributeValues ?? {}).map((value) => (typeof value === 'string' ? value : ((value as { S?: string }).S ?? '')));
          queries.push({ ...(input.IndexName && { index: input.IndexName }), partition: values.find((value) => /^(EVENTS#|INCIDENT#|INC#)/.test(value)) ?? '' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
  });
  afterAll(async () => {
    await local?.stop();
  });

  it("indexes each event under its trail's first month, and no reader sees the index keys as part of the event", async () => {
    const items = await trailItems(incidentPk(liveIncidentId));
    expect(items.length).toBeGreaterThanOrEqual(3);
    const month = String(items[0]!['at']).slice(0, 7);
    for (const item of items) {
      expect(item[byMonth.partitionKey]).toBe(`EVENTS#INCIDENT#${month}`);
      expect(item[byMonth.sortKey]).toBe(`${item[PK]}#${item[SK]}`);
    }
    const shown = await local.api('GET', `/incidents/${liveIncidentId}`);
    expect(JSON.stringify(shown.body)).not.toContain('EVENTS#INCIDENT#');
    // The chain verifies with the keys on the items: they are not part of what was hashed.
    const period = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const verified = await local.api('GET', `/evidence/verify?${period}`, { token: 'dev-auditor' });
    expect(verified.status).toBe(200);
    expect(JSON.stringify(verified.body)).toMatch(/"broken":0/);
  });

  it("reads a month's trails a page of events at a time, and by a Query of its own only each trail not indexed whole", async () => {
    queries = [];
    const exported = await collect(local.stack.tableName, MAY);
    expect(exported).toHaveLength(44);
    expect(exported.every(({ trail }) => trail.intact && trail.length === 6)).toBe(true);
    const own = queries.filter((query) => query.partition.startsWith('INC#'));
    expect(queries.filter((query) => query.index === 'GSI1' && query.partition === 'EVENTS#INCIDENT#2024-05').length).toBeGreaterThanOrEqual(1);
    // The three unindexed trails and the one indexed under June: 4 Queries, not 44.
    expect(own).toHaveLength(4);
    // What was read from the index is what the trail's own Query reads.
    for (const item of exported) expect(listedEvents(item), item.incident.incidentId).toEqual(await listStoredEvents(local.stack.tableName, incidentPk(item.incident.incidentId)));
  });

  it("an insider's edits to the index keys hide nothing: the trail is read by its own Query, and an edited event still shows", async () => {
    const [gapped, headless, edited] = (await mayIncidents()).slice(0, 3).map((id) => incidentPk(id!));
    const remove = (pk: string, seq: number) =>
      documents.send(new UpdateCommand({ TableName: local.stack.tableName, Key: { [PK]: pk, [SK]: eventSk(seq) }, UpdateExpression: 'REMOVE #p, #s', ExpressionAttributeNames: { '#p': byMonth.partitionKey, '#s': byMonth.sortKey } }));
    await remove(gapped!, 3);
    await remove(headless!, 1);
    // An event's words changed in place, its index keys kept.
    await documents.send(new UpdateCommand({ TableName: local.stack.tableName, Key: { [PK]: edited!, [SK]: eventSk(2) }, UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':t': 'step.skipped' } }));
    // Items put into the events partition that are not a wanted trail's events: a record, and a trail outside the period.
    const forged = { [byMonth.partitionKey]: 'EVENTS#INCIDENT#2024-05' };
    await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: { [PK]: gapped!, [SK]: 'TASK#forged', ...forged, [byMonth.sortKey]: `${gapped}#TASK#forged`, type: 'step.completed' } }));
    await documents.send(new PutCommand({ TableName: local.stack.tableName, Item: { [PK]: 'INC#outside', [SK]: eventSk(1), ...forged, [byMonth.sortKey]: `INC#outside#${eventSk(1)}`, type: 'incident.opened' } }));
    queries = [];
    const exported = await collect(local.stack.tableName, MAY);
    const itemOf = (pk: string) => exported.find(({ trail }) => trail.partitionKey === pk)!;
    const trailOf = (pk: string) => itemOf(pk).trail;
    expect(exported).toHaveLength(44);
    expect(queries.filter((query) => query.partition === gapped || query.partition === headless)).toHaveLength(2);
    for (const pk of [gapped!, headless!]) {
      expect(listedEvents(itemOf(pk)), pk).toEqual(await listStoredEvents(local.stack.tableName, pk));
      expect([trailOf(pk).intact, trailOf(pk).length], pk).toEqual([true, 6]);
    }
    expect(trailOf(edited!).intact).toBe(false);
    expect(trailOf(edited!).problems.map((problem) => problem.kind)).toContain('edited');
    expect(exported.some(({ trail }) => trail.partitionKey === 'INC#outside')).toBe(false);
    expect(listedEvents(itemOf(gapped!)).map((stored: StoredTrailEvent) => stored.sortKey)).toEqual([1, 2, 3, 4, 5, 6].map(eventSk));
  });

  it('verifies a period from the index too, reading again by its own Query each trail the index holds shorter than a digest recorded it', async () => {
    const [tailless, truncated] = (await mayIncidents()).slice(3, 5).map((id) => incidentPk(id!));
    const headOf = async (pk: string) => {
      const events = await listStoredEvents(local.stack.tableName, pk);
      return { seq: events.length, hash: String(events.at(-1)!.event['hash']), digest: 'digests/2024-06-01.json' };
    };
    const trustedHeads = new Map([[tailless!, [await headOf(tailless!)]], [truncated!, [await headOf(truncated!)]]]);
    // The index without the last event of one trail (lag, or its keys removed); the other trail's last event deleted.
    await documents.send(new UpdateCommand({ TableName: local.stack.tableName, Key: { [PK]: tailless!, [SK]: eventSk(6) }, UpdateExpression: 'REMOVE #p, #s', ExpressionAttributeNames: { '#p': byMonth.partitionKey, '#s': byMonth.sortKey } }));
    await documents.send(new DeleteCommand({ TableName: local.stack.tableName, Key: { [PK]: truncated!, [SK]: eventSk(6) } }));
    queries = [];
    const verified = await verifyIncidentTrails(local.stack.tableName, MAY, undefined, trustedHeads);
    expect(verified).toHaveLength(44);
    const verdictOf = (pk: string) => verified.find((verification) => verification.partitionKey === pk)!;
    expect([verdictOf(tailless!).problems, verdictOf(tailless!).length]).toEqual([[], 6]);
    expect(verdictOf(truncated!).problems).toEqual([expect.objectContaining({ kind: 'head-mismatch', expected: expect.stringContaining('digests/2024-06-01.json') })]);
    // Own Queries: the 4 not indexed whole in May, the 2 whose index keys were removed above, and these two.
    expect(queries.filter((query) => query.partition.startsWith('INC#'))).toHaveLength(8);
    expect(queries.filter((query) => query.partition === tailless || query.partition === truncated)).toHaveLength(2);
  });

  it("counts each month's trails in the progress as soon as that month is read, before the last months are read", async () => {
    const half = { from: '2023-01-01T00:00:00.000Z', to: '2023-07-01T00:00:00.000Z' };
    await seedSyntheticIncidents({ documents, tableName: local.stack.tableName, startMs: Date.parse(half.from), spanMs: 180 * 86_400_000 }, template, { count: 12, events: 3 });
    queries = [];
    const seen: string[] = [];
    const exported = await collect(local.stack.tableName, half, ({ collected }) => seen.push(`progress ${collected} after ${queries.filter((query) => query.partition.startsWith('EVENTS#')).length} events Queries`));
    expect(exported).toHaveLength(12);
    // Four months are read at once: a month's trails are counted before the fifth and sixth months are asked for.
    expect(seen[0]).toMatch(/^progress 1 after [1-4] events Queries$/);
    expect(queries.filter((query) => query.partition.startsWith('EVENTS#')).map((query) => query.partition)).toEqual(['01', '02', '03', '04', '05', '06'].map((month) => `EVENTS#INCIDENT#2023-${month}`));
  });

  it("reads a month a page at a time: a page's trails are counted before the month's last page is asked for", async () => {
    // 20 trails of 10 events with 12 KB notes: ~2.4 MB, three 1 MB pages of one month.
    const march = { from: '2022-03-01T00:00:00.000Z', to: '2022-04-01T00:00:00.000Z' };
    await seedSyntheticIncidents({ documents, tableName: local.stack.tableName, startMs: Date.parse(march.from), spanMs: 20 * 86_400_000 }, template, { count: 20, events: 10, noteBytes: 12_000 });
    queries = [];
    const pagesAskedWhenFirstCounted: number[] = [];
    const exported = await collect(local.stack.tableName, march, () => {
      if (pagesAskedWhenFirstCounted.length === 0) pagesAskedWhenFirstCounted.push(queries.filter((query) => query.partition === 'EVENTS#INCIDENT#2022-03').length);
    });
    expect(exported.every(({ trail }) => trail.intact && trail.length === 10)).toBe(true);
    const pages = queries.filter((query) => query.partition === 'EVENTS#INCIDENT#2022-03').length;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pagesAskedWhenFirstCounted).toEqual([1]);
  });
});

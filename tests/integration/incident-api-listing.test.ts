import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../functions/domain/incident.js';
import { META_SK, incidentPk, monthPartition, timeOrderedSk } from '../../functions/domain/keys.js';
import { tableDesign } from '../../functions/domain/table-design.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const [byMonth] = tableDesign.globalIndexes;

/** Incidents of early 2025, spread over three months (each test's listing names its own period). */
const seeded: Array<Pick<Incident, 'incidentId' | 'openedAt' | 'status' | 'severity' | 'mode'>> = [
  { incidentId: 'jan-a', openedAt: '2025-01-05T10:00:00.000Z', status: 'closed', severity: 'SEV2', mode: 'live' },
  { incidentId: 'jan-b', openedAt: '2025-01-20T10:00:00.000Z', status: 'resolved', severity: 'SEV1', mode: 'live' },
  { incidentId: 'feb-a', openedAt: '2025-02-01T00:00:00.000Z', status: 'open', severity: 'SEV3', mode: 'exercise' },
  { incidentId: 'feb-b', openedAt: '2025-02-14T09:30:00.000Z', status: 'acknowledged', severity: 'SEV1', mode: 'live' },
  { incidentId: 'feb-c', openedAt: '2025-02-28T23:59:59.999Z', status: 'resolved', severity: 'SEV4', mode: 'live' },
  { incidentId: 'mar-a', openedAt: '2025-03-03T12:00:00.000Z', status: 'resolved', severity: 'SEV2', mode: 'exercise' },
  { incidentId: 'mar-b', openedAt: '2025-03-30T12:00:00.000Z', status: 'open', severity: 'SEV1', mode: 'live' },
];
const newestFirst = [...seeded].sort((a, b) => b.openedAt.localeCompare(a.openedAt)).map((incident) => incident.incidentId);
const period = 'from=2025-01-01&to=2025-04-01';

describe('GET /incidents: a period, filters and pages, from month partitions of GSI1', () => {
  let local: TestStack;
  let documents: DynamoDBDocumentClient;

  /** Writes an incident as putNewIncident would, at a chosen time (the API always opens at now). */
  async function seed(incident: (typeof seeded)[number]): Promise<void> {
    await documents.send(
      new PutCommand({
        TableName: local.stack.tableName,
        Item: {
          [tableDesign.partitionKey]: incidentPk(incident.incidentId),
          [tableDesign.sortKey]: META_SK,
          [byMonth.partitionKey]: monthPartition('INCIDENT', incident.openedAt),
          [byMonth.sortKey]: timeOrderedSk(incident.openedAt, incident.incidentId),
          runbookId: 'triage-notify',
          runbookVersion: 1,
          runbookHash: '0'.repeat(64),
          title: `Seeded ${incident.incidentId}`,
          summary: 'seeded for the listing tests',
          openedBy: 'arn:aws:iam::000000000000:user/rita-responder',
          runbookStatus: 'completed',
          updatedAt: incident.openedAt,
          ...incident,
        },
      }),
    );
  }
  const ids = (body: Record<string, any>) => (body.incidents as Incident[]).map((incident) => incident.incidentId);

  /** Follows nextToken to the end; returns every page's ids. */
  async function allPages(query: string, token = 'dev-responder'): Promise<string[][]> {
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const response = await local.api('GET', `/incidents?${query}${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, { token });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      pages.push(ids(response.body));
      nextToken = response.body.nextToken;
      expect(pages.length).toBeLessThan(50);
    } while (nextToken);
    return pages;
  }

  beforeAll(async () => {
    local = await startTestStack();
    documents = DynamoDBDocumentClient.from(local.dynamodb);
    for (const incident of seeded) await seed(incident);
  });
  afterAll(async () => {
    documents?.destroy();
    await local?.stop();
  });

  it('lists the period newest first, across month partitions, with every field of the incident', async () => {
    const response = await local.api('GET', `/incidents?${period}`);
    expect(response.status).toBe(200);
    expect(ids(response.body)).toEqual(newestFirst);
    expect(response.body.nextToken).toBeUndefined();
    expect(response.body.incidents[0]).toMatchObject({ incidentId: 'mar-b', status: 'open', severity: 'SEV1', mode: 'live', title: 'Seeded mar-b' });
    expect(response.body.incidents[0]).not.toHaveProperty('PK');
    expect(response.body.incidents[0]).not.toHaveProperty('GSI1PK');
  });

  it('treats from as inclusive and to as exclusive', async () => {
    const response = await local.api('GET', '/incidents?from=2025-02-01T00:00:00Z&to=2025-02-28T23:59:59.999Z');
    expect(ids(response.body)).toEqual(['feb-b', 'feb-a']);
    const offset = await local.api('GET', `/incidents?from=${encodeURIComponent('2025-02-14T10:30:00+01:00')}&to=2025-03-01`);
    expect(ids(offset.body)).toEqual(['feb-c', 'feb-b']);
  });

  it('filters by status, severity (comma lists) and mode', async () => {
    expect(ids((await local.api('GET', `/incidents?${period}&status=resolved`)).body)).toEqual(['mar-a', 'feb-c', 'jan-b']);
    expect(ids((await local.api('GET', `/incidents?${period}&status=open,acknowledged&severity=SEV1`)).body)).toEqual(['mar-b', 'feb-b']);
    expect(ids((await local.api('GET', `/incidents?${period}&mode=exercise`)).body)).toEqual(['mar-a', 'feb-a']);
    expect(ids((await local.api('GET', `/incidents?${period}&mode=live&severity=SEV2`)).body)).toEqual(['jan-a']);
  });

  it('pages with limit and an opaque nextToken, without gaps or repeats, filters kept', async () => {
    const pages = await allPages(`${period}&limit=2`);
    expect(pages.flat()).toEqual(newestFirst);
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);

    const filtered = await allPages(`${period}&status=resolved,open&limit=1`);
    expect(filtered.flat()).toEqual(['mar-b', 'mar-a', 'feb-c', 'feb-a', 'jan-b']);

    // A token carries its listing: the next call needs no filters, and may repeat them.
    const first = await local.api('GET', `/incidents?${period}&severity=SEV1&limit=1`);
    const bare = await local.api('GET', `/incidents?nextToken=${encodeURIComponent(first.body.nextToken)}`);
    const repeated = await local.api('GET', `/incidents?${period}&severity=SEV1&limit=1&nextToken=${encodeURIComponent(first.body.nextToken)}`);
    expect(ids(bare.body)).toEqual(['feb-b', 'jan-b']);
    expect(ids(repeated.body)).toEqual(['feb-b']);
  });

  it('defaults to the last 30 days', async () => {
    const day = 24 * 60 * 60 * 1000;
    const recent = { incidentId: 'recent', openedAt: new Date(Date.now() - 10 * day).toISOString(), status: 'open', severity: 'SEV3', mode: 'live' } as const;
    const old = { incidentId: 'older', openedAt: new Date(Date.now() - 40 * day).toISOString(), status: 'open', severity: 'SEV3', mode: 'live' } as const;
    await seed(recent);
    await seed(old);
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Opened now', severity: 'SEV4', summary: 'listed by default' });
    expect(created.status).toBe(202);

    const listed = ids((await local.api('GET', '/incidents', { token: 'dev-auditor' })).body);
    expect(listed).toEqual([created.body.incidentId, 'recent']);
  });

  it('rejects bad filters with 400 saying what to change', async () => {
    const cases: Array<[string, RegExp]> = [
      ['status=pending', /status\.0: Invalid option: expected one of "open"\|"acknowledged"\|"resolved"\|"closed"/],
      ['severity=SEV5', /severity\.0: Invalid option: expected one of "SEV1"/],
      ['severity=', /severity: give at least one value/],
      ['mode=drill', /mode: /],
      ['from=last-tuesday', /from: use an ISO 8601 time such as 2026-11-01T00:00:00Z or a date such as 2026-11-01/],
      ['limit=0', /limit: /],
      ['limit=101', /limit: .*100/],
      ['limit=ten', /limit: /],
      ['color=red', /color: Unrecognized key/],
      ['from=2025-03-01&to=2025-02-01', /from \(2025-03-01T00:00:00.000Z\) must be before to \(2025-02-01T00:00:00.000Z\)/],
      ['from=2023-01-01&to=2025-01-01', /at most 366 days apart/],
      ['nextToken=not-a-token', /nextToken is not one this API issued; drop it/],
    ];
    for (const [query, message] of cases) {
      const response = await local.api('GET', `/incidents?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toMatch(message);
    }

    const first = await local.api('GET', `/incidents?${period}&status=resolved&limit=1`);
    const otherFilter = await local.api('GET', `/incidents?status=open&nextToken=${encodeURIComponent(first.body.nextToken)}`);
    expect(otherFilter.status).toBe(400);
    expect(otherFilter.body.message).toBe('nextToken continues a listing with status=["resolved"]; send the same status or leave it out');
  });

  it('lets every role list, and no one without a role', async () => {
    for (const token of ['dev-responder', 'dev-commander', 'dev-approver', 'dev-auditor']) {
      expect((await local.api('GET', `/incidents?${period}`, { token })).status, token).toBe(200);
    }
    const outsider = await local.api('GET', `/incidents?${period}`, { token: 'dev-outsider' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.message).toMatch(/acts in no irdr role/);
  });
});

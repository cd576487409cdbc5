import { randomUUID } from 'node:crypto';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deduplicationTableDesign } from '../../functions/domain/table-design.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const newIncident = { runbookId: 'triage-notify', title: 'Backend check', severity: 'SEV3', summary: 'on DynamoDB Local' };

/**
 * What leans hardest on DynamoDB itself (conditional writes, ReturnValuesOnConditionCheckFailure, TTL,
 * filtered GSI queries), on AWS's DynamoDB Local as well as the embedded default, so the two cannot drift.
 */
describe('incident API on DynamoDB Local', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack({ dynamodb: 'local' });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('has TTL on the deduplication table and none on the evidence table, as CDK deploys them', async () => {
    const deduplication = await local.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: local.stack.deduplicationTableName }));
    expect(deduplication.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: deduplicationTableDesign.timeToLiveAttribute });
    const evidence = await local.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: local.stack.tableName }));
    expect(evidence.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('replays a key, refuses it with another body, and lets 20 concurrent duplicates open one incident', async () => {
    const key = randomUUID();
    const first = await local.openIncident(newIncident, { idempotencyKey: key });
    expect(first.status).toBe(202);
    const replay = await local.openIncident(newIncident, { idempotencyKey: key });
    expect(replay.body).toEqual(first.body);
    expect((await local.openIncident({ ...newIncident, severity: 'SEV1' }, { idempotencyKey: key })).status).toBe(409);

    const burstKey = randomUUID();
    const burst = await Promise.all(Array.from({ length: 20 }, () => local.openIncident({ ...newIncident, title: 'Burst' }, { idempotencyKey: burstKey })));
    expect(burst.every((response) => response.status === 202 || response.status === 409)).toBe(true);
    expect(new Set(burst.filter((response) => response.status === 202).map((response) => response.body.incidentId)).size).toBe(1);
    await local.waitForQuiet();
    const bursts = (await local.tableItems()).filter((item) => item.SK?.S === 'META' && item.title?.S === 'Burst');
    expect(bursts).toHaveLength(1);
  });

  it('moves the lifecycle with conditional updates, and lists with filters and pages', async () => {
    const created = await local.openIncident({ ...newIncident, title: 'Lifecycle' });
    const incidentId = created.body.incidentId as string;
    const racers = await Promise.all(Array.from({ length: 4 }, () => local.api('POST', `/incidents/${incidentId}/acknowledge`)));
    expect(racers.map((response) => response.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await local.api('POST', `/incidents/${incidentId}/resolve`)).body.incident.mttrSeconds).toEqual(expect.any(Number));

    const resolved = await local.api('GET', '/incidents?status=resolved');
    expect(resolved.body.incidents.map((incident: { incidentId: string }) => incident.incidentId)).toEqual([incidentId]);
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await local.api('GET', `/incidents?limit=1${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.incidents.map((incident: { incidentId: string }) => incident.incidentId));
      nextToken = page.body.nextToken;
    } while (nextToken);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toBe(incidentId);
  });
});

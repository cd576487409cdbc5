import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import securityHubSample from '../fixtures/securityhub-findings-imported-event.json' with { type: 'json' };
import securityHubV2Sample from '../fixtures/securityhub-findings-imported-v2-event.json' with { type: 'json' };
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/** Point 8: a security finding delivered as EventBridge would opens one incident on its mapped runbook, however often it comes. */
describe('findings trigger (GuardDuty and Security Hub, ASFF and OCSF, through the local event bus)', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  const deliver = (event: unknown) => local.stack.events.deliver(event as BusEvent);
  const findingOutcomes = (delivery: Awaited<ReturnType<typeof deliver>>) => {
    expect(delivery.deliveries).toHaveLength(1);
    expect(delivery.deliveries[0]).toMatchObject({ rule: 'security-findings', functionName: 'OpenIncidentFromFinding', outcome: 'delivered' });
    return (delivery.deliveries[0]!.result as { findings: Array<Record<string, string>> }).findings;
  };
  const incidentItems = async () => (await local.tableItems()).filter((item) => item.PK?.S?.startsWith('INC#') && item.SK?.S === 'META');
  const eventsOf = async (incidentId: string) =>
    (await local.api('GET', `/incidents/${incidentId}`)).body.events as Array<{ type: string; actor: string; detail?: Record<string, unknown> }>;

  let incidentId = '';

  it('opens a credential-compromise incident for the documented GuardDuty finding, and its run starts', async () => {
    const [finding] = findingOutcomes(await deliver(guardDutySample));
    expect(finding).toMatchObject({ findingId: guardDutySample.detail.id, outcome: 'opened' });
    incidentId = finding!.incidentId!;

    const view = await local.api('GET', `/incidents/${incidentId}`);
    expect(view.status).toBe(200);
    expect(view.body.incident).toMatchObject({
      runbookId: 'credential-compromise',
      severity: 'SEV2',
      title: guardDutySample.detail.title,
      openedBy: 'events:aws.guardduty',
      detectedAt: '2026-11-24T09:12:48.000Z',
      labels: { findingId: guardDutySample.detail.id, account: '111122223333', region: 'us-east-1', findingType: guardDutySample.detail.type },
    });
    const execution = await local.sfn.send(new DescribeExecutionCommand({ executionArn: finding!.executionArn }));
    expect(execution.name).toBe(incidentId);
    expect(JSON.parse(execution.input!)).toMatchObject({ incidentId, runbookId: 'credential-compromise', labels: { findingId: guardDutySample.detail.id } });
    for (let attempt = 0; attempt < 200 && !(await eventsOf(incidentId)).some((event) => event.type === 'runbook.started'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const events = await eventsOf(incidentId);
    expect(events[0]).toMatchObject({ type: 'incident.opened', actor: 'events:aws.guardduty' });
    expect(events.map((event) => event.type)).toContain('runbook.started');
  });

  it('opens nothing new when the same finding comes again, or updated, and records each repeat on its incident', async () => {
    const before = await incidentItems();
    // The very event that opened it, delivered again (EventBridge delivers at least once): nothing appended.
    const trailBefore = await eventsOf(incidentId);
    const [again] = findingOutcomes(await deliver(guardDutySample));
    expect(again).toEqual({ findingId: guardDutySample.detail.id, outcome: 'redelivered', incidentId });
    expect((await eventsOf(incidentId)).filter((event) => event.type.startsWith('finding.'))).toEqual(trailBefore.filter((event) => event.type.startsWith('finding.')));

    // The same finding in another event (GuardDuty re-publishes it as it recurs): a repeat.
    const recurred = structuredClone(guardDutySample);
    recurred.id = 'b1f0c9de-0000-4000-8000-000000000001';
    const [repeat] = findingOutcomes(await deliver(recurred));
    expect(repeat).toEqual({ findingId: guardDutySample.detail.id, outcome: 'repeated', incidentId });

    expect((await incidentItems()).length).toBe(before.length);
    const repeats = (await eventsOf(incidentId)).filter((event) => event.type === 'finding.repeated');
    expect(repeats.map((event) => event.detail)).toEqual([
      expect.objectContaining({ findingId: guardDutySample.detail.id, eventId: recurred.id, findingCount: '1' }),
    ]);
  });

  it('keeps the claim of the finding in the deduplication table, and nothing of it in the evidence table', async () => {
    const claims = (await local.deduplicationItems()).filter((item) => item.PK?.S?.startsWith('FINDING#'));
    expect(claims.map((item) => item.incidentId?.S)).toEqual([incidentId]);
    expect(claims[0]!.runStarted?.BOOL).toBe(true);
    expect((await local.evidenceItems()).filter((item) => item.PK?.S?.startsWith('FINDING#'))).toEqual([]);
  });

  it('adopts a claim made before claims left the evidence table: the finding delivered again opens nothing new', async () => {
    // The state a deployment upgraded from: the claim in the evidence table, none in the deduplication table.
    const [claim] = (await local.deduplicationItems()).filter((item) => item.PK?.S?.startsWith('FINDING#'));
    await local.dynamodb.send(new DeleteItemCommand({ TableName: local.stack.deduplicationTableName, Key: { PK: claim!.PK!, SK: claim!.SK! } }));
    await local.dynamodb.send(new PutItemCommand({ TableName: local.stack.tableName, Item: claim! }));
    const before = await incidentItems();

    const recurred = structuredClone(guardDutySample);
    recurred.id = 'b1f0c9de-0000-4000-8000-00000000000a';
    const [again] = findingOutcomes(await deliver(recurred));
    expect(again).toEqual({ findingId: guardDutySample.detail.id, outcome: 'repeated', incidentId });
    expect((await incidentItems()).length).toBe(before.length);
    const adopted = (await local.deduplicationItems()).filter((item) => item.PK?.S?.startsWith('FINDING#'));
    expect(adopted).toEqual([claim]);
  });

  it('delivers nothing for a finding below the configured severity: the rule pattern filters it out', async () => {
    const low = structuredClone(guardDutySample);
    low.detail.id = 'low-severity-finding';
    low.detail.arn = low.detail.arn.replace(guardDutySample.detail.id, 'low-severity-finding');
    low.detail.severity = 5;
    const before = await incidentItems();
    expect((await deliver(low)).deliveries).toEqual([]);
    expect((await incidentItems()).length).toBe(before.length);
  });

  it('opens only a SEV4 triage item for the documented Security Hub ASFF finding (a custom integration: the default product), once', async () => {
    const [first] = findingOutcomes(await deliver(securityHubSample));
    expect(first).toMatchObject({ findingId: 'us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef', outcome: 'opened' });
    const view = await local.api('GET', `/incidents/${first!.incidentId}`);
    expect(view.body.incident).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4', openedBy: 'events:aws.securityhub', labels: { findingTrust: 'untrusted-product' } });
    const [second] = findingOutcomes(await deliver({ ...securityHubSample, id: 'b1f0c9de-0000-4000-8000-00000000000b' }));
    expect(second).toMatchObject({ outcome: 'repeated', incidentId: first!.incidentId });
    expect(local.stack.events.deadLetters).toEqual([]);
  });

  it('opens a security-incident for the published Security Hub OCSF finding (Findings Imported V2), and its run starts; once', async () => {
    const finding = securityHubV2Sample.detail.findings[0]!;
    const [first] = findingOutcomes(await deliver(securityHubV2Sample));
    expect(first).toMatchObject({ findingId: finding.finding_info.uid, outcome: 'opened' });
    const v2IncidentId = first!.incidentId!;

    const view = await local.api('GET', `/incidents/${v2IncidentId}`);
    expect(view.status).toBe(200);
    expect(view.body.incident).toMatchObject({
      runbookId: 'security-incident',
      severity: 'SEV2',
      title: finding.finding_info.title,
      source: 'Security Hub (GuardDuty)',
      openedBy: 'events:aws.securityhub',
      detectedAt: '2024-10-24T10:21:26.000Z',
      labels: {
        findingId: finding.finding_info.uid,
        findingSource: 'securityhub',
        findingType: 'Stealth:IAMUser/CloudTrailLoggingDisabled',
        findingSeverity: 'High',
        account: '111122223333',
        region: 'us-east-1',
      },
    });
    const execution = await local.sfn.send(new DescribeExecutionCommand({ executionArn: first!.executionArn }));
    expect(execution.name).toBe(v2IncidentId);
    expect(JSON.parse(execution.input!)).toMatchObject({ incidentId: v2IncidentId, runbookId: 'security-incident', labels: { findingId: finding.finding_info.uid } });
    for (let attempt = 0; attempt < 200 && !(await eventsOf(v2IncidentId)).some((event) => event.type === 'runbook.started'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await eventsOf(v2IncidentId)).map((event) => event.type)).toContain('runbook.started');

    // Security Hub sends the finding again on every update: a repeat, on the same incident.
    const updated = structuredClone(securityHubV2Sample);
    updated.id = 'b1f0c9de-0000-4000-8000-000000000004';
    updated.detail.findings[0]!.finding_info.modified_time = 1753156954272;
    updated.detail.findings[0]!.finding_info.modified_time_dt = '2025-07-22T04:02:34.272Z';
    const [second] = findingOutcomes(await deliver(updated));
    expect(second).toEqual({ findingId: finding.finding_info.uid, outcome: 'repeated', incidentId: v2IncidentId });
    const repeats = (await eventsOf(v2IncidentId)).filter((event) => event.type === 'finding.repeated');
    expect(repeats.map((event) => event.detail)).toEqual([
      expect.objectContaining({ findingId: finding.finding_info.uid, eventId: updated.id, findingUpdatedAt: '2025-07-22T04:02:34.272Z', severity: 'SEV2' }),
    ]);
    expect(local.stack.events.deadLetters).toEqual([]);
  });

  it('delivers nothing for the OCSF finding as published (Low, Suppressed): the rule pattern filters it out', async () => {
    const published = structuredClone(securityHubV2Sample);
    Object.assign(published.detail.findings[0]!, { severity_id: 2, severity: 'Low', status_id: 3, status: 'Suppressed' });
    published.detail.findings[0]!.finding_info.uid = published.detail.findings[0]!.finding_info.uid.replace('06c95f0c', 'low0supp');
    const before = await incidentItems();
    expect((await deliver(published)).deliveries).toEqual([]);
    expect((await incidentItems()).length).toBe(before.length);
  });

  it('dead-letters an event its rule matches but the handler cannot read, after retries', async () => {
    const malformed = { ...structuredClone(guardDutySample), detail: { severity: 8 } };
    const delivery = await deliver(malformed);
    expect(delivery.deliveries).toEqual([expect.objectContaining({ outcome: 'dead-lettered', attempts: 3 })]);
    expect(local.stack.events.deadLetters).toHaveLength(1);
  });

  it('retries the start of a finding\'s runbook on the next delivery when StartExecution failed after the claim', async () => {
    const finding = structuredClone(guardDutySample);
    finding.id = 'b1f0c9de-0000-4000-8000-000000000003';
    finding.detail.id = 'retry-start-finding-0001';
    finding.detail.arn = finding.detail.arn.replace(guardDutySample.detail.id, finding.detail.id);
    const deadBefore = local.stack.events.deadLetters.length;
    local.stack.faults.stepFunctions.refuseStarts(true);
    const refused = await deliver(finding).finally(() => local.stack.faults.stepFunctions.refuseStarts(false));
    expect(refused.deliveries).toEqual([expect.objectContaining({ outcome: 'dead-lettered', attempts: 3 })]);
    expect(local.stack.events.deadLetters).toHaveLength(deadBefore + 1);
    const opened = (await incidentItems()).filter((item) => item.labels?.M?.findingId?.S === finding.detail.id);
    expect(opened).toHaveLength(1);
    const incidentId = opened[0]!.incidentId!.S!;
    expect(opened[0]!.runbookStatus?.S).toBe('start-failed');

    const [retried] = findingOutcomes(await deliver(finding));
    expect(retried).toMatchObject({ findingId: finding.detail.id, outcome: 'started', incidentId });
    const execution = await local.sfn.send(new DescribeExecutionCommand({ executionArn: retried!.executionArn }));
    expect(execution.name).toBe(incidentId);
    for (let attempt = 0; attempt < 200 && !(await eventsOf(incidentId)).some((event) => event.type === 'runbook.started'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const types = (await eventsOf(incidentId)).map((event) => event.type);
    expect(types.filter((type) => type === 'incident.opened')).toHaveLength(1);
    expect(types).toContain('runbook.start-failed');
    expect(types.filter((type) => type === 'runbook.start-retried')).toHaveLength(1);
    expect(types.filter((type) => type === 'runbook.started')).toHaveLength(1);

    // Started now: that event delivered again appends nothing, and a later one is only a repeat; neither starts anything.
    const [redelivered] = findingOutcomes(await deliver(finding));
    expect(redelivered).toEqual({ findingId: finding.detail.id, outcome: 'redelivered', incidentId });
    const [again] = findingOutcomes(await deliver({ ...finding, id: 'b1f0c9de-0000-4000-8000-00000000000c' }));
    expect(again).toEqual({ findingId: finding.detail.id, outcome: 'repeated', incidentId });
    expect((await incidentItems()).filter((item) => item.labels?.M?.findingId?.S === finding.detail.id)).toHaveLength(1);
  });
});

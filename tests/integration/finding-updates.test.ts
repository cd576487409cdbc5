import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import securityHubSample from '../fixtures/securityhub-findings-imported-event.json' with { type: 'json' };
import securityHubV2Sample from '../fixtures/securityhub-findings-imported-v2-event.json' with { type: 'json' };
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * A finding's later life, as EventBridge delivers it: closed findings (ASFF Workflow.Status SUPPRESSED or RESOLVED,
 * the deprecated WorkflowState, OCSF Suppressed/Resolved) open nothing, alone or in a batch; a closing of one that
 * opened an incident is noted on it and its commanders told; a finding arriving more severe raises its incident
 * (never lowers it); and the same EventBridge event delivered again appends nothing.
 */
describe('finding updates: closed findings, severity raised, redeliveries', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  type Outcome = Record<string, string>;
  const deliver = async (event: unknown): Promise<Outcome[]> => {
    const delivery = await local.stack.events.deliver(event as BusEvent);
    expect(delivery.deliveries).toEqual([expect.objectContaining({ functionName: 'OpenIncidentFromFinding', outcome: 'delivered' })]);
    return (delivery.deliveries[0]!.result as { findings: Outcome[] }).findings;
  };
  const incidentCount = async () => (await local.tableItems()).filter((item) => item.PK?.S?.startsWith('INC#') && item.SK?.S === 'META').length;
  const incidentOf = async (incidentId: string) => (await local.api('GET', `/incidents/${incidentId}`)).body as {
    incident: Record<string, any>;
    events: Array<{ type: string; actor: string; detail?: Record<string, any> }>;
  };
  const emailsTo = async (address: string, subject: RegExp) =>
    (await local.mailbox()).filter((email) => email.destination.to.includes(address) && subject.test(email.subject));

  let sequence = 0;
  const eventId = () => `b1f0c9de-0000-4000-8000-${String((sequence += 1)).padStart(12, '0')}`;
  /** An ASFF finding from AWS's own GuardDuty product (trusted), HIGH, active and new, with its own Id. */
  const asffFinding = (id: string, changes: Record<string, unknown> = {}) => ({
    ...structuredClone(securityHubSample.detail.findings[0]!),
    Id: id,
    ProductArn: 'arn:aws:securityhub:us-west-2::product/aws/guardduty',
    ProductName: 'GuardDuty',
    Severity: { Label: 'HIGH', Original: '8' },
    Workflow: { Status: 'NEW' },
    ...changes,
  });
  const asffEvent = (findings: unknown[]) => ({ ...structuredClone(securityHubSample), id: eventId(), detail: { findings } });

  it('opens nothing for a suppressed, resolved or DEFERRED (deprecated WorkflowState) finding, and records why', async () => {
    const before = await incidentCount();
    const suppressed = asffFinding('closed/suppressed-0001', { Workflow: { Status: 'SUPPRESSED' } });
    const resolved = asffFinding('closed/resolved-0001', { Workflow: { Status: 'RESOLVED' } });
    const deferred = asffFinding('closed/deferred-0001', { WorkflowState: 'DEFERRED' });
    delete (deferred as Record<string, unknown>).Workflow;
    for (const finding of [suppressed, resolved, deferred]) {
      const [outcome] = await deliver(asffEvent([finding]));
      expect(outcome).toMatchObject({ findingId: finding.Id, outcome: 'closed-dropped', reason: expect.stringMatching(/closed in Security Hub .*opens no incident/) });
    }
    // OCSF: Suppressed (status_id 3) now reaches the handler (the rule lets closings through) and opens nothing either.
    const ocsf = structuredClone(securityHubV2Sample);
    ocsf.id = eventId();
    Object.assign(ocsf.detail.findings[0]!, { status_id: 3, status: 'Suppressed' });
    ocsf.detail.findings[0]!.finding_info.uid = 'ocsf-suppressed-0001';
    const [ocsfOutcome] = await deliver(ocsf);
    expect(ocsfOutcome).toMatchObject({ outcome: 'closed-dropped', reason: expect.stringContaining('status Suppressed') });
    expect(await incidentCount()).toBe(before);

    const records = (await local.deduplicationItems()).filter((item) => item.SK?.S === 'CLOSED');
    expect(records.map((item) => [item.findingId?.S, item.workflowStatus?.S, item.disposition?.S]).sort()).toEqual([
      ['closed/deferred-0001', 'SUPPRESSED', 'dropped-closed'],
      ['closed/resolved-0001', 'RESOLVED', 'dropped-closed'],
      ['closed/suppressed-0001', 'SUPPRESSED', 'dropped-closed'],
      ['ocsf-suppressed-0001', 'SUPPRESSED', 'dropped-closed'],
    ]);
    // Nothing claims a closed finding's key: were it reopened (NEW again), it would open its incident then.
    expect((await local.deduplicationItems()).filter((item) => item.SK?.S === 'META' && item.findingId?.S?.startsWith('closed/'))).toEqual([]);
  });

  let openedId = '';
  it('in a batch of mixed findings only the open one opens an incident', async () => {
    const before = await incidentCount();
    const outcomes = await deliver(
      asffEvent([
        asffFinding('batch/suppressed-0002', { Workflow: { Status: 'SUPPRESSED' } }),
        asffFinding('batch/new-0002'),
        asffFinding('batch/resolved-0002', { Workflow: { Status: 'RESOLVED' }, Severity: { Label: 'CRITICAL' } }),
      ]),
    );
    expect(outcomes.map((outcome) => [outcome.findingId, outcome.outcome])).toEqual([
      ['batch/suppressed-0002', 'closed-dropped'],
      ['batch/new-0002', 'opened'],
      ['batch/resolved-0002', 'closed-dropped'],
    ]);
    expect(await incidentCount()).toBe(before + 1);
    openedId = outcomes[1]!.incidentId!;
    expect((await incidentOf(openedId)).incident).toMatchObject({ severity: 'SEV2', labels: { findingId: 'batch/new-0002' } });
  });

  it('a later update raising ASFF HIGH to CRITICAL raises the incident to SEV1, records it, and pages; lower again changes nothing', async () => {
    const raise = asffEvent([asffFinding('batch/new-0002', { Severity: { Label: 'CRITICAL' }, UpdatedAt: '2026-11-24T11:00:00.000Z' })]);
    const [raised] = await deliver(raise);
    expect(raised).toEqual({ findingId: 'batch/new-0002', outcome: 'severity-raised', incidentId: openedId, severity: 'SEV1' });
    const { incident, events } = await incidentOf(openedId);
    expect(incident.severity).toBe('SEV1');
    expect(events.filter((event) => event.type === 'incident.severity-raised').map((event) => event.detail)).toEqual([
      expect.objectContaining({ from: 'SEV2', to: 'SEV1', findingId: 'batch/new-0002', eventId: raise.id, findingSeverity: 'CRITICAL' }),
    ]);
    // Leadership is paged for a SEV1, as the runbooks' severity gates page it; responders and commanders too.
    for (const address of ['security-oncall@example.com', 'incident-commanders@example.com', 'security-leads@example.com']) {
      expect(await emailsTo(address, /^\[SEV1\] Severity raised from SEV2: /)).toHaveLength(1);
    }
    // Delivered again: nothing more. Back to HIGH in a later update: a repeat; the severity is never lowered automatically.
    expect((await deliver(raise))[0]).toMatchObject({ outcome: 'redelivered' });
    const [lower] = await deliver(asffEvent([asffFinding('batch/new-0002', { UpdatedAt: '2026-11-24T12:00:00.000Z' })]));
    expect(lower).toMatchObject({ outcome: 'repeated' });
    const after = await incidentOf(openedId);
    expect(after.incident.severity).toBe('SEV1');
    expect(after.events.filter((event) => event.type === 'incident.severity-raised')).toHaveLength(1);
    expect(await emailsTo('incident-commanders@example.com', /Severity raised/)).toHaveLength(1);
  });

  it('a forged closing (the same Id from a product nobody trusts) neither notes nor raises anything on the AWS finding’s incident', async () => {
    // What a finding update records on the incident; its runbook goes on appending its own steps meanwhile.
    const findingEvents = async () => (await incidentOf(openedId)).events.filter((event) => event.type.startsWith('finding.') || event.type === 'incident.severity-raised');
    const before = await findingEvents();
    const forged = { ProductArn: 'arn:aws:securityhub:us-west-2:111111111111:product/111111111111/default', ProductName: 'GuardDuty' };
    const [closing] = await deliver(asffEvent([asffFinding('batch/new-0002', { ...forged, Workflow: { Status: 'SUPPRESSED' } })]));
    expect(closing).toMatchObject({ findingId: 'batch/new-0002', outcome: 'closed-dropped' });
    const [raising] = await deliver(asffEvent([asffFinding('batch/new-0002', { ...forged, Severity: { Label: 'CRITICAL' } })]));
    // Keyed under its own product: a triage item of its own, never the AWS finding's incident.
    expect(raising).toMatchObject({ outcome: 'opened' });
    expect(raising!.incidentId).not.toBe(openedId);
    expect(await findingEvents()).toEqual(before);
    expect(await emailsTo('incident-commanders@example.com', /Finding suppressed/)).toEqual([]);
  });

  it('a later update suppressing the finding is recorded on its incident and noted to the commanders, once', async () => {
    const suppress = asffEvent([asffFinding('batch/new-0002', { Workflow: { Status: 'SUPPRESSED' }, UpdatedAt: '2026-11-24T13:00:00.000Z' })]);
    const [noted] = await deliver(suppress);
    expect(noted).toEqual({ findingId: 'batch/new-0002', outcome: 'closed-noted', incidentId: openedId });
    const { incident, events } = await incidentOf(openedId);
    expect(incident.status).toBe('open');
    expect(events.filter((event) => event.type === 'finding.closed')).toEqual([
      expect.objectContaining({ actor: 'events:aws.securityhub', detail: expect.objectContaining({ findingId: 'batch/new-0002', eventId: suppress.id, workflowStatus: 'SUPPRESSED' }) }),
    ]);
    const [email] = await emailsTo('incident-commanders@example.com', /Finding suppressed in Security Hub/);
    expect(email?.body.text).toContain(`irdr incidents resolve ${openedId}`);
    expect((await deliver(suppress))[0]).toMatchObject({ outcome: 'redelivered' });
    expect((await incidentOf(openedId)).events.filter((event) => event.type === 'finding.closed')).toHaveLength(1);
    expect(await emailsTo('incident-commanders@example.com', /Finding suppressed/)).toHaveLength(1);
  });

  it('GuardDuty 8 -> 9 (same finding id, higher count and updatedAt) raises SEV2 to SEV1; the same event again appends nothing', async () => {
    const first = structuredClone(guardDutySample);
    first.id = eventId();
    const [opened] = await deliver(first);
    expect(opened).toMatchObject({ outcome: 'opened' });
    const incidentId = opened!.incidentId!;
    expect((await deliver(first))[0]).toEqual({ findingId: first.detail.id, outcome: 'redelivered', incidentId });

    const worse = structuredClone(first);
    worse.id = eventId();
    Object.assign(worse.detail, { severity: 9, updatedAt: '2026-11-24T10:30:08.311Z' });
    worse.detail.service.count = 4;
    expect((await deliver(worse))[0]).toEqual({ findingId: first.detail.id, outcome: 'severity-raised', incidentId, severity: 'SEV1' });
    expect((await deliver(worse))[0]).toEqual({ findingId: first.detail.id, outcome: 'redelivered', incidentId });
    const { incident, events } = await incidentOf(incidentId);
    expect(incident.severity).toBe('SEV1');
    expect(events.filter((event) => event.type === 'incident.severity-raised').map((event) => event.detail)).toEqual([
      expect.objectContaining({ from: 'SEV2', to: 'SEV1', findingSeverity: '9', eventId: worse.id }),
    ]);
    expect(events.filter((event) => event.type === 'finding.repeated').map((event) => event.detail?.eventId)).toEqual([worse.id]);
  });
  it('the finding arriving more severe after its incident was resolved with no review opens the review the new severity calls for', async () => {
    const first = structuredClone(guardDutySample);
    first.id = eventId();
    // A finding of its own: GuardDuty findings are told apart by their ARN.
    first.detail.id = 'd0c1a0ffee00review0after0resolve';
    first.detail.arn = first.detail.arn.replace(/finding\/\w+$/, `finding/${first.detail.id}`);
    const [opened] = await deliver(first);
    expect(opened).toMatchObject({ outcome: 'opened' });
    const incidentId = opened!.incidentId!;
    // A commander judged it a SEV3 and resolved it: no review at SEV3.
    expect((await local.api('POST', `/incidents/${incidentId}/classify`, { token: 'dev-commander', body: { severity: 'SEV3', reason: 'A test key, no access' } })).status).toBe(200);
    const resolved = await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'Key deleted' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.reviewDueAt).toBeUndefined();

    const worse = structuredClone(first);
    worse.id = eventId();
    Object.assign(worse.detail, { severity: 9, updatedAt: '2026-11-24T10:30:08.311Z' });
    expect((await deliver(worse))[0]).toEqual({ findingId: first.detail.id, outcome: 'severity-raised', incidentId, severity: 'SEV1' });
    const { incident, events } = await incidentOf(incidentId);
    expect(incident).toMatchObject({ severity: 'SEV1', status: 'resolved' });
    const started = events.find((event) => event.type === 'severity.raise-started');
    expect(started?.detail?.review).toEqual({ opened: true, taskId: 'review.post-incident', dueAt: expect.any(String) });
    const tasks = (await local.api('GET', `/incidents/${incidentId}/tasks`, { token: 'dev-commander' })).body.tasks as Array<Record<string, any>>;
    expect(tasks.find((task) => task.taskId === 'review.post-incident')).toMatchObject({ status: 'open', dueAt: started!.detail!.review.dueAt });
    // Emailed to the commanders with their own links, as on resolve.
    expect(events.filter((event) => event.type === 'notification.sent' && event.detail?.purpose === 'post-incident-review').length).toBeGreaterThan(0);
  });

  it('a GuardDuty credential finding puts what to act on on the incident, in its runbook input and in the revoke task’s email', async () => {
    const hostileName = `ci-deployer\u001b[31m\r\nBcc: attacker@example.com${'n'.repeat(3000)}`;
    const event = structuredClone(guardDutySample) as any;
    event.id = eventId();
    event.detail.id = 'credential-details-0001';
    event.detail.arn = event.detail.arn.replace(guardDutySample.detail.id, event.detail.id);
    event.detail.resource.accessKeyDetails.userName = hostileName;
    const [opened] = await deliver(event);
    expect(opened).toMatchObject({ outcome: 'opened' });
    const { incident, events } = await incidentOf(opened!.incidentId!);
    expect(incident.finding).toMatchObject({
      accessKey: { accessKeyId: 'ASIASZ4SI7REEEXAMPLE', principalId: 'AROA123456789EXAMPLE:i-99999999', userType: 'AssumedRole', userName: expect.stringContaining('ci-deployer\\u001b[31m\\u000d\\u000aBcc: attacker@example.com') },
      remoteIp: { ipAddress: '198.51.100.0', countryName: 'GeneratedFindingCountryName', asn: '-1', asnOrg: 'GeneratedFindingASNOrg' },
      api: { name: 'GeneratedFindingAPIName', serviceName: 'GeneratedFindingAPIServiceName' },
    });
    expect(incident.finding.accessKey.userName).toHaveLength(256);
    expect(incident.finding.accessKey.userName.endsWith('…')).toBe(true);
    expect(events.find((candidate) => candidate.type === 'incident.opened')?.detail?.finding).toEqual(incident.finding);
    const execution = await local.sfn.send(new DescribeExecutionCommand({ executionArn: opened!.executionArn! }));
    expect(JSON.parse(execution.input!).finding).toEqual(incident.finding);

    // The responder's email for "Revoke the compromised credentials" names the key, the principal, the IP and the API.
    let email: Awaited<ReturnType<TestStack['mailbox']>>[number] | undefined;
    for (let attempt = 0; attempt < 400 && !email; attempt += 1) {
      email = (await local.mailbox()).find((candidate) => candidate.destination.to.includes('rita@example.com') && candidate.subject.includes('Revoke the compromised credentials') && (candidate.body.text ?? '').includes(opened!.incidentId!));
      if (!email) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(email?.body.text).toContain('- Access key: ASIASZ4SI7REEEXAMPLE (user ci-deployer\\u001b[31m\\u000d\\u000aBcc: attacker@example.com');
    expect(email?.body.text).toContain('- From: 198.51.100.0, GeneratedFindingCityName, GeneratedFindingCountryName (ASN -1, GeneratedFindingASNOrg');
    expect(email?.body.text).toContain('- API called: GeneratedFindingAPIServiceName GeneratedFindingAPIName');
    expect(email?.body.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(email?.subject).not.toContain('Bcc');
  });
});

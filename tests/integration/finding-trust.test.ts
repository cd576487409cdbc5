import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import guardDutyFinding from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import guardDutySampleFinding from '../fixtures/guardduty-sample-finding-event.json' with { type: 'json' };
import forgedImport from '../fixtures/securityhub-batch-import-default-product-event.json' with { type: 'json' };
import ocsfFinding from '../fixtures/securityhub-findings-imported-v2-event.json' with { type: 'json' };
import { irdrConfig } from '../../functions/config.js';
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * Issue 14, item 5: only AWS's own products (or allow-listed ones) open live incidents on their mapped runbooks;
 * a finding anyone could import opens a SEV4 triage item; a sample finding is recorded and opens nothing.
 */
describe('finding trust (through the local event bus, the real handler and table)', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  const deliver = async (event: unknown) => {
    const delivery = await local.stack.events.deliver(event as BusEvent);
    expect(delivery.deliveries).toEqual([expect.objectContaining({ rule: 'security-findings', functionName: 'OpenIncidentFromFinding', outcome: 'delivered' })]);
    return (delivery.deliveries[0]!.result as { findings: Array<Record<string, string>> }).findings;
  };
  const incidents = async () =>
    (await local.tableItems())
      .filter((item) => item.PK?.S?.startsWith('INC#') && item.SK?.S === 'META')
      .map((item) => ({ incidentId: item.incidentId!.S!, runbookId: item.runbookId!.S!, severity: item.severity!.S!, title: item.title!.S!, findingId: item.labels?.M?.findingId?.S }));
  const incident = async (incidentId: string) => (await local.api('GET', `/incidents/${incidentId}`)).body as { incident: Record<string, unknown>; events: Array<{ type: string }> };
  /** A real CRITICAL GuardDuty finding as Security Hub imports it (ASFF, AWS's product), beside the forged one. */
  const realViaHub = {
    ...structuredClone(forgedImport.detail.findings[0]!),
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
    Id: 'arn:aws:guardduty:us-east-1:111122223333:detector/123456789012abcdef1234567890abcd/finding/real0ransomware0000000000000001',
    Title: 'A real ransomware finding',
  };
  const asffEvent = (id: string, ...findings: unknown[]) => ({ ...structuredClone(forgedImport), id, detail: { findings } });

  it('a forged CRITICAL ransomware finding from the default product opens only a SEV4 triage item: no ransomware run, mail to the responders alone', async () => {
    const [outcome] = await deliver(forgedImport);
    expect(outcome).toMatchObject({ outcome: 'opened' });
    const { incident: opened } = await incident(outcome!.incidentId!);
    expect(opened).toMatchObject({
      runbookId: 'triage-notify',
      severity: 'SEV4',
      title: 'Untrusted product finding: Ransomware is encrypting the production S3 buckets',
      labels: { findingTrust: 'untrusted-product', findingClaimedRunbook: 'ransomware', findingClaimedSeverity: 'SEV1' },
    });
    expect((await incidents()).filter((item) => item.runbookId === 'ransomware' || item.severity !== 'SEV4')).toEqual([]);
    await local.waitForQuiet();
    const mail = (await local.mailbox()).filter((message) => message.body.text?.includes(outcome!.incidentId!));
    expect(mail.length).toBeGreaterThan(0);
    for (const message of mail) {
      expect(message.destination.to).toEqual(['security-oncall@example.com']);
      expect(message.subject).toMatch(/^\[SEV4\] Untrusted product finding:/);
    }
  });

  it('the real GuardDuty finding whose ARN the forgery copied as its Id still opens its own live incident', async () => {
    const [outcome] = await deliver(guardDutyFinding);
    expect(outcome).toMatchObject({ findingId: guardDutyFinding.detail.id, outcome: 'opened' });
    expect((await incident(outcome!.incidentId!)).incident).toMatchObject({ runbookId: 'credential-compromise', severity: 'SEV2' });
    // And the forgery, delivered again, is a repeat of its own triage item, not of the real incident.
    const [again] = await deliver({ ...forgedImport, id: 'forged-again' });
    expect(again).toMatchObject({ outcome: 'repeated' });
    expect(again!.incidentId).not.toBe(outcome!.incidentId);
    expect((await incident(outcome!.incidentId!)).events.map((event) => event.type)).not.toContain('finding.repeated');
  });

  it('a GuardDuty sample finding opens nothing, and its drop is recorded on its finding key; again, still one record', async () => {
    const before = await incidents();
    for (const eventId of [guardDutySampleFinding.id, 'sample-delivered-again']) {
      const [outcome] = await deliver({ ...guardDutySampleFinding, id: eventId });
      expect(outcome).toEqual({ findingId: guardDutySampleFinding.detail.id, outcome: 'sample-dropped', reason: expect.stringMatching(/sample/) });
    }
    expect(await incidents()).toEqual(before);
    const records = (await local.tableItems()).filter((item) => item.PK?.S === `FINDING#${guardDutySampleFinding.detail.arn}`);
    expect(records).toEqual([
      expect.objectContaining({
        SK: { S: 'SAMPLE' },
        findingId: { S: guardDutySampleFinding.detail.id },
        disposition: { S: 'dropped-sample' },
        eventId: { S: guardDutySampleFinding.id },
        source: { S: 'events:aws.guardduty' },
      }),
    ]);
  });

  it('a batch of forged, real and sample findings: only the real one opens a live SEV1 ransomware incident', async () => {
    const forged = { ...structuredClone(forgedImport.detail.findings[0]!), Id: 'forged-in-a-batch' };
    const sample = { ...structuredClone(realViaHub), Id: 'sample-in-a-batch', Sample: true };
    const outcomes = await deliver(asffEvent('batch-1', forged, realViaHub, sample));
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['opened', 'opened', 'sample-dropped']);
    expect((await incident(outcomes[0]!.incidentId!)).incident).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4' });
    expect((await incident(outcomes[1]!.incidentId!)).incident).toMatchObject({ runbookId: 'ransomware', severity: 'SEV1', title: 'A real ransomware finding' });
    expect((await incidents()).filter((item) => item.runbookId === 'ransomware').map((item) => item.incidentId)).toEqual([outcomes[1]!.incidentId]);
    expect((await incidents()).some((item) => item.findingId === 'sample-in-a-batch')).toBe(false);
  });

  it('an OCSF finding whose vendor is not AWS opens only a triage item; the AWS one its mapped runbook', async () => {
    const foreign = structuredClone(ocsfFinding);
    foreign.id = 'ocsf-foreign';
    Object.assign(foreign.detail.findings[0]!.metadata.product, { name: 'Falcon', vendor_name: 'CrowdStrike', uid: 'arn:aws:securityhub:us-east-1::productv2/crowdstrike/crowdstrike-falcon' });
    foreign.detail.findings[0]!.finding_info.uid = 'falcon-finding-1';
    const [untrusted] = await deliver(foreign);
    expect((await incident(untrusted!.incidentId!)).incident).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4', labels: { findingTrust: 'untrusted-product' } });
    const [trusted] = await deliver(ocsfFinding);
    expect((await incident(trusted!.incidentId!)).incident).toMatchObject({ runbookId: 'security-incident', severity: 'SEV2' });
  });

  it('a third-party product allow-listed in findings.trustedProducts opens its mapped runbook, labelled allow-listed', async () => {
    const falcon = 'arn:aws:securityhub:us-east-1::product/crowdstrike/crowdstrike-falcon';
    const finding = { ...structuredClone(forgedImport.detail.findings[0]!), ProductArn: falcon, ProductName: 'Falcon', Id: 'falcon-allow-listed-1' };
    const [unlisted] = await deliver(asffEvent('falcon-unlisted', { ...finding, Id: 'falcon-unlisted-1' }));
    expect((await incident(unlisted!.incidentId!)).incident).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4' });
    // The handler runs in this process and reads this very configuration object: a deployment with the entry.
    irdrConfig.findings.trustedProducts.push('arn:aws:securityhub:*::product/crowdstrike/crowdstrike-falcon');
    try {
      const [listed] = await deliver(asffEvent('falcon-listed', finding));
      expect((await incident(listed!.incidentId!)).incident).toMatchObject({ runbookId: 'ransomware', severity: 'SEV1', labels: { findingTrust: 'allow-listed-product', findingProduct: falcon } });
    } finally {
      irdrConfig.findings.trustedProducts.pop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import guardDutyFinding from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import guardDutySampleFinding from '../fixtures/guardduty-sample-finding-event.json' with { type: 'json' };
import forgedImport from '../fixtures/securityhub-batch-import-default-product-event.json' with { type: 'json' };
import documentedAsff from '../fixtures/securityhub-findings-imported-event.json' with { type: 'json' };
import ocsfFinding from '../fixtures/securityhub-findings-imported-v2-event.json' with { type: 'json' };
import { irdrConfig } from '../../functions/config.js';
import { decideFindings, FindingsConfig, SecurityFindingEvent, type FindingDecision } from '../../functions/domain/finding-mapping.js';
import { trustOfAsffProduct, trustOfOcsfProduct } from '../../functions/domain/finding-trust.js';
import { CreateIncidentRequest } from '../../functions/domain/incident.js';

const config = irdrConfig.findings;
const falcon = 'arn:aws:securityhub:us-east-1::product/crowdstrike/crowdstrike-falcon';
const decide = (event: unknown, findingsConfig: FindingsConfig = config): FindingDecision[] => decideFindings(SecurityFindingEvent.parse(event), findingsConfig);
const opened = (decision: FindingDecision | undefined) => {
  expect(decision?.outcome).toBe('open');
  if (decision?.outcome !== 'open') throw new Error('not opened');
  expect(CreateIncidentRequest.parse(decision.finding.request)).toEqual(decision.finding.request);
  return decision.finding;
};
/** An ASFF event with these findings: the documented one, each changed so. */
const asffEvent = (...changes: Array<Record<string, unknown>>) => {
  const event = structuredClone(documentedAsff);
  const [finding] = event.detail.findings;
  event.detail.findings = changes.map((change) => ({ ...structuredClone(finding!), ...change }));
  return event;
};
const fromGuardDutyViaHub = { ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty', ProductName: 'GuardDuty', Id: 'arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/real-1', Types: ['Effects/Data Destruction'] };
const ocsfWithProduct = (product: Record<string, unknown>) => {
  const event = structuredClone(ocsfFinding);
  event.detail.findings[0]!.metadata.product = product as never;
  return event;
};

describe('a finding imported with BatchImportFindings to the default product (anyone with that permission can)', () => {
  it('opens only a SEV4 triage item labelled untrusted, never the SEV1 ransomware runbook it claims', () => {
    const finding = opened(decide(forgedImport)[0]);
    expect(finding.request).toMatchObject({
      runbookId: 'triage-notify',
      severity: 'SEV4',
      mode: 'live',
      title: 'Untrusted product finding: Ransomware is encrypting the production S3 buckets',
      source: 'Security Hub, untrusted product arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
      labels: {
        findingTrust: 'untrusted-product',
        findingProduct: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
        findingClaimedRunbook: 'ransomware',
        findingClaimedSeverity: 'SEV1',
        findingSeverity: 'CRITICAL',
      },
    });
    expect(finding.request.summary).toMatch(/^Reported by arn:aws:securityhub:us-east-1:111122223333:product\/111122223333\/default, a Security Hub product that is neither AWS's nor allow-listed/);
  });

  it('cannot claim the key of the GuardDuty finding whose ARN it copies as its Id, so the real one still opens its own incident', () => {
    expect(forgedImport.detail.findings[0]!.Id).toBe(guardDutyFinding.detail.arn);
    const forged = opened(decide(forgedImport)[0]);
    const real = opened(decide(guardDutyFinding)[0]);
    expect(forged.dedupKey).not.toBe(real.dedupKey);
    expect(forged.dedupKey).toBe(`${forgedImport.detail.findings[0]!.ProductArn}#${guardDutyFinding.detail.arn}`);
  });

  it('the documented ASFF example (a custom integration, CompanyName "AWS" and all) is a triage item too', () => {
    expect(opened(decide(documentedAsff)[0]).request).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4', labels: { findingTrust: 'untrusted-product' } });
  });

  it('in a batch with a real AWS finding: the real one opens its SEV1 ransomware incident, the forged one only triage', () => {
    const [forged, real] = decide(asffEvent(forgedImport.detail.findings[0]!, fromGuardDutyViaHub));
    expect(opened(forged).request).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4' });
    expect(opened(real).request).toMatchObject({ runbookId: 'ransomware', severity: 'SEV1' });
    expect(opened(real).request.labels).not.toHaveProperty('findingTrust');
  });
});

describe('which products count as AWS\'s', () => {
  it('ASFF: only an empty account field and the company aws, in any partition', () => {
    for (const arn of ['arn:aws:securityhub:us-east-1::product/aws/guardduty', 'arn:aws:securityhub:eu-west-1::product/aws/securityhub', 'arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/inspector']) {
      expect(trustOfAsffProduct(arn, config), arn).toBe('aws');
    }
    for (const arn of [
      'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
      'arn:aws:securityhub:us-east-1:111122223333:product/aws/guardduty',
      'arn:aws:securityhub:us-east-1::product/awsx/guardduty',
      'arn:aws:securityhub:us-east-1::product/aws/guardduty/../../111122223333/default',
      'arn:aws:securityhub:us-east-1::product/aws/guardduty\n',
      falcon,
      'arn:aws:securityhub:us-east-1::productv2/aws/guardduty',
      '',
    ]) {
      expect(trustOfAsffProduct(arn, config), arn).toBe('untrusted');
    }
  });

  it('OCSF: vendor AWS and an AWS product uid, both; the published GuardDuty finding opens as before', () => {
    expect(trustOfOcsfProduct(ocsfFinding.detail.findings[0]!.metadata.product, config)).toBe('aws');
    expect(opened(decide(ocsfFinding)[0]).request).toMatchObject({ runbookId: 'security-incident', severity: 'SEV2' });
    for (const product of [
      { name: 'GuardDuty', uid: 'arn:aws:securityhub:us-east-1::productv2/aws/guardduty', vendor_name: 'Amazon Web Services' },
      { name: 'GuardDuty', uid: 'arn:aws:securityhub:us-east-1::productv2/aws/guardduty' },
      { name: 'GuardDuty', uid: 'arn:aws:securityhub:us-east-1:111122223333:productv2/111122223333/default', vendor_name: 'AWS' },
      { name: 'GuardDuty', vendor_name: 'AWS' },
      { name: 'Falcon', uid: falcon, vendor_name: 'CrowdStrike' },
    ]) {
      expect(trustOfOcsfProduct(product, config), JSON.stringify(product)).toBe('untrusted');
      expect(opened(decide(ocsfWithProduct(product))[0]).request, JSON.stringify(product)).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4', labels: { findingTrust: 'untrusted-product' } });
    }
  });
});

describe('an allow-listed third-party product (findings.trustedProducts)', () => {
  const allowing = FindingsConfig.parse({ ...config, trustedProducts: ['arn:aws:securityhub:*::product/crowdstrike/crowdstrike-falcon'] });

  it('opens incidents as an AWS product\'s would, labelled allow-listed and keyed under its product', () => {
    const event = asffEvent({ ProductArn: falcon, ProductName: 'Falcon', Id: 'falcon-1', Types: ['Effects/Data Destruction'] });
    expect(opened(decide(event)[0]).request).toMatchObject({ runbookId: 'triage-notify', severity: 'SEV4' });
    const finding = opened(decide(event, allowing)[0]);
    expect(finding.request).toMatchObject({ runbookId: 'ransomware', severity: 'SEV1', labels: { findingTrust: 'allow-listed-product', findingProduct: falcon } });
    expect(finding.dedupKey).toBe(`${falcon}#falcon-1`);
  });

  it('in a batch with an unlisted product and a real AWS finding: each as its product deserves', () => {
    const event = asffEvent({ ProductArn: falcon, Id: 'falcon-2' }, forgedImport.detail.findings[0]!, fromGuardDutyViaHub);
    expect(decide(event, allowing).map((decision) => opened(decision).request.runbookId)).toEqual(['security-incident', 'triage-notify', 'ransomware']);
  });

  it('does not make other products of the same vendor or the default product trusted', () => {
    expect(trustOfAsffProduct('arn:aws:securityhub:us-east-1::product/crowdstrike/other', allowing)).toBe('untrusted');
    expect(trustOfAsffProduct('arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default', allowing)).toBe('untrusted');
  });

  it('refuses an allow-list entry that is not a Security Hub product ARN, saying what to write', () => {
    const parsed = FindingsConfig.safeParse({ ...config, trustedProducts: ['crowdstrike'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/arn:aws:securityhub:\*::product\/crowdstrike\/crowdstrike-falcon/);
  });
});

describe('sample findings are dropped, with their key to record them under', () => {
  it('GuardDuty CreateSampleFindings (service.additionalInfo.sample: true)', () => {
    expect(guardDutySampleFinding.detail.service.additionalInfo).toEqual({ sample: true });
    expect(decide(guardDutySampleFinding)).toEqual([
      { outcome: 'sample', findingId: guardDutySampleFinding.detail.id, dedupKey: guardDutySampleFinding.detail.arn, reason: expect.stringMatching(/GuardDuty sample finding/) },
    ]);
    expect(opened(decide(guardDutyFinding)[0]).request.runbookId).toBe('credential-compromise');
  });

  it('ASFF Sample: true, and a GuardDuty sample imported into Security Hub, even from an AWS product', () => {
    const [flagged, imported, real] = decide(
      asffEvent({ ...fromGuardDutyViaHub, Id: 'sample-1', Sample: true }, { ...fromGuardDutyViaHub, Id: 'sample-2', ProductFields: { 'aws/guardduty/service/additionalInfo/sample': 'true' } }, fromGuardDutyViaHub),
    );
    expect(flagged).toMatchObject({ outcome: 'sample', findingId: 'sample-1', dedupKey: 'sample-1' });
    expect(imported).toMatchObject({ outcome: 'sample', findingId: 'sample-2' });
    expect(opened(real).request.runbookId).toBe('ransomware');
  });

  it('a "sample" imported to the default product with a real GuardDuty ARN as Id is recorded under its own product, not that finding\'s key', () => {
    const [decision] = decide(asffEvent({ ...forgedImport.detail.findings[0]!, Sample: true }));
    expect(decision).toMatchObject({ outcome: 'sample', dedupKey: `${forgedImport.detail.findings[0]!.ProductArn}#${guardDutyFinding.detail.arn}` });
  });
});

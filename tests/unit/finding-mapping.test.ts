import { describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import securityHubSample from '../fixtures/securityhub-findings-imported-event.json' with { type: 'json' };
import { irdrConfig } from '../../functions/config.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import {
  decideFindings,
  FindingsConfig,
  runbookForTypes,
  runbookIdsOf,
  securityFindingsEventPattern,
  SecurityFindingEvent,
  severityOfGuardDuty,
} from '../../functions/domain/finding-mapping.js';
import { CreateIncidentRequest } from '../../functions/domain/incident.js';
import { stateMachineBlueprints } from '../../workflows/catalog.js';
import { matchesEventPattern } from '../../local/eventbridge/event-pattern.js';

const config = irdrConfig.findings;
const clone = <T>(value: T): T => structuredClone(value);
const guardDutyWith = (changes: Record<string, unknown>) => {
  const event = clone(guardDutySample);
  Object.assign(event.detail, changes);
  return event;
};
const securityHubWith = (changes: Record<string, unknown>) => {
  const event = clone(securityHubSample);
  Object.assign(event.detail.findings[0]!, changes);
  return event;
};
const decide = (event: unknown) => decideFindings(SecurityFindingEvent.parse(event), config);

describe('GuardDuty finding (the documented event)', () => {
  it('opens a credential-compromise incident, SEV2 for severity 8, with the finding in its labels', () => {
    const [decision] = decide(guardDutySample);
    expect(decision?.outcome).toBe('open');
    if (decision?.outcome !== 'open') return;
    expect(decision.finding.dedupKey).toBe(guardDutySample.detail.arn);
    expect(decision.finding.findingId).toBe('16afba5c5c43e07c9e3e5e2e544e95df');
    expect(decision.finding.request).toEqual({
      runbookId: 'credential-compromise',
      title: guardDutySample.detail.title,
      severity: 'SEV2',
      summary: guardDutySample.detail.description,
      source: 'GuardDuty UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      detectedAt: '2026-11-24T09:12:48.000Z',
      labels: {
        findingId: '16afba5c5c43e07c9e3e5e2e544e95df',
        findingArn: guardDutySample.detail.arn,
        findingSource: 'guardduty',
        findingType: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
        findingSeverity: '8',
        account: '111122223333',
        region: 'us-east-1',
        findingCount: '1',
      },
      mode: 'live',
    });
    // What POST /incidents would accept, unchanged.
    expect(CreateIncidentRequest.parse(decision.finding.request)).toEqual(decision.finding.request);
  });

  it('ignores a finding below the configured severity, saying why', () => {
    expect(decide(guardDutyWith({ severity: 5.5 }))).toEqual([
      { outcome: 'ignored', findingId: '16afba5c5c43e07c9e3e5e2e544e95df', reason: 'GuardDuty severity 5.5 is below 7' },
    ]);
  });

  it('maps severity by the configured bands: 9 and above SEV1, 7 to 8.9 SEV2', () => {
    expect([9.5, 9, 8.9, 7, 4, 1].map((severity) => severityOfGuardDuty(severity, config))).toEqual(['SEV1', 'SEV1', 'SEV2', 'SEV2', 'SEV3', 'SEV4']);
    const [critical] = decide(guardDutyWith({ severity: 9.2 }));
    expect(critical?.outcome === 'open' && critical.finding.request.severity).toBe('SEV1');
  });

  it('picks the runbook by finding type: Impact to ransomware, anything unmapped to security-incident', () => {
    const runbookOf = (type: string) => {
      const [decision] = decide(guardDutyWith({ type }));
      return decision?.outcome === 'open' ? decision.finding.request.runbookId : undefined;
    };
    expect(runbookOf('Impact:S3/MaliciousIPCaller')).toBe('ransomware');
    expect(runbookOf('CredentialAccess:IAMUser/AnomalousBehavior')).toBe('credential-compromise');
    expect(runbookOf('Recon:EC2/PortProbeUnprotectedPort')).toBe('security-incident');
  });

  it('refuses an event that is not a GuardDuty finding', () => {
    expect(() => decide({ ...clone(guardDutySample), detail: { id: 'x' } })).toThrow();
  });
});

describe('Security Hub Findings - Imported (the documented ASFF event)', () => {
  it('opens a SEV1 security-incident for the CRITICAL finding, keyed by the ASFF Id', () => {
    const [decision] = decide(securityHubSample);
    expect(decision?.outcome).toBe('open');
    if (decision?.outcome !== 'open') return;
    expect(decision.finding.dedupKey).toBe('us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef');
    expect(decision.finding.request).toMatchObject({
      runbookId: 'security-incident',
      title: 'EC2.20 Both VPN tunnels for an AWS Site-to-Site VPN connection should be up',
      severity: 'SEV1',
      summary: 'The version of openssl found on instance i-abcd1234 is known to contain a vulnerability.',
      source: 'Security Hub (Security Hub)',
      detectedAt: '2017-03-22T13:22:13.933Z',
      labels: {
        findingId: 'us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef',
        findingSource: 'securityhub',
        findingProduct: 'arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default',
        findingType: 'Software and Configuration Checks/Vulnerabilities/CVE',
        findingSeverity: 'CRITICAL',
        account: '111111111111',
        region: 'us-west-2',
        resource: 'arn:aws:ec2:us-west-2:111111111111:instance/i-abcd1234',
      },
    });
    expect(CreateIncidentRequest.parse(decision.finding.request)).toEqual(decision.finding.request);
  });

  it('ignores MEDIUM and archived findings', () => {
    expect(decide(securityHubWith({ Severity: { Label: 'MEDIUM', Original: '5' } }))[0]?.outcome).toBe('ignored');
    expect(decide(securityHubWith({ RecordState: 'ARCHIVED' }))[0]?.outcome).toBe('ignored');
  });

  it('keys a GuardDuty finding imported into Security Hub by its ARN, as the GuardDuty event is: one incident for both', () => {
    const imported = securityHubWith({
      Id: guardDutySample.detail.arn,
      ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
      ProductName: 'GuardDuty',
      Types: ['TTPs/Initial Access/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS'],
      Severity: { Label: 'HIGH', Normalized: 60 },
    });
    const [viaHub] = decide(imported);
    const [direct] = decide(guardDutySample);
    expect(viaHub?.outcome === 'open' && viaHub.finding.dedupKey).toBe(direct?.outcome === 'open' && direct.finding.dedupKey);
    expect(viaHub?.outcome === 'open' && viaHub.finding.request).toMatchObject({ runbookId: 'credential-compromise', severity: 'SEV2' });
  });
});

describe('findings configuration', () => {
  it('names only runbooks that exist', () => {
    const runbookIds = stateMachineBlueprints().map((blueprint) => blueprint.runbookId);
    for (const id of runbookIdsOf(config)) expect(runbookIds).toContain(id);
  });

  it('refuses severity bands that increase, saying what to write', () => {
    const parsed = FindingsConfig.safeParse({ ...config, guardDuty: { minimumSeverity: 7, severityFrom: { SEV1: 5, SEV2: 7, SEV3: 4 } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/e\.g\. SEV1: 9/);
  });

  it('defaults the section when a configuration has none', () => {
    const { findings: _omitted, ...rest } = irdrConfig;
    expect(IrdrConfig.parse(rest).findings.guardDuty.minimumSeverity).toBe(7);
  });

  it('matches types with * across slashes, first rule first', () => {
    expect(runbookForTypes(['TTPs/Initial Access/UnauthorizedAccess:IAMUser-ConsoleLogin'], config)).toBe('credential-compromise');
    expect(runbookForTypes(['Effects/Data Destruction'], config)).toBe('ransomware');
    expect(runbookForTypes([], config)).toBe('security-incident');
  });
});

describe('the rule pattern (as the local bus matches it)', () => {
  const pattern = securityFindingsEventPattern(config);

  it('lets both documented samples through', () => {
    expect(matchesEventPattern(pattern, guardDutySample)).toBe(true);
    expect(matchesEventPattern(pattern, securityHubSample)).toBe(true);
  });

  it('filters severity already: GuardDuty below 7 and Security Hub MEDIUM or archived never reach the function', () => {
    expect(matchesEventPattern(pattern, guardDutyWith({ severity: 6.9 }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubWith({ Severity: { Label: 'MEDIUM' } }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubWith({ RecordState: 'ARCHIVED' }))).toBe(false);
  });

  it('matches no other source or detail type', () => {
    expect(matchesEventPattern(pattern, { ...guardDutySample, source: 'aws.inspector2' })).toBe(false);
    expect(matchesEventPattern(pattern, { ...securityHubSample, 'detail-type': 'Security Hub Findings - Custom Action' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import securityHubSample from '../fixtures/securityhub-findings-imported-event.json' with { type: 'json' };
import securityHubV2Sample from '../fixtures/securityhub-findings-imported-v2-event.json' with { type: 'json' };
import { irdrConfig } from '../../functions/config.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import {
  decideFindings,
  defaultFindingsConfig,
  FindingsConfig,
  ocsfSeverityIdsOf,
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
/** The V2 sample with these finding fields changed; `undefined` removes one (as a product that leaves it out). */
const securityHubV2With = (changes: Record<string, unknown>, infoChanges: Record<string, unknown> = {}) => {
  const event = clone(securityHubV2Sample);
  const finding = event.detail.findings[0] as Record<string, unknown> & { finding_info: Record<string, unknown> };
  for (const [key, value] of Object.entries(changes)) value === undefined ? delete finding[key] : (finding[key] = value);
  for (const [key, value] of Object.entries(infoChanges)) value === undefined ? delete finding.finding_info[key] : (finding.finding_info[key] = value);
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

  it('picks the runbook by GuardDuty\'s documented finding type: data destroyed or encrypted to ransomware, other Impact and crypto-mining not', () => {
    const runbookOf = (type: string) => {
      const [decision] = decide(guardDutyWith({ type }));
      return decision?.outcome === 'open' ? decision.finding.request.runbookId : undefined;
    };
    for (const type of ['Impact:S3/AnomalousBehavior.Delete', 'Impact:S3/AnomalousBehavior.Write']) expect(runbookOf(type), type).toBe('ransomware');
    for (const type of [
      'Impact:S3/MaliciousIPCaller',
      'Impact:S3/AnomalousBehavior.Permission',
      'Impact:EC2/PortSweep',
      'Impact:EC2/WinRMBruteForce',
      'Impact:EC2/BitcoinDomainRequest.Reputation',
      'Impact:Runtime/CryptoMinerExecuted',
      'Impact:Kubernetes/MaliciousIPCaller',
      'CryptoCurrency:EC2/BitcoinTool.B!DNS',
      'CryptoCurrency:Runtime/BitcoinTool.B',
    ]) {
      expect(runbookOf(type), type).toBe('security-incident');
    }
    // The same in the built-in defaults (a configuration without a findings section), and as Security Hub's ASFF names them.
    expect(runbookForTypes(['Impact:S3/MaliciousIPCaller'], defaultFindingsConfig)).toBe('security-incident');
    expect(runbookForTypes(['Impact:Runtime/CryptoMinerExecuted'], defaultFindingsConfig)).toBe('security-incident');
    expect(runbookForTypes(['Impact:S3/AnomalousBehavior.Delete'], defaultFindingsConfig)).toBe('ransomware');
    expect(runbookForTypes(['TTPs/Impact/Impact:S3-MaliciousIPCaller'], config)).toBe('security-incident');
    expect(runbookForTypes(['TTPs/Impact/Impact:S3-AnomalousBehavior.Write'], config)).toBe('ransomware');
    expect(runbookOf('CredentialAccess:IAMUser/AnomalousBehavior')).toBe('credential-compromise');
    expect(runbookOf('Recon:EC2/PortProbeUnprotectedPort')).toBe('security-incident');
  });

  it('refuses an event that is not a GuardDuty finding', () => {
    expect(() => decide({ ...clone(guardDutySample), detail: { id: 'x' } })).toThrow();
  });
});

describe('Security Hub Findings - Imported (the documented ASFF event)', () => {
  // The documented example comes from a custom integration (the account's default product): as an AWS product's, here.
  const fromInspector = securityHubWith({ ProductArn: 'arn:aws:securityhub:us-west-2::product/aws/inspector', ProductName: 'Inspector' });

  it('opens a SEV1 security-incident for the CRITICAL finding of an AWS product, keyed by the ASFF Id', () => {
    const [decision] = decide(fromInspector);
    expect(decision?.outcome).toBe('open');
    if (decision?.outcome !== 'open') return;
    expect(decision.finding.dedupKey).toBe('us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef');
    expect(decision.finding.request).toMatchObject({
      runbookId: 'security-incident',
      title: 'EC2.20 Both VPN tunnels for an AWS Site-to-Site VPN connection should be up',
      severity: 'SEV1',
      summary: 'The version of openssl found on instance i-abcd1234 is known to contain a vulnerability.',
      source: 'Security Hub (Inspector)',
      detectedAt: '2017-03-22T13:22:13.933Z',
      labels: {
        findingId: 'us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef',
        findingSource: 'securityhub',
        findingProduct: 'arn:aws:securityhub:us-west-2::product/aws/inspector',
        findingType: 'Software and Configuration Checks/Vulnerabilities/CVE',
        findingSeverity: 'CRITICAL',
        account: '111111111111',
        region: 'us-west-2',
        resource: 'arn:aws:ec2:us-west-2:111111111111:instance/i-abcd1234',
      },
    });
    expect(CreateIncidentRequest.parse(decision.finding.request)).toEqual(decision.finding.request);
  });

  it('opens nothing for a finding closed in Security Hub: Workflow.Status SUPPRESSED or RESOLVED, else the deprecated WorkflowState', () => {
    const closed = (changes: Record<string, unknown>) => decide(securityHubWith({ ProductArn: 'arn:aws:securityhub:us-west-2::product/aws/inspector', ...changes }))[0];
    expect(closed({ Workflow: { Status: 'SUPPRESSED' } })).toMatchObject({ outcome: 'closed', status: 'SUPPRESSED', dedupKey: 'us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef' });
    expect(closed({ Workflow: { Status: 'RESOLVED' } })).toMatchObject({ outcome: 'closed', status: 'RESOLVED', reason: expect.stringContaining('Workflow.Status RESOLVED') });
    // The documented example carries Workflow.Status NEW; a product still on the deprecated field sends only WorkflowState.
    expect(closed({ Workflow: undefined, WorkflowState: 'DEFERRED' })).toMatchObject({ outcome: 'closed', status: 'SUPPRESSED', reason: expect.stringContaining('WorkflowState DEFERRED (deprecated') });
    expect(closed({ Workflow: undefined, WorkflowState: 'RESOLVED' })).toMatchObject({ outcome: 'closed', status: 'RESOLVED' });
    // Workflow.Status is the one Security Hub keeps current: a stale WorkflowState beside it does not close the finding.
    expect(closed({ Workflow: { Status: 'NEW' }, WorkflowState: 'RESOLVED' })?.outcome).toBe('open');
    expect(closed({ Workflow: { Status: 'NOTIFIED' } })?.outcome).toBe('open');
    // Names every object inherits, and case games, are no closed state.
    for (const state of ['constructor', 'toString', '__proto__', 'resolved', 'SUPPRESSED ']) {
      expect(closed({ Workflow: undefined, WorkflowState: state })?.outcome, state).toBe('open');
      expect(closed({ Workflow: { Status: state } })?.outcome, state).toBe('open');
    }
    // A WorkflowState of another type (null, a number, an object) closes nothing and leaves the batch readable.
    for (const state of [null, 3, { Status: 'SUPPRESSED' }, ['RESOLVED']]) expect(closed({ Workflow: undefined, WorkflowState: state })?.outcome).toBe('open');
    // A partner's closed finding keeps its product-scoped key, as its claim was made under.
    expect(decide(securityHubWith({ Workflow: { Status: 'SUPPRESSED' } }))[0]).toMatchObject({
      outcome: 'closed',
      dedupKey: 'arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default#us-west-2/111111111111/98aebb2207407c87f51e89943f12b1ef',
    });
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

describe('Security Hub Findings Imported V2 (the published OCSF event)', () => {
  const findingArn = securityHubV2Sample.detail.findings[0]!.finding_info.uid;
  /** The incident severity of a finding with this OCSF severity_id (and no caption), or why it opens none. */
  const severityFor = (severityId: number, findingsConfig = config) => {
    const [decision] = decideFindings(SecurityFindingEvent.parse(securityHubV2With({ severity_id: severityId, severity: undefined })), findingsConfig);
    return decision?.outcome === 'open' ? decision.finding.request.severity : decision?.reason;
  };

  it('opens a SEV2 security-incident for the High GuardDuty finding, keyed by finding_info.uid (the finding ARN)', () => {
    const [decision] = decide(securityHubV2Sample);
    expect(decision?.outcome).toBe('open');
    if (decision?.outcome !== 'open') return;
    expect(decision.finding).toMatchObject({ dedupKey: findingArn, findingId: findingArn, updatedAt: '2025-07-22T03:02:34.272Z' });
    expect(decision.finding.request).toEqual({
      runbookId: 'security-incident',
      title: 'An AWS CloudTrail trail Aws-Observability-e2esumoqeui was disabled.',
      severity: 'SEV2',
      summary: securityHubV2Sample.detail.findings[0]!.finding_info.desc,
      source: 'Security Hub (GuardDuty)',
      // first_seen_time (epoch ms), before created_time: when the activity was first seen.
      detectedAt: '2024-10-24T10:21:26.000Z',
      labels: {
        findingId: findingArn,
        findingSource: 'securityhub',
        findingProduct: 'arn:aws:securityhub:us-east-1::productv2/aws/guardduty',
        findingType: 'Stealth:IAMUser/CloudTrailLoggingDisabled',
        findingSeverity: 'High',
        account: '111122223333',
        region: 'us-east-1',
        resource: 'ASIAIOSFODNN7EXAMPLE',
      },
      mode: 'live',
    });
    expect(CreateIncidentRequest.parse(decision.finding.request)).toEqual(decision.finding.request);
  });

  it('maps severity_id through the configured labels: Fatal and Critical SEV1, High SEV2, below High ignored, saying why', () => {
    expect([6, 5, 4].map((id) => severityFor(id))).toEqual(['SEV1', 'SEV1', 'SEV2']);
    expect(severityFor(3)).toBe('Security Hub severity Medium (MEDIUM) is not one of CRITICAL, HIGH');
    expect(severityFor(2)).toBe('Security Hub severity Low (LOW) is not one of CRITICAL, HIGH');
    // Unknown and Other (the product's own scale) rank as Informational, never above it.
    expect(severityFor(0)).toBe('Security Hub severity Unknown (INFORMATIONAL) is not one of CRITICAL, HIGH');
    expect(severityFor(99)).toBe('Security Hub severity Other (INFORMATIONAL) is not one of CRITICAL, HIGH');
    const everything = FindingsConfig.parse({ ...config, securityHub: { ...config.securityHub, labels: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] } });
    expect([3, 2, 1, 0, 99].map((id) => severityFor(id, everything))).toEqual(['SEV3', 'SEV4', 'SEV4', 'SEV4', 'SEV4']);
  });

  it('gives the rule pattern the severity_ids of each label, Fatal with CRITICAL and Unknown, Other with INFORMATIONAL', () => {
    expect(ocsfSeverityIdsOf(['CRITICAL'])).toEqual([5, 6]);
    expect(ocsfSeverityIdsOf(['HIGH', 'CRITICAL'])).toEqual([4, 5, 6]);
    expect(ocsfSeverityIdsOf(['INFORMATIONAL'])).toEqual([0, 1, 99]);
  });

  it('ignores the finding as published (Low, Suppressed); opens nothing for one suppressed, resolved, archived or closed', () => {
    const published = securityHubV2With({ severity_id: 2, severity: 'Low', status_id: 3, status: 'Suppressed' });
    expect(decide(published)).toEqual([
      { outcome: 'ignored', findingId: findingArn, reason: 'Security Hub severity Low (LOW) is not one of CRITICAL, HIGH' },
    ]);
    expect(decide(securityHubV2With({ status_id: 3, status: 'Suppressed' }))[0]).toMatchObject({ outcome: 'closed', status: 'SUPPRESSED', dedupKey: findingArn, reason: expect.stringContaining('status Suppressed') });
    expect(decide(securityHubV2With({ status_id: 4, status: undefined }))[0]).toMatchObject({ outcome: 'closed', status: 'RESOLVED', reason: expect.stringContaining('status 4') });
    expect(decide(securityHubV2With({ status_id: 5, status: 'Archived' }))[0]).toMatchObject({ outcome: 'ignored', reason: "the finding's status is Archived, not New or In Progress" });
    expect(decide(securityHubV2With({ activity_id: 3, activity_name: 'Close' }))[0]).toMatchObject({ reason: "the finding's activity is Close, not Create or Update" });
    expect(decide(securityHubV2With({ status_id: 2, status: 'In Progress' }))[0]?.outcome).toBe('open');
  });

  it('reads times as epoch milliseconds, else their ISO _dt siblings, else the event time', () => {
    const mapped = (event: unknown) => {
      const [decision] = decide(event);
      return decision?.outcome === 'open' ? { detectedAt: decision.finding.request.detectedAt, updatedAt: decision.finding.updatedAt } : undefined;
    };
    expect(mapped(securityHubV2With({}, { first_seen_time: undefined }))).toEqual({ detectedAt: '2024-10-24T10:21:26.000Z', updatedAt: '2025-07-22T03:02:34.272Z' });
    expect(mapped(securityHubV2With({}, { first_seen_time: undefined, first_seen_time_dt: undefined }))?.detectedAt).toBe('2024-10-24T10:37:06.938Z');
    expect(mapped(securityHubV2With({}, { first_seen_time: undefined, first_seen_time_dt: undefined, created_time: undefined }))?.detectedAt).toBe('2024-10-24T10:37:06.938Z');
    const timeless = securityHubV2With(
      { time: undefined, time_dt: undefined },
      { first_seen_time: undefined, first_seen_time_dt: undefined, created_time: undefined, created_time_dt: undefined, modified_time: undefined, modified_time_dt: undefined },
    );
    expect(mapped(timeless)).toEqual({ detectedAt: undefined, updatedAt: '2025-07-22T03:03:15Z' });
  });

  it('keys a GuardDuty finding arriving as OCSF by its ARN, as the GuardDuty event is: one incident for both', () => {
    const imported = securityHubV2With({}, { uid: guardDutySample.detail.arn, types: [guardDutySample.detail.type] });
    const [viaHub] = decide(imported);
    const [direct] = decide(guardDutySample);
    expect(viaHub?.outcome === 'open' && viaHub.finding.dedupKey).toBe(direct?.outcome === 'open' && direct.finding.dedupKey);
    expect(viaHub?.outcome === 'open' && viaHub.finding.request).toMatchObject({ runbookId: 'credential-compromise', severity: 'SEV2' });
  });

  it('refuses a malformed finding, naming the field', () => {
    expect(() => decide(securityHubV2With({}, { uid: undefined }))).toThrow(/finding_info[\s\S]*uid/);
    expect(() => decide(securityHubV2With({ severity_id: 7 }))).toThrow(/severity_id must be one of OCSF's 0, 1, 2, 3, 4, 5, 6, 99/);
    expect(() => decide(securityHubV2With({}, { created_time: '2024-10-24T10:37:06.938Z' }))).toThrow(/created_time/);
    expect(() => decide(securityHubV2With({ cloud: { region: 'us-east-1' } }))).toThrow(/cloud[\s\S]*account/);
    expect(() => decide({ ...clone(securityHubV2Sample), detail: { findings: [] } })).toThrow(/findings/);
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

  it('lets the documented samples through', () => {
    expect(matchesEventPattern(pattern, guardDutySample)).toBe(true);
    expect(matchesEventPattern(pattern, securityHubSample)).toBe(true);
    expect(matchesEventPattern(pattern, securityHubV2Sample)).toBe(true);
  });

  it('filters severity already: GuardDuty below 7 and Security Hub MEDIUM or archived never reach the function', () => {
    expect(matchesEventPattern(pattern, guardDutyWith({ severity: 6.9 }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubWith({ Severity: { Label: 'MEDIUM' } }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubWith({ RecordState: 'ARCHIVED' }))).toBe(false);
  });

  it('filters OCSF findings as the code does: High and above, Create or Update, New or In Progress', () => {
    expect(matchesEventPattern(pattern, securityHubV2With({ severity_id: 6, severity: 'Fatal' }))).toBe(true);
    expect(matchesEventPattern(pattern, securityHubV2With({ status_id: 2, status: 'In Progress' }))).toBe(true);
    expect(matchesEventPattern(pattern, securityHubV2With({ severity_id: 3, severity: 'Medium' }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubV2With({ severity_id: 99, severity: 'Other' }))).toBe(false);
    // Suppressed and Resolved reach the handler, which opens nothing for them but notes them on an incident they opened.
    expect(matchesEventPattern(pattern, securityHubV2With({ status_id: 3, status: 'Suppressed' }))).toBe(true);
    expect(matchesEventPattern(pattern, securityHubV2With({ status_id: 5, status: 'Archived' }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubV2With({ status_id: undefined, status: undefined }))).toBe(false);
    expect(matchesEventPattern(pattern, securityHubV2With({ activity_id: 3, activity_name: 'Close' }))).toBe(false);
  });

  it('matches no other source or detail type', () => {
    expect(matchesEventPattern(pattern, { ...guardDutySample, source: 'aws.inspector2' })).toBe(false);
    expect(matchesEventPattern(pattern, { ...securityHubSample, 'detail-type': 'Security Hub Findings - Custom Action' })).toBe(false);
  });
});

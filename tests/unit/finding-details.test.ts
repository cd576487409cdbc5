import { describe, expect, it } from 'vitest';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import securityHubSample from '../fixtures/securityhub-findings-imported-event.json' with { type: 'json' };
import securityHubV2Sample from '../fixtures/securityhub-findings-imported-v2-event.json' with { type: 'json' };
import { irdrConfig } from '../../functions/config.js';
import { FindingDetails, findingDetailsLines, MAX_DETAIL_LENGTH, MAX_FINDING_RESOURCES } from '../../functions/domain/finding-details.js';
import { decideFindings, SecurityFindingEvent, type MappedFinding } from '../../functions/domain/finding-mapping.js';
import { taskEmail } from '../../functions/domain/human-task-email.js';
import { RunbookExecutionInput } from '../../functions/domain/incident.js';

const mapped = (event: unknown): MappedFinding => {
  const [decision] = decideFindings(SecurityFindingEvent.parse(event), irdrConfig.findings);
  if (decision?.outcome !== 'open') throw new Error(`expected the finding to open an incident, got ${JSON.stringify(decision)}`);
  return decision.finding;
};
const guardDutyWith = (change: (detail: any) => void) => {
  const event = structuredClone(guardDutySample) as any;
  change(event.detail);
  return event;
};
/** Every character a terminal or a mail header would act on rather than show. */
const RAW_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('what a GuardDuty credential finding names to act on', () => {
  it('reads the documented shape: access key, principal, user, remote IP with its country and ASN, the API called', () => {
    expect(mapped(guardDutySample).details).toEqual({
      accessKey: { accessKeyId: 'ASIASZ4SI7REEEXAMPLE', principalId: 'AROA123456789EXAMPLE:i-99999999', userName: 'GeneratedFindingUserName', userType: 'AssumedRole' },
      remoteIp: {
        ipAddress: '198.51.100.0',
        countryName: 'GeneratedFindingCountryName',
        cityName: 'GeneratedFindingCityName',
        asn: '-1',
        asnOrg: 'GeneratedFindingASNOrg',
        isp: 'GeneratedFindingISP',
        org: 'GeneratedFindingORG',
      },
      api: { name: 'GeneratedFindingAPIName', serviceName: 'GeneratedFindingAPIServiceName', callerType: 'Remote IP' },
    });
    expect(findingDetailsLines(mapped(guardDutySample).details)).toEqual([
      'What the finding names (act on these):',
      '- Access key: ASIASZ4SI7REEEXAMPLE (user GeneratedFindingUserName, AssumedRole, principal AROA123456789EXAMPLE:i-99999999)',
      '- API called: GeneratedFindingAPIServiceName GeneratedFindingAPIName (Remote IP)',
      '- From: 198.51.100.0, GeneratedFindingCityName, GeneratedFindingCountryName (ASN -1, GeneratedFindingASNOrg, GeneratedFindingORG, GeneratedFindingISP)',
    ]);
  });

  it('takes a finding with optional blocks missing, null or of the wrong type, keeping what there is', () => {
    expect(mapped(guardDutyWith((detail) => delete detail.resource)).details).toMatchObject({ remoteIp: { ipAddress: '198.51.100.0' } });
    expect(mapped(guardDutyWith((detail) => delete detail.resource)).details?.accessKey).toBeUndefined();
    expect(mapped(guardDutyWith((detail) => delete detail.service.action)).details).toEqual({ accessKey: expect.objectContaining({ accessKeyId: 'ASIASZ4SI7REEEXAMPLE' }) });
    const bare = mapped(guardDutyWith((detail) => {
      detail.resource = { resourceType: 'Instance', accessKeyDetails: null };
      detail.service.action = { actionType: 'NETWORK_CONNECTION', awsApiCallAction: ['not', 'an', 'object'] };
    }));
    expect(bare.details).toBeUndefined();
    const v6 = mapped(guardDutyWith((detail) => {
      const remote = detail.service.action.awsApiCallAction.remoteIpDetails;
      delete remote.ipAddressV4;
      remote.ipAddressV6 = '2001:db8::1';
      remote.organization = { asn: 64496 };
      delete remote.country;
      delete remote.city;
    }));
    expect(v6.details?.remoteIp).toEqual({ ipAddress: '2001:db8::1', asn: '64496' });
  });

  it('keeps a hostile user name as one printable, clipped line: control characters shown, never acted on', () => {
    const hostile = `evil\u001b[2J\r\nBcc: attacker@example.com\u202e${'x'.repeat(3000)}`;
    const finding = mapped(guardDutyWith((detail) => {
      detail.resource.accessKeyDetails.userName = hostile;
      detail.service.action.awsApiCallAction.userAgent = `curl\u0000\u0007/${'y'.repeat(3000)}`;
    }));
    const userName = finding.details!.accessKey!.userName!;
    expect(userName.length).toBe(MAX_DETAIL_LENGTH);
    expect(userName).toMatch(/^evil\\u001b\[2J\\u000d\\u000aBcc: attacker@example\.com\\u202ex+…$/);
    expect(userName).not.toMatch(RAW_CONTROLS);
    expect(finding.details!.api!.userAgent!).not.toMatch(RAW_CONTROLS);
    // What is kept passes the schema the incident and the runbook input are held to.
    expect(FindingDetails.parse(finding.details)).toEqual(finding.details);
    expect(RunbookExecutionInput.parse({ ...minimalInput, finding: finding.details }).finding).toEqual(finding.details);
    for (const line of findingDetailsLines(finding.details)) expect(line).not.toMatch(RAW_CONTROLS);
  });
});

describe("what a Security Hub finding's Resources[] name", () => {
  const asff = (changes: Record<string, unknown>) => {
    const event = structuredClone(securityHubSample) as any;
    Object.assign(event.detail.findings[0], { ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty', ProductName: 'GuardDuty' }, changes);
    return event;
  };

  it('keeps each resource (type, id, region) and an access key resource’s key and principal', () => {
    const finding = mapped(
      asff({
        Resources: [
          {
            Type: 'AwsIamAccessKey',
            Id: 'AWS::IAM::AccessKey:ASIASZ4SI7REEEXAMPLE',
            Partition: 'aws',
            Region: 'us-east-1',
            Details: { AwsIamAccessKey: { AccessKeyId: 'ASIASZ4SI7REEEXAMPLE', PrincipalId: 'AROA123456789EXAMPLE:i-99999999', PrincipalName: 'build-role', PrincipalType: 'AssumedRole' } },
          },
          { Type: 'AwsEc2Instance', Id: 'arn:aws:ec2:us-east-1:111122223333:instance/i-99999999', Region: 'us-east-1' },
        ],
        ProductFields: {
          'aws/guardduty/service/action/awsApiCallAction/api': 'GetObject',
          'aws/guardduty/service/action/awsApiCallAction/serviceName': 's3.amazonaws.com',
          'aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/ipAddressV4': '198.51.100.7',
          'aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/country/countryName': 'Atlantis',
        },
      }),
    );
    expect(finding.details).toEqual({
      resources: [
        { type: 'AwsIamAccessKey', id: 'AWS::IAM::AccessKey:ASIASZ4SI7REEEXAMPLE', region: 'us-east-1', accessKeyId: 'ASIASZ4SI7REEEXAMPLE', principalId: 'AROA123456789EXAMPLE:i-99999999', principalName: 'build-role', principalType: 'AssumedRole' },
        { type: 'AwsEc2Instance', id: 'arn:aws:ec2:us-east-1:111122223333:instance/i-99999999', region: 'us-east-1' },
      ],
      remoteIp: { ipAddress: '198.51.100.7', countryName: 'Atlantis' },
      api: { name: 'GetObject', serviceName: 's3.amazonaws.com' },
    });
  });

  it(`keeps at most ${MAX_FINDING_RESOURCES} resources, and skips what is not an object`, () => {
    const many = Array.from({ length: 500 }, (_, index) => ({ Type: 'AwsS3Object', Id: `arn:aws:s3:::bucket/${index}` }));
    const finding = mapped(asff({ Resources: many }));
    expect(finding.details?.resources).toHaveLength(MAX_FINDING_RESOURCES);
    expect(FindingDetails.parse(finding.details)).toEqual(finding.details);
  });
});

describe("what a Security Hub OCSF finding's resources name", () => {
  it('keeps each resource of the published finding, an access key with its principal and user', () => {
    expect(mapped(securityHubV2Sample).details).toEqual({
      resources: [
        {
          type: 'AWS::IAM::AccessKey',
          id: 'ASIAIOSFODNN7EXAMPLE',
          region: 'us-east-1',
          accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
          principalId: 'AROAIOSFODNN7EXAMPLE:aws-go-sdk-1753152318418995274',
          principalName: 'cis_automation',
          principalType: 'AssumedRole',
        },
      ],
    });
  });
});

const minimalInput = { incidentId: 'i-1', runbookId: 'credential-compromise', runbookTitle: 'R', runbookVersion: 1, runbookHash: 'h', title: 'T', severity: 'SEV2', summary: 'S', mode: 'live' };

describe('task emails', () => {
  const email = (variables: Record<string, unknown>) =>
    taskEmail({
      task: { taskId: 'revoke-credentials', incidentId: 'i-1', kind: 'task', title: 'Revoke the compromised credentials', outcomes: ['done'], levels: [] },
      recipient: { address: 'rita@example.com', name: 'Rita', role: 'responder', level: 0, mayComplete: true },
      level: 0,
      levelSeconds: 900,
      apiUrl: 'https://api.example',
      variables: { severity: 'SEV2', title: 'Credentials used from outside AWS', runbookTitle: 'Credential compromise', ...variables },
    });

  it("name what to act on when the run's input carries the finding, and nothing of it otherwise", () => {
    const withFinding = email({ finding: mapped(guardDutySample).details });
    expect(withFinding.text).toContain('- Access key: ASIASZ4SI7REEEXAMPLE (user GeneratedFindingUserName');
    expect(withFinding.text).toContain('- From: 198.51.100.0');
    expect(withFinding.html).toContain('ASIASZ4SI7REEEXAMPLE');
    expect(email({}).text).not.toContain('What the finding names');
    // A finding shaped otherwise (a forged input) is left out, never rendered raw.
    expect(email({ finding: { accessKey: { userName: { toString: 'x' } } } }).text).not.toContain('What the finding names');
  });
});

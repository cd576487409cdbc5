import { beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { consoleRoleNames } from '../../lib/console-stack.js';
import { synthesizeIrdr, type SynthesizedIrdr, type TemplateResource } from './synthesized-app.js';

/**
 * The console in AWS (lib/console-stack.ts), as synthesized by the app bin/app.ts deploys, cdk-nag included: its own
 * nested stack, a private bucket read only by its CloudFront distribution, HTTPS only with the console's CSP, Cognito
 * groups mapped to IAM roles named as the config's role patterns expect, and nothing those roles may do but call the API.
 */
describe('console stack', () => {
  let synth: SynthesizedIrdr;
  let resources: Record<string, TemplateResource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  beforeAll(() => {
    synth = synthesizeIrdr({ bundle: false });
    resources = synth.nestedResourcesOf(synth.stack.console);
  });

  it('is a nested stack: the main stack gains one resource and holds no bucket, distribution or user pool of the console', () => {
    // Two nested stacks: Operations (the alarms) and Console.
    expect(Object.keys(synth.resources).filter((id) => synth.resources[id]!.Type === 'AWS::CloudFormation::Stack' && id.startsWith('Console'))).toHaveLength(1);
    expect(Object.values(synth.resources).some((resource) => ['AWS::CloudFront::Distribution', 'AWS::Cognito::UserPool'].includes(resource.Type))).toBe(false);
    expect(ofType('AWS::CloudFront::Distribution')).toHaveLength(1);
  });

  it('serves the app from a private bucket through origin access control, HTTPS only, with the CSP and security headers', () => {
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    const config = distribution.Properties!.DistributionConfig as Record<string, any>;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    const [, oac] = ofType('AWS::CloudFront::OriginAccessControl')[0]!;
    expect(oac.Properties!.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });

    const app = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('App'))![1];
    expect(app.Properties!.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const policy = JSON.stringify(ofType('AWS::S3::BucketPolicy').map(([, resource]) => resource.Properties));
    expect(policy).toContain('"aws:SecureTransport":"false"');
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).toContain('AWS:SourceArn');

    const [, headers] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const security = (headers.Properties!.ResponseHeadersPolicyConfig as Record<string, any>).SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    // The one definition's directives, with the API and Cognito as the only places data comes from.
    for (const directive of consoleContentSecurityPolicy(["'self'"]).split('; ').filter((directive) => !directive.startsWith('connect-src'))) expect(csp).toContain(directive);
    expect(csp).toContain('cognito-idp.');
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*\.|https:\s/);
    expect(security).toMatchObject({ FrameOptions: { FrameOption: 'DENY' }, ReferrerPolicy: { ReferrerPolicy: 'no-referrer' }, ContentTypeOptions: { Override: true }, StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000 } });
  });

  it('signs in with Cognito (no self sign-up, MFA required), no unauthenticated identities, each group mapped to its role or to nothing', () => {
    const [, pool] = ofType('AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties).toMatchObject({ MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    const [, identities] = ofType('AWS::Cognito::IdentityPool')[0]!;
    expect(identities.Properties).toMatchObject({ AllowUnauthenticatedIdentities: false, AllowClassicFlow: false });
    const [, attachment] = ofType('AWS::Cognito::IdentityPoolRoleAttachment')[0]!;
    expect(attachment.Properties!.RoleMappings).toMatchObject({ userPool: { Type: 'Token', AmbiguousRoleResolution: 'Deny' } });
    expect(attachment.Properties!.Roles).toBeUndefined();
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties!.GroupName).sort();
    expect(groups).toEqual(['approver', 'auditor', 'commander', 'responder']);
  });

  it("names each group's role as the config's assumed-role pattern, trusts only authenticated identities of this pool, and grants only execute-api:Invoke", () => {
    const roles = ofType('AWS::IAM::Role').filter(([, role]) => JSON.stringify(role.Properties!.AssumeRolePolicyDocument).includes('cognito-identity.amazonaws.com'));
    expect(roles.map(([, role]) => role.Properties!.RoleName).sort()).toEqual(['ComplianceAuditor', 'IncidentCommander', 'SecurityLead', 'SecurityResponder']);
    for (const [id, role] of roles) {
      const [statement] = (role.Properties!.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
      expect(statement).toMatchObject({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'cognito-identity.amazonaws.com' } });
      expect(statement!.Condition['StringEquals']['cognito-identity.amazonaws.com:aud']).toEqual({ Ref: expect.stringMatching(/^Identities/) });
      expect(statement!.Condition['ForAnyValue:StringLike']['cognito-identity.amazonaws.com:amr']).toBe('authenticated');
      const actions = ofType('AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties!.Roles) === JSON.stringify([{ Ref: id }]))
        .flatMap(([, policy]) => (policy.Properties!.PolicyDocument as { Statement: Array<{ Action: unknown }> }).Statement.map((entry) => entry.Action));
      expect(actions).toEqual(['execute-api:Invoke']);
    }
  });

  it('maps a role only from an assumed-role pattern: a user or account pattern gets no group', () => {
    expect(consoleRoleNames({ responder: ['arn:aws:iam::123456789012:user/rita', 'arn:aws:sts::123456789012:assumed-role/Oncall/*'], auditor: ['arn:aws:iam::123456789012:root'], commander: [] })).toEqual({ responder: 'Oncall' });
  });

  it('is cdk-nag clean: every finding under the console is acknowledged with a reason', () => {
    const open = synth.validationReport.pluginReports.flatMap((report) => report.violations).filter((violation) => violation.violatingConstructs.some((construct) => construct.constructPath.startsWith('Irdr/Console')));
    expect(open).toEqual([]);
    const acknowledged = synth.validationReport.pluginReports.flatMap((report) => report.suppressedViolations ?? []).filter((violation) => violation.violatingConstructs.some((construct) => construct.constructPath.startsWith('Irdr/Console')));
    expect(acknowledged.length).toBeGreaterThan(10);
    expect(acknowledged.filter((violation) => (violation.reason ?? '').length < 40)).toEqual([]);
  });
});

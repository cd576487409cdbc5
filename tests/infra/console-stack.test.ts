import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { irdrConfig } from '../../functions/config.js';
import { ConsoleSettings } from '../../functions/domain/console-federation.js';
import { rolePrincipalsFromConfig, rolesOf } from '../../functions/domain/roles.js';
import { CONSOLE_API_PREFIX, STRIP_API_PREFIX_FUNCTION_CODE } from '../../lib/console-api-route.js';
import { ConsoleStack, consoleRoleNames } from '../../lib/console-stack.js';
import { renderCfn, synthesizeIrdr, type SynthesizedIrdr, type TemplateResource } from './synthesized-app.js';

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
    const csp = renderCfn(security.ContentSecurityPolicy.ContentSecurityPolicy);
    // The one definition's directives; data only from the console's origin (the app and /api), the sign-in domain's
    // token endpoint and the identity pool: not the API's own host (it is reached through /api), nothing else.
    for (const directive of consoleContentSecurityPolicy(["'self'"]).split('; ').filter((directive) => !directive.startsWith('connect-src'))) expect(csp).toContain(directive);
    const connectSrc = /connect-src ([^;]*)/.exec(csp)![1]!.split(' ');
    expect(connectSrc).toHaveLength(3);
    expect(connectSrc[0]).toBe("'self'");
    expect(connectSrc[1]).toMatch(/^https:\/\/.+\.auth\..+\.amazoncognito\.com$/);
    expect(connectSrc[2]).toMatch(/^https:\/\/cognito-identity\..+\.amazonaws\.com$/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https:\s|execute-api|cognito-idp/);
    expect(security).toMatchObject({ FrameOptions: { FrameOption: 'DENY' }, ReferrerPolicy: { ReferrerPolicy: 'no-referrer' }, ContentTypeOptions: { Override: true }, StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000 } });
  });

  it("serves the API on the console's origin: /api/* to this API's own host over HTTPS, every method, nothing cached, every header but Host, the prefix taken off", () => {
    const [distributionId] = ofType('AWS::CloudFront::Distribution')[0]!;
    const config = synth.allResources[distributionId]!.Properties!.DistributionConfig as Record<string, any>;
    const behaviours = config.CacheBehaviors as Array<Record<string, any>>;
    expect(behaviours.map((behaviour) => behaviour.PathPattern)).toEqual([`${CONSOLE_API_PREFIX}/*`]);
    const [api] = behaviours;
    const origin = (config.Origins as Array<Record<string, any>>).find((candidate) => candidate.Id === api!.TargetOriginId)!;
    // The host the browser signs for: <this API's id>.execute-api.<region>.<suffix>, the main stack's HttpApi.
    expect(renderCfn(origin.DomainName)).toMatch(new RegExp(`^\\$\\{${synth.logicalIdOf(synth.stack.httpApi.api)}\\}\\.execute-api\\.\\$\\{AWS::Region\\}\\.\\$\\{AWS::URLSuffix\\}$`));
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
      // The managed policies CachingDisabled and AllViewerExceptHostHeader (CloudFront Developer Guide): API Gateway
      // needs its own Host; Authorization and X-Amz-* reach it; no answer is cached for another caller.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    expect(api!.ResponseHeadersPolicyId).toEqual(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    const [association] = api!.FunctionAssociations as Array<{ EventType: string; FunctionARN: unknown }>;
    expect(association!.EventType).toBe('viewer-request');
    const [functionId, fn] = ofType('AWS::CloudFront::Function')[0]!;
    expect(association!.FunctionARN).toEqual({ 'Fn::GetAtt': [functionId, 'FunctionARN'] });
    expect(fn.Properties).toMatchObject({ AutoPublish: true, FunctionCode: STRIP_API_PREFIX_FUNCTION_CODE, FunctionConfig: { Runtime: 'cloudfront-js-2.0' } });
    // The function as CloudFront runs it on a viewer request: the API sees its own route, with its query untouched.
    const handler = new Function(`${STRIP_API_PREFIX_FUNCTION_CODE}; return handler;`)() as (event: unknown) => { uri: string; querystring: unknown };
    const request = (uri: string) => handler({ request: { method: 'POST', uri, querystring: { dryRun: { value: 'false' } }, headers: {} } });
    expect(request('/api/incidents/INC-1/acknowledge')).toEqual({ method: 'POST', uri: '/incidents/INC-1/acknowledge', querystring: { dryRun: { value: 'false' } }, headers: {} });
    expect(request('/api/').uri).toBe('/');
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
    // Roles from the ID token of this pool's console client, each group carrying its own role.
    const [clientId] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    const [poolId] = ofType('AWS::Cognito::UserPool')[0]!;
    expect(renderCfn((attachment.Properties!.RoleMappings as Record<string, any>).userPool.IdentityProvider)).toBe(`\${${poolId}.ProviderName}:\${${clientId}}`);
    for (const [, group] of ofType('AWS::Cognito::UserPoolGroup')) {
      const roleId = (group.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources[roleId]!.Properties!.RoleName).toBe(consoleRoleNames(rolePrincipalsFromConfig(irdrConfig))[group.Properties!.GroupName as 'responder']);
    }
    const [, client] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties).toMatchObject({ AllowedOAuthFlows: ['code'], GenerateSecret: false, SupportedIdentityProviders: ['COGNITO'] });
  });

  it("gives each group's users an assumed-role ARN the config's role patterns match, as that role and no other", () => {
    const principals = rolePrincipalsFromConfig(irdrConfig);
    const account = /arn:aws:sts::(\d{12}):/.exec(principals.responder![0]!)![1];
    for (const [, group] of ofType('AWS::Cognito::UserPoolGroup')) {
      const roleId = (group.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      // What API Gateway's IAM authorizer puts in userArn for identity pool credentials (session CognitoIdentityCredentials).
      const callerArn = `arn:aws:sts::${account}:assumed-role/${resources[roleId]!.Properties!.RoleName as string}/CognitoIdentityCredentials`;
      expect(rolesOf(callerArn, principals)).toEqual([group.Properties!.GroupName]);
    }
  });

  it('federates sign-in to a SAML or OIDC IdP when configured: the client offers it beside Cognito, an OIDC secret only by reference', () => {
    const templateOf = (federation: unknown) => {
      const stack = new Stack(new App(), 'Host', { env: { account: '123456789012', region: 'eu-west-1' } });
      const consoleStack = new ConsoleStack(stack, 'Console', {
        api: new HttpApi(stack, 'Api'),
        rolePrincipals: rolePrincipalsFromConfig(irdrConfig),
        federation: ConsoleSettings.parse({ federation }).federation!,
        uploadApp: false,
      });
      return Template.fromStack(consoleStack);
    };
    const saml = templateOf({ kind: 'saml', name: 'CompanySAML', metadataUrl: 'https://idp.example.com/saml/metadata.xml' });
    saml.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', { ProviderName: 'CompanySAML', ProviderType: 'SAML', ProviderDetails: { MetadataURL: 'https://idp.example.com/saml/metadata.xml' } });
    const [samlId] = Object.keys(saml.findResources('AWS::Cognito::UserPoolIdentityProvider'));
    // The provider's Ref is its name; the client waits for it (DependsOn).
    saml.hasResource('AWS::Cognito::UserPoolClient', { Properties: { SupportedIdentityProviders: ['COGNITO', { Ref: samlId }] }, DependsOn: [samlId] });
    const oidc = templateOf({ kind: 'oidc', name: 'CompanyOIDC', issuerUrl: 'https://login.example.com', clientId: 'irdr-console', clientSecretName: 'irdr/console-oidc' });
    const [provider] = Object.values(oidc.findResources('AWS::Cognito::UserPoolIdentityProvider'));
    expect(provider!.Properties.ProviderDetails).toMatchObject({ client_id: 'irdr-console', oidc_issuer: 'https://login.example.com' });
    expect(renderCfn(provider!.Properties.ProviderDetails.client_secret)).toMatch(/^\{\{resolve:secretsmanager:irdr\/console-oidc:SecretString:::\}\}$/);
    // A plain-HTTP metadata URL or an unknown key is refused before anything is synthesized.
    expect(ConsoleSettings.safeParse({ federation: { kind: 'saml', name: 'CompanySAML', metadataUrl: 'http://idp.example.com/m.xml' } }).success).toBe(false);
    expect(ConsoleSettings.safeParse({ federation: { kind: 'oidc', name: 'CompanyOIDC', issuerUrl: 'https://login.example.com', clientId: 'c', clientSecret: 'plain' } }).success).toBe(false);
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

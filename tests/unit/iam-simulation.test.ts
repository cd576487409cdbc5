import { describe, expect, it } from 'vitest';
import { DEPLOYED, deployTemplate, KEY_POLICY_DELEGATING_TO_IAM, simulateRequest } from '../infra/iam-simulation.js';
import type { SynthesizedPolicyStatement, TemplateResource } from '../infra/synthesized-app.js';

const RESOURCES: Record<string, TemplateResource> = {
  EvidenceTable: { Type: 'AWS::DynamoDB::Table' },
  DrillMachine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-Drill']] } } },
  SignerRole: { Type: 'AWS::IAM::Role' },
  SigningKey: {
    Type: 'AWS::KMS::Key',
    Properties: {
      KeyPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, NotAction: 'kms:Sign', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['SignerRole', 'Arn'] } }, Action: ['kms:Sign', 'kms:GetPublicKey'], Resource: '*' },
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Sign', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['SignerRole', 'Arn'] } } } },
        ],
      },
    },
  },
  Digests: { Type: 'AWS::S3::Bucket' },
  DigestsPolicy: {
    Type: 'AWS::S3::BucketPolicy',
    Properties: { Bucket: { Ref: 'Digests' }, PolicyDocument: { Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Digests', 'Arn'] }, '/*']] } }] } },
  },
  Alarms: { Type: 'AWS::SNS::Topic' },
};
const deployed = deployTemplate(RESOURCES);
const { account, region } = DEPLOYED;
const TABLE = { 'Fn::GetAtt': ['EvidenceTable', 'Arn'] };
const DRILL_TABLES = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/irdr-drill-*']] };
const tableArn = (name: string) => `arn:aws:dynamodb:${region}:${account}:table/${name}`;
const EVIDENCE_TABLE = tableArn('Irdr-EvidenceTable');
const allow = (Action: string | string[], Resource: unknown, Condition?: SynthesizedPolicyStatement['Condition']): SynthesizedPolicyStatement =>
  deployed.statement({ Effect: 'Allow', Action, Resource, ...(Condition && { Condition }) });
const request = (action: string, resource: string, conditionValues: Record<string, string[]> = {}) => ({ action, resource, conditionValues });

describe('deployTemplate: the template as deployed into one account and region', () => {
  it('resolves pseudo parameters, Ref and Fn::GetAtt Arn by resource type, names that are tokens included', () => {
    expect(deployed.text('${EvidenceTable.Arn}/index/GSI1')).toBe(`${EVIDENCE_TABLE}/index/GSI1`);
    expect(deployed.text('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${EvidenceTable}')).toBe(EVIDENCE_TABLE);
    expect(deployed.text('${DrillMachine}')).toBe(`arn:aws:states:${region}:${account}:stateMachine:Irdr-Drill`);
    expect(deployed.text('${SigningKey.Arn}')).toMatch(new RegExp(`^arn:aws:kms:${region}:${account}:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    expect(deployed.statement({ Effect: 'Allow', Resource: [TABLE, DRILL_TABLES], Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.${AWS::Region}.amazonaws.com' } } })).toEqual({
      Effect: 'Allow',
      Resource: [EVIDENCE_TABLE, tableArn('irdr-drill-*')],
      Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
    });
  });

  it('refuses a token it cannot resolve rather than guess: an unknown resource, type or attribute', () => {
    expect(() => deployed.text('${Missing.Arn}')).toThrow(/no resource Missing/);
    expect(() => deployTemplate({ Api: { Type: 'AWS::ApiGatewayV2::Api' } }).text('${Api}')).toThrow(/no deployed identity for AWS::ApiGatewayV2::Api/);
    expect(() => deployed.text('${EvidenceTable.StreamArn}')).toThrow(/cannot deploy/);
  });
});

describe('simulateRequest: identity policies evaluated by iam-simulate', () => {
  const statements = [
    allow(['dynamodb:GetItem', 'dynamodb:PutItem'], TABLE),
    allow('dynamodb:DeleteItem', TABLE, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEM#*'] } }),
    allow(['dynamodb:Scan', 'dynamodb:DeleteTable'], [DRILL_TABLES]),
    allow('ses:SendEmail', `arn:aws:ses:${region}:${account}:identity/irdr@example.com`, { StringEquals: { 'ses:FromAddress': 'irdr@example.com' } }),
    allow('dynamodb:DeleteTable', DRILL_TABLES, { Null: { 'aws:ResourceTag/irdr:drill-run': 'false' } }),
  ];

  it('allows an action on a resource some statement grants both of', async () => {
    expect(await simulateRequest(statements, request('dynamodb:PutItem', EVIDENCE_TABLE))).toEqual({ allowed: true, unevaluatedConditions: [], ignoredKeys: [] });
    expect((await simulateRequest(statements, request('dynamodb:Scan', tableArn('irdr-drill-orders-1')))).allowed).toBe(true);
  });

  it('denies the right action on the wrong resource, and the wrong action on the right one', async () => {
    expect((await simulateRequest(statements, request('dynamodb:PutItem', tableArn('irdr-drill-orders-1')))).allowed).toBe(false);
    expect((await simulateRequest(statements, request('dynamodb:Scan', EVIDENCE_TABLE))).allowed).toBe(false);
    expect((await simulateRequest(statements, request('dynamodb:Scan', tableArn('irdr-demo-orders')))).allowed).toBe(false);
    expect((await simulateRequest(statements, request('dynamodb:GetItem', tableArn('irdr-evidencetable')))).allowed).toBe(false);
  });

  it('evaluates ForAllValues:StringLike on dynamodb:LeadingKeys: every key must match', async () => {
    expect((await simulateRequest(statements, request('dynamodb:DeleteItem', EVIDENCE_TABLE, { 'dynamodb:LeadingKeys': ['IDEM#create'] }))).allowed).toBe(true);
    expect((await simulateRequest(statements, request('dynamodb:DeleteItem', EVIDENCE_TABLE, { 'dynamodb:LeadingKeys': ['IDEM#a', 'INC#1'] }))).allowed).toBe(false);
    expect((await simulateRequest(statements, request('dynamodb:DeleteItem', EVIDENCE_TABLE, { 'dynamodb:LeadingKeys': ['INC#1'] }))).allowed).toBe(false);
  });

  it('allows ForAllValues on a key the request does not carry, as IAM does (vacuously): callers must record LeadingKeys', async () => {
    expect(await simulateRequest(statements, request('dynamodb:DeleteItem', EVIDENCE_TABLE))).toEqual({ allowed: true, unevaluatedConditions: [], ignoredKeys: [] });
  });

  it('evaluates StringEquals on a key the request carries', async () => {
    const send = (from: string) => simulateRequest(statements, request('ses:SendEmail', `arn:aws:ses:${region}:${account}:identity/irdr@example.com`, { 'ses:FromAddress': [from] }));
    expect((await send('irdr@example.com')).allowed).toBe(true);
    expect((await send('someone@example.com')).allowed).toBe(false);
  });

  it('hands back a condition on a key the request lacks (a resource tag), only when no unconditional statement allows it too', async () => {
    expect(await simulateRequest(statements, request('dynamodb:DeleteTable', tableArn('irdr-drill-x')))).toEqual({ allowed: true, unevaluatedConditions: [], ignoredKeys: [] });
    expect(await simulateRequest(statements.slice(4), request('dynamodb:DeleteTable', tableArn('irdr-drill-x')))).toEqual({
      allowed: true,
      unevaluatedConditions: ['aws:ResourceTag/irdr:drill-run'],
      ignoredKeys: [],
    });
  });

  it('lets an explicit Deny win', async () => {
    const deny: SynthesizedPolicyStatement = { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' };
    expect((await simulateRequest([...statements, deny], request('dynamodb:GetItem', EVIDENCE_TABLE))).allowed).toBe(false);
  });

  it('matches an action without resource-level permissions only with a statement on *', async () => {
    expect((await simulateRequest([allow('dynamodb:ListBackups', DRILL_TABLES)], request('dynamodb:ListBackups', '*'))).allowed).toBe(false);
    expect((await simulateRequest([allow('dynamodb:ListBackups', '*')], request('dynamodb:ListBackups', '*'))).allowed).toBe(true);
  });

  it('names a key the request carries that IAM does not read for the action, and refuses an ARN the action cannot take', async () => {
    expect((await simulateRequest(statements, request('dynamodb:GetItem', EVIDENCE_TABLE, { 'ses:FromAddress': ['irdr@example.com'] }))).ignoredKeys).toEqual(['ses:FromAddress']);
    const refused = await simulateRequest(statements, request('dynamodb:GetItem', '${EvidenceTable.Arn}'));
    expect(refused.allowed).toBe(false);
    expect(refused.error).toMatch(/resource/i);
  });
});

describe('simulateRequest with the caller and the resource policy of what it calls', () => {
  const keyArn = deployed.text('${SigningKey.Arn}');
  const signer = deployed.text('${SignerRole.Arn}');
  const other = `arn:aws:iam::${account}:role/SomeOtherRole`;
  const allowsKms = [allow('kms:*', '*')];
  const sign = (principal: string, statements: SynthesizedPolicyStatement[], resourcePolicy = deployed.resourcePolicyOf(keyArn)) =>
    simulateRequest(statements, request('kms:Sign', keyArn), { principal, ...(resourcePolicy && { resourcePolicy }) });

  it('finds each resource policy by the deployed ARN it governs: a key, a bucket and its objects; none for others', () => {
    expect(deployed.resourcePolicyOf(keyArn)?.Statement).toHaveLength(3);
    expect(JSON.stringify(deployed.resourcePolicyOf(keyArn))).toContain(signer);
    expect(deployed.resourcePolicyOf(`arn:aws:s3:::irdr-digests`)?.Statement).toHaveLength(1);
    expect(deployed.resourcePolicyOf(`arn:aws:s3:::irdr-digests/irdr/digests/2026-01-01.json`)).toBe(deployed.resourcePolicyOf(`arn:aws:s3:::irdr-digests`));
    expect(deployed.resourcePolicyOf(EVIDENCE_TABLE)).toBeUndefined();
  });

  it('holds a KMS call to the key policy: the signer signs; a role whose own policy allows kms:* is denied', async () => {
    expect((await sign(signer, [])).allowed).toBe(true);
    expect((await sign(other, allowsKms)).allowed).toBe(false);
    expect((await simulateRequest(allowsKms, request('kms:GetPublicKey', keyArn), { principal: other, resourcePolicy: deployed.resourcePolicyOf(keyArn)! })).allowed).toBe(true);
  });

  it('denies a KMS call no key policy allows, whatever the identity policy (KMS, unlike other services, needs the key policy)', async () => {
    expect((await simulateRequest(allowsKms, request('kms:GetPublicKey', keyArn), { principal: other })).allowed).toBe(false);
    expect((await sign(other, allowsKms, KEY_POLICY_DELEGATING_TO_IAM)).allowed).toBe(true);
    expect((await sign(other, [], KEY_POLICY_DELEGATING_TO_IAM)).allowed).toBe(false);
  });

  it('lets a bucket policy Deny win over the identity policy', async () => {
    const objectArn = 'arn:aws:s3:::irdr-digests/irdr/digests/2026-01-01.json';
    const statements = [allow(['s3:DeleteObject', 's3:GetObject'], '*')];
    const parties = { principal: other, resourcePolicy: deployed.resourcePolicyOf(objectArn)! };
    expect((await simulateRequest(statements, request('s3:GetObject', objectArn), parties)).allowed).toBe(true);
    expect((await simulateRequest(statements, request('s3:DeleteObject', objectArn), parties)).allowed).toBe(false);
  });

  it('evaluates SendTaskSuccess on the state machine of the token, which the IAM reference lists as `*` only', async () => {
    const machine = deployed.text('${DrillMachine}');
    const statements = [allow('states:SendTaskSuccess', { Ref: 'DrillMachine' })];
    expect((await simulateRequest(statements, request('states:SendTaskSuccess', machine))).allowed).toBe(true);
    expect((await simulateRequest(statements, request('states:SendTaskSuccess', `${machine}-other`))).allowed).toBe(false);
    expect((await simulateRequest(statements, request('states:SendTaskFailure', machine))).allowed).toBe(false);
  });
});

import { rmSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AnyPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIsKnown, conditionKeyIsKnown, iamTermsOf, termsUnknownToIam } from './iam-reference.js';
import { synthesizeIrdr, type SynthesizedIrdr, type TemplateResource } from './synthesized-app.js';

/** A tiny stack with one identity policy, one bucket policy, a trust policy and a Lambda permission, each naming `terms`. */
function tinyTemplate(terms: { action: string; conditionKey: string; permissionAction?: string; trustAction?: string }): Record<string, TemplateResource> {
  const stack = new Stack(new App(), 'Tiny');
  const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new PolicyStatement({ actions: [terms.action], resources: ['*'], conditions: { StringEquals: { [terms.conditionKey]: 'x' } } }));
  if (terms.trustAction) role.assumeRolePolicy!.addStatements(new PolicyStatement({ actions: [terms.trustAction], principals: [new ServicePrincipal('states.amazonaws.com')] }));
  new Bucket(stack, 'Bucket').addToResourcePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [new AnyPrincipal()], conditions: { Bool: { 'aws:SecureTransport': 'false' } } }));
  const fn = new LambdaFunction(stack, 'Fn', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => {}') });
  fn.addPermission('Invoke', { principal: new ServicePrincipal('events.amazonaws.com'), ...(terms.permissionAction && { action: terms.permissionAction }) });
  return Template.fromStack(stack).toJSON().Resources as Record<string, TemplateResource>;
}

describe('IAM reference (iam-data): actions and condition keys as AWS defines them', () => {
  it('knows exact actions in any case, and wildcards only when they match some action', async () => {
    expect(await actionIsKnown('dynamodb:PutItem')).toBe(true);
    expect(await actionIsKnown('DynamoDB:putitem')).toBe(true);
    expect(await actionIsKnown('s3:*')).toBe(true);
    expect(await actionIsKnown('kms:Get*')).toBe(true);
    expect(await actionIsKnown('kms:GenerateDataKey*')).toBe(true);
    expect(await actionIsKnown('*')).toBe(true);
    expect(await actionIsKnown('dynamodb:PutItems')).toBe(false);
    expect(await actionIsKnown('kms:Gte*')).toBe(false);
    expect(await actionIsKnown('dynamo:PutItem')).toBe(false);
    expect(await actionIsKnown('PutItem')).toBe(false);
  });

  it('knows global keys, service keys, and keys with a tag or prefix suffix by their prefix', async () => {
    for (const key of ['aws:SourceArn', 'aws:PrincipalArn', 'aws:ResourceTag/irdr:drill-run', 'dynamodb:LeadingKeys', 's3:if-none-match', 's3:ExistingObjectTag/classification', 'kms:EncryptionContext:aws:logs:arn']) {
      expect(await conditionKeyIsKnown(key), key).toBe(true);
    }
    for (const key of ['aws:SourceArnn', 'aws:ResourceTag/', 'dynamodb:LeadingKey', 's3:ExistingObjectTags/classification', 'ses:FromAdress']) {
      expect(await conditionKeyIsKnown(key), key).toBe(false);
    }
  });

  it('finds a misspelt action or key wherever a tiny template names it: identity policy, trust policy, Lambda permission', async () => {
    const correct = tinyTemplate({ action: 'dynamodb:PutItem', conditionKey: 'dynamodb:LeadingKeys', trustAction: 'sts:TagSession' });
    expect(iamTermsOf(correct).map((term) => term.name)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:LeadingKeys', 'sts:AssumeRole', 'sts:TagSession', 's3:GetObject', 'aws:SecureTransport', 'lambda:InvokeFunction']));
    expect(await termsUnknownToIam(iamTermsOf(correct))).toEqual([]);

    const misspelt = tinyTemplate({ action: 'dynamodb:PutItems', conditionKey: 'dynamodb:LeadingKey', trustAction: 'sts:AssumeRoll', permissionAction: 'lambda:InvokeFunctions' });
    expect(await termsUnknownToIam(iamTermsOf(misspelt))).toEqual([
      expect.stringMatching(/^action dynamodb:PutItems \(RoleDefaultPolicy\w+ AWS::IAM::Policy\)$/),
      expect.stringMatching(/^action lambda:InvokeFunctions \(FnInvoke\w+ AWS::Lambda::Permission\)$/),
      expect.stringMatching(/^action sts:AssumeRoll \(Role\w+ AWS::IAM::Role\)$/),
      expect.stringMatching(/^condition key dynamodb:LeadingKey \(RoleDefaultPolicy\w+ AWS::IAM::Policy\)$/),
    ]);
  });
});

describe('the synthesized template names only actions and condition keys in AWS\'s IAM reference', () => {
  let synth: SynthesizedIrdr;
  beforeAll(() => {
    synth = synthesizeIrdr({ bundle: false });
  });
  afterAll(() => {
    if (synth) rmSync(synth.outdir, { recursive: true, force: true });
  });

  it('reads every kind of policy the template holds', () => {
    const kinds = new Set(iamTermsOf(synth.allResources).map((term) => term.where.split(' ')[1]));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::Lambda::Permission', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy']),
    );
    const names = new Set(iamTermsOf(synth.allResources).map((term) => term.name));
    expect([...names]).toEqual(expect.arrayContaining(['dynamodb:LeadingKeys', 'aws:ResourceTag/irdr:drill-run', 's3:if-none-match', 'kms:Sign', 'sts:AssumeRole']));
  });

  it('every action (wildcards matching some action) and every condition key exists', async () => {
    expect(await termsUnknownToIam(iamTermsOf(synth.allResources))).toEqual([]);
  });
});

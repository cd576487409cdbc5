import { rmSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EvidenceSigningKey } from '../../lib/evidence-signing-key.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCfn, statementsOfRole, synthesizeIrdr, type SynthesizedIrdr } from './synthesized-app.js';

let synth: SynthesizedIrdr;
beforeAll(() => {
  synth = synthesizeIrdr({ bundle: false });
});
afterAll(() => {
  if (synth) rmSync(synth.outdir, { recursive: true, force: true });
});

interface KeyPolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const ACCOUNT = '111122223333';
const keyPolicy = (): KeyPolicyStatement[] =>
  (synth.resources[synth.logicalIdOf(synth.stack.evidenceSigningKey.key)]!.Properties!.KeyPolicy as { Statement: KeyPolicyStatement[] }).Statement;
const exportRoleId = (): string => synth.logicalIdOf(synth.stack.functions.get('ExportEvidence').role!);
const listOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/** The key policy as deployed into ACCOUNT, with the export role at `exportRoleArn`: tokens become literal ARNs. */
function deployedKeyPolicy(exportRoleArn: string): unknown {
  const literal = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(literal);
    if (value && typeof value === 'object' && !('Ref' in value || 'Fn::GetAtt' in value || 'Fn::Join' in value)) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, literal(inner)]));
    }
    if (value === undefined || value === null || typeof value === 'boolean') return value;
    return renderCfn(value)
      .replaceAll('${AWS::Partition}', 'aws')
      .replaceAll('${AWS::AccountId}', ACCOUNT)
      .replaceAll(`\${${exportRoleId()}.Arn}`, exportRoleArn);
  };
  return { Version: '2012-10-17', Statement: literal(keyPolicy()) };
}

describe('evidence signing key policy', () => {
  it('allows kms:Sign to the export function role alone and denies it to every other principal ARN', () => {
    const statements = keyPolicy();
    const roleArn = { 'Fn::GetAtt': [exportRoleId(), 'Arn'] };
    const allowsSign = statements.filter((statement) => statement.Effect === 'Allow' && listOf(statement.Action).includes('kms:Sign'));
    expect(allowsSign).toEqual([expect.objectContaining({ Principal: { AWS: roleArn }, Action: ['kms:Sign', 'kms:GetPublicKey'] })]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Sign', Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } } }),
    );
  });

  it('keeps the account able to administer the key, but no kms:* (nor any wildcard that covers Sign) to the root', () => {
    const rootStatements = keyPolicy().filter((statement) => renderCfn((statement.Principal as { AWS: unknown }).AWS).endsWith(':root'));
    expect(rootStatements).toHaveLength(1);
    const [root] = rootStatements;
    expect(root!.Effect).toBe('Allow');
    expect(listOf(root!.Action)).toEqual([]);
    expect(listOf(root!.NotAction)).toEqual(['kms:Sign']);
  });

  it('names the key in the export function role policy with Sign and GetPublicKey only', () => {
    const keyArn = { 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.evidenceSigningKey.key), 'Arn'] };
    const onKey = statementsOfRole(synth.resources, exportRoleId()).filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(keyArn));
    expect(onKey.flatMap((statement) => listOf(statement.Action as string | string[])).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
  });
});

describe('evidence signing key policy, as IAM evaluates it (iam-simulate)', () => {
  const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const exportRoleArn = `arn:aws:iam::${ACCOUNT}:role/irdr-ExportEvidenceRole`;
  const signWith = async (principal: string, identityPolicy: unknown) => {
    const response = await runSimulation(
      {
        request: {
          action: 'kms:Sign',
          principal,
          resource: { resource: keyArn, accountId: ACCOUNT },
          contextVariables: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': ACCOUNT },
        },
        identityPolicies: [{ name: 'identity', policy: identityPolicy as never }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: deployedKeyPolicy(exportRoleArn) as never,
      },
      {},
    );
    if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  };
  const allowsAllKms = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
  const allowsNothing = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] };

  it('lets the export function role sign', async () => {
    expect(await signWith(exportRoleArn, allowsNothing)).toBe('Allowed');
  });

  it('denies another role of the account whose own policy allows kms:*, an admin user, and the root user', async () => {
    expect(await signWith(`arn:aws:iam::${ACCOUNT}:role/SomeOtherFunctionRole`, allowsAllKms)).toBe('ExplicitlyDenied');
    expect(await signWith(`arn:aws:iam::${ACCOUNT}:user/ana-admin`, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toBe(
      'ExplicitlyDenied',
    );
    expect(await signWith(`arn:aws:iam::${ACCOUNT}:root`, allowsAllKms)).toBe('ExplicitlyDenied');
  });
});

describe('EvidenceSigningKey as a construct to reuse (a second key, e.g. for the evidence digests)', () => {
  const keyOf = () => {
    const stack = new Stack(new App(), 'Reuse');
    const signer = new Role(stack, 'DigestWriterRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const other = new Role(stack, 'OtherRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const key = new EvidenceSigningKey(stack, 'DigestSigningKey', { description: 'irdr: signs evidence digests (Ed25519)' });
    return { stack, signer, other, key };
  };

  it('takes its signer by allowOnlySigner: Allow to that role, Deny to every other principal ARN, description as given', () => {
    const { stack, signer, key } = keyOf();
    key.allowOnlySigner(signer);
    const template = Template.fromStack(stack);
    const roleArn = { 'Fn::GetAtt': [stack.getLogicalId(signer.node.defaultChild as CfnElement), 'Arn'] };
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'irdr: signs evidence digests (Ed25519)',
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { AWS: roleArn }, Action: ['kms:Sign', 'kms:GetPublicKey'] }),
          Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Sign', Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } } }),
        ]),
      },
    });
  });

  it('has one signer: naming a second one throws, rather than letting two roles sign', () => {
    const { signer, other, key } = keyOf();
    key.allowOnlySigner(signer);
    expect(() => key.allowOnlySigner(other)).toThrow(/already has its signer.*DigestWriterRole/);
  });
});

import { describe, expect, it } from 'vitest';
import { authorize, iamPatternMatches } from '../infra/iam-evaluation.js';
import type { SynthesizedPolicyStatement } from '../infra/synthesized-app.js';

const TABLE = { 'Fn::GetAtt': ['EvidenceTable', 'Arn'] };
const DRILL_TABLES = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/irdr-drill-*']] };
const drillTable = (name: string) => `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${name}`;
const allow = (Action: string | string[], Resource: unknown, Condition?: SynthesizedPolicyStatement['Condition']): SynthesizedPolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition && { Condition }),
});
const request = (action: string, resource: string, conditionValues: Record<string, string[]> = {}) => ({ action, resourceSpellings: [resource], conditionValues });

describe('iamPatternMatches: IAM wildcards', () => {
  it('* matches any run of characters, none included; ? exactly one', () => {
    expect(iamPatternMatches('table/irdr-drill-*', 'table/irdr-drill-orders-1')).toBe(true);
    expect(iamPatternMatches('table/irdr-drill-*', 'table/irdr-drill-')).toBe(true);
    expect(iamPatternMatches('table/irdr-drill-*', 'table/irdr-demo-orders')).toBe(false);
    expect(iamPatternMatches('key/????', 'key/abcd')).toBe(true);
    expect(iamPatternMatches('key/????', 'key/abc')).toBe(false);
    expect(iamPatternMatches('*', 'arn:aws:s3:::bucket/a/b')).toBe(true);
  });

  it('treats every other character literally, tokens and regex characters included', () => {
    expect(iamPatternMatches('${EvidenceTable.Arn}/index/GSI1', '${EvidenceTable.Arn}/index/GSI1')).toBe(true);
    expect(iamPatternMatches('${EvidenceTable.Arn}', '${EvidenceTableXArn}')).toBe(false);
    expect(iamPatternMatches('a.b+(c)', 'a.b+(c)')).toBe(true);
    expect(iamPatternMatches('a.b', 'axb')).toBe(false);
  });

  it('ignores case only when asked (actions), never for resources', () => {
    expect(iamPatternMatches('dynamodb:getitem', 'dynamodb:GetItem', { ignoreCase: true })).toBe(true);
    expect(iamPatternMatches('kms:GenerateDataKey*', 'kms:GenerateDataKeyWithoutPlaintext', { ignoreCase: true })).toBe(true);
    expect(iamPatternMatches('table/Orders', 'table/orders')).toBe(false);
  });
});

describe('authorize: Action and Resource of one statement, conditions evaluated where the request carries their keys', () => {
  const statements = [
    allow(['dynamodb:GetItem', 'dynamodb:PutItem'], TABLE),
    allow('dynamodb:DeleteItem', TABLE, { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEM#*'] } }),
    allow(['dynamodb:Scan', 'dynamodb:DeleteTable'], [DRILL_TABLES]),
    allow('ses:SendEmail', 'arn:aws:ses:r:a:identity/irdr@example.com', { StringEquals: { 'ses:FromAddress': 'irdr@example.com' } }),
    allow('dynamodb:DeleteTable', DRILL_TABLES, { Null: { 'aws:ResourceTag/irdr:drill-run': 'false' } }),
  ];

  it('allows an action on a resource some statement grants both of', () => {
    expect(authorize(statements, request('dynamodb:PutItem', '${EvidenceTable.Arn}'))).toEqual({ allowed: true, unevaluatedConditions: [] });
    expect(authorize(statements, request('dynamodb:Scan', drillTable('irdr-drill-orders-1'))).allowed).toBe(true);
  });

  it('denies the right action on the wrong resource, and the wrong action on the right one', () => {
    expect(authorize(statements, request('dynamodb:PutItem', drillTable('irdr-drill-orders-1'))).allowed).toBe(false);
    expect(authorize(statements, request('dynamodb:Scan', '${EvidenceTable.Arn}')).allowed).toBe(false);
    expect(authorize(statements, request('dynamodb:Scan', drillTable('irdr-demo-orders'))).allowed).toBe(false);
  });

  it('matches any spelling of the one resource', () => {
    expect(authorize(statements, { action: 'dynamodb:GetItem', resourceSpellings: [drillTable('${EvidenceTable}'), '${EvidenceTable.Arn}'], conditionValues: {} }).allowed).toBe(true);
  });

  it('evaluates ForAllValues:StringLike on dynamodb:LeadingKeys', () => {
    expect(authorize(statements, request('dynamodb:DeleteItem', '${EvidenceTable.Arn}', { 'dynamodb:LeadingKeys': ['IDEM#create'] })).allowed).toBe(true);
    expect(authorize(statements, request('dynamodb:DeleteItem', '${EvidenceTable.Arn}', { 'dynamodb:LeadingKeys': ['IDEM#a', 'INCIDENT#1'] })).allowed).toBe(false);
  });

  it('evaluates StringEquals on a key the request carries', () => {
    const send = (from: string) => authorize(statements, request('ses:SendEmail', 'arn:aws:ses:r:a:identity/irdr@example.com', { 'ses:FromAddress': [from] }));
    expect(send('irdr@example.com').allowed).toBe(true);
    expect(send('someone@example.com').allowed).toBe(false);
  });

  it('hands back a condition whose key the request lacks, rather than assuming it holds (IAM: ForAllValues holds vacuously)', () => {
    expect(authorize(statements, request('dynamodb:DeleteItem', '${EvidenceTable.Arn}'))).toEqual({
      allowed: true,
      unevaluatedConditions: ['ForAllValues:StringLike dynamodb:LeadingKeys'],
    });
  });

  it('needs no unevaluated condition when an unconditional statement allows the request too', () => {
    expect(authorize(statements, request('dynamodb:DeleteTable', drillTable('irdr-drill-x')))).toEqual({ allowed: true, unevaluatedConditions: [] });
    expect(authorize(statements.slice(4), request('dynamodb:DeleteTable', drillTable('irdr-drill-x')))).toEqual({
      allowed: true,
      unevaluatedConditions: ['Null aws:ResourceTag/irdr:drill-run'],
    });
  });

  it('lets an explicit Deny win', () => {
    const deny: SynthesizedPolicyStatement = { Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' };
    expect(authorize([...statements, deny], request('dynamodb:GetItem', '${EvidenceTable.Arn}')).allowed).toBe(false);
  });

  it('matches a request on * only with a statement on *', () => {
    expect(authorize([allow('dynamodb:ListBackups', DRILL_TABLES)], request('dynamodb:ListBackups', '*')).allowed).toBe(false);
    expect(authorize([allow('dynamodb:ListBackups', '*')], request('dynamodb:ListBackups', '*')).allowed).toBe(true);
  });
});

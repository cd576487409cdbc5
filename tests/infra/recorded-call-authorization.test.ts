// In the infra project: the listings' module reads lib/drill-grants (aws-cdk-lib), which the infra workers have loaded already.

import { describe, expect, it } from 'vitest';
import { actionsName, DEPLOYED, KEY_POLICY_DELEGATING_TO_IAM, simulateRequest } from './iam-simulation.js';
import type { SynthesizedPolicyStatement } from './synthesized-app.js';
import { actionsGrantedButUnused, partitionsGrantedButUnwritten, resourcesGrantedButUnused, type AuthorizationCheck } from '../integration/support/recorded-call-authorization.js';

const { account, region } = DEPLOYED;
const tableArn = (name: string) => `arn:aws:dynamodb:${region}:${account}:table/${name}`;
const EVIDENCE = tableArn('Irdr-EvidenceTable');
const KEY = `arn:aws:kms:${region}:${account}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
const MACHINE = `arn:aws:states:${region}:${account}:stateMachine:Irdr-Drill`;
/** The checks name deployed ARNs already. */
const asDeployed = (arn: string) => arn;
const check = (action: string, resource: string, conditionValues: Record<string, string[]> = {}): AuthorizationCheck => ({ action, resource, conditionValues });

describe('actionsName: the cheap test that skips a whole simulation, against iam-simulate\'s whole answer', () => {
  // [the statement's Action, the request's action, a resource the action takes]: spellings IAM matches loosely, and near misses.
  const cases: ReadonlyArray<readonly [string | string[], string, string]> = [
    ['dynamodb:PutItem', 'dynamodb:PutItem', EVIDENCE],
    ['DynamoDB:putitem', 'dynamodb:PutItem', EVIDENCE],
    ['dynamodb:Put*', 'dynamodb:PutItem', EVIDENCE],
    ['dynamodb:Get?tem', 'dynamodb:GetItem', EVIDENCE],
    ['dynamodb:Get*', 'dynamodb:BatchGetItem', EVIDENCE],
    ['dynamodb:GetItem', 'dynamodb:GetItemX', EVIDENCE],
    ['dynamodb:Query', 'dynamodb:Scan', EVIDENCE],
    ['s3:*', 'dynamodb:GetItem', EVIDENCE],
    ['*', 'dynamodb:DeleteItem', EVIDENCE],
    [['ses:SendEmail', 'dynamodb:UpdateItem'], 'dynamodb:UpdateItem', EVIDENCE],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKeyWithoutPlaintext', KEY],
    ['kms:GenerateDataKey*', 'kms:Decrypt', KEY],
    ['kms:Decrypt', 'kms:Decrypt', KEY],
    ['states:SendTask*', 'states:SendTaskSuccess', MACHINE],
    ['states:SendTaskSuccess', 'states:SendTaskFailure', MACHINE],
  ];

  it.each(cases)('%j names %s exactly when iam-simulate allows it on %s', async (actions, action, resource) => {
    const resourcePolicy = action.startsWith('kms:') ? KEY_POLICY_DELEGATING_TO_IAM : undefined;
    const whole = await simulateRequest([{ Effect: 'Allow', Action: actions, Resource: '*' }], { action, resource, conditionValues: {} }, { ...(resourcePolicy && { resourcePolicy }) });
    expect(actionsName(actions, action)).toBe(whole.allowed);
  });
});

describe('the unused-grant listings, whose answers are kept per probe and check', () => {
  const grants: SynthesizedPolicyStatement[] = [
    { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [EVIDENCE, tableArn('Irdr-Deduplication')], Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INC#*', 'DRILL#*'] } } },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
  ];

  it('tells apart checks that differ only in their partition key: each family is written by its own call', async () => {
    expect(await partitionsGrantedButUnwritten(grants, [check('dynamodb:PutItem', EVIDENCE, { 'dynamodb:LeadingKeys': ['INC#1'] })], asDeployed)).toEqual([
      'dynamodb:PutItem DRILL#*',
      'dynamodb:UpdateItem DRILL#*',
      'dynamodb:UpdateItem INC#*',
    ]);
    // Asked again with the other family (the answers of the first call kept): INC#* is now the one never written.
    expect(await partitionsGrantedButUnwritten(grants, [check('dynamodb:PutItem', EVIDENCE, { 'dynamodb:LeadingKeys': ['DRILL#7'] })], asDeployed)).toEqual([
      'dynamodb:PutItem INC#*',
      'dynamodb:UpdateItem DRILL#*',
      'dynamodb:UpdateItem INC#*',
    ]);
  });

  it('tells apart checks that differ only in their resource, and never takes a near-miss action for a granted one', async () => {
    const onEvidence = [check('dynamodb:PutItem', EVIDENCE, { 'dynamodb:LeadingKeys': ['INC#1'] })];
    const onDeduplication = [check('dynamodb:PutItem', tableArn('Irdr-Deduplication'), { 'dynamodb:LeadingKeys': ['INC#1'] })];
    expect(await resourcesGrantedButUnused(grants, onEvidence, asDeployed)).toEqual([`dynamodb:PutItem on ${tableArn('Irdr-Deduplication')}`]);
    expect(await resourcesGrantedButUnused(grants, onDeduplication, asDeployed)).toEqual([`dynamodb:PutItem on ${EVIDENCE}`]);
    // BatchWriteItem writes items too, but is not PutItem: the grants it would use stay unused.
    expect(await actionsGrantedButUnused(grants, [check('dynamodb:BatchWriteItem', EVIDENCE), check('kms:Decrypt', KEY)], asDeployed)).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(await actionsGrantedButUnused(grants, [...onEvidence, check('kms:Decrypt', KEY)], asDeployed)).toEqual(['dynamodb:UpdateItem']);
  });
});

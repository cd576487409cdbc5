import { describe, expect, it } from 'vitest';
import { authorizationOfRequest, type RequestScope } from '../../local/aws-request-resources.js';

const scope: RequestScope = {
  region: 'us-east-1',
  account: '000000000000',
  partitionKeyOf: (tableName) => (tableName === 'evidence' ? 'PK' : undefined),
  stateMachineOfTaskToken: (token) => (token === 'known' ? 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-Runbook' : undefined),
};
const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const of = (action: string, body: unknown, path = '/') => authorizationOfRequest({ action, path, body }, scope);

describe('authorizationOfRequest: what IAM evaluates a request against', () => {
  it('DynamoDB item calls: the table, and the partition key value as dynamodb:LeadingKeys when the key is known', () => {
    expect(of('dynamodb:PutItem', { TableName: 'evidence', Item: { PK: { S: 'IDEM#create' }, SK: { S: 'x' }, data: { S: 'y' } } })).toEqual({
      resources: [table('evidence')],
      conditionValues: { 'dynamodb:LeadingKeys': ['IDEM#create'] },
    });
    expect(of('dynamodb:GetItem', { TableName: 'evidence', Key: { PK: { S: 'INCIDENT#1' }, SK: { S: 'META' } } }).conditionValues).toEqual({
      'dynamodb:LeadingKeys': ['INCIDENT#1'],
    });
    expect(of('dynamodb:DeleteItem', { TableName: 'other', Key: { pk: { S: 'a' } } })).toEqual({ resources: [table('other')], conditionValues: {} });
  });

  it('Query and Scan: the index when they read one, else the table', () => {
    expect(of('dynamodb:Query', { TableName: 'evidence', IndexName: 'GSI1' }).resources).toEqual([`${table('evidence')}/index/GSI1`]);
    expect(of('dynamodb:Scan', { TableName: table('restored') }).resources).toEqual([table('restored')]);
  });

  it('batches and transactions: every table they name', () => {
    const batchWrite = of('dynamodb:BatchWriteItem', {
      RequestItems: {
        evidence: [{ PutRequest: { Item: { PK: { S: 'a' } } } }, { DeleteRequest: { Key: { PK: { S: 'b' } } } }],
        other: [{ PutRequest: { Item: { pk: { S: 'c' } } } }],
      },
    });
    expect(batchWrite).toEqual({ resources: [table('evidence'), table('other')], conditionValues: { 'dynamodb:LeadingKeys': ['a', 'b'] } });
    expect(of('dynamodb:BatchGetItem', { RequestItems: { evidence: { Keys: [{ PK: { S: 'a' } }] } } }).resources).toEqual([table('evidence')]);
    const transaction = of('dynamodb:TransactWriteItems', { TransactItems: [{ Put: { TableName: 'a' } }, { ConditionCheck: { TableName: 'b' } }, { Update: { TableName: 'a' } }] });
    expect(transaction.resources).toEqual([table('a'), table('b')]);
  });

  it('restores: the source table or backup, and the new table as the restore target', () => {
    expect(of('dynamodb:RestoreTableToPointInTime', { SourceTableName: 'orders', TargetTableName: 'irdr-drill-x' })).toEqual({
      resources: [table('orders')],
      conditionValues: {},
      restoreTarget: table('irdr-drill-x'),
    });
    const backupArn = `${table('orders')}/backup/01-ab`;
    expect(of('dynamodb:RestoreTableFromBackup', { BackupArn: backupArn, TargetTableName: 'irdr-drill-y' }).resources).toEqual([backupArn]);
    expect(of('dynamodb:DeleteBackup', { BackupArn: backupArn }).resources).toEqual([backupArn]);
    expect(of('dynamodb:TagResource', { ResourceArn: table('t') }).resources).toEqual([table('t')]);
  });

  it('actions with no resource-level permission are evaluated on *', () => {
    expect(of('dynamodb:ListBackups', { TableName: 'orders' }).resources).toEqual(['*']);
    expect(of('dynamodb:ListTables', {}).resources).toEqual(['*']);
  });

  it('Step Functions: the state machine started, the execution described, the state machine of a task token (else *)', () => {
    const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-Runbook';
    expect(of('states:StartExecution', { stateMachineArn, input: '{}' }).resources).toEqual([stateMachineArn]);
    expect(of('states:StopExecution', { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:irdr-Runbook:1' }).resources).toEqual([
      'arn:aws:states:us-east-1:000000000000:execution:irdr-Runbook:1',
    ]);
    expect(of('states:SendTaskSuccess', { taskToken: 'known', output: '{}' }).resources).toEqual([stateMachineArn]);
    expect(of('states:SendTaskFailure', { taskToken: 'unknown' }).resources).toEqual(['*']);
  });

  it('Secrets Manager and KMS: the ARN named, or built from a name, key id or alias', () => {
    const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:irdr/key-AbCdEf';
    expect(of('secretsmanager:GetSecretValue', { SecretId: secretArn }).resources).toEqual([secretArn]);
    expect(of('secretsmanager:GetSecretValue', { SecretId: 'irdr/key' }).resources).toEqual(['arn:aws:secretsmanager:us-east-1:000000000000:secret:irdr/key']);
    expect(of('kms:Sign', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }).resources).toEqual(['arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
    expect(of('kms:GetPublicKey', { KeyId: 'alias/signing' }).resources).toEqual(['arn:aws:kms:us-east-1:000000000000:alias/signing']);
  });

  it('SES SendEmail: the address and domain identities of the sender, and ses:FromAddress', () => {
    expect(of('ses:SendEmail', { FromEmailAddress: 'irdr <irdr@example.com>', ConfigurationSetName: 'tracked' }, '/v2/email/outbound-emails')).toEqual({
      resources: [
        'arn:aws:ses:us-east-1:000000000000:identity/irdr@example.com',
        'arn:aws:ses:us-east-1:000000000000:identity/example.com',
        'arn:aws:ses:us-east-1:000000000000:configuration-set/tracked',
      ],
      conditionValues: { 'ses:FromAddress': ['irdr@example.com'] },
    });
  });

  it('Lambda Invoke: the function of the path, with its qualifier', () => {
    const invoke = (path: string) => of('lambda:InvokeFunction', undefined, path).resources;
    expect(invoke('/2015-03-31/functions/check-orders/invocations')).toEqual(['arn:aws:lambda:us-east-1:000000000000:function:check-orders']);
    expect(invoke('/2015-03-31/functions/check-orders/invocations?Qualifier=live')).toEqual(['arn:aws:lambda:us-east-1:000000000000:function:check-orders:live']);
    expect(invoke(`/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:eu-west-1:123456789012:function:f')}/invocations`)).toEqual([
      'arn:aws:lambda:eu-west-1:123456789012:function:f',
    ]);
  });

  it('knows no resources of an action it does not know, or of a request missing its names', () => {
    expect(of('sqs:SendMessage', { QueueUrl: 'x' }).resources).toEqual([]);
    expect(of('dynamodb:PutItem', {}).resources).toEqual([]);
    expect(of('dynamodb:PutItem', undefined).resources).toEqual([]);
  });
  it('AWS Backup: the recovery point a restore starts from or whose metadata is read (from the body or the encoded path); `*` where AWS has no resource type', () => {
    const point = 'arn:aws:backup:us-east-1:000000000000:recovery-point:0f1e2d3c-0000-4000-8000-000000000000';
    expect(of('backup:StartRestoreJob', { RecoveryPointArn: point, Metadata: { targetTableName: 'irdr-drill-x' } }).resources).toEqual([point]);
    expect(of('backup:GetRecoveryPointRestoreMetadata', undefined, `/backup-vaults/drills/recovery-points/${encodeURIComponent(point)}/restore-metadata`).resources).toEqual([point]);
    for (const action of ['backup:ListRecoveryPointsByResource', 'backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult']) expect(of(action, undefined).resources, action).toEqual(['*']);
    expect(of('backup:StartRestoreJob', {}).resources).toEqual([]);
  });
});

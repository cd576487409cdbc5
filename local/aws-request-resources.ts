/*
 * What IAM evaluates one AWS API request against, read from the request as the handler sent it: the resources
 * (ARNs; `*` where the action has no resource-level permission) and the condition keys the request itself carries.
 * Pure: the call recorder (local/aws-call-recorder.ts) feeds it the action, path and JSON body of each request.
 */

export interface RequestAuthorization {
  /** Every resource IAM checks the action on; empty when this file cannot tell (the caller reports it). */
  readonly resources: readonly string[];
  /** Condition keys the request carries, e.g. `dynamodb:LeadingKeys`, `ses:FromAddress`. */
  readonly conditionValues: Readonly<Record<string, readonly string[]>>;
  /** The table a restore creates: AWS writes it with the caller's permissions (so they must cover it). */
  readonly restoreTarget?: string;
}

export interface RequestScope {
  readonly region: string;
  readonly account: string;
  /** A table's partition key attribute (for `dynamodb:LeadingKeys`); undefined leaves the key unrecorded. */
  readonly partitionKeyOf?: (tableName: string) => string | undefined;
  /** The ARN of the state machine whose execution issued a task token; undefined when unknown. */
  readonly stateMachineOfTaskToken?: (taskToken: string) => string | undefined;
}

export interface AwsRequest {
  readonly action: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** The parsed JSON body; undefined when there is none. */
  readonly body: unknown;
}

type Body = Record<string, unknown>;
type Extract = (body: Body, scope: RequestScope, path: string) => RequestAuthorization;

const EVERYWHERE = ['*'];
const none = (resources: readonly string[]): RequestAuthorization => ({ resources, conditionValues: {} });
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const record = (value: unknown): Body => (value !== null && typeof value === 'object' ? (value as Body) : {});

/** DynamoDB accepts a table name or its ARN wherever a table is named. */
function tableArn(scope: RequestScope, tableName: string): string {
  return tableName.startsWith('arn:') ? tableName : `arn:aws:dynamodb:${scope.region}:${scope.account}:table/${tableName}`;
}
const tableNameOf = (tableNameOrArn: string): string => tableNameOrArn.replace(/^arn:[^:]*:dynamodb:[^:]*:[^:]*:table\//, '').split('/')[0]!;

const tables = (scope: RequestScope, names: readonly (string | undefined)[]): string[] =>
  [...new Set(names.filter((name): name is string => name !== undefined))].map((name) => tableArn(scope, name));

/** The scalar an AttributeValue holds (S, N or B), as IAM compares it. */
function scalarOf(attributeValue: unknown): string | undefined {
  const value = record(attributeValue);
  return text(value['S']) ?? text(value['N']) ?? text(value['B']);
}

/** `dynamodb:LeadingKeys` of items (keys or whole items) of one table, when its partition key is known. */
function leadingKeysOf(scope: RequestScope, tableName: string, items: readonly unknown[]): string[] {
  const partitionKey = scope.partitionKeyOf?.(tableNameOf(tableName));
  if (partitionKey === undefined) return [];
  return items.map((item) => scalarOf(record(item)[partitionKey])).filter((value): value is string => value !== undefined);
}

function withLeadingKeys(resources: readonly string[], leadingKeys: readonly string[]): RequestAuthorization {
  return { resources, conditionValues: leadingKeys.length > 0 ? { 'dynamodb:LeadingKeys': [...new Set(leadingKeys)] } : {} };
}

/** GetItem, DeleteItem, UpdateItem (Key) and PutItem (Item): the table, and the item's partition key value. */
const singleItem =
  (itemField: 'Key' | 'Item'): Extract =>
  (body, scope) => {
    const tableName = text(body['TableName']);
    if (!tableName) return none([]);
    return withLeadingKeys([tableArn(scope, tableName)], leadingKeysOf(scope, tableName, [body[itemField]]));
  };

/** Query and Scan: the table, or `table/<name>/index/<index>` when they read an index. */
const tableOrIndex: Extract = (body, scope) => {
  const tableName = text(body['TableName']);
  if (!tableName) return none([]);
  const indexName = text(body['IndexName']);
  return none([indexName ? `${tableArn(scope, tableName)}/index/${indexName}` : tableArn(scope, tableName)]);
};

const namedTable: Extract = (body, scope) => none(tables(scope, [text(body['TableName'])]));
const namedArn = (field: string): Extract => (body) => none([text(body[field])].filter((arn): arn is string => arn !== undefined));

/** BatchGetItem and BatchWriteItem: every table of RequestItems, and the partition keys of the items named. */
const batch: Extract = (body, scope) => {
  const requestItems = Object.entries(record(body['RequestItems']));
  const leadingKeys = requestItems.flatMap(([tableName, request]) => {
    const items = Array.isArray(request)
      ? request.map((write) => record(record(write)['PutRequest'])['Item'] ?? record(record(write)['DeleteRequest'])['Key'])
      : ((record(request)['Keys'] as unknown[] | undefined) ?? []);
    return leadingKeysOf(scope, tableName, items);
  });
  return withLeadingKeys(tables(scope, requestItems.map(([tableName]) => tableName)), leadingKeys);
};

/** TransactWriteItems and TransactGetItems: the table of every item (each Put, Update, Delete, ConditionCheck or Get). */
const transaction: Extract = (body, scope) => {
  const operations = ((body['TransactItems'] as unknown[] | undefined) ?? []).flatMap((item) => Object.values(record(item)).map(record));
  return none(tables(scope, operations.map((operation) => text(operation['TableName']))));
};

/** A restore: the source (table or backup) it reads, and the new table AWS writes with the caller's permissions. */
const restore =
  (source: (body: Body, scope: RequestScope) => string | undefined): Extract =>
  (body, scope) => {
    const from = source(body, scope);
    const target = text(body['TargetTableName']);
    return { resources: from ? [from] : [], conditionValues: {}, ...(target && { restoreTarget: tableArn(scope, target) }) };
  };

const DYNAMODB: Readonly<Record<string, Extract>> = {
  GetItem: singleItem('Key'),
  DeleteItem: singleItem('Key'),
  UpdateItem: singleItem('Key'),
  PutItem: singleItem('Item'),
  Query: tableOrIndex,
  Scan: tableOrIndex,
  BatchGetItem: batch,
  BatchWriteItem: batch,
  TransactWriteItems: transaction,
  TransactGetItems: transaction,
  DescribeTable: namedTable,
  DescribeContinuousBackups: namedTable,
  DescribeTimeToLive: namedTable,
  CreateBackup: namedTable,
  DeleteTable: namedTable,
  UpdateTable: namedTable,
  DescribeBackup: namedArn('BackupArn'),
  DeleteBackup: namedArn('BackupArn'),
  TagResource: namedArn('ResourceArn'),
  UntagResource: namedArn('ResourceArn'),
  ListTagsOfResource: namedArn('ResourceArn'),
  RestoreTableFromBackup: restore((body) => text(body['BackupArn'])),
  RestoreTableToPointInTime: restore((body, scope) => text(body['SourceTableArn']) ?? tables(scope, [text(body['SourceTableName'])])[0]),
  // No resource-level permission (Service Authorization Reference): IAM evaluates them on `*`.
  ListBackups: () => none(EVERYWHERE),
  ListTables: () => none(EVERYWHERE),
};

/**
 * SendTask*: the token names no resource, yet AWS authorizes the call on the state machine of the execution that
 * issued the token (its AccessDenied names `...:stateMachine:<name>`; aws/aws-cdk#8486 found the same by test, though
 * the reference lists no resource type). Locally the token's state machine is known; `*` when it is not.
 */
const taskToken: Extract = (body, scope) => {
  const token = text(body['taskToken']);
  const stateMachineArn = token === undefined ? undefined : scope.stateMachineOfTaskToken?.(token);
  return none(stateMachineArn ? [stateMachineArn] : EVERYWHERE);
};

const STATES: Readonly<Record<string, Extract>> = {
  StartExecution: namedArn('stateMachineArn'),
  StartSyncExecution: namedArn('stateMachineArn'),
  DescribeStateMachine: namedArn('stateMachineArn'),
  ListExecutions: namedArn('stateMachineArn'),
  DescribeExecution: namedArn('executionArn'),
  StopExecution: namedArn('executionArn'),
  GetExecutionHistory: namedArn('executionArn'),
  DescribeStateMachineForExecution: namedArn('executionArn'),
  SendTaskSuccess: taskToken,
  SendTaskFailure: taskToken,
  SendTaskHeartbeat: taskToken,
  ListStateMachines: () => none(EVERYWHERE),
};

/** A secret by ARN, or by name (IAM then still sees the ARN, whose random suffix the name lacks). */
const secret: Extract = (body, scope) => {
  const secretId = text(body['SecretId']);
  if (!secretId) return none([]);
  return none([secretId.startsWith('arn:') ? secretId : `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:${secretId}`]);
};

/** A key by ARN, id, alias or alias ARN, as an ARN (an alias stays an alias ARN: the caller resolves it to its key). */
const kmsKey: Extract = (body, scope) => {
  const keyId = text(body['KeyId']);
  if (!keyId) return none([]);
  if (keyId.startsWith('arn:')) return none([keyId]);
  return none([`arn:aws:kms:${scope.region}:${scope.account}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`]);
};

/** `Name <address>` or a bare address. */
const addressOf = (from: string): string => (/<([^>]+)>\s*$/.exec(from)?.[1] ?? from).trim();

/**
 * SES v2 SendEmail: the identity the From address is verified as. That is the address or its domain, which the
 * request does not say: both are recorded, so a policy must allow either. Plus the configuration set, if named.
 */
const sendEmail: Extract = (body, scope) => {
  const from = text(body['FromEmailAddress']);
  if (!from) return none([]);
  const address = addressOf(from);
  const identity = (name: string) => `arn:aws:ses:${scope.region}:${scope.account}:identity/${name}`;
  const explicitIdentity = text(body['FromEmailAddressIdentityArn']);
  const configurationSet = text(body['ConfigurationSetName']);
  return {
    resources: [
      ...(explicitIdentity ? [explicitIdentity] : [identity(address), identity(address.slice(address.lastIndexOf('@') + 1))]),
      ...(configurationSet ? [`arn:aws:ses:${scope.region}:${scope.account}:configuration-set/${configurationSet}`] : []),
    ],
    conditionValues: { 'ses:FromAddress': [address] },
  };
};

/** Lambda Invoke names the function in its path: a name, `name:qualifier`, `account:function:name` or an ARN. */
const invokeFunction: Extract = (_body, scope, path) => {
  const [bare, query] = path.split('?');
  const named = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(bare ?? '')?.[1];
  if (!named) return none([]);
  const functionName = decodeURIComponent(named);
  const qualifier = new URLSearchParams(query ?? '').get('Qualifier');
  const arn = functionName.startsWith('arn:')
    ? functionName
    : /^\d{12}:function:/.test(functionName)
      ? `arn:aws:lambda:${scope.region}:${functionName}`
      : `arn:aws:lambda:${scope.region}:${scope.account}:function:${functionName}`;
  return none([qualifier ? `${arn}:${qualifier}` : arn]);
};

/** AWS Backup: StartRestoreJob and GetRecoveryPointRestoreMetadata act on a recovery point; the rest have no resource type. */
const BACKUP: Readonly<Record<string, Extract>> = {
  StartRestoreJob: (body) => none([text(body['RecoveryPointArn'])].filter((arn): arn is string => arn !== undefined)),
  GetRecoveryPointRestoreMetadata: (_body, _scope, path) => {
    const encoded = /^\/backup-vaults\/[^/]+\/recovery-points\/([^/?]+)\/restore-metadata/.exec(path)?.[1];
    return none(encoded ? [decodeURIComponent(encoded)] : []);
  },
  ListRecoveryPointsByResource: () => none(EVERYWHERE),
  DescribeProtectedResource: () => none(EVERYWHERE),
  DescribeRestoreJob: () => none(EVERYWHERE),
  PutRestoreValidationResult: () => none(EVERYWHERE),
  ListProtectedResources: () => none(EVERYWHERE),
};

const BY_SERVICE: Readonly<Record<string, Readonly<Record<string, Extract>>>> = {
  dynamodb: DYNAMODB,
  states: STATES,
  secretsmanager: { GetSecretValue: secret, DescribeSecret: secret },
  kms: { Sign: kmsKey, Verify: kmsKey, GetPublicKey: kmsKey, DescribeKey: kmsKey, Decrypt: kmsKey, Encrypt: kmsKey, GenerateDataKey: kmsKey },
  ses: { SendEmail: sendEmail },
  lambda: { InvokeFunction: invokeFunction },
  backup: BACKUP,
  // The Data API acts on the cluster its resourceArn names.
  'rds-data': Object.fromEntries(['ExecuteStatement', 'BeginTransaction', 'RollbackTransaction', 'CommitTransaction'].map((name) => [name, (body: Record<string, unknown>) => none([text(body['resourceArn'])].filter((arn): arn is string => arn !== undefined))])),
};

/** What IAM evaluates the request against; no resources when the action is one this file does not know. */
export function authorizationOfRequest(request: AwsRequest, scope: RequestScope): RequestAuthorization {
  const [service, operation] = request.action.split(':');
  const extract = service && operation ? BY_SERVICE[service]?.[operation] : undefined;
  return extract ? extract(record(request.body), scope, request.path) : none([]);
}

/** Whether the resources of an action come from its JSON body (the recorder reads the body only then). */
export function readsRequestBody(action: string): boolean {
  const [service, operation] = action.split(':');
  return service !== 'lambda' && service !== undefined && operation !== undefined && BY_SERVICE[service]?.[operation] !== undefined;
}

import { createHash } from 'node:crypto';
import { runSimulation, runUnsafeSimulation, type AllowedConditionExpression, type Simulation } from '@cloud-copilot/iam-simulate';
import { renderCfn, type SynthesizedPolicyStatement, type TemplateResource } from './synthesized-app.js';

/*
 * The synthesized template as IAM sees it once deployed (every token a concrete name or ARN in one account and
 * region), and identity-policy evaluation by @cloud-copilot/iam-simulate, which evaluates as AWS documents it.
 */

/** Where the template is imagined deployed: an account and region no local stack uses, so no ARN matches by accident. */
export const DEPLOYED = { account: '111122223333', region: 'eu-west-1', partition: 'aws', stackName: 'Irdr' } as const;

/** `Ref` and `Fn::GetAtt ... Arn` of one resource as CloudFormation returns them once deployed. */
interface DeployedIdentity {
  readonly ref: string;
  readonly arn: string;
}

/** Each resource type's name property; a resource without one gets a name CloudFormation-like, `<stack>-<logicalId>`. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
};

/** A resource's Ref and ARN by its type; a type not listed here throws, rather than be guessed. */
function identityOf(type: string, name: string, logicalId: string): DeployedIdentity {
  const { partition, region, account } = DEPLOYED;
  const arn = (service: string, resource: string, inRegion: string = region) => `arn:${partition}:${service}:${inRegion}:${account}:${resource}`;
  const keyId = createHash('sha256').update(logicalId).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return { ref: name, arn: arn('dynamodb', `table/${name}`) };
    case 'AWS::Lambda::Function':
      return { ref: name, arn: arn('lambda', `function:${name}`) };
    case 'AWS::StepFunctions::StateMachine':
      return { ref: arn('states', `stateMachine:${name}`), arn: arn('states', `stateMachine:${name}`) };
    case 'AWS::S3::Bucket':
      return { ref: name.toLowerCase(), arn: `arn:${partition}:s3:::${name.toLowerCase()}` };
    case 'AWS::SQS::Queue':
      return { ref: `https://sqs.${region}.amazonaws.com/${account}/${name}`, arn: arn('sqs', name) };
    case 'AWS::SNS::Topic':
      return { ref: arn('sns', name), arn: arn('sns', name) };
    case 'AWS::IAM::Role':
      return { ref: name, arn: arn('iam', `role/${name}`, '') };
    case 'AWS::Logs::LogGroup':
      return { ref: name, arn: arn('logs', `log-group:${name}:*`) };
    case 'AWS::SecretsManager::Secret':
      return { ref: arn('secretsmanager', `secret:${name}-AbCdEf`), arn: arn('secretsmanager', `secret:${name}-AbCdEf`) };
    case 'AWS::KMS::Key':
      return { ref: keyId, arn: arn('kms', `key/${keyId}`) };
    case 'AWS::Events::Rule':
      return { ref: name, arn: arn('events', `rule/${name}`) };
    case 'AWS::Scheduler::Schedule':
      return { ref: name, arn: arn('scheduler', `schedule/default/${name}`) };
    default:
      throw new Error(`no deployed identity for ${type} (${logicalId}): add it to iam-simulation.ts`);
  }
}

/** The template deployed into DEPLOYED: template text (renderCfn's) and whole statements with every token resolved. */
export interface DeployedTemplate {
  /** `arn:${AWS::Partition}:...:table/${EvidenceTable...}` → `arn:aws:...:table/Irdr-EvidenceTable...`. */
  text(templateText: string): string;
  /** A policy statement as deployed: every CloudFormation value (Resource, Condition, Principal) concrete text. */
  statement<T extends object>(statement: T): T;
  /** The resource policy (key, bucket, queue or topic policy) of a deployed ARN, deployed; undefined when it has none. */
  resourcePolicyOf(arn: string): ResourcePolicy | undefined;
}

export interface ResourcePolicy {
  readonly Version?: string;
  readonly Statement: readonly object[];
}

/** Where each policy-bearing resource keeps its policy, and the logical ids of the resources it governs. */
const RESOURCE_POLICIES: Readonly<Record<string, { readonly document: string; readonly governs: (properties: Record<string, unknown>, logicalId: string) => unknown[] }>> = {
  'AWS::KMS::Key': { document: 'KeyPolicy', governs: (_, logicalId) => [{ 'Fn::GetAtt': [logicalId, 'Arn'] }] },
  'AWS::S3::BucketPolicy': { document: 'PolicyDocument', governs: (properties) => [properties.Bucket] },
  'AWS::SQS::QueuePolicy': { document: 'PolicyDocument', governs: (properties) => properties.Queues as unknown[] },
  'AWS::SNS::TopicPolicy': { document: 'PolicyDocument', governs: (properties) => properties.Topics as unknown[] },
};

export function deployTemplate(resources: Record<string, TemplateResource>): DeployedTemplate {
  const pseudo: Readonly<Record<string, string>> = {
    'AWS::Partition': DEPLOYED.partition,
    'AWS::Region': DEPLOYED.region,
    'AWS::AccountId': DEPLOYED.account,
    'AWS::StackName': DEPLOYED.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const identities = new Map<string, DeployedIdentity>();
  const identity = (logicalId: string): DeployedIdentity => {
    const known = identities.get(logicalId);
    if (known) return known;
    const resource = resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    const nameProperty = NAME_PROPERTY[resource.Type];
    const named = nameProperty === undefined ? undefined : resource.Properties?.[nameProperty];
    const made = identityOf(resource.Type, named === undefined ? `${DEPLOYED.stackName}-${logicalId}` : text(renderCfn(named)), logicalId);
    identities.set(logicalId, made);
    return made;
  };
  const token = (name: string): string => {
    if (name in pseudo) return pseudo[name]!;
    const [logicalId, attribute] = name.split('.') as [string, string | undefined];
    if (attribute === undefined) return identity(logicalId).ref;
    if (attribute === 'Arn') return identity(logicalId).arn;
    throw new Error(`cannot deploy \${${name}}`);
  };
  const text = (templateText: string): string => templateText.replace(/\$\{([^}]+)\}/g, (_, name: string) => token(name));
  const value = (inner: unknown): unknown => {
    if (Array.isArray(inner)) return inner.map(value);
    if (typeof inner === 'string') return text(inner);
    if (inner !== null && typeof inner === 'object') {
      const record = inner as Record<string, unknown>;
      if ('Ref' in record || 'Fn::GetAtt' in record || 'Fn::Join' in record) return text(renderCfn(record));
      return Object.fromEntries(Object.entries(record).map(([key, nested]) => [key, value(nested)]));
    }
    return inner;
  };
  /** Deployed ARN (a bucket's for its bucket policy; a queue's, not its URL) → its deployed resource policy. */
  const policies = new Map<string, ResourcePolicy>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    const kind = RESOURCE_POLICIES[resource.Type];
    if (!kind || !resource.Properties) continue;
    for (const governed of kind.governs(resource.Properties, logicalId)) {
      const target = governed as { Ref?: string };
      const arn = target.Ref !== undefined && target.Ref in resources ? identity(target.Ref).arn : text(renderCfn(governed));
      policies.set(arn, value(resource.Properties[kind.document]) as ResourcePolicy);
    }
  }
  // An S3 object is governed by its bucket's policy.
  const resourcePolicyOf = (arn: string) => policies.get(arn) ?? (arn.startsWith('arn:aws:s3:::') ? policies.get(arn.split('/')[0]!) : undefined);
  return { text, statement: (statement) => value(statement) as typeof statement, resourcePolicyOf };
}

/** A request as IAM sees it: the action, one resource (a concrete ARN, or `*`), and the condition keys it carries. */
export interface SimulatedRequest {
  readonly action: string;
  readonly resource: string;
  readonly conditionValues: Readonly<Record<string, readonly string[]>>;
}

/** Who makes a request, and the resource policy of what it names, when it has one. */
export interface SimulationParties {
  /** The deployed ARN of the calling role; also the request's aws:PrincipalArn. */
  readonly principal?: string;
  readonly resourcePolicy?: ResourcePolicy;
}

/**
 * Actions the IAM reference (and so iam-simulate) lists as taking `*` only, which AWS nevertheless authorizes against
 * the state machine of the task token's execution: AccessDenied names it, and a grant on it works
 * (https://github.com/aws/aws-cdk/pull/8486). Evaluated on that resource without iam-simulate's request validation.
 */
export const AUTHORIZED_ON_STATE_MACHINE_DESPITE_REFERENCE: readonly string[] = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

/** A key's default policy: the account's IAM policies decide (to evaluate an identity policy alone on a KMS key). */
export const KEY_POLICY_DELEGATING_TO_IAM: ResourcePolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${DEPLOYED.partition}:iam::${DEPLOYED.account}:root` }, Action: 'kms:*', Resource: '*' }],
};

export interface SimulationOutcome {
  readonly allowed: boolean;
  /**
   * Keys of the conditions the allowing statements hold that the request does not carry (IAM would read them from
   * elsewhere, e.g. a resource's tags): empty when the request is allowed without them.
   */
  readonly unevaluatedConditions: readonly string[];
  /** Keys the request carries that IAM does not read for this action and resource (iam-simulate drops them). */
  readonly ignoredKeys: readonly string[];
  /** Why iam-simulate refused the request or the policy (e.g. an ARN no resource type of the action matches). */
  readonly error?: string;
}

const keysOf = (expression: AllowedConditionExpression | undefined): string[] =>
  expression === undefined ? [] : expression.conditionType === 'condition' ? [expression.key] : expression.conditionType === 'group' ? expression.conditions.flatMap(keysOf) : [];

/**
 * Whether identity-policy statements (deployed, no tokens) allow the request, as iam-simulate evaluates it. Keys the
 * request carries are evaluated; a condition on a key it does not carry is handed back by name (Discovery mode), not assumed.
 */
export async function simulateRequest(statements: readonly SynthesizedPolicyStatement[], request: SimulatedRequest, parties: SimulationParties = {}): Promise<SimulationOutcome> {
  const principal = parties.principal ?? `arn:${DEPLOYED.partition}:iam::${DEPLOYED.account}:role/simulated-function-role`;
  const contextVariables: Record<string, string | string[]> = {
    ...Object.fromEntries(Object.entries(request.conditionValues).map(([key, values]) => [key, [...values]])),
    'aws:PrincipalArn': principal,
    'aws:PrincipalAccount': DEPLOYED.account,
  };
  const simulation: Simulation = {
    request: { action: request.action, principal, resource: { resource: request.resource, accountId: DEPLOYED.account }, contextVariables },
    identityPolicies: [{ name: 'function-role', policy: { Version: '2012-10-17', Statement: statements } }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(parties.resourcePolicy && { resourcePolicy: parties.resourcePolicy }),
  };
  if (AUTHORIZED_ON_STATE_MACHINE_DESPITE_REFERENCE.includes(request.action) && request.resource !== '*') {
    return { allowed: runUnsafeSimulation(simulation, { simulationMode: 'Strict' }) === 'Allowed', unevaluatedConditions: [], ignoredKeys: [] };
  }
  const known = Object.keys(contextVariables).map((keyName) => ({ keyName, presenceIsKnown: true as const, valueIsKnown: true as const }));
  const response = await runSimulation(simulation, { simulationMode: 'Discovery', discoveryContextKeyConstraints: known });
  if (response.resultType === 'error') return { allowed: false, unevaluatedConditions: [], ignoredKeys: [], error: JSON.stringify(response.errors) };
  const results = response.resultType === 'single' ? [response.result] : response.results;
  return {
    allowed: response.overallResult === 'Allowed',
    unevaluatedConditions: [...new Set(results.flatMap((result) => keysOf(result.analysis.conditions)))].sort(),
    ignoredKeys: [...new Set(results.flatMap((result) => result.ignoredContextKeys ?? []))].sort(),
  };
}

/** actionsName's answers, by `[actions, action]` as JSON: a few hundred pairs, asked thousands of times. */
const namedActions = new Map<string, boolean>();

/**
 * Whether a statement's Action element names the action, as iam-simulate's authorization matches it: `Allow <actions>`
 * on `*`, the request on `*` by a role of the account, none of runSimulation's request validation (a resource-type
 * match per call, its cost). A statement whose actions do not name the action allows it on no resource under no
 * condition, so a `false` settles simulateRequest for any statement with these actions.
 */
export function actionsName(actions: string | readonly string[], action: string): boolean {
  const key = JSON.stringify([actions, action]);
  const known = namedActions.get(key);
  if (known !== undefined) return known;
  const principal = `arn:${DEPLOYED.partition}:iam::${DEPLOYED.account}:role/simulated-function-role`;
  const simulation: Simulation = {
    request: { action, principal, resource: { resource: '*', accountId: DEPLOYED.account }, contextVariables: {} },
    identityPolicies: [{ name: 'function-role', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] } }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const named = runUnsafeSimulation(simulation, { simulationMode: 'Strict' }) === 'Allowed';
  namedActions.set(key, named);
  return named;
}

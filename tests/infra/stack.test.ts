import { OBJECT_CHECKS, sourceBucketNameOf, sourceTableNameOf, type DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { rmSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type { NestedStack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { canaryWriterOf } from '../../functions/domain/drill/rds-plan.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { RunbookCatalog } from '../../functions/domain/incident.js';
import { RolePrincipals, rolePrincipalsFromConfig } from '../../functions/domain/roles.js';
import { deduplicationTableDesign, tableDesign } from '../../functions/domain/table-design.js';
import {
  functionArnPlaceholder,
  functionRegistry,
  functionSpec,
  type FunctionName,
  type FunctionPermission,
  type FunctionSpec,
} from '../../functions/registry.js';
import { reviewReminderStateMachineBlueprint, stateMachineBlueprints, substitutePlaceholders } from '../../workflows/catalog.js';
import { eventRuleDefinition } from '../../functions/event-rules.js';
import { stateMachineArnPrefix } from '../../lib/runbook-state-machines.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';
import { RESTORE_TARGET_ACTIONS } from '../../lib/drill-grants.js';
import { NIST_PACK } from '../../lib/nag.js';
import { COMPLIANCE_ENQUEUE_ACTIONS, COMPLIANCE_PUSH_ACTIONS, FINDING_CLAIM_ACTIONS, IDEMPOTENCY_ACTIONS, RESTORE_WAIT_KEEP_ACTIONS, RESTORE_WAIT_READ_ACTIONS } from '../../lib/deduplication-table.js';
import { EVIDENCE_WRITE_GRANTS, FORMER_TIME_TO_LIVE_ATTRIBUTE, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, TABLE_READ_ACTIONS, isEvidenceWrite } from '../../lib/evidence-table.js';
import {
  dynamodbResourceOf,
  renderCfn,
  statementsOfRole as statementsOfSynthesizedRole,
  synthesizeIrdr,
  type SynthesizedIrdr,
  type SynthesizedPolicyStatement,
  type TemplateResource,
  type ValidationReport,
  type ValidationViolation,
} from './synthesized-app.js';

/** A plan's source table (every plan in workflows/drills names one). */
const tableOf = (plan: DrillPlan): string => sourceTableNameOf(plan.source) ?? `(${plan.id} names no table)`;

type PolicyStatement = SynthesizedPolicyStatement;

const registry: readonly FunctionSpec[] = functionRegistry;
const blueprints = stateMachineBlueprints();
const drillPlans = loadDrillPlans();

/** The console's nested stack has its own cdk-nag tests (tests/infra/console-stack.test.ts): here, the rest of the app. */
const CONSOLE_PATH = 'Irdr/Console/';
function pluginReportsOutsideConsole(report: ValidationReport): ValidationReport['pluginReports'] {
  const outside = (violations: readonly ValidationViolation[] = []) =>
    violations
      .map((violation) => ({ ...violation, violatingConstructs: violation.violatingConstructs.filter((construct) => !construct.constructPath.startsWith(CONSOLE_PATH)) }))
      .filter((violation) => violation.violatingConstructs.length > 0);
  return report.pluginReports.map((plugin) => ({ ...plugin, violations: outside(plugin.violations), suppressedViolations: outside(plugin.suppressedViolations) }));
}
const mainPluginReports = () => pluginReportsOutsideConsole(synth.validationReport);

let synth: SynthesizedIrdr;
beforeAll(() => {
  synth = synthesizeIrdr({ bundle: false });
});
afterAll(() => {
  if (synth) rmSync(synth.outdir, { recursive: true, force: true });
});

const asList = <T>(value: T | readonly T[]): T[] => (Array.isArray(value) ? [...(value as T[])] : [value as T]);
const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const resourcesOfType = (type: string): [string, TemplateResource][] =>
  Object.entries(synth.resources).filter(([, resource]) => resource.Type === type);
const props = (logicalId: string): Record<string, any> => {
  const resource = synth.resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource.Properties ?? {};
};

/** The evidence table's and the deduplication table's resources (the stack has these two tables, no other). */
const evidenceTableResource = () => synth.resources[synth.logicalIdOf(synth.stack.evidence.table)]!;
const deduplicationTableResource = () => synth.resources[synth.logicalIdOf(synth.stack.deduplication.table)]!;

const functionLogicalId = (name: string) => synth.logicalIdOf(synth.stack.functions.get(name as FunctionName));
const roleLogicalIdOfFunction = (name: string) => synth.logicalIdOf(synth.stack.functions.get(name as FunctionName).role!);

const statementsOfRole = (roleLogicalId: string): PolicyStatement[] => statementsOfSynthesizedRole(synth.resources, roleLogicalId);

const actionsOf = (statements: readonly PolicyStatement[]) => new Set(statements.flatMap((statement) => asList(statement.Action)));

/** Replaces `{ Ref: X }` with `X` and joins Fn::Join, so a token-bearing string can be read. */
function renderJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if ('Ref' in record) return String(record.Ref);
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map(renderJoin).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

describe('evidence table', () => {
  it('is built from tableDesign: the same keys and indexes, nothing restated', () => {
    expect(resourcesOfType('AWS::DynamoDB::Table').map(([logicalId]) => logicalId).sort()).toEqual(
      [synth.logicalIdOf(synth.stack.evidence.table), synth.logicalIdOf(synth.stack.deduplication.table)].sort(),
    );
    const table = evidenceTableResource().Properties!;
    expect(table.KeySchema).toEqual([
      { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.GlobalSecondaryIndexes).toEqual(
      tableDesign.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const keyNames = [tableDesign.partitionKey, tableDesign.sortKey, ...tableDesign.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    expect(table.AttributeDefinitions).toEqual(keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })));
  });

  it('keeps the evidence: on-demand, point-in-time recovery, deletion protection, retained, encrypted with a rotating key', () => {
    const [logicalId, table] = [synth.logicalIdOf(synth.stack.evidence.table), evidenceTableResource()];
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(synth.logicalIdOf(synth.stack.evidence.encryptionKey)) },
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(props(synth.logicalIdOf(synth.stack.evidence.encryptionKey)).EnableKeyRotation).toBe(true);
    synth.template.hasOutput('TableName', { Value: { Ref: logicalId } });
  });

  it('is backed up by AWS Backup, daily for 35 days and monthly as long as the digests, into a vault nobody can delete from', () => {
    const plans = resourcesOfType('AWS::Backup::BackupPlan');
    expect(plans).toHaveLength(1);
    const vaultId = synth.logicalIdOf(synth.stack.evidenceBackups.vault);
    const rules = (plans[0]![1].Properties!.BackupPlan as { BackupPlanRule: Array<Record<string, any>> }).BackupPlanRule;
    expect(rules.map((rule) => [rule.RuleName, rule.ScheduleExpression, rule.Lifecycle])).toEqual([
      ['Daily', 'cron(0 3 * * ? *)', { DeleteAfterDays: 35 }],
      ['Monthly', 'cron(0 3 1 * ? *)', { DeleteAfterDays: irdrConfig.evidence.digestRetentionDays }],
    ]);
    for (const rule of rules) expect(rule.TargetBackupVault).toEqual({ 'Fn::GetAtt': [vaultId, 'BackupVaultName'] });
    const selections = resourcesOfType('AWS::Backup::BackupSelection');
    expect(selections).toHaveLength(1);
    expect((selections[0]![1].Properties!.BackupSelection as { Resources: unknown[] }).Resources).toEqual([
      getAtt(synth.logicalIdOf(synth.stack.evidence.table)),
    ]);
    const vault = synth.resources[vaultId]!;
    expect(vault.DeletionPolicy).toBe('Retain');
    expect((vault.Properties!.AccessPolicy as { Statement: unknown[] }).Statement).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
      Resource: '*',
    });
  });

  it('has TTL disabled, explicitly: no writer can have DynamoDB delete an event by setting an expiry on it', () => {
    // Disabled rather than left out: CloudFormation does not turn TTL off on a deployed table whose specification is removed.
    expect(evidenceTableResource().Properties!.TimeToLiveSpecification).toEqual({ AttributeName: FORMER_TIME_TO_LIVE_ATTRIBUTE, Enabled: false });
  });
});

describe('deduplication table (idempotency records, finding claims)', () => {
  it('is built from deduplicationTableDesign and expires items through its TTL attribute', () => {
    const table = deduplicationTableResource().Properties!;
    expect(table.KeySchema).toEqual([
      { AttributeName: deduplicationTableDesign.partitionKey, KeyType: 'HASH' },
      { AttributeName: deduplicationTableDesign.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.GlobalSecondaryIndexes).toBeUndefined();
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: deduplicationTableDesign.timeToLiveAttribute, Enabled: true });
  });

  it('is kept like the evidence table: on-demand, PITR, deletion protection, retained, encrypted with the evidence key', () => {
    const table = deduplicationTableResource();
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(synth.logicalIdOf(synth.stack.evidence.encryptionKey)) },
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('is named to the functions that deduplicate or keep drill restore waits, and only to them', () => {
    const tableRef = { Ref: synth.logicalIdOf(synth.stack.deduplication.table) };
    for (const spec of registry) {
      const variables = props(functionLogicalId(spec.name)).Environment?.Variables ?? {};
      expect(variables.DEDUPLICATION_TABLE_NAME, spec.name).toEqual((spec.environment as readonly string[]).includes('DEDUPLICATION_TABLE_NAME') ? tableRef : undefined);
    }
    expect(registry.filter((spec) => (spec.environment as readonly string[]).includes('DEDUPLICATION_TABLE_NAME')).map((spec) => spec.name).sort()).toEqual([
      'AwaitDrillRestoreEnd',
      'CreateIncident',
      'EndDrillRestoreWait',
      'OpenIncidentFromFinding',
      // Compliance pushes (PUSH#): the sign-off queues its record, the push function keeps each push's record.
      'PushComplianceEvidence',
      // Counts of a drill's source at known times (SOURCECOUNT#, baseline: counted): the checks read them.
      'RunDrillChecks',
      // A finished evidence export queues its push (PUSH#PENDING), as a sign-off does.
      'RunEvidenceExport',
      'SignOffEvidence',
      'StartDrillRun',
      // ... and the canary writer takes them.
      'WriteDrillCanary',
    ]);
  });
});

describe('functions', () => {
  it('deploys exactly one function per registry entry, nothing else', () => {
    const deployed = resourcesOfType('AWS::Lambda::Function').map(([logicalId]) => logicalId).sort();
    expect(deployed).toEqual(registry.map((spec) => functionLogicalId(spec.name)).sort());
  });

  it.each(registry.map((spec) => [spec.name, spec] as const))('%s runs on nodejs24.x arm64 as the registry sizes it', (name, spec) => {
    expect(props(functionLogicalId(name))).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
      Description: spec.description,
    });
  });

  it.each(registry.map((spec) => [spec.name, spec] as const))('%s gets only the environment it declares', (name, spec) => {
    const variables = props(functionLogicalId(name)).Environment.Variables as Record<string, unknown>;
    expect(Object.keys(variables).sort()).toEqual([...spec.environment, 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'].sort());
    expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    if (spec.environment.includes('TABLE_NAME')) {
      expect(variables.TABLE_NAME).toEqual({ Ref: synth.logicalIdOf(synth.stack.evidence.table) });
    }
  });

  it('gives RUNBOOK_CATALOG every runbook, pointing at its own state machine', () => {
    const consumers = registry.filter((spec) => (spec.environment as readonly string[]).includes('RUNBOOK_CATALOG'));
    expect(consumers.length).toBeGreaterThan(0);
    for (const spec of consumers) {
      const raw = (props(functionLogicalId(spec.name)).Environment.Variables as Record<string, unknown>).RUNBOOK_CATALOG;
      const catalog = RunbookCatalog.parse(JSON.parse(renderJoin(raw)));
      expect(catalog).toEqual(
        Object.fromEntries(
          blueprints.map((blueprint) => [
            blueprint.runbookId,
            {
              stateMachineArn: synth.logicalIdOf(synth.stack.runbooks.byLogicalId.get(blueprint.logicalId)!),
              title: blueprint.title,
              version: blueprint.version,
              hash: blueprint.hash,
              controls: blueprint.runbook.controls,
            },
          ]),
        ),
      );
    }
  });

  it.each(registry.map((spec) => [spec.name] as const))("%s's environment fits Lambda's 4 KB, every token rendered 128 characters long", (name) => {
    const worstCase = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const join = (value as Record<string, unknown>)['Fn::Join'] as [string, unknown[]] | undefined;
      return join ? join[1].map(worstCase).join(join[0]) : 'x'.repeat(128);
    };
    const variables = props(functionLogicalId(name)).Environment.Variables as Record<string, unknown>;
    const bytes = Object.entries(variables).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(worstCase(value)), 0);
    expect(bytes).toBeLessThan(4096);
  });

  it('gives ROLE_PRINCIPALS the principals config/irdr.config.json names for each role', () => {
    const consumers = registry.filter((spec) => (spec.environment as readonly string[]).includes('ROLE_PRINCIPALS'));
    expect(consumers.length).toBeGreaterThan(0);
    for (const spec of consumers) {
      const raw = (props(functionLogicalId(spec.name)).Environment.Variables as Record<string, unknown>).ROLE_PRINCIPALS;
      expect(RolePrincipals.parse(JSON.parse(raw as string))).toEqual(rolePrincipalsFromConfig(irdrConfig));
    }
  });

  it('gives every function that authorizes callers the console nested stack\'s identity pool id, and no other function', () => {
    const consoleStackId = Object.entries(synth.resources).find(([id, resource]) => resource.Type === 'AWS::CloudFormation::Stack' && id.startsWith('Console'))?.[0];
    expect(consoleStackId).toBeDefined();
    for (const spec of registry) {
      const value = (props(functionLogicalId(spec.name)).Environment?.Variables as Record<string, unknown> | undefined)?.CONSOLE_IDENTITY_POOL_ID;
      if (!(spec.environment as readonly string[]).includes('ROLE_PRINCIPALS')) {
        expect(value, spec.name).toBeUndefined();
        continue;
      }
      const [resource, output] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      expect(resource, spec.name).toBe(consoleStackId);
      expect(output, spec.name).toMatch(/^Outputs\.\S*Identities\S*Ref$/);
    }
    // The functions now wait for the console stack: it must not wait for any of them (CloudFormation refuses a cycle).
    const references = (value: unknown): string[] => {
      if (Array.isArray(value)) return value.flatMap(references);
      if (value === null || typeof value !== 'object') return [];
      const record = value as Record<string, unknown>;
      if (typeof record.Ref === 'string') return [record.Ref];
      if (Array.isArray(record['Fn::GetAtt'])) return [record['Fn::GetAtt'][0] as string];
      return Object.values(record).flatMap(references);
    };
    const reached = new Set<string>();
    const pending = [consoleStackId!];
    while (pending.length > 0) {
      const resource = synth.resources[pending.pop()!] as { Properties?: unknown; DependsOn?: string | string[] } | undefined;
      if (!resource) continue;
      const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn as string | string[]);
      for (const id of [...references(resource.Properties), ...dependsOn]) if (!reached.has(id)) { reached.add(id); pending.push(id); }
    }
    expect(reached.has(synth.logicalIdOf(synth.stack.httpApi.api))).toBe(true);
    expect(registry.map((spec) => functionLogicalId(spec.name)).filter((id) => reached.has(id))).toEqual([]);
  });

  it.each(registry.map((spec) => [spec.name] as const))('%s logs to its own log group, with a retention', (name) => {
    const logGroupId = (props(functionLogicalId(name)).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(synth.resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(props(logGroupId).RetentionInDays).toBeGreaterThan(0);
    expect(props(logGroupId).KmsKeyId).toEqual(getAtt(synth.logicalIdOf(synth.stack.logEncryptionKey.key)));
    const logStatements = statementsOfRole(roleLogicalIdOfFunction(name)).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logStatements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(logGroupId) },
    ]);
  });
});

describe('the wire-check validator in the drill VPC', () => {
  const validator = () => config.drills!.database!.validator!;
  const config = irdrConfig;

  // The wire-check validator, and the writer of SQL canaries over the wire (a source reachable only inside the VPC).
  const IN_VPC = ['RunDrillWireChecks', 'WriteDrillWireCanary'];

  it('runs RunDrillWireChecks and WriteDrillWireCanary, and no other function, in the drill subnets with the security group from config', () => {
    for (const name of IN_VPC) {
      expect(props(functionLogicalId(name)).VpcConfig, name).toEqual({ SubnetIds: validator().subnetIds, SecurityGroupIds: validator().securityGroupIds });
      // Lambda checks the role may create network interfaces when the function is created: its policy must exist first.
      const roleId = roleLogicalIdOfFunction(name);
      const policies = resourcesOfType('AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }])).map(([id]) => id);
      expect(policies, name).toHaveLength(1);
      expect((synth.resources[functionLogicalId(name)] as { DependsOn?: string[] }).DependsOn, name).toEqual(expect.arrayContaining([roleId, ...policies]));
    }
    for (const spec of registry.filter((candidate) => !IN_VPC.includes(candidate.name))) expect(props(functionLogicalId(spec.name)).VpcConfig, spec.name).toBeUndefined();
  });

  it('grants the wire canary writer no table, bucket or Data API: only its sources\' endpoints and writer secrets, and its network interfaces', () => {
    const actions = [...actionsOf(statementsOfRole(roleLogicalIdOfFunction('WriteDrillWireCanary')))];
    expect(actions.filter((action) => /^(dynamodb|s3|rds-data|kms|backup):/.test(action))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('rds:') && !action.startsWith('rds:Describe'))).toEqual([]);
  });

  it('lets Lambda create its network interfaces only in those subnets with that group, and touch only network interfaces', () => {
    for (const name of IN_VPC) {
      const statements = statementsOfRole(roleLogicalIdOfFunction(name)).filter((statement) => asList(statement.Action).some((action) => action.startsWith('ec2:')));
      const resourcesOf = (action: string) => statements.filter((statement) => asList(statement.Action).includes(action)).flatMap((statement) => asList(statement.Resource).map((resource) => renderCfn(resource)));
      const ec2 = (resource: string) => `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
      expect(resourcesOf('ec2:CreateNetworkInterface').sort()).toEqual(
        [ec2('network-interface/*'), ...validator().subnetIds.map((id) => ec2(`subnet/${id}`)), ...validator().securityGroupIds.map((id) => ec2(`security-group/${id}`))].sort(),
      );
      for (const action of ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses']) expect(resourcesOf(action), action).toEqual([ec2('network-interface/*')]);
      // EC2 supports no resource for these two.
      for (const action of ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']) expect(resourcesOf(action), action).toEqual(['*']);
    }
    // Only the functions in the VPC hold any EC2 permission at all.
    for (const spec of registry.filter((candidate) => !IN_VPC.includes(candidate.name))) {
      expect([...actionsOf(statementsOfRole(roleLogicalIdOfFunction(spec.name)))].filter((action) => action.startsWith('ec2:Create') || action.includes('NetworkInterface')), spec.name).toEqual([]);
    }
  });
});

describe('function concurrency and failed events', () => {
  const apiFunctions = registry.filter((spec) => (spec.routes ?? []).length > 0).map((spec) => spec.name);

  it('reserves config api.reservedConcurrencyPerFunction for each API function, and for no other', () => {
    expect(apiFunctions.length).toBeGreaterThan(0);
    for (const spec of registry) {
      const reserved = props(functionLogicalId(spec.name)).ReservedConcurrentExecutions;
      expect(reserved, spec.name).toBe(apiFunctions.includes(spec.name) ? irdrConfig.api.reservedConcurrencyPerFunction : undefined);
    }
    expect([...synth.stack.functions.reservedConcurrency.keys()].sort()).toEqual([...apiFunctions].sort());
  });

  it('keeps the failed asynchronous invocations of the findings function and the digest writer in their own encrypted, TLS-only queue', () => {
    // EventBridge rule targets and the daily digest: their events would otherwise be lost after Lambda's retries.
    const kept = registry.filter((spec) => (spec.eventRules ?? []).length > 0).map((spec) => spec.name);
    expect([...synth.stack.functions.deadLetterQueues.keys()].sort()).toEqual([...kept, 'WriteEvidenceDigest'].sort());
    for (const spec of registry) {
      const queue = synth.stack.functions.deadLetterQueues.get(spec.name as FunctionName);
      const deadLetterConfig = props(functionLogicalId(spec.name)).DeadLetterConfig;
      if (!queue) {
        expect(deadLetterConfig, spec.name).toBeUndefined();
        continue;
      }
      const queueId = synth.logicalIdOf(queue);
      expect(deadLetterConfig).toEqual({ TargetArn: getAtt(queueId) });
      expect(props(queueId)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    }
  });
});

describe('log encryption', () => {
  it('encrypts every log group of the stack with the one rotating log key', () => {
    const keyId = synth.logicalIdOf(synth.stack.logEncryptionKey.key);
    const logGroups = resourcesOfType('AWS::Logs::LogGroup');
    // Every function's, every state machine's (runbooks, the drill, the review reminder, the evidence export) and the API's access logs.
    expect(logGroups).toHaveLength(registry.length + blueprints.length + 3 + 1);
    for (const [logicalId, logGroup] of logGroups) expect(logGroup.Properties?.KmsKeyId, logicalId).toEqual(getAtt(keyId));
    expect(props(keyId).EnableKeyRotation).toBe(true);
    expect(synth.resources[keyId]!.DeletionPolicy).toBe('Retain');
  });

  it("lets CloudWatch Logs use the key for this account's and region's log groups only, and grants it to no role", () => {
    const keyId = synth.logicalIdOf(synth.stack.logEncryptionKey.key);
    const statements = (props(keyId).KeyPolicy as { Statement: Array<Record<string, any>> }).Statement;
    const forLogs = statements.filter((statement) => JSON.stringify(statement.Principal).includes('logs.'));
    expect(forLogs).toHaveLength(1);
    expect(renderCfn(forLogs[0]!.Principal.Service)).toBe('logs.${AWS::Region}.amazonaws.com');
    expect(renderCfn(forLogs[0]!.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toBe(
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
    );
    for (const [roleId] of resourcesOfType('AWS::IAM::Role')) {
      for (const statement of statementsOfRole(roleId)) expect(JSON.stringify(statement.Resource), roleId).not.toContain(keyId);
    }
  });
});

describe('least privilege', () => {
  const expectedActions = (permissions: readonly FunctionPermission[]): string[] => {
    const actions = new Set<string>(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const add = (list: readonly string[]) => list.forEach((action) => actions.add(action));
    if (permissions.includes('table:read')) add([...TABLE_READ_ACTIONS, ...KEY_READ_ACTIONS]);
    for (const write of permissions.filter(isEvidenceWrite)) add([EVIDENCE_WRITE_GRANTS[write].action, ...KEY_WRITE_ACTIONS]);
    if (permissions.includes('findings:claim')) add([...FINDING_CLAIM_ACTIONS, ...KEY_WRITE_ACTIONS]);
    if (permissions.includes('runbooks:start')) add(['states:StartExecution']);
    if (permissions.includes('runbooks:stop')) add(['states:StopExecution']);
    if (permissions.includes('mail:send')) add(['ses:SendEmail']);
    if (permissions.includes('idempotency')) add([...IDEMPOTENCY_ACTIONS, ...KEY_WRITE_ACTIONS]);
    if (permissions.includes('runbooks:answer')) add(['states:SendTaskSuccess']);
    if (permissions.includes('links:sign') || permissions.includes('slack:post')) add(['secretsmanager:GetSecretValue', 'kms:Decrypt']);
    if (permissions.includes('evidence:read-digests')) add(['s3:ListBucketVersions', 's3:GetObjectVersion', ...KEY_READ_ACTIONS, 'kms:GetPublicKey']);
    if (permissions.includes('evidence:write-digests')) add(['s3:ListBucketVersions', 's3:GetObjectVersion', 's3:PutObject', ...KEY_READ_ACTIONS, 'kms:GenerateDataKey', 'kms:GetPublicKey', 'kms:Sign']);
    if (permissions.includes('evidence:sign') || permissions.includes('evidence-exports:sign')) add(['kms:Sign', 'kms:GetPublicKey']);
    if (permissions.includes('evidence-exports:start')) add(['states:StartExecution']);
    if (permissions.includes('evidence-exports:write-files')) add(['s3:PutObject', 's3:GetObject']);
    if (permissions.includes('evidence-exports:link') || permissions.includes('evidence-exports:read-zips')) add(['s3:GetObject']);
    // drills:* as the shipped plans need them (lib/drill-grants.ts; every case is asserted in drill-grants.test.ts).
    const drivers = new Set(drillPlans.map((plan) => plan.driver.type));
    const takesBackups = drillPlans.some((plan) => plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'create');
    const listsBackups = drillPlans.some((plan) => plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'latest');
    const hasCanary = drillPlans.some((plan) => plan.checks.some((check) => check.type === 'canary'));
    const when = (condition: boolean, list: readonly string[]) => (condition ? list : []);
    const countsItems = drillPlans.some((plan) => plan.checks.some((check) => check.type === 'item-count'));
    const countsBackups = drillPlans.some((plan) => (plan.driver.type === 'dynamodb-backup' || plan.driver.type === 'aws-backup') && sourceTableNameOf(plan.source) !== undefined && plan.checks.some((check) => check.type === 'item-count'));
    const drillsResources = drillPlans.some((plan) => plan.source.type === 'aws-backup-resource');
    const restoresBuckets = drillPlans.some((plan) => plan.source.type === 'aws-backup-resource' && plan.source.resourceType === 'S3');
    const checksObjects = drillPlans.some((plan) => sourceBucketNameOf(plan.source) !== undefined && plan.checks.some((check) => OBJECT_CHECKS.has(check.type)));
    const hasObjectCanary = drillPlans.some((plan) => plan.checks.some((check) => check.type === 'canary-object'));
    // Database plans (lib/drill-grants-rds.ts): clusters (aurora-*) and instances, their drivers, how checks reach them.
    const databasePlans = drillPlans.filter((plan) => plan.source.type === 'rds-database');
    const isCluster = (plan: (typeof drillPlans)[number]) => plan.source.type === 'rds-database' && plan.source.engine.startsWith('aurora-');
    const restoresDatabases = databasePlans.length > 0;
    const restoresClusters = databasePlans.some(isCluster);
    const restoresInstances = databasePlans.some((plan) => !isCluster(plan));
    const restoredBy = (cluster: boolean, driver: string) => databasePlans.some((plan) => isCluster(plan) === cluster && plan.driver.type === driver);
    const sqlChecked = databasePlans.some((plan) => plan.sqlAccess !== undefined && plan.checks.some((check) => check.type.startsWith('sql-')));
    const viaDataApi = databasePlans.some((plan) => plan.sqlAccess?.via === 'data-api');
    const sqlCanaries = databasePlans.filter((plan) => plan.checks.some((check) => check.type === 'sql-canary'));
    const databaseCleanup = [...when(restoresDatabases, ['rds:DescribeDBInstances', 'rds:DeleteDBInstance']), ...when(restoresClusters, ['rds:DescribeDBClusters', 'rds:DeleteDBCluster'])];
    if (permissions.includes('drills:inspect-source')) {
      add(when(restoresInstances, ['rds:DescribeDBInstances']));
      add(when(restoresClusters, ['rds:DescribeDBClusters']));
      add(when(restoredBy(false, 'rds-snapshot'), ['rds:DescribeDBSnapshots']));
      add(when(restoredBy(true, 'rds-snapshot'), ['rds:DescribeDBClusterSnapshots']));
    }
    if (permissions.includes('drills:restore')) {
      add(when(restoresDatabases, ['rds:AddTagsToResource']));
      add(when(restoredBy(false, 'rds-pitr'), ['rds:RestoreDBInstanceToPointInTime']));
      add(when(restoredBy(false, 'rds-snapshot'), ['rds:RestoreDBInstanceFromDBSnapshot']));
      add(when(restoredBy(true, 'rds-pitr'), ['rds:RestoreDBClusterToPointInTime']));
      add(when(restoredBy(true, 'rds-snapshot'), ['rds:RestoreDBClusterFromSnapshot']));
    }
    if (permissions.includes('drills:inspect-restore')) {
      add(when(restoresDatabases, ['rds:DescribeDBInstances', 'rds:AddTagsToResource']));
      add(when(restoresClusters, ['rds:DescribeDBClusters', 'rds:CreateDBInstance']));
      add(when(viaDataApi, ['rds:EnableHttpEndpoint']));
    }
    if (permissions.includes('drills:read-data')) {
      add(when(sqlChecked && viaDataApi, ['rds:DescribeDBClusters', 'secretsmanager:GetSecretValue', 'rds-data:BeginTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction']));
    }
    if (permissions.includes('drills:read-database-wire')) {
      const wirePlans = databasePlans.filter((plan) => plan.sqlAccess?.via === 'wire');
      add(when(wirePlans.length > 0, ['secretsmanager:GetSecretValue']));
      add(when(wirePlans.some((plan) => !isCluster(plan)), ['rds:DescribeDBInstances']));
      add(when(wirePlans.some(isCluster), ['rds:DescribeDBClusters']));
      add(when(wirePlans.some((plan) => plan.checks.some((check) => check.type === 'custom')), ['lambda:InvokeFunction']));
    }
    if (permissions.includes('drills:cleanup') || permissions.includes('drills:abort')) add(databaseCleanup);
    for (const [permission, writer] of [['drills:canary', 'WriteDrillCanary'], ['drills:canary-wire', 'WriteDrillWireCanary']] as const) {
      if (!permissions.includes(permission)) continue;
      // Each canary writer holds only its own plans' canaries: over the wire (in the drill VPC), or not.
      const own = sqlCanaries.filter((plan) => canaryWriterOf(plan) === writer);
      add(when(own.length > 0, ['secretsmanager:GetSecretValue']));
      add(when(own.some(isCluster), ['rds:DescribeDBClusters']));
      add(when(own.some((plan) => !isCluster(plan)), ['rds:DescribeDBInstances']));
      add(when(own.some((plan) => plan.sqlAccess?.via === 'data-api'), ['rds-data:ExecuteStatement']));
    }
    if (permissions.includes('drills:inspect-source')) {
      add(['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups']);
      add(when(listsBackups, ['dynamodb:ListBackups']));
      add(when(drivers.has('aws-backup'), ['backup:ListRecoveryPointsByResource']));
      add(when(drillsResources, ['backup:DescribeProtectedResource']));
    }
    if (permissions.includes('drills:restore')) {
      add([...RESTORE_TARGET_ACTIONS]);
      add(when(drivers.has('dynamodb-pitr'), ['dynamodb:RestoreTableToPointInTime']));
      add(when(drivers.has('dynamodb-backup'), ['dynamodb:RestoreTableFromBackup']));
      add(when(takesBackups, ['dynamodb:CreateBackup', 'dynamodb:DescribeBackup']));
      add(when(drivers.has('aws-backup'), ['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob', 'iam:PassRole', 'backup:DescribeRestoreJob']));
    }
    if (permissions.includes('drills:inspect-restore')) {
      add(['dynamodb:DescribeTable', 'dynamodb:TagResource', 'dynamodb:ListTagsOfResource']);
      add(when(drivers.has('dynamodb-backup'), ['dynamodb:DescribeBackup']));
      add(when(drivers.has('aws-backup'), ['backup:DescribeRestoreJob']));
      add(when(restoresBuckets, ['s3:ListBucket', 's3:GetBucketTagging', 's3:PutBucketTagging', 's3:PutBucketPublicAccessBlock']));
    }
    if (permissions.includes('drills:read-data')) {
      add(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']);
      add(when(countsBackups, ['dynamodb:DescribeBackup']));
      add(when(checksObjects, ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetObject', 's3:GetObjectVersion']));
      add(when(drillPlans.some((plan) => plan.sqlAccess?.via !== 'wire' && plan.checks.some((check) => check.type === 'custom')), ['lambda:InvokeFunction']));
    }
    if (permissions.includes('drills:count-data')) add(when(countsItems, ['dynamodb:DescribeTable', 'dynamodb:Scan']));
    // Whole-prefix bucket checks listed in key ranges: the restored bucket, and the source's versions they compare with.
    const listsRanges = drillPlans.some((plan) => plan.checks.some((check) => check.type === 'object-count' || check.type === 'prefix-checksum'));
    if (permissions.includes('drills:count-data')) add(when(listsRanges, ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetObject', 's3:GetObjectVersion']));
    if (permissions.includes('drills:cleanup')) {
      add(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:DeleteTable']);
      add(when(takesBackups, ['dynamodb:DeleteBackup']));
      add(when(restoresBuckets, ['s3:GetBucketTagging', 's3:ListBucketVersions', 's3:DeleteBucket', 's3:DeleteObject', 's3:DeleteObjectVersion']));
    }
    if (permissions.includes('drills:canary')) add(when(hasCanary, ['dynamodb:PutItem']));
    if (permissions.includes('drills:canary')) add(when(hasObjectCanary, ['s3:PutObject']));
    if (permissions.includes('drills:report-validation')) add(when(drivers.has('aws-backup'), ['backup:PutRestoreValidationResult']));
    if (permissions.includes('drills:keep-restore-wait')) {
      add([...RESTORE_WAIT_KEEP_ACTIONS, ...KEY_WRITE_ACTIONS, ...when(drivers.has('aws-backup'), ['backup:DescribeRestoreJob'])]);
      // The look at a restored database whose RDS event the drill waits for.
      add([...when(restoresDatabases, ['rds:DescribeDBInstances']), ...when(restoresClusters, ['rds:DescribeDBClusters'])]);
    }
    if (permissions.includes('drills:find-restore-wait')) add([...RESTORE_WAIT_READ_ACTIONS, ...KEY_READ_ACTIONS]);
    if (permissions.includes('drills:end-restore-wait')) add(['states:SendTaskSuccess', 'states:SendTaskFailure']);
    if (permissions.includes('drills:abort')) add(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:DeleteTable']);
    if (permissions.includes('drills:start')) add(['states:StartExecution']);
    if (permissions.includes('reviews:schedule-reminder')) add(['states:StartExecution']);
    if (permissions.includes('estate:list')) add(['backup:ListProtectedResources', 'dynamodb:ListTables']);
    if (permissions.includes('compliance:push')) add([...COMPLIANCE_PUSH_ACTIONS, ...KEY_WRITE_ACTIONS]);
    if (permissions.includes('compliance:enqueue')) add([...COMPLIANCE_ENQUEUE_ACTIONS, ...KEY_WRITE_ACTIONS, 'lambda:InvokeFunction']);
    if (permissions.includes('compliance:credentials')) add(['secretsmanager:GetSecretValue', 'kms:Decrypt']);
    return [...actions].sort();
  };
  /** Tables the drills may name: the plans' sources, their backups, and drill-prefixed tables (never the evidence table). */
  const drillTableResources = new Set([
    ...drillPlans.flatMap((plan) => [`table/${tableOf(plan)}`, `table/${tableOf(plan)}/backup/*`]),
    'table/irdr-drill-*',
  ]);
  /** A statement of drills:* (see drill-stack.test.ts): on the drills' tables, or an action AWS grants only on `*`. */
  const isDrillStatement = (statement: PolicyStatement): boolean =>
    asList(statement.Resource).every((resource) => drillTableResources.has(dynamodbResourceOf(renderCfn(resource)) ?? '') || drillBucketResource.test(renderCfn(resource))) ||
    asList(statement.Action).every((action) =>
      ['dynamodb:ListBackups', 'backup:ListRecoveryPointsByResource', 'backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult', 'backup:DescribeProtectedResource'].includes(action),
    );
  /** S3 of drills: the drill-prefixed buckets (restores) and the source buckets the plans name, and their objects. */
  const drillBuckets = ['irdr-drill-\\*', ...drillPlans.flatMap((plan) => sourceBucketNameOf(plan.source) ?? [])];
  const drillBucketResource = new RegExp(`^arn:\\$\\{AWS::Partition\\}:s3:::(${drillBuckets.join('|')})(/.*)?$`);
  const leadingKeysOnly = (...patterns: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } });
  /** The partition families a function's declared evidence writes allow for one action (lib/evidence-table.ts). */
  const declaredLeadingKeys = (spec: FunctionSpec, action: string): string[] =>
    [...new Set(spec.permissions.filter(isEvidenceWrite).flatMap((write) => (EVIDENCE_WRITE_GRANTS[write].action === action ? EVIDENCE_WRITE_GRANTS[write].leadingKeys : [])))];
  const evidenceTableArn = () => getAtt(synth.logicalIdOf(synth.stack.evidence.table));
  /** The statements of a role on the evidence table itself (not its indexes, not the deduplication table). */
  const onEvidenceTable = (statements: readonly PolicyStatement[]) =>
    statements.filter((statement) => asList(statement.Resource).some((resource) => JSON.stringify(resource) === JSON.stringify(evidenceTableArn())));
  const EVIDENCE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];

  it.each(registry.map((spec) => [spec.name, spec] as const))('%s may do what its registry entry declares, and no more', (name, spec) => {
    const statements = statementsOfRole(roleLogicalIdOfFunction(name));
    // Beyond its declarations, an asynchronously invoked function may send its failed events to its own dead-letter queue.
    const deadLetterQueue = synth.stack.functions.deadLetterQueues.get(name as FunctionName);
    // A function in the drill VPC: the network interfaces Lambda makes for it with its role (lib/drill-validator-network.ts).
    const inDrillVpc = spec.network === 'drill-vpc' && irdrConfig.drills?.database?.validator !== undefined;
    const networkInterfaces = inDrillVpc ? ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'] : [];
    expect([...actionsOf(statements)].sort()).toEqual([...expectedActions(spec.permissions), ...networkInterfaces, ...(deadLetterQueue ? ['sqs:SendMessage'] : [])].sort());

    const tableArn = evidenceTableArn();
    const deduplicationTableArn = getAtt(synth.logicalIdOf(synth.stack.deduplication.table));
    // Only the indexes the registry says the function queries.
    const indexArns = (('indexes' in spec ? spec.indexes : undefined) ?? []).map((indexName: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${indexName}`]] }));
    const grantedIndexes = statements.filter((statement) => JSON.stringify(statement.Resource).includes('/index/')).flatMap((statement) => asList(statement.Resource));
    expect(grantedIndexes).toEqual(indexArns);
    for (const statement of statements) {
      const actions = asList(statement.Action);
      const resources = asList(statement.Resource);
      if (isDrillStatement(statement)) {
        // Drill tables only for drills:* functions; which action on which of them is drill-stack.test.ts's to check.
        expect(spec.permissions.some((permission) => permission.startsWith('drills:')), name).toBe(true);
        continue;
      }
      if (actions.includes('backup:ListProtectedResources')) {
        // The estate's listing: two wildcard-only actions, on `*` (checked on its own above).
        expect(spec.permissions, name).toContain('estate:list');
        expect(actions.sort()).toEqual(['backup:ListProtectedResources', 'dynamodb:ListTables']);
        continue;
      }
      if (actions.some((action) => action.startsWith('dynamodb:'))) {
        // The evidence table itself, or one named index (Query only), or the deduplication table: never `index/*` or another table.
        const allowed = actions.every((action) => action === 'dynamodb:Query') ? [tableArn, ...indexArns] : [tableArn, deduplicationTableArn];
        expect(resources).toHaveLength(1);
        for (const resource of resources) expect(allowed).toContainEqual(resource);
        if (JSON.stringify(resources[0]) === JSON.stringify(deduplicationTableArn) && JSON.stringify(statement.Condition) === JSON.stringify(leadingKeysOnly('PUSH#*'))) {
          // Compliance pushes (PUSH#): the push function's records and queue, or the sign-off's enqueue (PutItem) alone.
          const push = [...actions].sort().join() === [...COMPLIANCE_PUSH_ACTIONS].sort().join();
          expect([[...COMPLIANCE_PUSH_ACTIONS].sort(), [...COMPLIANCE_ENQUEUE_ACTIONS].sort()]).toContainEqual([...actions].sort());
          expect(statement.Condition, name).toEqual(leadingKeysOnly('PUSH#*'));
          expect(spec.permissions).toContain(push ? 'compliance:push' : 'compliance:enqueue');
        } else if (JSON.stringify(resources[0]) === JSON.stringify(deduplicationTableArn)) {
          // Idempotency records (IDEM#), finding claims (FINDING#) and drill restore waits (RESTOREWAIT#), each on its own partitions.
          const families = [
            { actions: IDEMPOTENCY_ACTIONS, partitions: 'IDEM#*', permission: 'idempotency' },
            { actions: FINDING_CLAIM_ACTIONS, partitions: 'FINDING#*', permission: 'findings:claim' },
            { actions: RESTORE_WAIT_KEEP_ACTIONS, partitions: 'RESTOREWAIT#*', permission: 'drills:keep-restore-wait' },
            { actions: RESTORE_WAIT_READ_ACTIONS, partitions: 'RESTOREWAIT#*', permission: 'drills:find-restore-wait' },
          ];
          const family = families.find((candidate) => [...candidate.actions].sort().join() === [...actions].sort().join());
          expect(family, `${name}: ${actions.join()}`).toBeDefined();
          expect(statement.Condition, name).toEqual(leadingKeysOnly(family!.partitions));
          expect(spec.permissions).toContain(family!.permission);
        } else if (statement.Condition) {
          // A write to the evidence table: one action, on the partition families the function's writes declare.
          expect(actions).toHaveLength(1);
          expect(statement.Condition, name).toEqual(leadingKeysOnly(...declaredLeadingKeys(spec, actions[0]!)));
        }
      }
      if (actions.some((action) => action.startsWith('kms:'))) {
        // The table's key; the digest functions also the digest bucket's key; the export signer the signing key.
        const declares = (permission: FunctionPermission): boolean => (spec.permissions as readonly FunctionPermission[]).includes(permission);
        const keys = [
          synth.stack.evidence.encryptionKey,
          ...(declares('evidence:read-digests') || declares('evidence:write-digests') ? [synth.stack.evidenceDigests.encryptionKey, synth.stack.evidenceDigests.signingKey.key] : []),
          ...(declares('evidence:sign') ? [synth.stack.evidenceSigningKey.key] : []),
          ...(declares('evidence-exports:sign') ? [synth.stack.evidenceExportSigningKey.key] : []),
          ...(declares('links:sign') || declares('slack:post') ? [synth.stack.taskLinkKeyEncryptionKey] : []),
          ...(declares('compliance:credentials') ? [synth.stack.compliancePlatforms.credentialsKey] : []),
        ];
        if (JSON.stringify(resources).includes(synth.logicalIdOf(synth.stack.compliancePlatforms.credentialsKey))) {
          // The compliance credentials' key: Decrypt alone, and only as Secrets Manager reads the secret.
          expect(actions).toEqual(['kms:Decrypt']);
          expect(renderCfn(statement.Condition?.StringEquals?.['kms:ViaService'])).toBe('secretsmanager.${AWS::Region}.amazonaws.com');
        }
        if (JSON.stringify(resources).includes(synth.logicalIdOf(synth.stack.taskLinkKeyEncryptionKey))) {
          // The task-link secret's key: Decrypt alone, and only as Secrets Manager reads the secret.
          expect(actions).toEqual(['kms:Decrypt']);
          expect(renderCfn(statement.Condition?.StringEquals?.['kms:ViaService'])).toBe('secretsmanager.${AWS::Region}.amazonaws.com');
        }
        // Each signing key alone: the export key for the export signer, the digest key for the digest functions (Sign: the writer only).
        const signingKey = declares('evidence:sign') ? synth.stack.evidenceSigningKey.key : declares('evidence-exports:sign') ? synth.stack.evidenceExportSigningKey.key : synth.stack.evidenceDigests.signingKey.key;
        if (actions.some((action) => action === 'kms:Sign' || action === 'kms:GetPublicKey')) expect(resources).toEqual([getAtt(synth.logicalIdOf(signingKey))]);
        if (actions.includes('kms:Sign')) expect(declares('evidence:sign') || declares('evidence-exports:sign') || declares('evidence:write-digests')).toBe(true);
        for (const resource of resources) expect(keys.map((key) => getAtt(synth.logicalIdOf(key)))).toContainEqual(resource);
      }
      if (actions.some((action) => action.startsWith('s3:'))) {
        // The digest bucket (listing its digest prefix only) and the digests under it; the exports bucket's exports/ (the
        // export steps) or its zips alone (the download links): nothing else in S3.
        const bucketId = synth.logicalIdOf(synth.stack.evidenceDigests.bucket);
        const exportsId = synth.logicalIdOf(synth.stack.evidenceExportBucket.bucket);
        const allowed = [
          ...(spec.permissions.some((permission) => permission.endsWith('-digests')) ? [`\${${bucketId}.Arn}`, `\${${bucketId}.Arn}/irdr/digests/*`] : []),
          ...((spec.permissions as readonly FunctionPermission[]).includes('evidence-exports:write-files') ? [`\${${exportsId}.Arn}/exports/*`] : []),
          ...((spec.permissions as readonly FunctionPermission[]).some((permission) => permission === 'evidence-exports:link' || permission === 'evidence-exports:read-zips') ? [`\${${exportsId}.Arn}/exports/*/*.zip`] : []),
        ];
        for (const resource of resources) expect(allowed).toContain(renderCfn(resource));
        if (actions.includes('s3:ListBucket')) expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': ['irdr/digests/*'] } });
      }
      if (actions.includes('states:StartExecution')) {
        // runbooks:start starts the runbook state machines; drills:start the drill state machine.
        const machines = [
          ...(spec.permissions.includes('runbooks:start') ? [...synth.stack.runbooks.byLogicalId.values()].map((machine) => ({ Ref: synth.logicalIdOf(machine) })) : []),
          // The drill state machine by its fixed name (see BlueprintStateMachine.arnByName).
          ...(spec.permissions.includes('drills:start') ? [synth.stack.resolve(synth.stack.drill.arnByName)] : []),
          // reviews:schedule-reminder the review reminder state machine, nothing else.
          ...(spec.permissions.includes('reviews:schedule-reminder') ? [{ Ref: synth.logicalIdOf(synth.stack.reviewReminder.stateMachine) }] : []),
          // evidence-exports:start the evidence export state machine, nothing else.
          ...((spec.permissions as readonly FunctionPermission[]).includes('evidence-exports:start') ? [{ Ref: synth.logicalIdOf(synth.stack.evidenceExport.stateMachine) }] : []),
        ];
        for (const resource of resources) expect(machines).toContainEqual(resource);
      }
      if (actions.includes('states:SendTaskFailure')) {
        // A drill's restore wait is ended on the drill state machine alone (by its fixed name), by success or failure.
        expect(spec.permissions).toContain('drills:end-restore-wait');
        expect(actions).toEqual(['states:SendTaskSuccess', 'states:SendTaskFailure']);
        expect(resources).toEqual([synth.stack.resolve(synth.stack.drill.arnByName)]);
      } else if (actions.includes('states:SendTaskSuccess')) {
        // Decisions go to the runbook state machines' waiting tasks: SendTaskSuccess alone, on them alone (named ARNs: no cycle).
        expect(actions).toEqual(['states:SendTaskSuccess']);
        expect(resources).toEqual(synth.stack.resolve([...synth.stack.runbooks.arnsByName]));
        const names = [...synth.stack.runbooks.byLogicalId.values()].map((machine) => (synth.template.toJSON() as { Resources: Record<string, { Properties?: { StateMachineName?: string } }> }).Resources[synth.logicalIdOf(machine)]?.Properties?.StateMachineName);
        for (const [index, resource] of resources.entries()) expect(JSON.stringify(resource)).toContain(`:stateMachine:${names[index]}`);
      }
      if (actions.includes('states:StopExecution')) {
        // A resolved incident's run is stopped: StopExecution alone, on the runbooks' executions alone (never a drill's, never `*`).
        expect(actions).toEqual(['states:StopExecution']);
        expect(resources).toEqual(synth.stack.resolve(synth.stack.runbooks.arnsByName.map((arn) => `${arn.replace(':stateMachine:', ':execution:')}:*`)));
        for (const resource of resources) expect(renderCfn(resource)).toMatch(/:states:\$\{AWS::Region\}:\$\{AWS::AccountId\}:execution:Irdr-Runbook-[a-z0-9-]+:\*$/);
      }
      if (actions.some((action) => action.startsWith('sqs:'))) {
        expect(actions).toEqual(['sqs:SendMessage']);
        expect(resources).toEqual([getAtt(synth.logicalIdOf(deadLetterQueue!))]);
      }
      if (actions.some((action) => action.startsWith('secretsmanager:'))) {
        // The task-link key (links:sign), the Slack app secret (slack:post) or the compliance credentials (compliance:credentials), each in its own statement,
        // readable and nothing more; or a database plan's secret, to its one reader (the checks' or the canary writer's).
        expect(actions).toEqual(['secretsmanager:GetSecretValue']);
        const databaseSecrets = drillPlans.flatMap((plan) => [plan.sqlAccess?.secretArn, ...plan.checks.map((check) => (check.type === 'sql-canary' ? check.writerSecretArn : undefined))]).filter((arn): arn is string => arn !== undefined);
        const isDatabaseSecret = resources.every((resource) => typeof resource === 'string' && databaseSecrets.some((arn) => resource === arn || resource === `${arn}-??????`));
        if (isDatabaseSecret) {
          expect(new Set(resources.map((resource) => String(resource).replace(/-\?{6}$/, ''))).size).toBe(1);
        } else {
          const declared = spec.permissions as readonly FunctionPermission[];
          const secrets = [
            ...(declared.includes('links:sign') ? [synth.stack.taskLinkKey] : []),
            ...(declared.includes('slack:post') ? [synth.stack.slackAppSecret] : []),
            ...(declared.includes('compliance:credentials') ? [synth.stack.compliancePlatforms.credentials] : []),
          ];
          expect(resources).toHaveLength(1);
          expect(secrets.map((secret) => ({ Ref: synth.logicalIdOf(secret) }))).toContainEqual(resources[0]);
        }
      }
      if (actions.includes('ses:SendEmail')) {
        expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': irdrConfig.mail.from } });
        const identities = resources.map((resource) => renderJoin(resource).replace(/^.*:identity\//, ''));
        expect(identities.sort()).toEqual([irdrConfig.mail.from, irdrConfig.mail.from.split('@')[1]!].sort());
      }
    }
  });

  it('lets runbooks:start start every runbook state machine, and nothing else', () => {
    for (const spec of registry.filter((candidate) => (candidate.permissions as readonly string[]).includes('runbooks:start'))) {
      // OpenIncidentFromFinding also starts the review reminder (reviews:schedule-reminder), held apart below.
      const reminder = JSON.stringify({ Ref: synth.logicalIdOf(synth.stack.reviewReminder.stateMachine) });
      const started = statementsOfRole(roleLogicalIdOfFunction(spec.name))
        .filter((statement) => asList(statement.Action).includes('states:StartExecution'))
        .flatMap((statement) => asList(statement.Resource))
        .filter((resource) => JSON.stringify(resource) !== reminder);
      expect(started).toHaveLength(blueprints.length);
      expect(started).toEqual(expect.arrayContaining([...synth.stack.runbooks.byLogicalId.values()].map((machine) => ({ Ref: synth.logicalIdOf(machine) }))));
    }
  });

  it('lets no role delete or batch-write on the evidence table, and holds every write there to its LeadingKeys grant', () => {
    for (const [roleId] of resourcesOfType('AWS::IAM::Role')) {
      const statements = onEvidenceTable(statementsOfRole(roleId));
      for (const statement of statements) {
        const actions = asList(statement.Action);
        expect(actions.filter((action) => ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan'].includes(action)), roleId).toEqual([]);
        expect(actions.some((action) => action.includes('*')), roleId).toBe(false);
        if (actions.some((action) => EVIDENCE_WRITE_ACTIONS.includes(action))) {
          const leadingKeys = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined;
          expect(leadingKeys, `${roleId}: ${actions.join()} without dynamodb:LeadingKeys`).toBeDefined();
          for (const pattern of leadingKeys!) expect(['INC#*', 'DRILLRUN#*', 'DRILL#*', 'EXPORT#*'], roleId).toContain(pattern);
        }
      }
    }
  });

  it('gives UpdateItem on the evidence table only to the functions that update a record (META, TASK#, CLOCK#)', () => {
    const updaters = registry
      .filter((spec) => onEvidenceTable(statementsOfRole(roleLogicalIdOfFunction(spec.name))).some((statement) => asList(statement.Action).includes('dynamodb:UpdateItem')))
      .map((spec) => spec.name)
      .sort();
    expect(updaters).toEqual(
      [
        'AnswerTaskLink', 'ChangeIncidentStatus', 'ClassifyIncident', 'CheckDrillRestore', 'CleanUpDrill', 'CompleteHumanTask', 'CorrectiveActions', 'CreateHumanTask', 'CreateIncident',
        'EscalateHumanTask', 'ExpireHumanTask', 'OpenIncidentFromFinding', 'PrepareDrillRun', 'RecordDrillOutcome', 'RecordEndedRun', 'RecordEvent',
        'RemindCorrectiveAction', 'RemindOverdueReview', 'RemindReportStage', 'RunDrillChecks', 'RunDrillWireChecks', 'SendDrillReport', 'SignOffEvidence', 'StartDrillRestore', 'TrackClock',
        // Classifies an incident as a runbook's approval decided (SEC materiality): its META, as ClassifyIncident does.
        'StartReportsFromRunbook',
        // The incident's Slack message (SLACK#THREAD): claimed, then its ts set, by whichever notice posts it first.
        'SendNotification', 'SlackInteractions',
        // An evidence export's record (EXPORT#<id> META: progress, how it ended) and its period's running-export marker.
        'EvidenceExports', 'RunEvidenceExport',
      ].sort(),
    );
    // Appending to a trail needs PutItem alone.
    for (const name of ['AddIncidentNote', 'StartDrillFromRunbook']) {
      const actions = actionsOf(onEvidenceTable(statementsOfRole(roleLogicalIdOfFunction(name))));
      expect(actions.has('dynamodb:PutItem'), name).toBe(true);
      expect(actions.has('dynamodb:UpdateItem'), name).toBe(false);
    }
  });

  it('grants the deduplication table only for idempotency, finding claims, drill restore waits and compliance pushes, DeleteItem only on IDEM# and PUSH#', () => {
    const tableArn = JSON.stringify(getAtt(synth.logicalIdOf(synth.stack.deduplication.table)));
    for (const spec of registry) {
      const statements = statementsOfRole(roleLogicalIdOfFunction(spec.name)).filter((statement) => JSON.stringify(statement.Resource).includes(tableArn));
      const declares = (permission: FunctionPermission) => (spec.permissions as readonly FunctionPermission[]).includes(permission);
      const expected = [...(declares('idempotency') ? ['IDEM#*'] : []), ...(declares('findings:claim') ? ['FINDING#*'] : []), ...(declares('drills:keep-restore-wait') ? ['RESTOREWAIT#*'] : []), ...(declares('drills:find-restore-wait') ? ['RESTOREWAIT#*'] : []), ...(declares('compliance:push') || declares('compliance:enqueue') ? ['PUSH#*'] : [])];
      expect(statements.map((statement) => statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).flat().sort(), spec.name).toEqual(expected.sort());
      for (const statement of statements.filter((candidate) => asList(candidate.Action).includes('dynamodb:DeleteItem'))) {
        // IDEM#: Powertools drops a failed record; PUSH#: a subject leaves the pending queue once pushed.
        expect([leadingKeysOnly('IDEM#*'), leadingKeysOnly('PUSH#*')], spec.name).toContainEqual(statement.Condition);
      }
    }
  });

  it('grants the estate listing (backup:ListProtectedResources, dynamodb:ListTables) to the two functions that call it, and to no other', () => {
    const holders = registry
      .filter((spec) => statementsOfRole(roleLogicalIdOfFunction(spec.name)).some((statement) => asList(statement.Action).some((action) => ['backup:ListProtectedResources', 'dynamodb:ListTables'].includes(action))))
      .map((spec) => spec.name);
    // RunEvidenceExport renders the asynchronous export, which carries the estate's coverage as GET /evidence's does.
    expect(holders.sort()).toEqual(['ExportEvidence', 'ReadEstateCoverage', 'RunEvidenceExport']);
    for (const name of holders) {
      const statement = statementsOfRole(roleLogicalIdOfFunction(name)).find((candidate) => asList(candidate.Action).includes('backup:ListProtectedResources'))!;
      expect(statement).toMatchObject({ Effect: 'Allow', Action: ['backup:ListProtectedResources', 'dynamodb:ListTables'], Resource: '*' });
    }
  });

  it('has no wildcard action anywhere and a wildcard resource only where AWS supports no resource-level permission', () => {
    const policies = resourcesOfType('AWS::IAM::Policy');
    expect(policies.length).toBeGreaterThan(0);
    const serviceWideActions = new Set([
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      // Drills (lib/drill-grants.ts): listing a table's backups, AWS Backup recovery points and restore jobs; reporting a verdict.
      'dynamodb:ListBackups',
      'backup:ListRecoveryPointsByResource',
      'backup:DescribeRestoreJob',
      'backup:PutRestoreValidationResult',
      // Coverage of the estate (estate:list): what AWS Backup protects, and the account's tables.
      'backup:ListProtectedResources',
      'dynamodb:ListTables',
      'backup:DescribeProtectedResource',
      // The validator in the drill VPC: Lambda looks up its network interfaces and subnets (lib/drill-validator-network.ts).
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
    ]);
    for (const [, policy] of policies) {
      for (const statement of (policy.Properties!.PolicyDocument as { Statement: PolicyStatement[] }).Statement) {
        for (const action of asList(statement.Action)) {
          expect(action).not.toBe('*');
          expect(action).not.toBe('dynamodb:*');
          expect(action, 'wildcard action').not.toContain('*');
        }
        if (asList(statement.Resource).includes('*')) {
          for (const action of asList(statement.Action)) expect(serviceWideActions.has(action), action).toBe(true);
        }
      }
    }
  });

  it('attaches no AWS managed policy to any role but the one AWS Backup assumes, which has the policy AWS documents for it', () => {
    const backupRoleId = synth.logicalIdOf(synth.stack.evidenceBackups.selection.node.findChild('Role'));
    for (const [roleId, role] of resourcesOfType('AWS::IAM::Role')) {
      if (roleId !== backupRoleId) {
        expect(role.Properties?.ManagedPolicyArns, roleId).toBeUndefined();
        continue;
      }
      expect((role.Properties!.ManagedPolicyArns as unknown[]).map(renderCfn)).toEqual([
        'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      ]);
      expect((role.Properties!.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(statementsOfRole(roleId)).toEqual([]);
    }
  });
});

describe('runbook state machines', () => {
  it('deploys one state machine per blueprint, the drill state machine, the review reminder and the evidence export', () => {
    expect(resourcesOfType('AWS::StepFunctions::StateMachine')).toHaveLength(blueprints.length + 3);
  });

  describe.each(blueprints.map((blueprint) => [blueprint.logicalId, blueprint] as const))('%s', (logicalId, blueprint) => {
    const machineId = () => synth.logicalIdOf(synth.stack.runbooks.byLogicalId.get(logicalId)!);

    it('deploys the compiled ASL unchanged, placeholders kept', () => {
      const definitionString = props(machineId()).DefinitionString;
      expect(typeof definitionString).toBe('string');
      expect(JSON.parse(definitionString as string)).toEqual(blueprint.definition);
    });

    it('substitutes exactly its placeholders, each with its function ARN', () => {
      const substitutions = props(machineId()).DefinitionSubstitutions as Record<string, unknown>;
      expect(Object.keys(substitutions).sort()).toEqual([...blueprint.placeholders].sort());
      for (const spec of registry) {
        const placeholder = functionArnPlaceholder(spec.name as FunctionName);
        if (placeholder in substitutions) expect(substitutions[placeholder]).toEqual(getAtt(functionLogicalId(spec.name)));
      }
    });

    it('may invoke exactly the functions it references', () => {
      const roleId = synth.logicalIdOf(synth.stack.runbooks.byLogicalId.get(logicalId)!.role);
      const invoked = statementsOfRole(roleId)
        .filter((statement) => asList(statement.Action).includes('lambda:InvokeFunction'))
        .flatMap((statement) => asList(statement.Resource));
      const referenced = registry.filter((spec) => blueprint.placeholders.includes(functionArnPlaceholder(spec.name as FunctionName)));
      expect(invoked).toHaveLength(referenced.length);
      expect(invoked).toEqual(expect.arrayContaining(referenced.map((spec) => getAtt(functionLogicalId(spec.name)))));
    });

    it('logs every event without execution data, and traces with X-Ray', () => {
      const machine = props(machineId());
      expect(machine.StateMachineType).toBe('STANDARD');
      expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
      expect(machine.TracingConfiguration).toEqual({ Enabled: true });
      synth.template.hasOutput('*', { Value: { Ref: machineId() } });
    });

    it("stays far below Step Functions' 1 MB definition limit", () => {
      expect(Buffer.byteLength(props(machineId()).DefinitionString as string)).toBeLessThan(256 * 1024);
    });

    it('passes asl-validator, as compiled and with ARNs substituted', () => {
      // The validator annotates what it is given: hand it a copy each time.
      const compiled = aslValidator(JSON.parse(props(machineId()).DefinitionString as string));
      expect(compiled.isValid, compiled.errorsText('\n')).toBe(true);
      const exampleArns = Object.fromEntries(
        blueprint.placeholders.map((name) => [name, `arn:aws:lambda:eu-west-1:123456789012:function:irdr-${name}`]),
      );
      const substituted = aslValidator(JSON.parse(substitutePlaceholders(JSON.stringify(blueprint.definition), exampleArns)));
      expect(substituted.isValid, substituted.errorsText('\n')).toBe(true);
    });
  });
});

describe('review reminder state machine', () => {
  const blueprint = reviewReminderStateMachineBlueprint();
  const machineId = () => synth.logicalIdOf(synth.stack.reviewReminder.stateMachine);

  it('deploys the compiled ASL, passes asl-validator, and invokes RemindOverdueReview, RemindCorrectiveAction and RemindReportStage alone', () => {
    const machine = props(machineId());
    expect(JSON.parse(machine.DefinitionString as string)).toEqual(blueprint.definition);
    expect(machine.DefinitionSubstitutions).toEqual({
      RemindOverdueReviewFunctionArn: getAtt(functionLogicalId('RemindOverdueReview')),
      RemindCorrectiveActionFunctionArn: getAtt(functionLogicalId('RemindCorrectiveAction')),
      RemindReportStageFunctionArn: getAtt(functionLogicalId('RemindReportStage')),
    });
    const result = aslValidator(
      JSON.parse(
        substitutePlaceholders(JSON.stringify(blueprint.definition), {
          RemindOverdueReviewFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:irdr-RemindOverdueReview',
          RemindCorrectiveActionFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:irdr-RemindCorrectiveAction',
          RemindReportStageFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:irdr-RemindReportStage',
        }),
      ),
    );
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    const invoked = statementsOfRole(synth.logicalIdOf(synth.stack.reviewReminder.stateMachine.role))
      .filter((statement) => asList(statement.Action).includes('lambda:InvokeFunction'))
      .flatMap((statement) => asList(statement.Resource));
    expect(invoked.map((resource) => JSON.stringify(resource)).sort()).toEqual(
      [getAtt(functionLogicalId('RemindOverdueReview')), getAtt(functionLogicalId('RemindCorrectiveAction')), getAtt(functionLogicalId('RemindReportStage'))].map((resource) => JSON.stringify(resource)).sort(),
    );
  });

  it('is Standard, logs every event without execution data, and traces with X-Ray', () => {
    const machine = props(machineId());
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('is started by ChangeIncidentStatus (reviews), CorrectiveActions (actions), ClassifyIncident, CompleteHumanTask and StartReportsFromRunbook (report stages), OpenIncidentFromFinding (a review after resolve) alone, which REVIEW_REMINDER_STATE_MACHINE_ARN points at it', () => {
    const starters = registry.filter((spec) =>
      statementsOfRole(roleLogicalIdOfFunction(spec.name)).some(
        (statement) => asList(statement.Action).includes('states:StartExecution') && asList(statement.Resource).some((resource) => JSON.stringify(resource) === JSON.stringify({ Ref: machineId() })),
      ),
    );
    const expected = ['ChangeIncidentStatus', 'ClassifyIncident', 'CompleteHumanTask', 'CorrectiveActions', 'OpenIncidentFromFinding', 'StartReportsFromRunbook'];
    expect(starters.map((spec) => spec.name).sort()).toEqual(expected);
    for (const name of expected) {
      expect(props(functionLogicalId(name)).Environment.Variables.REVIEW_REMINDER_STATE_MACHINE_ARN).toEqual({ Ref: machineId() });
    }
  });
});

describe('HTTP API', () => {
  const registryRoutes = registry.flatMap((spec) =>
    (spec.routes ?? []).map((route) => ({ key: `${route.method} ${route.path}`, spec, auth: route.auth ?? 'iam' })),
  );

  it('has exactly the registry routes, each IAM-authorized (signed-link routes excepted) and integrated with its function (payload 2.0)', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties!);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(registryRoutes.map((route) => route.key).sort());
    for (const route of routes) {
      const declared = registryRoutes.find((candidate) => candidate.key === route.RouteKey)!;
      expect(route.AuthorizationType, String(route.RouteKey)).toBe(declared.auth === 'iam' ? 'AWS_IAM' : 'NONE');
      const integrationId = renderJoin(route.Target).replace('integrations/', '');
      const integration = props(integrationId);
      const owner = registryRoutes.find((candidate) => candidate.key === route.RouteKey)!.spec;
      expect(integration).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: getAtt(functionLogicalId(owner.name)),
      });
    }
  });

  it("leaves only the emailed task links and Slack's interactions without IAM: their handlers check an HMAC signature instead", () => {
    const unsigned = registryRoutes.filter((route) => route.auth !== 'iam');
    expect(unsigned.map((route) => [route.key, route.auth, route.spec.name])).toEqual([
      ['GET /task-links/{linkId}', 'signed-link', 'AnswerTaskLink'],
      ['POST /task-links/{linkId}', 'signed-link', 'AnswerTaskLink'],
      ['POST /slack/interactions', 'slack-signature', 'SlackInteractions'],
    ]);
    // Slack's handler reads the Slack app secret (the signing secret) and does what acknowledging and completing do.
    expect([...functionSpec('SlackInteractions').permissions].sort()).toEqual(['incidents:append', 'incidents:update', 'runbooks:answer', 'slack:post', 'table:read']);
    // That handler reads the signing key (and the Slack app secret, to tell the incident's thread) beyond the table and the task answers.
    expect([...functionSpec('AnswerTaskLink').permissions].sort()).toEqual(['incidents:append', 'incidents:update', 'links:sign', 'runbooks:answer', 'slack:post', 'table:read']);
  });

  it('keeps the link-signing secret under its own rotating customer-managed key', () => {
    const keyId = synth.logicalIdOf(synth.stack.taskLinkKeyEncryptionKey);
    expect(props(synth.logicalIdOf(synth.stack.taskLinkKey)).KmsKeyId).toEqual(getAtt(keyId));
    expect(props(keyId).EnableKeyRotation).toBe(true);
  });

  it('gives the functions that email links the API URL and the signing key secret', () => {
    for (const spec of registry.filter((candidate) => (candidate.permissions as readonly string[]).includes('links:sign'))) {
      const variables = props(functionLogicalId(spec.name)).Environment.Variables as Record<string, unknown>;
      expect(variables.TASK_LINK_SECRET_ID, spec.name).toEqual({ Ref: synth.logicalIdOf(synth.stack.taskLinkKey) });
    }
    // The link handler too: an expired or signed-in-only link's page names the API route to use instead.
    for (const name of ['CreateHumanTask', 'AnswerTaskLink']) {
      const variables = props(functionLogicalId(name)).Environment.Variables as Record<string, unknown>;
      expect(JSON.stringify(variables.API_URL), name).toContain(synth.logicalIdOf(synth.stack.httpApi.api));
    }
  });

  const stage = (): Record<string, any> => {
    const stages = resourcesOfType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    return stages[0]![1].Properties!;
  };

  it('logs every request of its $default stage to a KMS-encrypted log group with a retention', () => {
    expect(stage().StageName).toBe('$default');
    expect(stage().AutoDeploy).toBe(true);
    const destination = (stage().AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] } }).DestinationArn;
    const logGroupId = destination['Fn::GetAtt'][0];
    expect(logGroupId).toBe(synth.logicalIdOf(synth.stack.httpApi.accessLogs));
    expect(synth.resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(props(logGroupId).RetentionInDays).toBeGreaterThanOrEqual(365);
    expect(props(logGroupId).KmsKeyId).toEqual(getAtt(synth.logicalIdOf(synth.stack.logEncryptionKey.key)));
    synth.template.hasOutput('ApiUrl', {});
  });

  it('logs the request id, the caller (IAM principal ARN), the route, the status, and neither the request body nor the query string', () => {
    const format = JSON.parse(String((stage().AccessLogSettings as { Format: string }).Format)) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.userArn',
      // Who a console user is: every member of a group shares the role session (CognitoIdentityCredentials).
      cognitoIdentityPoolId: '$context.identity.cognitoIdentityPoolId',
      cognitoAuthenticationProvider: '$context.identity.cognitoAuthenticationProvider',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    for (const [field, variable] of Object.entries(format)) {
      // Only $context variables: $request.* and $input.* could copy a body, a header or the signed link's query string.
      expect(variable, field).toMatch(/^\$context\.[A-Za-z.]+$/);
      expect(variable, field).not.toMatch(/body|querystring|header/i);
    }
    // $context.path is the path alone: a signed link's ?sig= never reaches the log.
    expect(format.path).toBe('$context.path');
  });

  it('takes its limits from config: defaults when left out, the key named when wrong', () => {
    const { api: _api, ...withoutApi } = irdrConfig;
    expect(IrdrConfig.parse(withoutApi).api).toEqual({ throttle: { rateLimit: 50, burstLimit: 100 }, reservedConcurrencyPerFunction: 10 });
    expect(IrdrConfig.parse({ ...withoutApi, api: { throttle: { rateLimit: 5 } } }).api.throttle).toEqual({ rateLimit: 5, burstLimit: 100 });
    const wrong = IrdrConfig.safeParse({ ...irdrConfig, api: { throttle: { burstLimit: 0 } } });
    expect(wrong.error?.issues[0]).toMatchObject({ path: ['api', 'throttle', 'burstLimit'], message: 'at least 1' });
    const stopped = IrdrConfig.safeParse({ ...irdrConfig, api: { reservedConcurrencyPerFunction: 0 } });
    expect(stopped.error?.issues[0]).toMatchObject({
      path: ['api', 'reservedConcurrencyPerFunction'],
      message: 'at least 1 (0 would stop the function), or "none" to reserve nothing',
    });
    const text = IrdrConfig.safeParse({ ...irdrConfig, api: { reservedConcurrencyPerFunction: 'ten' } });
    expect(text.error?.issues[0]?.message).toBe('a whole number of executions from 1 to 1,000 (0 would stop the function), or "none" to reserve nothing');
    expect(IrdrConfig.parse({ ...irdrConfig, api: { reservedConcurrencyPerFunction: 'none' } }).api.reservedConcurrencyPerFunction).toBe('none');
  });

  it('reserves nothing when config says "none" (an account whose quota is too low), each API function acknowledged with why', () => {
    const none = synthesizeIrdr({ bundle: false, config: IrdrConfig.parse({ ...irdrConfig, api: { ...irdrConfig.api, reservedConcurrencyPerFunction: 'none' } }) });
    try {
      const functions = Object.values(none.resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
      expect(functions).toHaveLength(functionRegistry.length);
      expect(functions.filter((resource) => resource.Properties?.ReservedConcurrentExecutions !== undefined)).toEqual([]);
      expect(none.stack.functions.reservedConcurrency.size).toBe(0);
      const nist = pluginReportsOutsideConsole(none.validationReport).find((report) => report.pluginName.includes('NIST'))!;
      const acknowledged = (nist.suppressedViolations ?? []).filter((violation) => violation.ruleName.endsWith('LambdaConcurrency'));
      const byConfig = acknowledged.filter((violation) => /api\.reservedConcurrencyPerFunction is "none"/.test(violation.reason ?? ''));
      expect(byConfig.flatMap((violation) => violation.violatingConstructs)).toHaveLength(registry.filter((spec) => (spec.routes ?? []).length > 0).length);
    } finally {
      rmSync(none.outdir, { recursive: true, force: true });
    }
  });

  it('throttles every route by config api.throttle', () => {
    expect(stage().DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: irdrConfig.api.throttle.rateLimit,
      ThrottlingBurstLimit: irdrConfig.api.throttle.burstLimit,
    });
    expect(stage().RouteSettings).toBeUndefined();
  });

  it('IAM-authorizes every route but the signed routes, and those are exactly the registry routes marked signed-link or slack-signature', () => {
    const signedLinkRoutes = registryRoutes.filter((route) => route.auth === 'signed-link' || route.auth === 'slack-signature').map((route) => route.key).sort();
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties!);
    expect(routes.filter((route) => route.AuthorizationType !== 'AWS_IAM').map((route) => String(route.RouteKey)).sort()).toEqual(signedLinkRoutes);
    for (const route of routes.filter((candidate) => candidate.AuthorizationType !== 'AWS_IAM')) expect(route.AuthorizationType).toBe('NONE');
    expect(registryRoutes.every((route) => route.auth === 'iam' || route.auth === 'signed-link' || route.auth === 'slack-signature')).toBe(true);
  });
});

describe('EventBridge rules', () => {
  const ruleNames = registry.flatMap((spec) => (spec.eventRules ?? []).map((name) => [name, spec.name] as const));

  it('deploys exactly the rules the registry names, the security-findings rule among them', () => {
    expect(resourcesOfType('AWS::Events::Rule').map(([logicalId]) => logicalId).sort()).toEqual(
      [...synth.stack.eventRules.rules.values()].map((rule) => synth.logicalIdOf(rule)).sort(),
    );
    expect(ruleNames).toContainEqual(['security-findings', 'OpenIncidentFromFinding']);
  });

  it.each(ruleNames)('%s matches the pattern defined once in functions/, on the default bus', (name) => {
    const rule = props(synth.logicalIdOf(synth.stack.eventRules.rules.get(name)!));
    const deployment = { stateMachineArnPrefix: stateMachineArnPrefix(synth.stack) };
    expect(rule.EventPattern).toEqual(synth.stack.resolve(eventRuleDefinition(name, irdrConfig, deployment).eventPattern));
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.State).toBe('ENABLED');
  });

  it('hears of every irdr state machine ending abnormally: all are named with the prefix the ended-runs rule matches', () => {
    const pattern = props(synth.logicalIdOf(synth.stack.eventRules.rules.get('runs-ended-abnormally')!)).EventPattern as { detail: { status: string[] } };
    expect(pattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    const names = resourcesOfType('AWS::StepFunctions::StateMachine').map(([logicalId]) => props(logicalId).StateMachineName as string);
    // The runbooks, the drill, the review reminder and the evidence export (RecordEndedRun answers not-a-run for an export).
    expect(names.length).toBe(blueprints.length + 3);
    for (const name of names) expect(name.startsWith(`${synth.stack.stackName}-`), name).toBe(true);
  });

  it('wakes waiting drills on AWS Backup restore jobs that ended, from aws.backup alone, through EndDrillRestoreWait', () => {
    expect(ruleNames).toContainEqual(['drill-restore-jobs-ended', 'EndDrillRestoreWait']);
    const pattern = props(synth.logicalIdOf(synth.stack.eventRules.rules.get('drill-restore-jobs-ended')!)).EventPattern;
    // Nobody may put an aws.* source on a bus: an event naming a drill's job from any other source matches nothing.
    expect(pattern).toEqual({ source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['COMPLETED', 'FAILED', 'ABORTED'] } });
  });

  it('wakes waiting drills on RDS instances and clusters made, restored or failed, from aws.rds alone, through the same EndDrillRestoreWait', () => {
    expect(ruleNames).toContainEqual(['drill-databases-restored', 'EndDrillRestoreWait']);
    const pattern = props(synth.logicalIdOf(synth.stack.eventRules.rules.get('drill-databases-restored')!)).EventPattern;
    expect(pattern).toEqual({
      source: ['aws.rds'],
      'detail-type': ['RDS DB Instance Event', 'RDS DB Cluster Event'],
      detail: {
        EventID: ['RDS-EVENT-0005', 'RDS-EVENT-0019', 'RDS-EVENT-0043', 'RDS-EVENT-0031', 'RDS-EVENT-0035', 'RDS-EVENT-0036', 'RDS-EVENT-0170', 'RDS-EVENT-0354'],
        SourceIdentifier: [{ prefix: 'irdr-drill-' }],
      },
    });
  });

  it('filters findings by severity in the pattern: GuardDuty numerically, Security Hub by ASFF label or OCSF severity_id', () => {
    const pattern = props(synth.logicalIdOf(synth.stack.eventRules.rules.get('security-findings')!)).EventPattern;
    expect(pattern).toEqual({
      source: ['aws.guardduty', 'aws.securityhub'],
      'detail-type': ['GuardDuty Finding', 'Security Hub Findings - Imported', 'Findings Imported V2'],
      detail: {
        $or: [
          { severity: [{ numeric: ['>=', irdrConfig.findings.guardDuty.minimumSeverity] }] },
          { findings: { Severity: { Label: irdrConfig.findings.securityHub.labels }, RecordState: ['ACTIVE'] } },
          // CRITICAL and HIGH: OCSF High 4, Critical 5, Fatal 6; live (Create, Update), New or In Progress, or just
          // Suppressed or Resolved (which open nothing but are noted on the incident they opened).
          { findings: { severity_id: [4, 5, 6], activity_id: [1, 2], status_id: [1, 2, 3, 4] } },
        ],
      },
    });
  });

  it.each(ruleNames)('%s targets only its function, with a retry policy and an encrypted, TLS-only dead-letter queue', (name, functionName) => {
    const rule = props(synth.logicalIdOf(synth.stack.eventRules.rules.get(name)!));
    const queueId = synth.logicalIdOf(synth.stack.eventRules.deadLetterQueues.get(name)!);
    expect(rule.Targets).toEqual([
      {
        Id: expect.any(String),
        Arn: getAtt(functionLogicalId(functionName)),
        DeadLetterConfig: { Arn: getAtt(queueId) },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      },
    ]);
    expect(props(queueId)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    // Only the function's rules (EndDrillRestoreWait has two) may invoke it, and only the rule may send to its queue.
    const ruleArn = getAtt(synth.logicalIdOf(synth.stack.eventRules.rules.get(name)!));
    const invokers = resourcesOfType('AWS::Lambda::Permission').filter(([, permission]) =>
      JSON.stringify(permission.Properties?.FunctionName) === JSON.stringify(getAtt(functionLogicalId(functionName))),
    );
    const rulesOfFunction = ruleNames.filter(([, target]) => target === functionName).map(([other]) => getAtt(synth.logicalIdOf(synth.stack.eventRules.rules.get(other)!)));
    expect(rulesOfFunction).toContainEqual(ruleArn);
    expect(invokers.map(([, permission]) => permission.Properties)).toHaveLength(rulesOfFunction.length);
    expect(invokers.map(([, permission]) => permission.Properties)).toEqual(
      expect.arrayContaining(rulesOfFunction.map((arn) => ({ Action: 'lambda:InvokeFunction', FunctionName: getAtt(functionLogicalId(functionName)), Principal: 'events.amazonaws.com', SourceArn: arn }))),
    );
    const queuePolicy = resourcesOfType('AWS::SQS::QueuePolicy').find(([, policy]) => JSON.stringify(policy.Properties?.Queues) === JSON.stringify([{ Ref: queueId }]));
    const statements = (queuePolicy?.[1].Properties?.PolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } } }),
    );
  });
});

describe('template', () => {
  it("fits CloudFormation's 1 MB template limit with room to grow (unrolled runbooks are the bulk of it)", () => {
    expect(Buffer.byteLength(JSON.stringify(synth.template.toJSON()))).toBeLessThan(800 * 1024);
  });

  it("holds fewer than 490 of CloudFormation's 500 resources a stack, so a function more (about 5 resources) still deploys", () => {
    // At 520 the synth itself fails (TooManyResourcesInStack); this says so earlier, and how close it is.
    expect(Object.keys(synth.resources).length).toBeLessThan(490);
  });

  it('keeps the alarms in a nested stack under both of its own limits: 500 resources, 200 parameters (what it watches)', () => {
    const nested = Object.entries(synth.resources).filter(([id, resource]) => resource.Type === 'AWS::CloudFormation::Stack' && id.startsWith('Operations')).map(([, resource]) => resource);
    expect(nested).toHaveLength(1);
    const parameters = Object.keys((nested[0]!.Properties?.Parameters ?? {}) as object);
    expect(parameters.length).toBeGreaterThan(50);
    expect(parameters.length).toBeLessThan(190);
    const alarms = Object.values(synth.allResources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
    expect(Object.values(synth.resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(alarms.length).toBeGreaterThan(80);
    expect(Object.keys(synth.nestedResourcesOf(synth.stack.alarms.node.scope as NestedStack)).length).toBeLessThan(490);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no finding that is not acknowledged', () => {
    const nag = mainPluginReports().filter((report) => report.pluginName === 'AwsSolutions');
    expect(nag).toHaveLength(1);
    const open = nag.flatMap((report) => report.violations);
    expect(open.map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(nag[0]!.conclusion).toBe('success');
  });

  it('acknowledges only the wildcards AWS requires, the signed-link routes, the key rotation, the DLQs and the backup role, each with its reason', () => {
    const suppressed = mainPluginReports().filter((report) => report.pluginName === 'AwsSolutions').flatMap((report) => report.suppressedViolations ?? []);
    const ruleNames = [...new Set(suppressed.map((v) => v.ruleName))];
    const backupRolePolicy = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]';
    expect(ruleNames.filter((ruleName) => !ruleName.startsWith('AwsSolutions-IAM5[')).sort()).toEqual(
      ['AwsSolutions-APIG4', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3', backupRolePolicy].sort(),
    );
    const digestObjects = `<${synth.logicalIdOf(synth.stack.evidenceDigests.bucket)}.Arn>/irdr/digests/*`;
    // The exports bucket: exports/* for the export steps, exports/*/*.zip for the download links.
    const exportObjects = [`<${synth.logicalIdOf(synth.stack.evidenceExportBucket.bucket)}.Arn>/exports/*`, `<${synth.logicalIdOf(synth.stack.evidenceExportBucket.bucket)}.Arn>/exports/*/*.zip`];
    // Wildcard resources: `*` (services without resource-level permissions), drill-prefixed tables, the sources' backups, and (below) the S3 plans'.
    const drillWildcards = new Set(['table/irdr-drill-*', ...drillPlans.map((plan) => `table/${tableOf(plan)}/backup/*`)]);
    // A runbook's executions (arn:…:execution:<stack>-<runbook state machine>:*): ChangeIncidentStatus stops a resolved incident's run.
    const runbookExecutions = /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:Irdr-Runbook-[a-z0-9-]+:\*$/;
    for (const ruleName of ruleNames.filter((candidate) => candidate.startsWith('AwsSolutions-IAM5['))) {
      const resource = /^AwsSolutions-IAM5\[Resource::(.+)\]$/.exec(ruleName)?.[1];
      expect(resource, ruleName).toBeDefined();
      if (resource === digestObjects || exportObjects.includes(resource!) || runbookExecutions.test(resource!)) continue;
      // The S3 plans (lib/drill-grants.ts): AWS Backup's recovery points, the drill-prefixed buckets and their objects, the source buckets' objects.
      if (resource === 'arn:<AWS::Partition>:backup:<AWS::Region>:<AWS::AccountId>:recovery-point:*') continue;
      if (/^arn:<AWS::Partition>:s3:::irdr-drill-\*(\/\*)?$/.test(resource!)) continue;
      // The database plans (lib/drill-grants-rds.ts): drill-prefixed databases, and what a restore reads that RDS names.
      if (/^arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:((db|cluster):irdr-drill-\*|(og|pg|cluster-pg|auto-backup|cluster-auto-backup|snapshot|cluster-snapshot):\*)$/.test(resource!)) continue;
      if (drillPlans.some((plan) => resource === `arn:<AWS::Partition>:s3:::${sourceBucketNameOf(plan.source)}/*`)) continue;
      // The validator's network interfaces in the drill VPC (lib/drill-validator-network.ts): ids EC2 chooses.
      if (resource === 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*') continue;
      if (resource !== '*') expect(drillWildcards.has(/:dynamodb:.*:(table\/[^:]+)$/.exec(resource!)?.[1] ?? ''), ruleName).toBe(true);
    }
    const drillFunctionRoles = registry
      .filter((spec) => spec.permissions.some((permission) => permission.startsWith('drills:')))
      .map((spec) => `Irdr/Functions/${spec.name}/Role/`);
    for (const violation of suppressed) {
      const paths = violation.violatingConstructs.map((construct) => construct.constructPath);
      if (violation.ruleName === 'AwsSolutions-APIG4' && paths.every((path) => path.includes('slack'))) {
        expect(violation.reason).toMatch(/Slack's interactivity route/);
        expect(paths).toEqual(['Irdr/Http/Api/POST--slack--interactions/Resource']);
      } else if (violation.ruleName === 'AwsSolutions-APIG4') {
        expect(violation.reason).toMatch(/Signed-link route/);
        for (const path of paths) expect(['Irdr/Http/Api/GET--task-links--{linkId}/Resource', 'Irdr/Http/Api/POST--task-links--{linkId}/Resource']).toContain(path);
      } else if (violation.ruleName === 'AwsSolutions-SQS3') {
        for (const path of paths) {
          if (path.startsWith('Irdr/EvidenceDigests/')) {
            expect(violation.reason).toMatch(/dead-letter queue of the daily digest schedule/);
            expect(path).toBe('Irdr/EvidenceDigests/DeadLetterQueue/Resource');
          } else if (path.startsWith('Irdr/CompliancePlatforms/')) {
            expect(violation.reason).toMatch(/dead-letter queue of the hourly compliance push schedule/);
            expect(path).toBe('Irdr/CompliancePlatforms/DeadLetterQueue/Resource');
          } else if (path.startsWith('Irdr/DrillSchedules/')) {
            expect(violation.reason).toMatch(/dead-letter queue of the EventBridge Scheduler drill schedules/);
            expect(path).toBe('Irdr/DrillSchedules/DeadLetterQueue/Resource');
          } else {
            expect(violation.reason).toMatch(/dead-letter queue of an EventBridge rule target/);
            expect(path).toMatch(/^Irdr\/EventRules\/[^/]+\/DeadLetterQueue\/Resource$/);
          }
        }
      } else if (violation.ruleName === `AwsSolutions-IAM5[Resource::${digestObjects}]`) {
        expect(violation.reason).toMatch(/Digests are named by the time they are written/);
        for (const path of paths) expect(['Irdr/Functions/WriteEvidenceDigest/Role/', 'Irdr/Functions/VerifyEvidence/Role/'].some((prefix) => path.startsWith(prefix)), path).toBe(true);
      } else if (violation.ruleName === `AwsSolutions-IAM5[Resource::${exportObjects[0]}]`) {
        expect(violation.reason).toMatch(/an id made when the export starts: the grant is that prefix of this one bucket, put and get only/);
        expect(paths.every((path) => path.startsWith('Irdr/Functions/RunEvidenceExport/Role/'))).toBe(true);
      } else if (violation.ruleName === `AwsSolutions-IAM5[Resource::${exportObjects[1]}]`) {
        expect(violation.reason).toMatch(/GetObject of the zips of this one bucket/);
        // The download links' presigner, and the compliance push, which uploads a finished export's zip.
        for (const path of paths) expect(['Irdr/Functions/EvidenceExports/Role/', 'Irdr/Functions/PushComplianceEvidence/Role/'].some((prefix) => path.startsWith(prefix)), path).toBe(true);
      } else if (runbookExecutions.test(/^AwsSolutions-IAM5\[Resource::(.+)\]$/.exec(violation.ruleName)?.[1] ?? '')) {
        expect(violation.reason).toMatch(/to stop a resolved incident's run/);
        for (const path of paths) expect(path.startsWith('Irdr/Functions/ChangeIncidentStatus/Role/'), path).toBe(true);
      } else if (violation.ruleName === backupRolePolicy) {
        expect(violation.reason).toMatch(/AWS Backup assumes to back up the evidence table/);
        expect(paths).toEqual(['Irdr/EvidenceBackups/Plan/EvidenceTable/Role/Resource']);
      } else if (violation.ruleName === 'AwsSolutions-SMG4' && paths.every((path) => path.startsWith('Irdr/SlackApp/'))) {
        expect(violation.reason).toMatch(/Slack issues the bot token/);
        expect(paths).toEqual(['Irdr/SlackApp/Resource']);
      } else if (violation.ruleName === 'AwsSolutions-SMG4') {
        // The task-link key, and the compliance credentials (issued and rotated by Vanta and Drata).
        if (paths[0]?.startsWith('Irdr/CompliancePlatforms/')) {
          expect(violation.reason).toMatch(/issued by Vanta and Drata/);
          expect(paths).toEqual(['Irdr/CompliancePlatforms/Credentials/Resource']);
        } else {
          expect(violation.reason).toMatch(/task-link HMAC key/);
          expect(paths).toEqual(['Irdr/TaskLinkKey/Resource']);
        }
      } else {
        for (const path of paths) {
          if (/^Irdr\/Functions\/(ExportEvidence|ReadEstateCoverage|RunEvidenceExport)\/Role\//.test(path)) {
            // Coverage of the estate: ListProtectedResources and ListTables take only Resource "*".
            expect(violation.ruleName).toBe('AwsSolutions-IAM5[Resource::*]');
            expect(violation.reason).toMatch(/Coverage of the estate/);
          } else if (/^Irdr\/(Runbooks\/.+|Drill-restore|Review-reminder|Evidence-export)\/StateMachine\/Role\//.test(path)) {
            // Step Functions log delivery and X-Ray.
            expect(violation.ruleName).toBe('AwsSolutions-IAM5[Resource::*]');
            expect(violation.reason).toMatch(/resource-level/);
          } else {
            // Drill functions: the drill tables and buckets, the sources' backups and recovery points, a bucket's objects, or actions without resource-level permissions.
            expect(drillFunctionRoles.some((prefix) => path.startsWith(prefix)), path).toBe(true);
            expect(violation.reason, `${violation.ruleName} at ${path}`).toMatch(/irdr-drill-|backups|resource-level|recovery point|Drill S3 object checks/);
          }
        }
      }
    }
  });

  it('leaves no other validation plugin with a failure', () => {
    for (const report of mainPluginReports()) expect(report.conclusion, report.pluginName).toBe('success');
  });
});

describe('cdk-nag (NIST 800-53 rev 5)', () => {
  const nist = () => {
    const reports = mainPluginReports().filter((report) => report.pluginName === NIST_PACK);
    expect(reports).toHaveLength(1);
    return reports[0]!;
  };
  /** Each acknowledged rule (without the pack prefix), with the construct paths and reasons it was acknowledged at. */
  const acknowledged = (): Map<string, { path: string; reason: string }[]> => {
    const byRule = new Map<string, { path: string; reason: string }[]>();
    for (const violation of nist().suppressedViolations ?? []) {
      const rule = violation.ruleName.replace(`${NIST_PACK}-`, '');
      const entries = byRule.get(rule) ?? [];
      for (const { constructPath } of violation.violatingConstructs) entries.push({ path: constructPath, reason: violation.reason ?? '' });
      byRule.set(rule, entries);
    }
    return byRule;
  };
  const resourcePath = (construct: IConstruct): string => construct.node.defaultChild!.node.path;
  const pathsOf = (rule: string): string[] => (acknowledged().get(rule) ?? []).map((entry) => entry.path).sort();
  const reasonsOf = (rule: string): Set<string> => new Set((acknowledged().get(rule) ?? []).map((entry) => entry.reason));
  const functionPaths = (names: readonly string[]) => names.map((name) => resourcePath(synth.stack.functions.get(name as FunctionName))).sort();

  it('reports no finding that is not acknowledged', () => {
    expect(nist().violations.map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(nist().conclusion).toBe('success');
  });

  it('acknowledges only these rules: the rest are met (encryption, logging, PITR and backups, DLQs where events are asynchronous)', () => {
    expect([...acknowledged().keys()].sort()).toEqual(
      [
        'DynamoDBInBackupPlan',
        'IAMNoInlinePolicy',
        'LambdaConcurrency',
        'LambdaDLQ',
        'LambdaInsideVPC',
        'S3BucketReplicationEnabled',
        'S3DefaultEncryptionKMS',
        'SecretsManagerRotationEnabled',
      ].sort(),
    );
  });

  it('DynamoDBInBackupPlan: only the deduplication table, which holds no evidence (the evidence table is backed up)', () => {
    expect(pathsOf('DynamoDBInBackupPlan')).toEqual([resourcePath(synth.stack.deduplication.table)]);
    expect([...reasonsOf('DynamoDBInBackupPlan')]).toEqual([expect.stringMatching(/Holds no evidence.*Point-in-time recovery/)]);
  });

  it('LambdaInsideVPC: every function but the wire-check validator and the wire canary writer, which run in the drill VPC, since they call only AWS APIs', () => {
    expect(irdrConfig.drills?.database?.validator).toBeDefined();
    expect(pathsOf('LambdaInsideVPC')).toEqual(functionPaths(registry.map((spec) => spec.name).filter((name) => name !== 'RunDrillWireChecks' && name !== 'WriteDrillWireCanary')));
    expect([...reasonsOf('LambdaInsideVPC')]).toEqual([expect.stringMatching(/only AWS service APIs.*NAT gateways or six interface endpoints/)]);
  });

  it('LambdaConcurrency: only the functions no API caller reaches (the API functions reserve concurrency)', () => {
    const internal = registry.filter((spec) => (spec.routes ?? []).length === 0).map((spec) => spec.name);
    expect(pathsOf('LambdaConcurrency')).toEqual(functionPaths(internal));
    expect([...reasonsOf('LambdaConcurrency')]).toEqual([expect.stringMatching(/never by an API caller/)]);
  });

  it('LambdaDLQ: the synchronously invoked functions, and the canary writer whose stale events nobody should replay', () => {
    const withoutQueue = registry.map((spec) => spec.name).filter((name) => !synth.stack.functions.deadLetterQueues.has(name as FunctionName));
    expect(pathsOf('LambdaDLQ')).toEqual(functionPaths(withoutQueue));
    const canaryPaths = ['WriteDrillCanary', 'WriteDrillWireCanary'].map((name) => resourcePath(synth.stack.functions.get(name as FunctionName)));
    const pushPath = resourcePath(synth.stack.functions.get('PushComplianceEvidence'));
    for (const { path, reason } of acknowledged().get('LambdaDLQ')!) {
      expect(reason, path).toMatch(canaryPaths.includes(path) ? /failed canary write is superseded/ : path === pushPath ? /queued in the deduplication table before the push is invoked/ : /Invoked synchronously only/);
    }
  });

  it('IAMNoInlinePolicy: every role policy of the stack, each belonging to one role', () => {
    const policies = synth.stack.node.findAll().filter((construct) => construct instanceof CfnPolicy).map((construct) => construct.node.path).filter((path) => !path.startsWith(CONSOLE_PATH)).sort();
    expect(pathsOf('IAMNoInlinePolicy')).toEqual(policies);
    for (const { path, reason } of acknowledged().get('IAMNoInlinePolicy')!) expect(reason, path).toMatch(/^The role of .+strict one-to-one/);
  });

  it('S3: replication of the Object Lock digest bucket and of its access-log bucket, and SSE-S3 on the access-log bucket', () => {
    const digestBucket = resourcePath(synth.stack.evidenceDigests.bucket);
    const accessLogs = resourcePath(synth.stack.evidenceDigests.accessLogs);
    // And the exports bucket: week-long copies, downloaded through presigned links (SSE-KMS would need kms:Decrypt for them).
    const exportsBucket = resourcePath(synth.stack.evidenceExportBucket.bucket);
    expect(pathsOf('S3BucketReplicationEnabled')).toEqual([digestBucket, accessLogs, exportsBucket].sort());
    expect(pathsOf('S3DefaultEncryptionKMS')).toEqual([accessLogs, exportsBucket].sort());
    const reasons = [...reasonsOf('S3DefaultEncryptionKMS')];
    expect(reasons).toHaveLength(2);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/delivers only to SSE-S3 buckets/), expect.stringMatching(/presigned links/)]));
  });

  it('SecretsManagerRotationEnabled: the task-link key, the Slack app secret and the compliance credentials, for the same reasons as AwsSolutions-SMG4', () => {
    expect(pathsOf('SecretsManagerRotationEnabled')).toEqual([resourcePath(synth.stack.taskLinkKey), resourcePath(synth.stack.slackAppSecret), resourcePath(synth.stack.compliancePlatforms.credentials)].sort());
    const awsSolutions = mainPluginReports().find((report) => report.pluginName === 'AwsSolutions')!;
    const smg4 = (awsSolutions.suppressedViolations ?? []).filter((violation) => violation.ruleName === 'AwsSolutions-SMG4').map((violation) => violation.reason);
    expect([...reasonsOf('SecretsManagerRotationEnabled')].sort()).toEqual([...new Set(smg4)].sort());
  });
});

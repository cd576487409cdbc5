import { rmSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { RunbookCatalog } from '../../functions/domain/incident.js';
import { RolePrincipals, rolePrincipalsFromConfig } from '../../functions/domain/roles.js';
import { tableDesign } from '../../functions/domain/table-design.js';
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
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';
import { RESTORE_TARGET_ACTIONS } from '../../lib/drill-grants.js';
import {
  IDEMPOTENCY_ACTIONS,
  KEY_READ_ACTIONS,
  KEY_WRITE_ACTIONS,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
} from '../../lib/evidence-table.js';
import {
  dynamodbResourceOf,
  renderCfn,
  statementsOfRole as statementsOfSynthesizedRole,
  synthesizeIrdr,
  type SynthesizedIrdr,
  type SynthesizedPolicyStatement,
  type TemplateResource,
} from './synthesized-app.js';

type PolicyStatement = SynthesizedPolicyStatement;

const registry: readonly FunctionSpec[] = functionRegistry;
const blueprints = stateMachineBlueprints();
const drillPlans = loadDrillPlans();

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
    const tables = resourcesOfType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = tables[0]![1].Properties!;
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
    const [logicalId, table] = resourcesOfType('AWS::DynamoDB::Table')[0]!;
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

  it('expires items through the TTL attribute tableDesign names', () => {
    const table = resourcesOfType('AWS::DynamoDB::Table')[0]![1].Properties!;
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: tableDesign.timeToLiveAttribute, Enabled: true });
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

  it.each(registry.map((spec) => [spec.name] as const))('%s logs to its own log group, with a retention', (name) => {
    const logGroupId = (props(functionLogicalId(name)).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(synth.resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(props(logGroupId).RetentionInDays).toBeGreaterThan(0);
    const logStatements = statementsOfRole(roleLogicalIdOfFunction(name)).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logStatements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(logGroupId) },
    ]);
  });
});

describe('least privilege', () => {
  const expectedActions = (permissions: readonly FunctionPermission[]): string[] => {
    const actions = new Set<string>(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const add = (list: readonly string[]) => list.forEach((action) => actions.add(action));
    if (permissions.includes('table:read')) add([...TABLE_READ_ACTIONS, ...KEY_READ_ACTIONS]);
    if (permissions.includes('table:write')) add([...TABLE_WRITE_ACTIONS, ...KEY_WRITE_ACTIONS]);
    if (permissions.includes('runbooks:start')) add(['states:StartExecution']);
    if (permissions.includes('mail:send')) add(['ses:SendEmail']);
    if (permissions.includes('idempotency')) add([...IDEMPOTENCY_ACTIONS, ...KEY_WRITE_ACTIONS]);
    if (permissions.includes('runbooks:answer')) add(['states:SendTaskSuccess']);
    if (permissions.includes('links:sign')) add(['secretsmanager:GetSecretValue']);
    if (permissions.includes('evidence:read-digests')) add(['s3:ListBucket', 's3:GetObject', ...KEY_READ_ACTIONS]);
    if (permissions.includes('evidence:write-digests')) add(['s3:ListBucket', 's3:GetObject', 's3:PutObject', ...KEY_READ_ACTIONS, 'kms:GenerateDataKey']);
    if (permissions.includes('evidence:sign')) add(['kms:Sign', 'kms:GetPublicKey']);
    // drills:* as the shipped plans need them (lib/drill-grants.ts; every case is asserted in drill-grants.test.ts).
    const drivers = new Set(drillPlans.map((plan) => plan.driver.type));
    const takesBackups = drillPlans.some((plan) => plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'create');
    const listsBackups = drillPlans.some((plan) => plan.driver.type === 'dynamodb-backup' && plan.driver.backup === 'latest');
    const hasCanary = drillPlans.some((plan) => plan.checks.some((check) => check.type === 'canary'));
    const hasCustomCheck = drillPlans.some((plan) => plan.checks.some((check) => check.type === 'custom'));
    const when = (condition: boolean, list: readonly string[]) => (condition ? list : []);
    if (permissions.includes('drills:inspect-source')) {
      add(['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups']);
      add(when(listsBackups, ['dynamodb:ListBackups']));
      add(when(drivers.has('aws-backup'), ['backup:ListRecoveryPointsByResource', 'backup:GetRecoveryPointRestoreMetadata']));
    }
    if (permissions.includes('drills:restore')) {
      add([...RESTORE_TARGET_ACTIONS]);
      add(when(drivers.has('dynamodb-pitr'), ['dynamodb:RestoreTableToPointInTime']));
      add(when(drivers.has('dynamodb-backup'), ['dynamodb:RestoreTableFromBackup']));
      add(when(takesBackups, ['dynamodb:CreateBackup', 'dynamodb:DescribeBackup']));
      add(when(drivers.has('aws-backup'), ['backup:StartRestoreJob', 'iam:PassRole', 'backup:DescribeRestoreJob']));
    }
    if (permissions.includes('drills:inspect-restore')) {
      add(['dynamodb:DescribeTable', 'dynamodb:TagResource', 'dynamodb:ListTagsOfResource']);
      add(when(drivers.has('dynamodb-backup'), ['dynamodb:DescribeBackup']));
      add(when(drivers.has('aws-backup'), ['backup:DescribeRestoreJob']));
    }
    if (permissions.includes('drills:read-data')) {
      add(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']);
      add(when(hasCustomCheck, ['lambda:InvokeFunction']));
    }
    if (permissions.includes('drills:cleanup')) {
      add(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:DeleteTable']);
      add(when(takesBackups, ['dynamodb:DeleteBackup']));
    }
    if (permissions.includes('drills:canary')) add(when(hasCanary, ['dynamodb:PutItem']));
    if (permissions.includes('drills:start')) add(['states:StartExecution']);
    if (permissions.includes('reviews:schedule-reminder')) add(['states:StartExecution']);
    return [...actions].sort();
  };
  /** Tables the drills may name: the plans' sources, their backups, and drill-prefixed tables (never the evidence table). */
  const drillTableResources = new Set([
    ...drillPlans.flatMap((plan) => [`table/${plan.source.tableName}`, `table/${plan.source.tableName}/backup/*`]),
    'table/irdr-drill-*',
  ]);
  /** A statement of drills:* (see drill-stack.test.ts): on the drills' tables, or an action AWS grants only on `*`. */
  const isDrillStatement = (statement: PolicyStatement): boolean =>
    asList(statement.Resource).every((resource) => drillTableResources.has(dynamodbResourceOf(renderCfn(resource)) ?? '')) ||
    asList(statement.Action).every((action) => ['dynamodb:ListBackups', 'backup:ListRecoveryPointsByResource', 'backup:DescribeRestoreJob'].includes(action));
  /** The statements on the evidence table (and its key): what table:* and idempotency grant. */
  const evidenceStatements = (statements: readonly PolicyStatement[]) => statements.filter((statement) => !isDrillStatement(statement));
  const IDEMPOTENCY_ONLY = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEM#*'] } };

  it.each(registry.map((spec) => [spec.name, spec] as const))('%s may do what its registry entry declares, and no more', (name, spec) => {
    const statements = statementsOfRole(roleLogicalIdOfFunction(name));
    expect([...actionsOf(statements)].sort()).toEqual(expectedActions(spec.permissions));

    const tableArn = getAtt(synth.logicalIdOf(synth.stack.evidence.table));
    const indexArns = tableDesign.globalIndexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.indexName}`]] }));
    for (const statement of statements) {
      const actions = asList(statement.Action);
      const resources = asList(statement.Resource);
      if (isDrillStatement(statement)) {
        // Drill tables only for drills:* functions; which action on which of them is drill-stack.test.ts's to check.
        expect(spec.permissions.some((permission) => permission.startsWith('drills:')), name).toBe(true);
        continue;
      }
      if (actions.some((action) => action.startsWith('dynamodb:'))) {
        // The table itself, or one named index (Query only): never `index/*` or another table.
        const allowed = actions.every((action) => action === 'dynamodb:Query') ? [tableArn, ...indexArns] : [tableArn];
        for (const resource of resources) expect(allowed).toContainEqual(resource);
        // The one conditioned statement is the idempotency grant: its actions on IDEM# partitions only.
        if (statement.Condition) {
          expect(statement.Condition).toEqual(IDEMPOTENCY_ONLY);
          expect([...actions].sort()).toEqual([...IDEMPOTENCY_ACTIONS].sort());
        }
      }
      if (actions.some((action) => action.startsWith('kms:'))) {
        // The table's key; the digest functions also the digest bucket's key; the export signer the signing key.
        const declares = (permission: FunctionPermission): boolean => (spec.permissions as readonly FunctionPermission[]).includes(permission);
        const keys = [
          synth.stack.evidence.encryptionKey,
          ...(declares('evidence:read-digests') || declares('evidence:write-digests') ? [synth.stack.evidenceDigests.encryptionKey] : []),
          ...(declares('evidence:sign') ? [synth.stack.evidenceSigningKey.key] : []),
        ];
        if (actions.some((action) => action === 'kms:Sign' || action === 'kms:GetPublicKey')) expect(resources).toEqual([getAtt(synth.logicalIdOf(synth.stack.evidenceSigningKey.key))]);
        for (const resource of resources) expect(keys.map((key) => getAtt(synth.logicalIdOf(key)))).toContainEqual(resource);
      }
      if (actions.some((action) => action.startsWith('s3:'))) {
        // The digest bucket (listing its digest prefix only) and the digests under it: nothing else in S3.
        const bucketId = synth.logicalIdOf(synth.stack.evidenceDigests.bucket);
        for (const resource of resources) expect([`\${${bucketId}.Arn}`, `\${${bucketId}.Arn}/irdr/digests/*`]).toContain(renderCfn(resource));
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
        ];
        for (const resource of resources) expect(machines).toContainEqual(resource);
      }
      if (actions.includes('states:SendTaskSuccess')) {
        // Decisions go to the runbook state machines' waiting tasks: SendTaskSuccess alone, on them alone (named ARNs: no cycle).
        expect(actions).toEqual(['states:SendTaskSuccess']);
        expect(resources).toEqual(synth.stack.resolve([...synth.stack.runbooks.arnsByName]));
        const names = [...synth.stack.runbooks.byLogicalId.values()].map((machine) => (synth.template.toJSON() as { Resources: Record<string, { Properties?: { StateMachineName?: string } }> }).Resources[synth.logicalIdOf(machine)]?.Properties?.StateMachineName);
        for (const [index, resource] of resources.entries()) expect(JSON.stringify(resource)).toContain(`:stateMachine:${names[index]}`);
      }
      if (actions.some((action) => action.startsWith('secretsmanager:'))) {
        // The task-link key, readable and nothing more.
        expect(actions).toEqual(['secretsmanager:GetSecretValue']);
        expect(resources).toEqual([{ Ref: synth.logicalIdOf(synth.stack.taskLinkKey) }]);
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
      const started = statementsOfRole(roleLogicalIdOfFunction(spec.name))
        .filter((statement) => asList(statement.Action).includes('states:StartExecution'))
        .flatMap((statement) => asList(statement.Resource));
      expect(started).toHaveLength(blueprints.length);
      expect(started).toEqual(expect.arrayContaining([...synth.stack.runbooks.byLogicalId.values()].map((machine) => ({ Ref: synth.logicalIdOf(machine) }))));
    }
  });

  it('writes to the table only where a function declares table:write, and deletes only idempotency records', () => {
    for (const spec of registry) {
      const statements = evidenceStatements(statementsOfRole(roleLogicalIdOfFunction(spec.name)));
      const unconditioned = actionsOf(statements.filter((statement) => !statement.Condition));
      expect(unconditioned.has('dynamodb:PutItem'), spec.name).toBe(spec.permissions.includes('table:write'));
      expect(unconditioned.has('dynamodb:DeleteItem'), spec.name).toBe(false);
      expect(actionsOf(statements).has('dynamodb:Scan')).toBe(false);
      const deleting = statements.filter((statement) => asList(statement.Action).includes('dynamodb:DeleteItem'));
      expect(deleting.length, spec.name).toBe(spec.permissions.includes('idempotency') ? 1 : 0);
      for (const statement of deleting) expect(statement.Condition).toEqual(IDEMPOTENCY_ONLY);
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
      // Drills (lib/drill-grants.ts): listing a table's backups, AWS Backup recovery points and restore jobs.
      'dynamodb:ListBackups',
      'backup:ListRecoveryPointsByResource',
      'backup:DescribeRestoreJob',
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

  it('attaches no AWS managed policy to any role', () => {
    for (const [, role] of resourcesOfType('AWS::IAM::Role')) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });
});

describe('runbook state machines', () => {
  it('deploys one state machine per blueprint, the drill state machine and the review reminder', () => {
    expect(resourcesOfType('AWS::StepFunctions::StateMachine')).toHaveLength(blueprints.length + 2);
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

  it('deploys the compiled ASL, passes asl-validator, and invokes RemindOverdueReview alone', () => {
    const machine = props(machineId());
    expect(JSON.parse(machine.DefinitionString as string)).toEqual(blueprint.definition);
    expect(machine.DefinitionSubstitutions).toEqual({ RemindOverdueReviewFunctionArn: getAtt(functionLogicalId('RemindOverdueReview')) });
    const result = aslValidator(JSON.parse(substitutePlaceholders(JSON.stringify(blueprint.definition), { RemindOverdueReviewFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:irdr-RemindOverdueReview' })));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    const invoked = statementsOfRole(synth.logicalIdOf(synth.stack.reviewReminder.stateMachine.role))
      .filter((statement) => asList(statement.Action).includes('lambda:InvokeFunction'))
      .flatMap((statement) => asList(statement.Resource));
    expect(invoked).toEqual([getAtt(functionLogicalId('RemindOverdueReview'))]);
  });

  it('is Standard, logs every event without execution data, and traces with X-Ray', () => {
    const machine = props(machineId());
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('is started by ChangeIncidentStatus alone, which REVIEW_REMINDER_STATE_MACHINE_ARN points at it', () => {
    const starters = registry.filter((spec) =>
      statementsOfRole(roleLogicalIdOfFunction(spec.name)).some(
        (statement) => asList(statement.Action).includes('states:StartExecution') && asList(statement.Resource).some((resource) => JSON.stringify(resource) === JSON.stringify({ Ref: machineId() })),
      ),
    );
    expect(starters.map((spec) => spec.name)).toEqual(['ChangeIncidentStatus']);
    expect(props(functionLogicalId('ChangeIncidentStatus')).Environment.Variables.REVIEW_REMINDER_STATE_MACHINE_ARN).toEqual({ Ref: machineId() });
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

  it('leaves only the emailed task links without IAM: their handler checks an HMAC signature instead', () => {
    const unsigned = registryRoutes.filter((route) => route.auth !== 'iam');
    expect(unsigned.map((route) => [route.key, route.auth, route.spec.name])).toEqual([
      ['GET /task-links/{linkId}', 'signed-link', 'AnswerTaskLink'],
      ['POST /task-links/{linkId}', 'signed-link', 'AnswerTaskLink'],
    ]);
    // That handler reads the signing key and nothing else beyond the table and the task answers.
    expect([...functionSpec('AnswerTaskLink').permissions].sort()).toEqual(['links:sign', 'runbooks:answer', 'table:read', 'table:write']);
  });

  it('gives the functions that email links the API URL and the signing key secret', () => {
    for (const spec of registry.filter((candidate) => (candidate.permissions as readonly string[]).includes('links:sign'))) {
      const variables = props(functionLogicalId(spec.name)).Environment.Variables as Record<string, unknown>;
      expect(variables.TASK_LINK_SECRET_ID, spec.name).toEqual({ Ref: synth.logicalIdOf(synth.stack.taskLinkKey) });
    }
    const creator = props(functionLogicalId('CreateHumanTask')).Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(creator.API_URL)).toContain(synth.logicalIdOf(synth.stack.httpApi.api));
  });

  it('logs every request of its $default stage to a log group with a retention', () => {
    const stages = resourcesOfType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]![1].Properties!;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    const destination = (stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] } }).DestinationArn;
    const logGroupId = destination['Fn::GetAtt'][0];
    expect(synth.resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(props(logGroupId).RetentionInDays).toBeGreaterThan(0);
    expect(JSON.parse(String((stage.AccessLogSettings as { Format: string }).Format))).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.userArn',
    });
    synth.template.hasOutput('ApiUrl', {});
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
    expect(rule.EventPattern).toEqual(eventRuleDefinition(name, irdrConfig).eventPattern);
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.State).toBe('ENABLED');
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
          // CRITICAL and HIGH: OCSF High 4, Critical 5, Fatal 6; live (Create, Update), New or In Progress.
          { findings: { severity_id: [4, 5, 6], activity_id: [1, 2], status_id: [1, 2] } },
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
    // Only the rule may invoke the function, and only the rule may send to its queue.
    const ruleArn = getAtt(synth.logicalIdOf(synth.stack.eventRules.rules.get(name)!));
    const invokers = resourcesOfType('AWS::Lambda::Permission').filter(([, permission]) =>
      JSON.stringify(permission.Properties?.FunctionName) === JSON.stringify(getAtt(functionLogicalId(functionName))),
    );
    expect(invokers.map(([, permission]) => permission.Properties)).toEqual([
      { Action: 'lambda:InvokeFunction', FunctionName: getAtt(functionLogicalId(functionName)), Principal: 'events.amazonaws.com', SourceArn: ruleArn },
    ]);
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
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no finding that is not acknowledged', () => {
    const nag = synth.validationReport.pluginReports.filter((report) => report.pluginName === 'AwsSolutions');
    expect(nag).toHaveLength(1);
    const open = nag.flatMap((report) => report.violations);
    expect(open.map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(nag[0]!.conclusion).toBe('success');
  });

  it('acknowledges only the wildcards AWS requires, the signed-link routes, the key rotation and the DLQs, each with its reason', () => {
    const suppressed = synth.validationReport.pluginReports.flatMap((report) => report.suppressedViolations ?? []);
    const ruleNames = [...new Set(suppressed.map((v) => v.ruleName))];
    expect(ruleNames.filter((ruleName) => !ruleName.startsWith('AwsSolutions-IAM5[')).sort()).toEqual(
      ['AwsSolutions-APIG4', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3'].sort(),
    );
    const digestObjects = `<${synth.logicalIdOf(synth.stack.evidenceDigests.bucket)}.Arn>/irdr/digests/*`;
    // Wildcard resources: `*` (services without resource-level permissions), drill-prefixed tables, the sources' backups.
    const drillWildcards = new Set(['table/irdr-drill-*', ...drillPlans.map((plan) => `table/${plan.source.tableName}/backup/*`)]);
    for (const ruleName of ruleNames.filter((candidate) => candidate.startsWith('AwsSolutions-IAM5['))) {
      const resource = /^AwsSolutions-IAM5\[Resource::(.+)\]$/.exec(ruleName)?.[1];
      expect(resource, ruleName).toBeDefined();
      if (resource === digestObjects) continue;
      if (resource !== '*') expect(drillWildcards.has(/:dynamodb:.*:(table\/[^:]+)$/.exec(resource!)?.[1] ?? ''), ruleName).toBe(true);
    }
    const drillFunctionRoles = registry
      .filter((spec) => spec.permissions.some((permission) => permission.startsWith('drills:')))
      .map((spec) => `Irdr/Functions/${spec.name}/Role/`);
    for (const violation of suppressed) {
      const paths = violation.violatingConstructs.map((construct) => construct.constructPath);
      if (violation.ruleName === 'AwsSolutions-APIG4') {
        expect(violation.reason).toMatch(/Signed-link route/);
        for (const path of paths) expect(['Irdr/Http/Api/GET--task-links--{linkId}/Resource', 'Irdr/Http/Api/POST--task-links--{linkId}/Resource']).toContain(path);
      } else if (violation.ruleName === 'AwsSolutions-SQS3') {
        for (const path of paths) {
          if (path.startsWith('Irdr/EvidenceDigests/')) {
            expect(violation.reason).toMatch(/dead-letter queue of the daily digest schedule/);
            expect(path).toBe('Irdr/EvidenceDigests/DeadLetterQueue/Resource');
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
      } else if (violation.ruleName === 'AwsSolutions-SMG4') {
        expect(violation.reason).toMatch(/task-link HMAC key/);
        expect(paths).toEqual(['Irdr/TaskLinkKey/Resource']);
      } else {
        for (const path of paths) {
          if (/^Irdr\/(Runbooks\/.+|Drill-restore|Review-reminder)\/StateMachine\/Role\//.test(path)) {
            // Step Functions log delivery and X-Ray.
            expect(violation.ruleName).toBe('AwsSolutions-IAM5[Resource::*]');
            expect(violation.reason).toMatch(/resource-level/);
          } else {
            // Drill functions: the drill tables, the sources' backups, or actions without resource-level permissions.
            expect(drillFunctionRoles.some((prefix) => path.startsWith(prefix)), path).toBe(true);
            expect(violation.reason, `${violation.ruleName} at ${path}`).toMatch(/irdr-drill-|backups|resource-level/);
          }
        }
      }
    }
  });

  it('leaves no other validation plugin with a failure', () => {
    for (const report of synth.validationReport.pluginReports) expect(report.conclusion, report.pluginName).toBe('success');
  });
});

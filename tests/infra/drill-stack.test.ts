import { sourceTableNameOf, type DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { rmSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRILL_RUN_TAG, DRILL_TABLE_PREFIX } from '../../functions/domain/drill-naming.js';
import { functionArnPlaceholder, functionRegistry, type FunctionName, type FunctionSpec } from '../../functions/registry.js';
import { drillStateMachineBlueprint, substitutePlaceholders } from '../../workflows/catalog.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';
import { canaryWriterOf } from '../../functions/domain/drill/rds-plan.js';
import {
  dynamodbResourceOf,
  renderCfn,
  statementsOfRole,
  synthesizeIrdr,
  type SynthesizedIrdr,
  type SynthesizedPolicyStatement,
  type TemplateResource,
} from './synthesized-app.js';

/** A plan's source table (every plan in workflows/drills names one). */
const tableOf = (plan: DrillPlan): string => sourceTableNameOf(plan.source) ?? `(${plan.id} names no table)`;

const registry: readonly FunctionSpec[] = functionRegistry;
const blueprint = drillStateMachineBlueprint();
const plans = loadDrillPlans();
const canaryPlans = plans.flatMap((plan) => {
  const canary = plan.checks.find((check) => check.type === 'canary');
  return canary?.type === 'canary' ? [{ plan, canary }] : [];
});
/** Plans of buckets with a canary object: a schedule each too, on the same writer. */
const objectCanaryPlans = plans.flatMap((plan) => {
  const canary = plan.checks.find((check) => check.type === 'canary-object');
  return canary?.type === 'canary-object' ? [{ plan, canary }] : [];
});
/** Plans of databases with a canary row: a schedule each too, on the same writer. */
const sqlCanaryPlans = plans.flatMap((plan) => {
  const canary = plan.checks.find((check) => check.type === 'sql-canary');
  return canary?.type === 'sql-canary' ? [{ plan, canary }] : [];
});
const sourceTables = new Set(plans.map((plan) => `table/${tableOf(plan)}`));
const DRILL_TABLES = `table/${DRILL_TABLE_PREFIX}*`;

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
const roleOfFunction = (name: string) => synth.logicalIdOf(synth.stack.functions.get(name as FunctionName).role!);
const drillMachineId = () => synth.logicalIdOf(synth.stack.drill.stateMachine);
/** The drill state machine's ARN as functions name it: built from its fixed name, no reference (no dependency cycle). */
const drillMachineArnByName = () => synth.stack.resolve(synth.stack.drill.arnByName) as unknown;
const isDrillMachine = (resource: unknown) =>
  [{ Ref: drillMachineId() }, drillMachineArnByName()].some((arn) => JSON.stringify(arn) === JSON.stringify(resource));
const statementsOf = (roleLogicalId: string) => statementsOfRole(synth.resources, roleLogicalId);
/** Every role in the template with its statements. */
const allRoleStatements = (): [string, SynthesizedPolicyStatement[]][] =>
  resourcesOfType('AWS::IAM::Role').map(([roleId]) => [roleId, statementsOf(roleId)]);
const resourcesOfStatement = (statement: SynthesizedPolicyStatement): string[] => asList(statement.Resource).map(renderCfn);
const withAction = (statements: readonly SynthesizedPolicyStatement[], action: string) =>
  statements.filter((statement) => asList(statement.Action).includes(action));

describe('drill state machine', () => {
  it('deploys the compiled drill ASL: placeholders kept, each substituted with its function ARN', () => {
    const machine = props(drillMachineId());
    expect(JSON.parse(machine.DefinitionString as string)).toEqual(blueprint.definition);
    const substitutions = machine.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual([...blueprint.placeholders].sort());

    // What CloudFormation deploys: the definition with each placeholder replaced by its function's ARN.
    const deployed = substitutePlaceholders(
      machine.DefinitionString as string,
      Object.fromEntries(Object.entries(substitutions).map(([name, value]) => [name, renderCfn(value)])),
    );
    const expectedArns = Object.fromEntries(
      registry
        .map((spec) => functionArnPlaceholder(spec.name as FunctionName))
        .filter((placeholder) => blueprint.placeholders.includes(placeholder))
        .map((placeholder) => [placeholder, renderCfn(getAtt(functionLogicalId(placeholder.replace(/FunctionArn$/, ''))))]),
    );
    expect(JSON.parse(deployed)).toEqual(JSON.parse(substitutePlaceholders(JSON.stringify(blueprint.definition), expectedArns)));
    expect(deployed).not.toMatch(/\$\{[A-Za-z0-9]+\}/);
    // Every Task invokes a drill function by its ARN: directly, or (the wait for a restore job's end) through lambda:invoke.waitForTaskToken.
    const tasks = Object.values(JSON.parse(deployed).States as Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }>).filter((state) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      const invoked = task.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? task.Parameters?.FunctionName : task.Resource;
      expect(Object.values(expectedArns)).toContain(invoked);
    }
    expect(tasks.filter((task) => task.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken').map((task) => task.Parameters?.FunctionName)).toEqual([expectedArns['AwaitDrillRestoreEndFunctionArn']]);
  });

  it('passes asl-validator with example ARNs substituted', () => {
    const exampleArns = Object.fromEntries(blueprint.placeholders.map((name) => [name, `arn:aws:lambda:eu-west-1:123456789012:function:irdr-${name}`]));
    const result = aslValidator(JSON.parse(substitutePlaceholders(JSON.stringify(blueprint.definition), exampleArns)));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
  });

  it('is Standard, logs every event without execution data, traces with X-Ray, and its ARN is an output', () => {
    const machine = props(drillMachineId());
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    synth.template.hasOutput('DrillrestoreStateMachineArn', { Value: { Ref: drillMachineId() } });
  });

  it('may invoke exactly the functions its definition references', () => {
    const roleId = synth.logicalIdOf(synth.stack.drill.stateMachine.role);
    const invoked = withAction(statementsOf(roleId), 'lambda:InvokeFunction').flatMap((statement) => asList(statement.Resource));
    const referenced = registry.filter((spec) => blueprint.placeholders.includes(functionArnPlaceholder(spec.name as FunctionName)));
    expect(referenced.length).toBeGreaterThan(0);
    expect(invoked).toHaveLength(referenced.length);
    expect(invoked).toEqual(expect.arrayContaining(referenced.map((spec) => getAtt(functionLogicalId(spec.name)))));
  });

  it('gives DRILL_STATE_MACHINE_ARN the drill state machine, to the functions that declare it', () => {
    for (const spec of registry.filter((candidate) => (candidate.environment as readonly string[]).includes('DRILL_STATE_MACHINE_ARN'))) {
      expect(props(functionLogicalId(spec.name)).Environment.Variables.DRILL_STATE_MACHINE_ARN, spec.name).toEqual(drillMachineArnByName());
    }
  });

});

describe('drill schedules', () => {
  // The drills' schedules: every schedule but the daily evidence digest's (evidence-digest-bucket.test.ts).
  const schedules = (): Record<string, any>[] =>
    resourcesOfType('AWS::Scheduler::Schedule')
      // The digest and compliance-push schedules are not drills'.
      .filter(([logicalId]) => ![synth.stack.evidenceDigests.schedule, synth.stack.compliancePlatforms.schedule].some((schedule) => logicalId === synth.logicalIdOf(schedule)))
      .map(([logicalId, resource]) => ({ logicalId, ...resource.Properties }));
  const queueId = () => synth.logicalIdOf(synth.stack.drillSchedules.deadLetterQueue);
  const drillRoleId = () => synth.logicalIdOf(synth.stack.drillSchedules.drillRole);

  it('has one schedule per plan and one per canary check, nothing else', () => {
    expect(schedules()).toHaveLength(plans.length + canaryPlans.length + objectCanaryPlans.length + sqlCanaryPlans.length);
    expect(objectCanaryPlans.map(({ plan }) => plan.id)).toEqual(['orders-archive-s3']);
    expect(sqlCanaryPlans.map(({ plan }) => plan.id)).toEqual(['orders-aurora', 'orders-aurora-wire']);
    expect(plans.length).toBeGreaterThan(0);
  });

  it.each(plans.map((plan) => [plan.id, plan] as const))('%s starts the drill state machine as its plan schedules it, retrying, then dead-lettering', (planId, plan) => {
    const input = JSON.stringify({ planId, trigger: 'schedule' });
    const matching = schedules().filter((schedule) => schedule.Target?.Input === input);
    expect(matching).toHaveLength(1);
    const schedule = matching[0]!;
    expect(schedule.ScheduleExpression).toBe(plan.schedule.expression);
    expect(schedule.ScheduleExpressionTimezone).toBe(plan.schedule.timeZone);
    expect(schedule.FlexibleTimeWindow).toEqual(
      plan.schedule.startWindowMinutes === 0 ? { Mode: 'OFF' } : { Mode: 'FLEXIBLE', MaximumWindowInMinutes: plan.schedule.startWindowMinutes },
    );
    expect(schedule.State).toBe(plan.schedule.enabled ? 'ENABLED' : 'DISABLED');
    expect(schedule.Target).toEqual({
      Arn: { Ref: drillMachineId() },
      RoleArn: getAtt(drillRoleId()),
      Input: input,
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: getAtt(queueId()) },
    });
    // The state machine reads exactly this input (DrillExecutionInput).
    expect(JSON.parse(schedule.Target.Input as string)).toEqual({ planId, trigger: 'schedule' });
  });

  it('dead-letters into one encrypted, TLS-only queue that keeps messages 14 days', () => {
    expect(props(queueId())).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const policy = resourcesOfType('AWS::SQS::QueuePolicy').find(([, candidate]) => JSON.stringify(candidate.Properties?.Queues) === JSON.stringify([{ Ref: queueId() }]));
    const statements = (policy?.[1].Properties?.PolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it("runs as its own role, assumable only by Scheduler for this account, allowed StartExecution on the drill state machine and the queue's SendMessage", () => {
    const role = props(drillRoleId());
    const trust = (role.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Action: 'sts:AssumeRole', Principal: { Service: 'scheduler.amazonaws.com' } });
    expect(Object.keys(trust[0]!.Condition.StringEquals).sort()).toEqual(['aws:SourceAccount', 'aws:SourceArn']);
    const statements = statementsOf(drillRoleId());
    expect(statements.map(({ Action, Resource, Condition }) => ({ Action, Resource, Condition }))).toEqual([
      { Action: 'states:StartExecution', Resource: { Ref: drillMachineId() }, Condition: undefined },
      { Action: 'sqs:SendMessage', Resource: getAtt(queueId()), Condition: undefined },
    ]);
  });

  it.each([...canaryPlans, ...objectCanaryPlans, ...sqlCanaryPlans].map(({ plan, canary }) => [plan.id, canary.intervalMinutes, canaryWriterOf(plan)] as const))(
    '%s writes its canary every %i minutes by invoking %s, and nothing else',
    (planId, intervalMinutes, writer) => {
      const input = JSON.stringify({ planId });
      const matching = schedules().filter((schedule) => schedule.Target?.Input === input);
      expect(matching).toHaveLength(1);
      const schedule = matching[0]!;
      expect(schedule.ScheduleExpression).toBe(intervalMinutes === 1 ? 'rate(1 minute)' : `rate(${intervalMinutes} minutes)`);
      expect(schedule.State).toBe('ENABLED');
      expect(schedule.Target.Arn).toEqual(getAtt(functionLogicalId(writer)));
      expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: intervalMinutes * 60 });
      const roleId = (schedule.Target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      // One Scheduler role for the canary schedules: it invokes the canary writers (this one among them), and nothing else.
      const invoked = statementsOf(roleId).map(({ Action, Resource }) => ({ Action, Resource }));
      expect(invoked).toContainEqual({ Action: 'lambda:InvokeFunction', Resource: getAtt(functionLogicalId(writer)) });
      expect(invoked).toEqual(
        [...new Set([...canaryPlans, ...objectCanaryPlans, ...sqlCanaryPlans].map(({ plan }) => canaryWriterOf(plan)))].map((name) => ({ Action: 'lambda:InvokeFunction', Resource: getAtt(functionLogicalId(name)) })),
      );
    },
  );

  it('a SQL canary written over the wire (orders-aurora-wire) is WriteDrillWireCanary\'s, in the drill VPC; the others stay WriteDrillCanary\'s', () => {
    expect(sqlCanaryPlans.map(({ plan }) => `${plan.id} ${canaryWriterOf(plan)}`).sort()).toEqual(['orders-aurora WriteDrillCanary', 'orders-aurora-wire WriteDrillWireCanary']);
  });
});

describe('drill permissions', () => {
  it(`deletes tables only where named ${DRILL_TABLES} and tagged ${DRILL_RUN_TAG}, and only from CleanUpDrill and RecordEndedRun (an aborted drill's table)`, () => {
    const deleters: string[] = [];
    for (const [roleId, statements] of allRoleStatements()) {
      for (const statement of withAction(statements, 'dynamodb:DeleteTable')) {
        deleters.push(roleId);
        expect(asList(statement.Action)).toEqual(['dynamodb:DeleteTable']);
        expect(resourcesOfStatement(statement).map(dynamodbResourceOf)).toEqual([DRILL_TABLES]);
        expect(statement.Condition).toEqual({ Null: { [`aws:ResourceTag/${DRILL_RUN_TAG}`]: 'false' } });
      }
    }
    expect(deleters.sort()).toEqual([roleOfFunction('CleanUpDrill'), roleOfFunction('RecordEndedRun')].sort());
  });

  it('never lets a role delete or write a source table (the canary item excepted, by its key)', () => {
    const readOrRestore = new Set([
      'dynamodb:DescribeTable',
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:RestoreTableToPointInTime',
      'dynamodb:CreateBackup',
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
    ]);
    for (const [roleId, statements] of allRoleStatements()) {
      for (const statement of statements) {
        const onSource = resourcesOfStatement(statement).some((resource) => sourceTables.has(dynamodbResourceOf(resource) ?? ''));
        if (!onSource) continue;
        for (const action of asList(statement.Action)) {
          if (action === 'dynamodb:PutItem') {
            expect(roleId).toBe(roleOfFunction('WriteDrillCanary'));
            expect(Object.keys(statement.Condition ?? {})).toEqual(['ForAllValues:StringEquals']);
          } else {
            expect(readOrRestore.has(action), `${roleId}: ${action} on a source table`).toBe(true);
          }
        }
      }
    }
  });

  it('restores point in time only from the sources of dynamodb-pitr plans', () => {
    const pitrSources = new Set(plans.filter((plan) => plan.driver.type === 'dynamodb-pitr').map((plan) => `table/${tableOf(plan)}`));
    let seen = 0;
    for (const [, statements] of allRoleStatements()) {
      for (const statement of withAction(statements, 'dynamodb:RestoreTableToPointInTime')) {
        seen += 1;
        for (const resource of resourcesOfStatement(statement)) expect(pitrSources.has(dynamodbResourceOf(resource) ?? ''), resource).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('writes restored items only into drill-prefixed tables', () => {
    for (const spec of registry.filter((candidate) => (candidate.permissions as readonly string[]).includes('drills:restore'))) {
      const onDrillTables = statementsOf(roleOfFunction(spec.name)).filter((statement) =>
        resourcesOfStatement(statement).some((resource) => dynamodbResourceOf(resource) === DRILL_TABLES),
      );
      const writes = onDrillTables.filter((statement) => asList(statement.Action).includes('dynamodb:BatchWriteItem'));
      expect(writes, spec.name).toHaveLength(1);
      expect(resourcesOfStatement(writes[0]!).map(dynamodbResourceOf)).toEqual([DRILL_TABLES]);
    }
  });

  it('puts the canary only at the canary keys', () => {
    const statements = withAction(statementsOf(roleOfFunction('WriteDrillCanary')), 'dynamodb:PutItem');
    expect(statements).toHaveLength(canaryPlans.length);
    for (const { plan, canary } of canaryPlans) {
      const statement = statements.find((candidate) => resourcesOfStatement(candidate).some((resource) => dynamodbResourceOf(resource) === `table/${tableOf(plan)}`));
      expect(statement, plan.id).toBeDefined();
      const leadingKeys = (statement!.Condition!['ForAllValues:StringEquals'] as Record<string, string[]>)['dynamodb:LeadingKeys'];
      expect(leadingKeys).toEqual(expect.arrayContaining([...new Set(Object.values(canary.key).map(String))]));
      expect(leadingKeys!.length).toBeLessThanOrEqual(Object.keys(canary.key).length);
    }
  });

  it('puts the S3 canary only at the canary objects\' keys of the source bucket', () => {
    const statements = withAction(statementsOf(roleOfFunction('WriteDrillCanary')), 's3:PutObject');
    const expected = objectCanaryPlans.map(({ plan, canary }) => `${plan.source.type === 'aws-backup-resource' ? plan.source.resourceArn : ''}/${canary.key}`);
    expect(statements.flatMap((statement) => resourcesOfStatement(statement)).map((resource) => resource.replace('${AWS::Partition}', 'aws'))).toEqual(expected);
  });

  it('names the drill state machine as its ARN by name says', () => {
    expect(props(drillMachineId()).StateMachineName).toBe(`${synth.stack.stackName}-Drill-restore`);
    expect(JSON.stringify(drillMachineArnByName())).toContain(`:stateMachine:${synth.stack.stackName}-Drill-restore`);
  });

  it('lets only StartDrillRun, a runbook\'s start-drill step, a restore testing job\'s starter and the drill schedules start the drill state machine', () => {
    const starters: string[] = [];
    for (const [roleId, statements] of allRoleStatements()) {
      for (const statement of withAction(statements, 'states:StartExecution')) {
        if (asList(statement.Resource).some(isDrillMachine)) starters.push(roleId);
      }
    }
    expect(starters.sort()).toEqual(
      [roleOfFunction('StartDrillRun'), roleOfFunction('StartDrillFromRunbook'), roleOfFunction('StartRestoreTestingDrill'), synth.logicalIdOf(synth.stack.drillSchedules.drillRole)].sort(),
    );
    // And those functions start nothing else.
    for (const name of ['StartDrillRun', 'StartDrillFromRunbook', 'StartRestoreTestingDrill']) {
      const started = withAction(statementsOf(roleOfFunction(name)), 'states:StartExecution').flatMap((statement) => asList(statement.Resource));
      expect(started).toEqual([drillMachineArnByName()]);
    }
  });

  it('grants Resource "*" only for the drill actions AWS supports no resource-level permission for', () => {
    const allowedAnywhere = new Set([
      'dynamodb:ListBackups',
      'backup:ListRecoveryPointsByResource',
      'backup:DescribeRestoreJob',
      'backup:DescribeProtectedResource',
      'backup:ListProtectedResources',
      'tag:GetResources',
      'backup:PutRestoreValidationResult',
    ]);
    // The estate's listing (coverage) has no resource type either; only functions declaring estate:list hold it.
    const estateListing = new Set(['backup:ListProtectedResources', 'dynamodb:ListTables']);
    // A function in the drill VPC: EC2 has no resource type for Lambda's look at its network interfaces and subnets.
    const networkLookups = new Set(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
    for (const spec of registry) {
      const listsEstate = (spec.permissions as readonly string[]).includes('estate:list');
      const inDrillVpc = spec.network === 'drill-vpc';
      for (const statement of statementsOf(roleOfFunction(spec.name))) {
        if (!asList(statement.Resource).includes('*')) continue;
        for (const action of asList(statement.Action)) expect(allowedAnywhere.has(action) || (listsEstate && estateListing.has(action)) || (inDrillVpc && networkLookups.has(action)), `${spec.name}: ${action}`).toBe(true);
      }
    }
  });
});

describe('cdk-nag (AwsSolutions), drills', () => {
  it('passes: the synth succeeded with no open finding', () => {
    const nag = synth.validationReport.pluginReports.find((report) => report.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
  });

  it("acknowledges the drill roles' wildcards only on the roles of functions that declare drills:* permissions, each with its reason", () => {
    const suppressed = synth.validationReport.pluginReports.flatMap((report) => report.suppressedViolations ?? []);
    const drillFunctionPaths = registry
      .filter((spec) => spec.permissions.some((permission) => permission.startsWith('drills:')))
      .map((spec) => `Irdr/Functions/${spec.name}/Role/`);
    const estateListingPaths = registry.filter((spec) => (spec.permissions as readonly string[]).includes('estate:list')).map((spec) => `Irdr/Functions/${spec.name}/Role/`);
    for (const violation of suppressed.filter((candidate) => candidate.ruleName.startsWith('AwsSolutions-IAM5'))) {
      for (const { constructPath } of violation.violatingConstructs) {
        if (!constructPath.startsWith('Irdr/Functions/')) continue;
        // The digest functions' wildcard is the digest prefix (stack.test.ts checks it).
        if (/Digests are named by the time/.test(violation.reason ?? '')) continue;
        // The evidence export functions' wildcard is their bucket's exports/ prefix, named by an id made at start (stack.test.ts checks it).
        if (/when the export starts/.test(violation.reason ?? '')) continue;
        // ChangeIncidentStatus stops a resolved incident's runbook execution, named by its state machine (stack.test.ts checks it).
        if (constructPath.startsWith('Irdr/Functions/ChangeIncidentStatus/Role/')) continue;
        // The estate's listing on the coverage functions' roles (stack.test.ts checks them).
        if (estateListingPaths.some((prefix) => constructPath.startsWith(prefix)) && /estate/i.test(violation.reason ?? '')) continue;
        expect(drillFunctionPaths.some((prefix) => constructPath.startsWith(prefix)), constructPath).toBe(true);
        expect(violation.reason, `${violation.ruleName} at ${constructPath}`).toMatch(/drill|backup|resource-level/i);
      }
    }
    const schedulerDlq = suppressed.filter((violation) => violation.ruleName === 'AwsSolutions-SQS3' && violation.violatingConstructs.some((c) => c.constructPath.startsWith('Irdr/DrillSchedules/')));
    expect(schedulerDlq).toHaveLength(1);
    expect(schedulerDlq[0]!.reason).toMatch(/dead-letter queue of the EventBridge Scheduler drill schedules/);
  });
});

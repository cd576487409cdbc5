import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { functionRegistry, type FunctionName } from '../../functions/registry.js';
import { CLOCK_FUNCTION, CLOCK_MISSED_METRIC_NAMES, DIGEST_REFUSED_HEADS_METRIC_NAME, DIGEST_WRITER_FUNCTION, DRILL_CLEANUP_ALERT_STATUSES, DRILL_CLEANUP_FUNCTION, DRILL_CLEANUP_STATUS_FIELD } from '../../lib/alarms.js';
import { DIGEST_REFUSED_HEADS_FIELD } from '../../functions/domain/evidence/digest.js';
import { CLOCK_MISSED_KIND_FIELD } from '../../functions/domain/clock.js';
import { drillStateMachineBlueprint, evidenceExportStateMachineBlueprint, reviewReminderStateMachineBlueprint, stateMachineBlueprints } from '../../workflows/catalog.js';
import { renderCfn, synthesizeIrdr, type SynthesizedIrdr, type TemplateResource } from './synthesized-app.js';

const blueprints = stateMachineBlueprints();
const drillBlueprint = drillStateMachineBlueprint();

let synth: SynthesizedIrdr;
beforeAll(() => {
  synth = synthesizeIrdr({ bundle: false });
});
afterAll(() => {
  if (synth) rmSync(synth.outdir, { recursive: true, force: true });
});

const resourcesOfType = (type: string): [string, TemplateResource][] =>
  Object.entries(synth.allResources).filter(([, resource]) => resource.Type === type);
const props = (logicalId: string): Record<string, any> => {
  const resource = synth.allResources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource.Properties ?? {};
};
const topicId = () => synth.logicalIdOf(synth.stack.alarms.topic);
const alarms = () => resourcesOfType('AWS::CloudWatch::Alarm');
/** The alarms watching one metric of one resource: a dimension whose value references that resource. */
const alarmsOn = (namespace: string, metricName: string, dimension: string, value: unknown) =>
  alarms().filter(
    ([, alarm]) =>
      alarm.Properties?.Namespace === namespace &&
      alarm.Properties?.MetricName === metricName &&
      ((alarm.Properties?.Dimensions ?? []) as { Name: string; Value: unknown }[]).some(
        (dimensionOf) => dimensionOf.Name === dimension && JSON.stringify(dimensionOf.Value) === JSON.stringify(value),
      ),
  );

/** Fires at 1 or more over one 5-minute period, missing data not breaching. */
const ONE_OR_MORE_IN_FIVE_MINUTES = {
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  EvaluationPeriods: 1,
  Period: 300,
  TreatMissingData: 'notBreaching',
};

describe('alerts topic', () => {
  it('is encrypted with its own rotating customer-managed key, which CloudWatch may use to publish', () => {
    const keyId = synth.logicalIdOf(synth.stack.alarms.topicKey);
    expect(props(topicId()).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(props(keyId).EnableKeyRotation).toBe(true);
    const statements = props(keyId).KeyPolicy.Statement as Record<string, any>[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('denies publishing without TLS, and lets only this account\'s irdr alarms publish', () => {
    const policies = resourcesOfType('AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0]!;
    expect(policy!.Properties!.Topics).toEqual([{ Ref: topicId() }]);
    const statements = (policy!.Properties!.PolicyDocument as { Statement: Record<string, any>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: topicId() },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topicId() } });
    expect(allows[0]!.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(renderCfn(allows[0]!.Condition.ArnLike['aws:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${synth.stack.stackName}-*`,
    );
    // Every alarm's name falls under that pattern, or its notifications would be refused.
    for (const [, alarm] of alarms()) expect(alarm.Properties!.AlarmName).toMatch(new RegExp(`^${synth.stack.stackName}-`));
  });

  it('emails each configured alerts address', () => {
    const emails = irdrConfig.alerts?.emails ?? [];
    expect(emails.length).toBeGreaterThan(0);
    const subscriptions = resourcesOfType('AWS::SNS::Subscription').map(([, subscription]) => subscription.Properties!);
    expect(subscriptions).toHaveLength(emails.length);
    for (const email of emails) expect(subscriptions).toContainEqual({ Protocol: 'email', Endpoint: email, TopicArn: { Ref: topicId() } });
  });

  it('keeps the config backward compatible: `alerts` is optional, its addresses validated', () => {
    const { alerts, ...withoutAlerts } = structuredClone(irdrConfig) as IrdrConfig;
    void alerts;
    expect(IrdrConfig.parse(withoutAlerts).alerts).toBeUndefined();
    expect(IrdrConfig.parse({ ...withoutAlerts, alerts: {} }).alerts).toEqual({ emails: [] });
    const wrong = IrdrConfig.safeParse({ ...withoutAlerts, alerts: { emails: ['not-an-address'] } });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['alerts', 'emails', 0]);
  });
});

describe('alarms', () => {
  it('each notify the topic on ALARM and on OK, and say what to do', () => {
    expect(alarms().length).toBe(synth.stack.alarms.alarms.length);
    for (const [id, alarm] of alarms()) {
      const alarmProps = alarm.Properties!;
      expect(alarmProps.AlarmActions, id).toEqual([{ Ref: topicId() }]);
      expect(alarmProps.OKActions, id).toEqual([{ Ref: topicId() }]);
      expect(alarmProps.ActionsEnabled ?? true, id).toBe(true);
      const description = renderCfn(alarmProps.AlarmDescription);
      expect(description.length, id).toBeGreaterThan(100);
      expect(description.length, id).toBeLessThanOrEqual(1024);
    }
  });

  it('every runbook state machine, the drill, the review reminder and the evidence export state machine: ExecutionsFailed and ExecutionsTimedOut >= 1 in 5 minutes', () => {
    const machines = [
      ...blueprints.map((blueprint) => synth.stack.runbooks.byLogicalId.get(blueprint.logicalId)!),
      synth.stack.drill.stateMachine,
      synth.stack.reviewReminder.stateMachine,
      synth.stack.evidenceExport.stateMachine,
    ];
    expect(machines).toHaveLength(blueprints.length + 3);
    for (const machine of machines) {
      const arn = { Ref: synth.logicalIdOf(machine) };
      for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        const found = alarmsOn('AWS/States', metricName, 'StateMachineArn', arn);
        expect(found, `${machine.node.path} ${metricName}`).toHaveLength(1);
        expect(found[0]![1].Properties).toMatchObject({ ...ONE_OR_MORE_IN_FIVE_MINUTES, Statistic: 'Sum' });
      }
    }
    expect([...synth.stack.alarms.stateMachineAlarms.keys()].sort()).toEqual(
      [...blueprints.map((blueprint) => blueprint.logicalId), drillBlueprint.logicalId, reviewReminderStateMachineBlueprint().logicalId, evidenceExportStateMachineBlueprint().logicalId].sort(),
    );
  });

  it('every function in the registry: Errors >= 1 in 5 minutes of its own, Throttles >= 1 summed over at most ten functions', () => {
    expect(synth.stack.alarms.functionAlarms.size).toBe(functionRegistry.length);
    type MetricQuery = { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string } };
    const throttleAlarms = alarms().filter(([, alarm]) => (alarm.Properties?.Metrics as MetricQuery[] | undefined)?.some((query) => query.MetricStat?.Metric.MetricName === 'Throttles'));
    for (const spec of functionRegistry) {
      const fn = { Ref: synth.logicalIdOf(synth.stack.functions.get(spec.name as FunctionName)) };
      const errors = alarmsOn('AWS/Lambda', 'Errors', 'FunctionName', fn);
      expect(errors, `${spec.name} Errors`).toHaveLength(1);
      expect(errors[0]![1].Properties).toMatchObject({ ...ONE_OR_MORE_IN_FIVE_MINUTES, Statistic: 'Sum' });
      const throttles = throttleAlarms.filter(([, alarm]) =>
        (alarm.Properties!.Metrics as MetricQuery[]).some((query) => query.MetricStat?.Metric.Dimensions.some((dimension) => dimension.Name === 'FunctionName' && JSON.stringify(dimension.Value) === JSON.stringify(fn))),
      );
      expect(throttles, `${spec.name} Throttles`).toHaveLength(1);
      const [, alarm] = throttles[0]!;
      expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      const queries = alarm.Properties!.Metrics as MetricQuery[];
      // One expression returned, the sum of every Throttles metric it reads (5-minute sums), at most ten.
      expect(queries.filter((query) => query.ReturnData !== false)).toEqual([expect.objectContaining({ Expression: 'SUM(METRICS())' })]);
      const read = queries.filter((query) => query.MetricStat);
      expect(read.length).toBeLessThanOrEqual(10);
      for (const query of read) expect(query.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/Lambda', MetricName: 'Throttles' }, Period: 300, Stat: 'Sum' });
      expect(alarm.Properties!.AlarmDescription as string).toContain(spec.name);
    }
  });

  it('every dead-letter queue in the template: ApproximateNumberOfMessagesVisible >= 1', () => {
    const queues = resourcesOfType('AWS::SQS::Queue');
    // The findings rule's queue, the drill schedules' and the digest schedule's, the asynchronously invoked functions' own,
    // and they are every queue there is.
    const expected = [
      ...synth.stack.eventRules.deadLetterQueues.values(),
      synth.stack.drillSchedules.deadLetterQueue,
      synth.stack.evidenceDigests.deadLetterQueue,
      synth.stack.compliancePlatforms.deadLetterQueue,
      ...synth.stack.functions.deadLetterQueues.values(),
    ].map((queue) => synth.logicalIdOf(queue));
    expect(queues.map(([id]) => id).sort()).toEqual([...expected].sort());
    for (const [queueId] of queues) {
      const found = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [queueId, 'QueueName'] });
      expect(found, queueId).toHaveLength(1);
      expect(found[0]![1].Properties).toMatchObject({ ...ONE_OR_MORE_IN_FIVE_MINUTES, Statistic: 'Maximum' });
    }
  });

  it('drill cleanup refused or given up: a metric filter on CleanUpDrill\'s log group, and an alarm on its metric', () => {
    const cleanUpDrill = synth.stack.functions.get(DRILL_CLEANUP_FUNCTION);
    const filters = resourcesOfType('AWS::Logs::MetricFilter').filter(
      ([, resource]) => JSON.stringify(resource.Properties?.LogGroupName) === JSON.stringify({ Ref: synth.logicalIdOf(cleanUpDrill.logGroup) }),
    );
    expect(filters).toHaveLength(1);
    const filter = filters[0]![1].Properties!;
    expect(filter.FilterPattern).toBe(
      `{ ${DRILL_CLEANUP_ALERT_STATUSES.map((status) => `($.${DRILL_CLEANUP_STATUS_FIELD} = "${status}")`).join(' || ')} }`,
    );
    expect(filter.FilterPattern).toBe('{ ($.cleanupStatus = "CLEANUP_REFUSED") || ($.cleanupStatus = "CLEANUP_FAILED") }');
    const [transformation] = filter.MetricTransformations as { MetricNamespace: string; MetricName: string; MetricValue: string }[];
    expect(transformation!.MetricValue).toBe('1');

    const found = alarms().filter(
      ([, alarm]) => alarm.Properties?.Namespace === transformation!.MetricNamespace && alarm.Properties?.MetricName === transformation!.MetricName,
    );
    expect(found).toHaveLength(1);
    expect(found[0]![1].Properties).toMatchObject({ ...ONE_OR_MORE_IN_FIVE_MINUTES, Statistic: 'Sum' });
    expect(synth.logicalIdOf(synth.stack.alarms.drillCleanupAlarm)).toBe(found[0]![0]);
  });

  it('a missed clock of a live incident (SLA breach, regulatory deadline): metric filters on TrackClock\'s log group, one alarm each', () => {
    const trackClock = synth.stack.functions.get(CLOCK_FUNCTION);
    const filters = resourcesOfType('AWS::Logs::MetricFilter').filter(
      ([, resource]) => JSON.stringify(resource.Properties?.LogGroupName) === JSON.stringify({ Ref: synth.logicalIdOf(trackClock.logGroup) }),
    );
    const patterns = filters.map(([, resource]) => resource.Properties!.FilterPattern).sort();
    expect(patterns).toEqual([
      `{ ($.${CLOCK_MISSED_KIND_FIELD} = "regulatory") && ($.exercise IS FALSE) }`,
      `{ ($.${CLOCK_MISSED_KIND_FIELD} = "sla") && ($.exercise IS FALSE) }`,
    ]);
    const topic = { Ref: synth.logicalIdOf(synth.stack.alarms.topic) };
    for (const [kind, metricName] of Object.entries(CLOCK_MISSED_METRIC_NAMES)) {
      const [, resource] = filters.find(([, candidate]) => String(candidate.Properties!.FilterPattern).includes(`"${kind}"`))!;
      const [transformation] = resource.Properties!.MetricTransformations as { MetricNamespace: string; MetricName: string; MetricValue: string }[];
      expect(transformation).toMatchObject({ MetricName: metricName, MetricValue: '1' });
      const found = alarms().filter(
        ([, alarm]) => alarm.Properties?.Namespace === transformation!.MetricNamespace && alarm.Properties?.MetricName === metricName,
      );
      expect(found, kind).toHaveLength(1);
      expect(found[0]![1].Properties).toMatchObject({ ...ONE_OR_MORE_IN_FIVE_MINUTES, Statistic: 'Sum', AlarmActions: [topic] });
      expect(synth.logicalIdOf(synth.stack.alarms.clockMissedAlarms[kind as keyof typeof CLOCK_MISSED_METRIC_NAMES])).toBe(found[0]![0]);
    }
  });

  it('a digest that refused heads (a trail rewritten, truncated or deleted since the last digest): metric filter on WriteEvidenceDigest\'s log group counting them, one alarm', () => {
    const writer = synth.stack.functions.get(DIGEST_WRITER_FUNCTION);
    const filters = resourcesOfType('AWS::Logs::MetricFilter').filter(
      ([, resource]) => JSON.stringify(resource.Properties?.LogGroupName) === JSON.stringify({ Ref: synth.logicalIdOf(writer.logGroup) }),
    );
    expect(filters.map(([, resource]) => resource.Properties!.FilterPattern)).toEqual([`{ $.${DIGEST_REFUSED_HEADS_FIELD} > 0 }`]);
    const [transformation] = filters[0]![1].Properties!.MetricTransformations as { MetricNamespace: string; MetricName: string; MetricValue: string }[];
    expect(transformation).toMatchObject({ MetricName: DIGEST_REFUSED_HEADS_METRIC_NAME, MetricValue: `$.${DIGEST_REFUSED_HEADS_FIELD}` });
    const found = alarms().filter(([, alarm]) => alarm.Properties?.Namespace === transformation!.MetricNamespace && alarm.Properties?.MetricName === DIGEST_REFUSED_HEADS_METRIC_NAME);
    expect(found).toHaveLength(1);
    expect(found[0]![1].Properties).toMatchObject({ ...ONE_OR_MORE_IN_FIVE_MINUTES, Statistic: 'Sum', AlarmActions: [{ Ref: synth.logicalIdOf(synth.stack.alarms.topic) }] });
    expect(synth.logicalIdOf(synth.stack.alarms.digestRefusedHeadsAlarm)).toBe(found[0]![0]);
  });

  it('SES reputation: bounce rate >= 5 % and complaint rate >= 0.1 %', () => {
    const bounce = alarms().filter(([, alarm]) => alarm.Properties?.Namespace === 'AWS/SES' && alarm.Properties?.MetricName === 'Reputation.BounceRate');
    const complaint = alarms().filter(([, alarm]) => alarm.Properties?.Namespace === 'AWS/SES' && alarm.Properties?.MetricName === 'Reputation.ComplaintRate');
    expect(bounce.map(([, alarm]) => alarm.Properties!.Threshold)).toEqual([0.05]);
    expect(complaint.map(([, alarm]) => alarm.Properties!.Threshold)).toEqual([0.001]);
  });

  it('a failed backup job of the evidence table: NumberOfBackupJobsFailed of its vault >= 1, whatever other dimensions the series has', () => {
    const alarm = props(synth.logicalIdOf(synth.stack.alarms.evidenceBackupAlarm));
    const { Period, ...threshold } = ONE_OR_MORE_IN_FIVE_MINUTES;
    expect(alarm).toMatchObject(threshold);
    expect(alarm.Metrics).toEqual([
      expect.objectContaining({
        Id: expect.any(String),
        Period,
        ReturnData: true,
        Expression: {
          'Fn::Join': [
            '',
            [
              `SELECT SUM(NumberOfBackupJobsFailed) FROM "AWS/Backup" WHERE BackupVaultName = '`,
              { 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.evidenceBackups.vault), 'BackupVaultName'] },
              `'`,
            ],
          ],
        },
      }),
    ]);
  });

  it('are exactly these: two per state machine, Errors per function, Throttles per ten API or other functions, one per dead-letter queue, drill cleanup, missed clocks x2, refused digest heads, backups, SES x2', () => {
    const api = synth.stack.functions.reservedConcurrency.size;
    const throttleGroups = Math.ceil(api / 10) + Math.ceil((functionRegistry.length - api) / 10);
    const expected = 2 * (blueprints.length + 3) + functionRegistry.length + throttleGroups + resourcesOfType('AWS::SQS::Queue').length + 1 + 2 + 1 + 1 + 2;
    expect(alarms()).toHaveLength(expected);
  });
});

describe('cdk-nag', () => {
  it('passes AwsSolutions with nothing unacknowledged, and nothing acknowledged on the alarms, topic or its key', () => {
    const nag = synth.validationReport.pluginReports.find((report) => report.pluginName === 'AwsSolutions')!;
    expect(nag.violations).toEqual([]);
    expect(nag.conclusion).toBe('success');
    const alarmsPath = synth.stack.alarms.node.path;
    const suppressedHere = (nag.suppressedViolations ?? []).filter((violation) =>
      violation.violatingConstructs.some((construct) => construct.constructPath.startsWith(`${alarmsPath}/`)),
    );
    expect(suppressedHere).toEqual([]);
  });
});

import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CLOCK_MISSED_KIND_FIELD, type ClockKind } from '../functions/domain/clock.js';
import { DIGEST_REFUSED_HEADS_FIELD } from '../functions/domain/evidence/digest.js';
import type { FunctionName } from '../functions/registry.js';
import type { EvidenceBackups } from './evidence-backups.js';
import type { EvidenceDigests } from './evidence-digests.js';
import type { DrillSchedules } from './drill-schedules.js';
import type { IrdrEventRules } from './event-rules.js';
import type { IrdrFunctions } from './functions.js';

/** The function whose log group the drill-cleanup metric filter reads. */
export const DRILL_CLEANUP_FUNCTION: FunctionName = 'CleanUpDrill';

/** The JSON field of CleanUpDrill's structured log line that carries the cleanup's end state (CleanupStep.status). */
export const DRILL_CLEANUP_STATUS_FIELD = 'cleanupStatus';
/** Cleanup end states a person must act on: the restored table may still exist. */
export const DRILL_CLEANUP_ALERT_STATUSES = ['CLEANUP_REFUSED', 'CLEANUP_FAILED'] as const;
/** The custom metric the filter publishes (namespace `irdr/<stack name>`). */
export const DRILL_CLEANUP_METRIC_NAME = 'DrillCleanupNotDone';

/** The function whose log group the missed-clock metric filters read (its `clock missed` line, CLOCK_MISSED_KIND_FIELD). */
export const CLOCK_FUNCTION: FunctionName = 'TrackClock';
/** Custom metrics of live (non-exercise) missed clocks: the acknowledgement SLA, and the regulatory deadlines. */
export const CLOCK_MISSED_METRIC_NAMES = { sla: 'SlaBreached', regulatory: 'RegulatoryClockMissed' } as const satisfies Record<ClockKind, string>;

/** The function whose log group the refused-digest-heads metric filter reads (DIGEST_REFUSED_HEADS_FIELD). */
export const DIGEST_WRITER_FUNCTION: FunctionName = 'WriteEvidenceDigest';
/** Custom metric: trails whose head no longer extends the last digest's (rewritten, truncated or deleted). */
export const DIGEST_REFUSED_HEADS_METRIC_NAME = 'EvidenceDigestRefusedHeads';

/** Every alarm evaluates one 5-minute period and fires at 1 or more. */
const PERIOD = Duration.minutes(5);
/** CloudWatch: an alarm on a metric math expression reads at most 10 metrics. */
const MAX_METRICS_PER_ALARM = 10;

export interface IrdrAlarmsProps {
  /** The stack the alarms watch: its name prefixes every alarm and names the custom metrics' namespace. */
  readonly stackName: string;
  /** Who gets the alerts (config `alerts.emails`): one email subscription each. */
  readonly emails: readonly string[];
  /** The runbook state machines, by blueprint logicalId. */
  readonly runbookStateMachines: ReadonlyMap<string, IStateMachine>;
  /** The one restore drill state machine, with its blueprint logicalId. */
  readonly drill: { readonly logicalId: string; readonly stateMachine: IStateMachine };
  /** The post-incident review reminder state machine, with its blueprint logicalId. */
  readonly reviewReminder: { readonly logicalId: string; readonly stateMachine: IStateMachine };
  /** The asynchronous evidence export state machine, with its blueprint logicalId. */
  readonly evidenceExport: { readonly logicalId: string; readonly stateMachine: IStateMachine };
  /** Every Lambda function of the stack. */
  readonly functions: IrdrFunctions;
  /** The EventBridge rules (the findings rule) and their dead-letter queues. */
  readonly eventRules: IrdrEventRules;
  /** The drill schedules and their dead-letter queue. */
  readonly drillSchedules: DrillSchedules;
  /** The daily digest schedule's dead-letter queue. */
  readonly evidenceDigests: EvidenceDigests;
  /** The evidence table's AWS Backup vault. */
  readonly evidenceBackups: EvidenceBackups;
  /** The hourly compliance push schedule's dead-letter queue. */
  readonly compliancePushDeadLetters: IQueue;
}

/** The two alarms of one state machine. */
export interface StateMachineAlarms {
  readonly failed: Alarm;
  readonly timedOut: Alarm;
}

/** The two alarms of one function. */
export interface FunctionAlarms {
  readonly errors: Alarm;
  readonly throttles: Alarm;
}

/**
 * Operational alarms, each to one KMS-encrypted, TLS-only SNS topic that emails the on-call addresses
 * (on ALARM and back to OK): failed and timed-out executions of every state machine, errors and throttles of every
 * function, messages in every dead-letter queue, drill cleanups refused or given up, failed backups of the evidence table,
 * and SES sending reputation.
 */
export class IrdrAlarms extends Construct {
  public readonly topic: Topic;
  /** Encrypts the topic's messages; CloudWatch may use it to publish, nothing else is granted. */
  public readonly topicKey: Key;
  /** By state machine logicalId (the runbooks' blueprint ids, the drill's and the review reminder's). */
  public readonly stateMachineAlarms: ReadonlyMap<string, StateMachineAlarms>;
  public readonly functionAlarms: ReadonlyMap<FunctionName, FunctionAlarms>;
  /**
   * By queue: `findings:<rule name>` for each EventBridge rule's queue, `drill-schedules` and `evidence-digests` for the
   * Scheduler ones, `function:<name>` for each function's own (its failed asynchronous invocations).
   */
  public readonly deadLetterQueueAlarms: ReadonlyMap<string, Alarm>;
  /** Counts CleanUpDrill log lines whose `cleanupStatus` is CLEANUP_REFUSED or CLEANUP_FAILED. */
  public readonly drillCleanupMetricFilter: MetricFilter;
  public readonly drillCleanupAlarm: Alarm;
  /** By clock kind: counts TrackClock's `clock missed` lines of live incidents. */
  public readonly clockMissedMetricFilters: Readonly<Record<ClockKind, MetricFilter>>;
  /** `sla`: an incident was not acknowledged in time (SLA_BREACHED); `regulatory`: a legal deadline passed. */
  public readonly clockMissedAlarms: Readonly<Record<ClockKind, Alarm>>;
  /** Counts the heads WriteEvidenceDigest refused (DIGEST_REFUSED_HEADS_FIELD of its log line). */
  public readonly digestRefusedHeadsMetricFilter: MetricFilter;
  /** A trail no longer extends the head the last digest recorded: someone rewrote, truncated or deleted evidence. */
  public readonly digestRefusedHeadsAlarm: Alarm;
  /** A backup job of the evidence table failed (AWS/Backup NumberOfBackupJobsFailed of its vault, by Metrics Insights). */
  public readonly evidenceBackupAlarm: Alarm;
  /** Account-wide SES reputation (bounce and complaint rates): SES pauses sending for the whole account past its limits. */
  public readonly sesAlarms: { readonly bounceRate: Alarm; readonly complaintRate: Alarm };
  /** Every alarm above. */
  public readonly alarms: readonly Alarm[];

  private readonly action: SnsAction;
  private readonly namePrefix: string;
  private readonly created: Alarm[] = [];

  constructor(scope: Construct, id: string, props: IrdrAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.namePrefix = props.stackName;

    this.topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the irdr operational alerts topic (CloudWatch alarm notifications)',
      enableKeyRotation: true,
      // It protects only notifications in flight: nothing encrypted with it outlives the topic.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch encrypts the alarm notification with the topic's key: it needs these two on the key
    // (AWS: "Enable compatibility between event sources from AWS services and encrypted topics").
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToAlertsTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: `${props.stackName} operational alerts`,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // The topic policy enforceSSL creates replaces SNS's default one: allow this account's alarms to publish.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${this.namePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);

    const stateMachineAlarms = new Map<string, StateMachineAlarms>();
    for (const [logicalId, stateMachine] of props.runbookStateMachines) {
      stateMachineAlarms.set(logicalId, this.runbookAlarms(logicalId, stateMachine));
    }
    stateMachineAlarms.set(props.drill.logicalId, this.drillAlarms(props.drill.logicalId, props.drill.stateMachine));
    stateMachineAlarms.set(props.reviewReminder.logicalId, this.reviewReminderAlarms(props.reviewReminder.logicalId, props.reviewReminder.stateMachine));
    stateMachineAlarms.set(props.evidenceExport.logicalId, this.evidenceExportAlarms(props.evidenceExport.logicalId, props.evidenceExport.stateMachine));
    this.stateMachineAlarms = stateMachineAlarms;

    const throttles = this.throttlesAlarms(props.functions);
    const functionAlarms = new Map<FunctionName, FunctionAlarms>();
    for (const [name, fn] of props.functions.byName) {
      const logs = fn.logGroup.logGroupName;
      functionAlarms.set(name, {
        errors: this.alarm(`Function-${name}-Errors`, fn.metricErrors({ period: PERIOD }), [
          `The irdr Lambda function ${name} returned errors (Errors >= 1 in 5 minutes).`,
          `Read its ERROR lines (Powertools JSON) in log group `,
          logs,
          `. A failed task fails or retries its state machine step (see the ExecutionsFailed alarms); an API caller got a 5xx and may retry with the same Idempotency-Key.`,
        ]),
        throttles: throttles.get(name)!,
      });
    }
    this.functionAlarms = functionAlarms;

    const queueAlarms = new Map<string, Alarm>();
    for (const [rule, queue] of props.eventRules.deadLetterQueues) {
      queueAlarms.set(
        `findings:${rule}`,
        this.queueAlarm(`DeadLetters-${rule}`, queue, [
          `EventBridge rule ${rule} could not deliver an event to its irdr function after all retries (8 over 2 hours): a finding may not have opened an incident.`,
          ` Receive the messages from SQS queue `,
          queue.queueName,
          ` (each is the original event), fix the cause (the function's Errors alarm and logs), then open the incident by hand (POST /incidents) and delete the message.`,
        ]),
      );
    }
    queueAlarms.set(
      'drill-schedules',
      this.queueAlarm('DeadLetters-DrillSchedules', props.drillSchedules.deadLetterQueue, [
        `EventBridge Scheduler could not start a scheduled restore drill after its retries: a planned drill did not run.`,
        ` Receive the messages from SQS queue `,
        props.drillSchedules.deadLetterQueue.queueName,
        ` (the input names the planId), fix the cause (StartExecution denied, state machine missing or throttled), run the drill by hand (irdr drills run <planId> --state-machine-arn <drill ARN>) and delete the message.`,
      ]),
    );
    queueAlarms.set(
      'evidence-digests',
      this.queueAlarm('DeadLetters-EvidenceDigests', props.evidenceDigests.deadLetterQueue, [
        `EventBridge Scheduler could not invoke WriteEvidenceDigest after its retries: no digest was written today, so a trail's tail is not yet protected.`,
        ` Fix the cause (the function's Errors alarm and logs), write one now (irdr evidence digest --digests <EvidenceDigestStore output>), then receive and delete the messages from SQS queue `,
        props.evidenceDigests.deadLetterQueue.queueName,
        `.`,
      ]),
    );
    queueAlarms.set(
      'compliance-push',
      this.queueAlarm('DeadLetters-CompliancePush', props.compliancePushDeadLetters, [
        `EventBridge Scheduler could not invoke PushComplianceEvidence: queued pushes to Vanta/Drata were not retried that hour (the next hour tries again).`,
        ` Fix the cause (the invoke denied or throttled), then receive and delete the messages from SQS queue `,
        props.compliancePushDeadLetters.queueName,
        `.`,
      ]),
    );
    for (const [name, queue] of props.functions.deadLetterQueues) {
      queueAlarms.set(
        `function:${name}`,
        this.queueAlarm(`DeadLetters-Function-${name}`, queue, [
          `Lambda gave up on an asynchronous invocation of the irdr function ${name} (from its EventBridge rule or schedule) after its own retries: what that event asked for was not done.`,
          ` Receive the messages from SQS queue `,
          queue.queueName,
          ` (each is the original event), find why in the function's Errors alarm and its logs, fix the cause, then replay each event (aws lambda invoke --function-name `,
          props.functions.get(name).functionName,
          ` --payload <message body>) and delete the message.`,
        ]),
      );
    }
    this.deadLetterQueueAlarms = queueAlarms;

    const cleanupLogs: ILogGroup = props.functions.get(DRILL_CLEANUP_FUNCTION).logGroup;
    const namespace = `irdr/${props.stackName}`;
    this.drillCleanupMetricFilter = new MetricFilter(this, 'DrillCleanupNotDone', {
      logGroup: cleanupLogs,
      filterPattern: FilterPattern.any(
        ...DRILL_CLEANUP_ALERT_STATUSES.map((status) => FilterPattern.stringValue(`$.${DRILL_CLEANUP_STATUS_FIELD}`, '=', status)),
      ),
      metricNamespace: namespace,
      metricName: DRILL_CLEANUP_METRIC_NAME,
      metricValue: '1',
    });
    this.drillCleanupAlarm = this.alarm('Drill-CleanupNotDone', this.drillCleanupMetricFilter.metric({ period: PERIOD, statistic: 'Sum' }), [
      `A restore drill's cleanup refused to delete its restored table (not the drill prefix or not this run's tag) or gave up after 24 hours:`,
      ` a restored copy of the source data may still exist. The plan's people got a drill.alert email naming the table; GET /drill-runs/<runId> shows the cleanup.`,
      ` Check that table (irdr-drill-*), delete it by hand if it is the drill's, and record what you did on the run. Log group: `,
      cleanupLogs.logGroupName,
    ]);

    const clockLogs: ILogGroup = props.functions.get(CLOCK_FUNCTION).logGroup;
    const clockFilter = (kind: ClockKind): MetricFilter =>
      new MetricFilter(this, CLOCK_MISSED_METRIC_NAMES[kind], {
        logGroup: clockLogs,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue(`$.${CLOCK_MISSED_KIND_FIELD}`, '=', kind),
          FilterPattern.booleanValue('$.exercise', false),
        ),
        metricNamespace: namespace,
        metricName: CLOCK_MISSED_METRIC_NAMES[kind],
        metricValue: '1',
      });
    this.clockMissedMetricFilters = { sla: clockFilter('sla'), regulatory: clockFilter('regulatory') };
    const clockMetric = (kind: ClockKind): IMetric => this.clockMissedMetricFilters[kind].metric({ period: PERIOD, statistic: 'Sum' });
    this.clockMissedAlarms = {
      sla: this.alarm('Incident-SlaBreached', clockMetric('sla'), [
        `An incident was not acknowledged within its severity's SLA (config sla; one hour for SEV1/SEV2): the runbook recorded sla.breached and escalated.`,
        ` GET /incidents?status=open shows it; acknowledge it (POST /incidents/<id>/acknowledge) and find out why the escalation emails were not acted on. Log group: `,
        clockLogs.logGroupName,
      ]),
      regulatory: this.alarm('Incident-RegulatoryClockMissed', clockMetric('regulatory'), [
        `A regulatory clock of an incident passed its deadline unmet (GDPR 72 h, NIS2, DORA or SEC 8-K): the runbook recorded clock.missed.`,
        ` GET /incidents/<id> names the clock and its deadline; notify the authority now and record the delay's reasons. Log group: `,
        clockLogs.logGroupName,
      ]),
    };

    const digestLogs: ILogGroup = props.functions.get(DIGEST_WRITER_FUNCTION).logGroup;
    this.digestRefusedHeadsMetricFilter = new MetricFilter(this, DIGEST_REFUSED_HEADS_METRIC_NAME, {
      logGroup: digestLogs,
      filterPattern: FilterPattern.numberValue(`$.${DIGEST_REFUSED_HEADS_FIELD}`, '>', 0),
      metricNamespace: namespace,
      metricName: DIGEST_REFUSED_HEADS_METRIC_NAME,
      metricValue: `$.${DIGEST_REFUSED_HEADS_FIELD}`,
    });
    this.digestRefusedHeadsAlarm = this.alarm(
      'Evidence-DigestRefusedHeads',
      this.digestRefusedHeadsMetricFilter.metric({ period: PERIOD, statistic: 'Sum' }),
      [
        `The evidence digest writer found trails whose events no longer extend the head the previous write-once digest recorded:`,
        ` someone with write access to the table rewrote, truncated or deleted evidence since. The digest kept the recorded heads (the rewrite is not absorbed)`,
        ` and lists the trails under "refused". Run irdr evidence verify for the period, find who wrote those items (CloudTrail data events of the table),`,
        ` and restore them from point-in-time recovery or AWS Backup. Log group: `,
        digestLogs.logGroupName,
      ],
    );

    const vaultName = props.evidenceBackups.vault.backupVaultName;
    this.evidenceBackupAlarm = this.alarm(
      'Backup-EvidenceJobFailed',
      // A Metrics Insights query, not a Metric: it matches the vault's series whatever other dimensions (ResourceType) AWS Backup adds.
      new MathExpression({
        expression: `SELECT SUM(NumberOfBackupJobsFailed) FROM "AWS/Backup" WHERE BackupVaultName = '${vaultName}'`,
        label: 'Failed backup jobs of the evidence vault',
        period: PERIOD,
      }),
      [
        `An AWS Backup job of the irdr evidence table failed: today's daily (or this month's) recovery point is missing from vault `,
        vaultName,
        `. Point-in-time recovery still covers the last 35 days. In the AWS Backup console, open the failed job (its status message says why), fix the cause and start an on-demand backup of the table into that vault.`,
      ],
    );

    this.sesAlarms = {
      bounceRate: this.alarm(
        'Ses-BounceRate',
        new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: Duration.hours(1) }),
        [
          `The account's SES bounce rate reached 5% (AWS reviews the account at 5% and may pause sending at 10%, which stops every irdr email).`,
          ` Check the role and plan addresses in config/irdr.config.json and workflows/drills for dead addresses; this metric covers all SES sending in the account and region.`,
        ],
        0.05,
      ),
      complaintRate: this.alarm(
        'Ses-ComplaintRate',
        new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: Duration.hours(1) }),
        [
          `The account's SES complaint rate reached 0.1% (AWS reviews the account at 0.1% and may pause sending at 0.5%, which stops every irdr email).`,
          ` Find who marks the mail as spam (recipients outside the team?) and fix the recipient lists; this metric covers all SES sending in the account and region.`,
        ],
        0.001,
      ),
    };
    this.alarms = this.created;
  }

  private runbookAlarms(logicalId: string, stateMachine: IStateMachine): StateMachineAlarms {
    return {
      failed: this.alarm(`StateMachine-${logicalId}-Failed`, stateMachine.metricFailed({ period: PERIOD }), [
        `An execution of the irdr runbook state machine ${logicalId} failed (ExecutionsFailed >= 1 in 5 minutes): an incident's runbook stopped before its end.`,
        ` In the Step Functions console, open the FAILED execution of `,
        stateMachine.stateMachineArn,
        ` (its history names the failing state and error; inputs are not logged), fix the cause and carry on by hand; the incident's trail shows how far it got.`,
      ]),
      timedOut: this.alarm(`StateMachine-${logicalId}-TimedOut`, stateMachine.metricTimedOut({ period: PERIOD }), [
        `An execution of the irdr runbook state machine ${logicalId} timed out (ExecutionsTimedOut >= 1 in 5 minutes): an incident's runbook stopped before its end.`,
        ` Open the TIMED_OUT execution of `,
        stateMachine.stateMachineArn,
        ` in the Step Functions console, find the step that was waiting, and finish the incident's remaining steps by hand.`,
      ]),
    };
  }

  private drillAlarms(logicalId: string, stateMachine: IStateMachine): StateMachineAlarms {
    return {
      failed: this.alarm(`StateMachine-${logicalId}-Failed`, stateMachine.metricFailed({ period: PERIOD }), [
        `A restore drill failed (ExecutionsFailed >= 1 in 5 minutes): it did not meet its plan (DrillFailed: a check, RTO or RPO missed) or a step failed.`,
        ` Read the drill report email or GET /drill-runs/<runId> (each check with expected vs actual); a failed drill also opens the plan's failure runbook incident.`,
        ` Execution history: `,
        stateMachine.stateMachineArn,
      ]),
      timedOut: this.alarm(`StateMachine-${logicalId}-TimedOut`, stateMachine.metricTimedOut({ period: PERIOD }), [
        `A restore drill execution timed out (ExecutionsTimedOut >= 1 in 5 minutes): its cleanup may not have run, so a restored table (irdr-drill-*) may remain.`,
        ` Open the TIMED_OUT execution of `,
        stateMachine.stateMachineArn,
        `, check for the run's restored table and delete it by hand, then run the drill again.`,
      ]),
    };
  }

  private reviewReminderAlarms(logicalId: string, stateMachine: IStateMachine): StateMachineAlarms {
    return {
      failed: this.alarm(`StateMachine-${logicalId}-Failed`, stateMachine.metricFailed({ period: PERIOD }), [
        `A post-incident review reminder failed (ExecutionsFailed >= 1 in 5 minutes): the commanders may not have been reminded of an overdue review.`,
        ` Open the FAILED execution of `,
        stateMachine.stateMachineArn,
        ` (named review-<incidentId>), read RemindOverdueReview's logs, and check GET /incidents/<incidentId>/tasks: remind them by hand if review.post-incident is still open.`,
      ]),
      timedOut: this.alarm(`StateMachine-${logicalId}-TimedOut`, stateMachine.metricTimedOut({ period: PERIOD }), [
        `A post-incident review reminder timed out (ExecutionsTimedOut >= 1 in 5 minutes): its wait outlasted the execution timeout, so nobody was reminded.`,
        ` Open the TIMED_OUT execution of `,
        stateMachine.stateMachineArn,
        ` (named review-<incidentId>) and check GET /incidents/<incidentId>/tasks: remind the commanders by hand if review.post-incident is still open.`,
      ]),
    };
  }

  private evidenceExportAlarms(logicalId: string, stateMachine: IStateMachine): StateMachineAlarms {
    return {
      failed: this.alarm(`StateMachine-${logicalId}-Failed`, stateMachine.metricFailed({ period: PERIOD }), [
        `An evidence export failed (ExecutionsFailed >= 1 in 5 minutes): no zip or link was issued; GET /evidence/exports/<id> gives the recorded reason (none if the execution itself broke: then its period stays claimed until the 4-hour takeover).`,
        ` Open the FAILED execution of `,
        stateMachine.stateMachineArn,
        `, read RunEvidenceExport's logs, and ask the auditor to request the period again once the cause is fixed.`,
      ]),
      timedOut: this.alarm(`StateMachine-${logicalId}-TimedOut`, stateMachine.metricTimedOut({ period: PERIOD }), [
        `An evidence export timed out (ExecutionsTimedOut >= 1 in 5 minutes): no zip or link was issued for it.`,
        ` Open the TIMED_OUT execution of `,
        stateMachine.stateMachineArn,
        `, see which month's read was slow in RunEvidenceExport's logs, and request the period again (or in shorter periods).`,
      ]),
    };
  }

  private queueAlarm(name: string, queue: IQueue, description: readonly string[]): Alarm {
    return this.alarm(name, queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), description);
  }

  /**
   * Throttles of every function, summed ten at a time (the most metrics one CloudWatch alarm may read): the API
   * functions, which hit their own reserved concurrency, apart from the rest, which hit the account's. One alarm per
   * function would be ~50 of CloudFormation's 500 resources a stack; the description names each function it reads.
   */
  private throttlesAlarms(functions: IrdrFunctions): Map<FunctionName, Alarm> {
    const byName = new Map<FunctionName, Alarm>();
    const api = [...functions.byName.keys()].filter((name) => functions.reservedConcurrency.has(name)).sort();
    const others = [...functions.byName.keys()].filter((name) => !functions.reservedConcurrency.has(name)).sort();
    for (const [kind, names] of [['Api', api], ['Other', others]] as const) {
      for (let start = 0, group = 1; start < names.length; start += MAX_METRICS_PER_ALARM, group += 1) {
        const members = names.slice(start, start + MAX_METRICS_PER_ALARM);
        const usingMetrics = Object.fromEntries(members.map((name, index) => [`t${index}`, functions.byName.get(name)!.metricThrottles({ period: PERIOD })]));
        const sum = new MathExpression({ expression: 'SUM(METRICS())', usingMetrics, period: PERIOD, label: `Throttles of ${members.join(', ')}` });
        const alarm = this.alarm(`Functions-${kind}${group}-Throttles`, sum, throttlesDescription(members, kind === 'Api' ? functions.reservedConcurrency.get(members[0]!) : undefined));
        for (const name of members) byName.set(name, alarm);
      }
    }
    return byName;
  }

  /** An alarm at `threshold` or more over one period, missing data not breaching, notifying the topic on ALARM and OK. */
  private alarm(name: string, metric: IMetric, description: readonly string[], threshold = 1): Alarm {
    const alarm = new Alarm(this, name, {
      alarmName: `${this.namePrefix}-${name}`,
      alarmDescription: alarmDescription(name, description),
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.created.push(alarm);
    return alarm;
  }
}

/** What a Throttles alarm says: API functions ran into their own reserved concurrency, any other into the account's. */
function throttlesDescription(names: readonly FunctionName[], reservedConcurrency: number | undefined): string[] {
  const which = `one of the irdr functions ${names.join(', ')}`;
  if (reservedConcurrency !== undefined) {
    return [
      `Lambda throttled ${which} (Throttles >= 1 in 5 minutes, summed): an API function was running its reserved concurrency (${reservedConcurrency}) at once, so API callers got a 429/5xx and may retry.`,
      ` Find which in the alarm's metrics, and who called this much in the API's access logs (caller, routeKey); if legitimate, raise api.reservedConcurrencyPerFunction in config/irdr.config.json.`,
    ];
  }
  return [
    `Lambda throttled ${which} (Throttles >= 1 in 5 minutes, summed): the account's or region's concurrency limit was reached.`,
    ` Find which in the alarm's metrics; check ConcurrentExecutions for the account and what else is running; ask for a higher Lambda concurrency quota if irdr needs it.`,
    ` Step Functions retries throttled tasks; asynchronous invocations are retried by Lambda.`,
  ];
}

/** CloudWatch takes at most 1024 characters of description; leave room for the names tokens stand for. */
const MAX_DESCRIPTION_TEXT = 1024 - 200;

/** The description's parts (text, and tokens such as a log group name or ARN) as one string. */
function alarmDescription(name: string, parts: readonly string[]): string {
  const textLength = parts.filter((part) => !Token.isUnresolved(part)).join('').length;
  if (textLength > MAX_DESCRIPTION_TEXT) throw new Error(`alarm ${name}: description text is ${textLength} characters, over ${MAX_DESCRIPTION_TEXT}`);
  return parts.join('');
}

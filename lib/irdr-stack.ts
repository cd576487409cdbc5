import { CfnOutput, NestedStack, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { IrdrConfig } from '../functions/domain/config-schema.js';
import type { RolePrincipals } from '../functions/domain/roles.js';
import type { FunctionEnvironmentName, FunctionName, FunctionPermission, FunctionSpec } from '../functions/registry.js';
import type { DrillStateMachineBlueprint, EvidenceExportStateMachineBlueprint, ReviewReminderStateMachineBlueprint, StateMachineBlueprint } from '../workflows/catalog.js';
import type { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { VANTA_DEFAULT_API_URL } from '../functions/domain/compliance-platform/config.js';
import { CompliancePlatforms } from './compliance-platforms.js';
import { IrdrAlarms } from './alarms.js';
import { DRILL_DATA_PERMISSIONS, DrillGrants, flattenCfnReference } from './drill-grants.js';
import { DrillSchedules, WHY_CANARY_FAILURES_ARE_DROPPED } from './drill-schedules.js';
import { DrillRestoreTestingPlans } from './restore-testing-plans.js';
import { EvidenceBackups } from './evidence-backups.js';
import { EvidenceDigests } from './evidence-digests.js';
import { EvidenceExportBucket } from './evidence-export-bucket.js';
import { EvidenceSigningKey } from './evidence-signing-key.js';
import { COMPLIANCE_ENQUEUE_ACTIONS, COMPLIANCE_PUSH_ACTIONS, DeduplicationTable } from './deduplication-table.js';
import { EvidenceTable, isEvidenceWrite } from './evidence-table.js';
import { IrdrEventRules } from './event-rules.js';
import { bundledValuesOf, IrdrFunctions, sesSenderIdentityArns, type AsyncInvocationFailure } from './functions.js';
import { IrdrHttpApi } from './http-api.js';
import { ConsoleStack } from './console-stack.js';
import { LogEncryptionKey } from './log-encryption-key.js';
import { acknowledgeNist } from './nag.js';
import { BlueprintStateMachine, RunbookStateMachines, stateMachineName } from './runbook-state-machines.js';

/** The functions EventBridge Scheduler invokes: the daily digest writer and the drills' canary writer. */
const DIGEST_WRITER: FunctionName = 'WriteEvidenceDigest';
const CANARY_WRITER: FunctionName = 'WriteDrillCanary';
const WIRE_CANARY_WRITER: FunctionName = 'WriteDrillWireCanary';

export interface IrdrStackProps extends StackProps {
  /** Every Lambda function (in the app: functionRegistry). */
  readonly functionSpecs: readonly FunctionSpec[];
  /** Every state machine (in the app: stateMachineBlueprints()). */
  readonly blueprints: readonly StateMachineBlueprint[];
  /** The restore drill state machine (in the app: drillStateMachineBlueprint()). */
  readonly drillBlueprint: DrillStateMachineBlueprint;
  /** The post-incident review reminder state machine (in the app: reviewReminderStateMachineBlueprint()). */
  readonly reviewReminderBlueprint: ReviewReminderStateMachineBlueprint;
  /** The asynchronous evidence export state machine (in the app: evidenceExportStateMachineBlueprint()). */
  readonly evidenceExportBlueprint: EvidenceExportStateMachineBlueprint;
  /** Every drill plan (in the app: loadDrillPlans()): bundled into the drill functions, scheduled, and the scope of drills:* grants. */
  readonly drillPlans: readonly DrillPlan[];
  /** SES sender address: `mail:send` may send as this address only. */
  readonly mailFrom: string;
  /** Who acts in which role (in the app: from config/irdr.config.json): the handlers' ROLE_PRINCIPALS. */
  readonly rolePrincipals: RolePrincipals;
  /** The configuration EventBridge rule patterns read (in the app: config/irdr.config.json), e.g. finding severities. */
  readonly config: IrdrConfig;
  /**
   * What happens to the evidence table and its key when removed from the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly evidenceRemovalPolicy?: RemovalPolicy;
}

/** irdr in one stack: evidence table, functions, runbook and drill state machines, drill schedules and the HTTP API. */
/** Why the estate's listing is granted on `*`, for its cdk-nag acknowledgement. */
const WHY_ESTATE_LISTING_IS_ON_EVERY_RESOURCE =
  'Coverage of the estate lists what AWS Backup protects (backup:ListProtectedResources) and the account\'s DynamoDB ' +
  'tables (dynamodb:ListTables): the Service Authorization Reference gives neither action a resource type, so IAM takes ' +
  'only Resource "*" for them. Both list names and times; neither reads or changes data.';

export class IrdrStack extends Stack {
  public readonly evidence: EvidenceTable;
  /** Idempotency records and finding claims (TTL): what deduplicates requests and finding deliveries, kept out of the evidence table. */
  public readonly deduplication: DeduplicationTable;
  /** AWS Backup of the evidence table: daily and monthly recovery points in a vault nobody can delete from. */
  public readonly evidenceBackups: EvidenceBackups;
  public readonly functions: IrdrFunctions;
  public readonly runbooks: RunbookStateMachines;
  /** The one restore drill state machine every plan runs on. */
  public readonly drill: BlueprintStateMachine;
  /** Waits until a post-incident review is due, then has RemindOverdueReview remind the commanders if it is still open. */
  public readonly reviewReminder: BlueprintStateMachine;
  /** Each plan's schedule (starting the drill state machine) and its canary writer's schedule. */
  public readonly drillSchedules: DrillSchedules;
  public readonly restoreTestingPlans: DrillRestoreTestingPlans;
  /** The plans' drills:* permissions as least-privilege statements. */
  public readonly drillGrants: DrillGrants;
  public readonly httpApi: IrdrHttpApi;
  public readonly console: ConsoleStack;
  /** EventBridge rules the registry names (the security-findings rule), each targeting its function. */
  public readonly eventRules: IrdrEventRules;
  /** The key that signs emailed task links (HMAC-SHA256); only `links:sign` functions may read it. */
  public readonly taskLinkKey: Secret;
  /** Encrypts the task-link secret: reading it takes kms:Decrypt on this key too (through Secrets Manager only). */
  public readonly taskLinkKeyEncryptionKey: Key;
  /** The Slack app's bot token and signing secret (docs/slack.md); only `slack:post` functions may read it. */
  public readonly slackAppSecret: Secret;
  /** Write-once storage of the trail's chain heads (S3 Object Lock, compliance mode), written daily. */
  public readonly evidenceDigests: EvidenceDigests;
  /** Asynchronous exports of any period: months read in parallel, rendered, signed, zipped into the exports bucket. */
  public readonly evidenceExport: BlueprintStateMachine;
  public readonly evidenceExportBucket: EvidenceExportBucket;
  /** Signs the asynchronous exports' manifests: its one signer is RunEvidenceExport (GET /evidence's key has its own). */
  public readonly evidenceExportSigningKey: EvidenceSigningKey;
  /** Signs the manifests of exports served by GET /evidence. */
  public readonly evidenceSigningKey: EvidenceSigningKey;
  /** Operational alarms and the SNS topic they notify (config `alerts.emails`). */
  public readonly alarms: IrdrAlarms;
  /** The compliance platforms' credentials secret and the hourly push retry (docs/compliance-platforms.md). */
  public readonly compliancePlatforms: CompliancePlatforms;
  /** Encrypts every log group: functions, state machines, API access logs. */
  public readonly logEncryptionKey: LogEncryptionKey;

  constructor(scope: Construct, id: string, props: IrdrStackProps) {
    super(scope, id, props);

    this.evidence = new EvidenceTable(this, 'Evidence', { removalPolicy: props.evidenceRemovalPolicy });
    this.deduplication = new DeduplicationTable(this, 'Deduplication', { encryptionKey: this.evidence.encryptionKey, removalPolicy: props.evidenceRemovalPolicy });
    this.evidenceBackups = new EvidenceBackups(this, 'EvidenceBackups', {
      table: this.evidence.table,
      monthlyRetentionDays: props.config.evidence.digestRetentionDays,
      removalPolicy: props.evidenceRemovalPolicy,
    });
    // Retained like the log groups it encrypts.
    this.logEncryptionKey = new LogEncryptionKey(this, 'LogEncryption', { removalPolicy: props.evidenceRemovalPolicy });
    const logEncryptionKey = this.logEncryptionKey.key;
    const bundledValues = bundledValuesOf(props.blueprints, props.drillPlans);
    // EventBridge rules and Scheduler invoke Lambda asynchronously; everything else waits for the result.
    const asyncInvocations = new Map<FunctionName, AsyncInvocationFailure>([
      ...props.functionSpecs.filter((spec) => spec.eventRules?.length).map((spec) => [spec.name as FunctionName, 'dead-letter-queue'] as const),
      [DIGEST_WRITER, 'dead-letter-queue'],
      [CANARY_WRITER, { dropBecause: WHY_CANARY_FAILURES_ARE_DROPPED }],
      [WIRE_CANARY_WRITER, { dropBecause: WHY_CANARY_FAILURES_ARE_DROPPED }],
      // A signed-off record is queued (PUSH#PENDING) before its push is invoked: the hourly run pushes what a failed invoke left.
      ['PushComplianceEvidence', { dropBecause: 'each signed-off record is queued in the deduplication table before the push is invoked, and the hourly run retries every queued record' }],
    ]);
    this.functions = new IrdrFunctions(this, 'Functions', {
      specs: props.functionSpecs,
      serviceName: 'irdr',
      bundledValues,
      logEncryptionKey,
      apiReservedConcurrency: props.config.api.reservedConcurrencyPerFunction,
      asyncInvocations,
      ...(props.config.drills?.database?.validator && { drillValidatorNetwork: props.config.drills.database.validator }),
    });
    // State machines come after the functions they invoke, and before the API functions that start them.
    this.runbooks = new RunbookStateMachines(this, 'Runbooks', { blueprints: props.blueprints, functions: this.functions, logEncryptionKey });
    // Named, so the functions that start drills (a runbook's start-drill step among them) can name its ARN without a
    // reference: ransomware → StartDrillFromRunbook → drill → RecordDrillOutcome → runbooks would otherwise be a cycle.
    this.drill = new BlueprintStateMachine(this, props.drillBlueprint.logicalId, {
      blueprint: props.drillBlueprint,
      functions: this.functions,
      logEncryptionKey,
      stateMachineName: stateMachineName(this, props.drillBlueprint.logicalId),
    });
    // Started by ChangeIncidentStatus on resolve (a reference: nothing it invokes starts it, so no cycle).
    this.reviewReminder = new BlueprintStateMachine(this, props.reviewReminderBlueprint.logicalId, {
      blueprint: props.reviewReminderBlueprint,
      functions: this.functions,
      logEncryptionKey,
      stateMachineName: stateMachineName(this, props.reviewReminderBlueprint.logicalId),
    });
    this.drillGrants = new DrillGrants(this, props.drillPlans);
    this.drillSchedules = new DrillSchedules(this, 'DrillSchedules', {
      plans: props.drillPlans,
      stateMachine: this.drill.stateMachine,
      canaryWriter: this.functions.get(CANARY_WRITER),
      wireCanaryWriter: this.functions.get(WIRE_CANARY_WRITER),
    });
    // Plans restored through AWS Backup restore testing: AWS Backup fires them on their cron (no drill schedule above).
    this.restoreTestingPlans = new DrillRestoreTestingPlans(this, 'DrillRestoreTestingPlans', { plans: props.drillPlans });
    this.evidenceDigests = new EvidenceDigests(this, 'EvidenceDigests', {
      retentionDays: props.config.evidence.digestRetentionDays,
      writer: this.functions.get(DIGEST_WRITER),
      removalPolicy: props.evidenceRemovalPolicy,
    });
    this.evidenceSigningKey = new EvidenceSigningKey(this, 'EvidenceSigningKey', { removalPolicy: props.evidenceRemovalPolicy });
    // Started by EvidenceExports (a reference: nothing it invokes starts it, so no cycle).
    this.evidenceExport = new BlueprintStateMachine(this, props.evidenceExportBlueprint.logicalId, {
      blueprint: props.evidenceExportBlueprint,
      functions: this.functions,
      logEncryptionKey,
      stateMachineName: stateMachineName(this, props.evidenceExportBlueprint.logicalId),
    });
    this.evidenceExportBucket = new EvidenceExportBucket(this, 'EvidenceExports', { accessLogs: this.evidenceDigests.accessLogs });
    this.evidenceExportSigningKey = new EvidenceSigningKey(this, 'EvidenceExportSigningKey', {
      description: 'irdr: signs the manifests of asynchronous evidence exports (Ed25519)',
      removalPolicy: props.evidenceRemovalPolicy,
    });
    this.eventRules = new IrdrEventRules(this, 'EventRules', { specs: props.functionSpecs, functions: this.functions, config: props.config });

    this.taskLinkKeyEncryptionKey = new Key(this, 'TaskLinkKeyEncryption', {
      description: 'Encrypts the irdr task-link signing secret',
      enableKeyRotation: true,
      // It protects only the secret, which leaves the stack with it (links signed with it expire anyway).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskLinkKey = new Secret(this, 'TaskLinkKey', {
      description: 'irdr: HMAC-SHA256 key that signs the task links emailed to responders and approvers',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      encryptionKey: this.taskLinkKeyEncryptionKey,
    });
    const whyNoRotation =
      'The task-link HMAC key is not rotated automatically yet: links carry an expiry and are single-use, and ' +
      'verification already accepts a list of keys so a rotation (AWSPREVIOUS kept valid) can be added without a format change.';
    Validations.of(this.taskLinkKey).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: whyNoRotation });
    acknowledgeNist(this.taskLinkKey, 'SecretsManagerRotationEnabled', whyNoRotation);
    // Made with a placeholder token: the operator puts the app's bot token (and signing secret) in it (docs/slack.md).
    this.slackAppSecret = new Secret(this, 'SlackApp', {
      description: 'irdr: the Slack app bot token (chat:write, users:read, users:read.email) and signing secret, JSON {botToken, signingSecret}',
      generateSecretString: { secretStringTemplate: JSON.stringify({ botToken: 'xoxb-replace-me' }), generateStringKey: 'signingSecret', excludePunctuation: true },
      encryptionKey: this.taskLinkKeyEncryptionKey,
    });
    const whySlackNotRotated = 'Slack issues the bot token and signing secret; Secrets Manager cannot rotate them. The operator replaces them when Slack does.';
    Validations.of(this.slackAppSecret).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: whySlackNotRotated });
    acknowledgeNist(this.slackAppSecret, 'SecretsManagerRotationEnabled', whySlackNotRotated);

    // Before the functions' environment: links in emails point at this API.
    this.httpApi = new IrdrHttpApi(this, 'Http', {
      specs: props.functionSpecs,
      functions: this.functions,
      throttle: props.config.api.throttle,
      logEncryptionKey,
    });

    // The web console in a nested stack of its own: the main stack gains one resource, not forty (docs/console.md).
    this.console = new ConsoleStack(this, 'Console', { api: this.httpApi.api, rolePrincipals: props.rolePrincipals, federation: props.config.console?.federation });

    this.compliancePlatforms = new CompliancePlatforms(this, 'CompliancePlatforms', { pusher: this.functions.get('PushComplianceEvidence') });
    const environmentValues: Record<FunctionEnvironmentName, string> = {
      TABLE_NAME: this.evidence.table.tableName,
      DEDUPLICATION_TABLE_NAME: this.deduplication.table.tableName,
      RUNBOOK_CATALOG: this.toJsonString(this.runbooks.catalog),
      ROLE_PRINCIPALS: JSON.stringify(props.rolePrincipals),
      // The console nested stack's output (no new resource here): only its signed-in users are named by their person.
      CONSOLE_IDENTITY_POOL_ID: this.console.identityPool.ref,
      TASK_LINK_SECRET_ID: this.taskLinkKey.secretArn,
      SLACK_SECRET_ID: this.slackAppSecret.secretArn,
      API_URL: this.httpApi.url,
      DRILL_STATE_MACHINE_ARN: this.drillStateMachineArn,
      EVIDENCE_DIGEST_STORE: this.evidenceDigests.storeUrl,
      EVIDENCE_SIGNING_KEY_ID: this.evidenceSigningKey.key.keyArn,
      EVIDENCE_DIGEST_SIGNING_KEY_ID: this.evidenceDigests.signingKey.key.keyArn,
      REVIEW_REMINDER_STATE_MACHINE_ARN: this.reviewReminder.stateMachine.stateMachineArn,
      COMPLIANCE_PLATFORMS_SECRET_ID: this.compliancePlatforms.credentials.secretArn,
      VANTA_API_URL: VANTA_DEFAULT_API_URL,
      // Never called unless Drata is configured (its regional host has no default: docs/compliance-platforms.md).
      DRATA_API_URL: props.config.compliancePlatforms?.drata?.apiUrl ?? 'https://drata-not-configured.invalid',
      COMPLIANCE_PUSH_FUNCTION_NAME: this.functions.get('PushComplianceEvidence').functionName,
      EVIDENCE_EXPORT_STATE_MACHINE_ARN: this.evidenceExport.stateMachine.stateMachineArn,
      EVIDENCE_EXPORT_BUCKET: this.evidenceExportBucket.bucket.bucketName,
      EVIDENCE_EXPORT_SIGNING_KEY_ID: this.evidenceExportSigningKey.key.keyArn,
    };
    for (const spec of props.functionSpecs) {
      const fn = this.functions.get(spec.name as FunctionName);
      for (const name of spec.environment) fn.addEnvironment(name, environmentValues[name]);
      this.grantDeclaredPermissions(spec, props.mailFrom);
    }

    // In a nested stack of their own: with ~100 alarms, topic and filters beside the functions, one stack would pass
    // CloudFormation's 500 resources; the nested stack takes what it watches as parameters (well under 200).
    const operations = new NestedStack(this, 'Operations', { description: 'irdr operational alarms, their metric filters and their SNS topic' });
    this.alarms = new IrdrAlarms(operations, 'Alarms', {
      stackName: this.stackName,
      emails: props.config.alerts?.emails ?? [],
      runbookStateMachines: this.runbooks.byLogicalId,
      drill: { logicalId: props.drillBlueprint.logicalId, stateMachine: this.drill.stateMachine },
      reviewReminder: { logicalId: props.reviewReminderBlueprint.logicalId, stateMachine: this.reviewReminder.stateMachine },
      evidenceExport: { logicalId: props.evidenceExportBlueprint.logicalId, stateMachine: this.evidenceExport.stateMachine },
      functions: this.functions,
      eventRules: this.eventRules,
      drillSchedules: this.drillSchedules,
      evidenceDigests: this.evidenceDigests,
      evidenceBackups: this.evidenceBackups,
      compliancePushDeadLetters: this.compliancePlatforms.deadLetterQueue,
    });

    new CfnOutput(this, 'ApiUrl', { description: 'HTTP API invoke URL (requests are SigV4-signed)', value: this.httpApi.url });
    new CfnOutput(this, 'TableName', { description: 'Evidence table', value: this.evidence.table.tableName });
    new CfnOutput(this, 'EvidenceDigestStore', { description: 'Write-once evidence digests (irdr evidence verify --digests)', value: this.evidenceDigests.storeUrl });
    new CfnOutput(this, 'EvidenceDigestSigningKeyArn', {
      description: 'KMS key that signs the evidence digests: irdr evidence verify --digest-public-key-file checks them against its public key (aws kms get-public-key)',
      value: this.evidenceDigests.signingKey.key.keyArn,
    });
    new CfnOutput(this, 'EvidenceDigestFunctionName', {
      description: 'The digest writer: irdr evidence digest --function <this> writes a digest now (only it may sign one)',
      value: this.functions.get('WriteEvidenceDigest').functionName,
    });
    new CfnOutput(this, 'CompliancePushFunctionName', {
      description: "The compliance push: irdr evidence push-again --function <this> makes a record's rejected Vanta/Drata pushes again",
      value: this.functions.get('PushComplianceEvidence').functionName,
    });
    new CfnOutput(this, 'EvidenceSigningKeyArn', {
      description: 'KMS key that signs GET /evidence manifests: give auditors its public key (aws kms get-public-key) to pin',
      value: this.evidenceSigningKey.key.keyArn,
    });
    new CfnOutput(this, 'EvidenceExportSigningKeyArn', {
      description: 'KMS key that signs the manifests of POST /evidence/exports: give auditors its public key (aws kms get-public-key) to pin',
      value: this.evidenceExportSigningKey.key.keyArn,
    });
    new CfnOutput(this, 'AlertsTopicArn', { description: 'SNS topic of the operational alarms (subscribe more endpoints here)', value: this.alarms.topic.topicArn });
    for (const [logicalId, stateMachine] of this.runbooks.byLogicalId) {
      new CfnOutput(this, `${logicalId.replace(/[^A-Za-z0-9]/g, '')}StateMachineArn`, {
        description: `State machine ${logicalId}`,
        value: stateMachine.stateMachineArn,
      });
    }
    new CfnOutput(this, `${props.drillBlueprint.logicalId.replace(/[^A-Za-z0-9]/g, '')}StateMachineArn`, {
      description: 'The restore drill state machine (start with {"planId": "<plan id>", "trigger": "cli"})',
      value: this.drill.stateMachine.stateMachineArn,
    });
  }

  /** Whether a plan holds an item count to the canary writer's counts of its source (baseline: counted). */
  private get countsSourcesAtKnownTimes(): boolean {
    return this.drillGrants.plans.some((plan) => plan.checks.some((check) => check.type === 'item-count' && check.baseline === 'counted'));
  }

  /** The drill state machine's ARN, by its fixed name (no reference to the resource; see BlueprintStateMachine.arnByName). */
  private get drillStateMachineArn(): string {
    if (!this.drill.arnByName) throw new Error('the drill state machine needs a fixed name');
    return this.drill.arnByName;
  }

  /** Turns a registry entry's permissions into grants on this stack's resources, and nothing more. */
  private grantDeclaredPermissions(spec: FunctionSpec, mailFrom: string): void {
    const fn = this.functions.get(spec.name as FunctionName);
    const declared = new Set<FunctionPermission>(spec.permissions);
    this.evidence.grantAccess(fn, { read: declared.has('table:read'), writes: spec.permissions.filter(isEvidenceWrite), indexes: spec.indexes ?? [] });
    if (declared.has('idempotency')) this.deduplication.grantIdempotencyRecords(fn);
    if (declared.has('findings:claim')) this.deduplication.grantFindingClaims(fn);
    if (declared.has('drills:keep-restore-wait')) this.deduplication.grantRestoreWaits(fn, 'keep');
    if (declared.has('drills:find-restore-wait')) this.deduplication.grantRestoreWaits(fn, 'read');
    // Counts of the source at known times: only where a plan holds an item count to one (baseline: counted).
    if (this.countsSourcesAtKnownTimes && declared.has('drills:canary')) this.deduplication.grantSourceCounts(fn, 'record');
    if (this.countsSourcesAtKnownTimes && declared.has('drills:read-data')) this.deduplication.grantSourceCounts(fn, 'read');
    if (declared.has('drills:end-restore-wait')) {
      // A restore wait is ended on the drill state machine alone (named ARN: no cycle), by success or failure.
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.drillStateMachineArn] }));
    }
    if (declared.has('compliance:push')) this.deduplication.grantCompliancePushes(fn, COMPLIANCE_PUSH_ACTIONS);
    if (declared.has('compliance:credentials')) this.compliancePlatforms.grantReadCredentials(fn);
    if (declared.has('compliance:enqueue')) {
      this.deduplication.grantCompliancePushes(fn, COMPLIANCE_ENQUEUE_ACTIONS);
      // The push function by its unqualified ARN only (grantInvoke would add every version and alias).
      fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.functions.get('PushComplianceEvidence').functionArn] }));
    }
    if (declared.has('runbooks:start')) {
      for (const stateMachine of this.runbooks.byLogicalId.values()) stateMachine.grantStartExecution(fn);
    }
    if (declared.has('runbooks:stop')) {
      // StopExecution on the runbooks' executions only (arn:…:execution:<runbook state machine name>:*), named without a reference.
      const executions = this.runbooks.arnsByName.map((arn) => `${arn.replace(':stateMachine:', ':execution:')}:*`);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StopExecution'], resources: executions }));
      for (const execution of executions) {
        Validations.of(fn.role!).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${flattenCfnReference(this.resolve(execution))}]`,
          reason: "Executions are named by their incident's id when they start: the grant covers the executions of one runbook state machine, to stop a resolved incident's run.",
        });
      }
    }
    if (declared.has('reviews:schedule-reminder')) this.reviewReminder.stateMachine.grantStartExecution(fn);
    if (declared.has('drills:start')) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.drillStateMachineArn] }));
    }
    for (const permission of DRILL_DATA_PERMISSIONS) {
      if (declared.has(permission)) this.drillGrants.grant(fn.role!, permission);
    }
    if (declared.has('runbooks:answer')) {
      // Decisions go to waiting runs with SendTaskSuccess only: no failure, heartbeat or any other state machine.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [...this.runbooks.arnsByName],
        }),
      );
    }
    if (declared.has('evidence:write-digests')) this.evidenceDigests.grantWrite(fn.role!);
    else if (declared.has('evidence:read-digests')) this.evidenceDigests.grantRead(fn.role!);
    if (declared.has('evidence:sign')) this.evidenceSigningKey.allowOnlySigner(fn.role!);
    if (declared.has('evidence-exports:sign')) this.evidenceExportSigningKey.allowOnlySigner(fn.role!);
    if (declared.has('evidence-exports:start')) this.evidenceExport.stateMachine.grantStartExecution(fn);
    if (declared.has('evidence-exports:write-files')) this.evidenceExportBucket.grantWriteFiles(fn.role!);
    if (declared.has('evidence-exports:link')) this.evidenceExportBucket.grantLinks(fn.role!);
    if (declared.has('evidence-exports:read-zips')) this.evidenceExportBucket.grantReadZips(fn.role!);
    if (declared.has('estate:list')) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['backup:ListProtectedResources', 'dynamodb:ListTables'], resources: ['*'] }));
      Validations.of(fn.role!).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: WHY_ESTATE_LISTING_IS_ON_EVERY_RESOURCE });
    }
    if (declared.has('slack:post')) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.slackAppSecret.secretArn] }));
    }
    if (declared.has('links:sign') || declared.has('slack:post')) {
      // Both secrets are encrypted with this key; Secrets Manager decrypts with the caller's permission, only through it.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.taskLinkKeyEncryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      );
    }
    if (declared.has('links:sign')) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.taskLinkKey.secretArn] }));
    }
    if (declared.has('mail:send')) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: sesSenderIdentityArns(this, mailFrom),
          conditions: { StringEquals: { 'ses:FromAddress': mailFrom } },
        }),
      );
    }
  }
}

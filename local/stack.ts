import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { irdrConfig } from '../functions/config.js';
import { requireKnownHolidayJurisdictions } from '../functions/domain/business-days.js';
import { rolePrincipalsFromConfig, withRolePrincipals } from '../functions/domain/roles.js';
import { NO_IDENTITY_POOL } from '../functions/domain/console-caller.js';
import { functionArnPlaceholder, functionRegistry } from '../functions/registry.js';
import type { RunbookCatalog } from '../functions/domain/incident.js';
import {
  catalogEntryOf,
  drillStateMachineBlueprint,
  reviewReminderStateMachineBlueprint,
  evidenceExportStateMachineBlueprint,
  stateMachineBlueprints,
  substitutePlaceholders,
  type StateMachineBlueprint,
} from '../workflows/catalog.js';
import type { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { drillScheduleSpecs } from '../workflows/drill-schedules.js';
import { EVIDENCE_DIGEST_SCHEDULE } from '../functions/domain/evidence/digest-schedule.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { publishedRunbooks } from '../workflows/published-runbooks.js';
import { DevTokens, devIdentities, devIdentityOnlyIn } from './dev-identities.js';
import { DynamoDbFaults, FunctionFaults } from './faults.js';
import { LocalEventBus, type BusEvent } from './eventbridge/event-bus.js';
import { startLocalEventBridgeApi } from './eventbridge/server.js';
import { eventRuleDefinition } from '../functions/event-rules.js';
import { createDeduplicationTableInput, createTableInput, deduplicationTimeToLiveInput } from './dynamodb/table-definition.js';
import { startDynamoDbWithRecovery, type SimulatedDuration } from './dynamodb/front.js';
import type { DynamoDbBackend } from './dynamodb/servers.js';
import { scaledRecoveryTiming } from './dynamodb/recovery-timing.js';
import { startLocalHttpApi, type HttpRouteBinding } from './http-api/server.js';
import { startLocalLambdaApi } from './lambda-api.js';
import { LocalLambdaRuntime } from './lambda-runtime.js';
import { startMailbox } from './mailbox.js';
import { startLocalRds } from './rds/index.js';
import type { RdsFaults } from './rds/rds-faults.js';
import { localSecretReader } from './rds/secret-reader.js';
import { randomKey, startLocalSecretsManager } from './secrets-manager.js';
import { startLocalKms } from './kms.js';
import { BackupClient } from '@aws-sdk/client-backup';
import { startLocalBackup } from './backup/service.js';
import { startLocalS3 } from './s3/server.js';
import { reviewPages } from './review/review-pages.js';
import { consolePages } from './console/console-pages.js';
import { startLocalScheduler, type LocalSchedule } from './scheduler/scheduler.js';
import { startLocalCompliancePlatforms, type LocalCompliancePlatforms } from './compliance-platforms/server.js';
import { CompliancePlatformCredentials } from '../functions/domain/compliance-platform/credentials.js';
import { COMPLIANCE_PUSH_SCHEDULE } from '../functions/domain/compliance-platform/push-plan.js';
import { localSlackWorkspace } from './slack/seed.js';
import { startLocalSlack, type RunningLocalSlack } from './slack/server.js';
import { localSlackCredentials } from './slack/credentials.js';
import {
  DEFAULT_DATA_DIR,
  localDigestPublicKeyPath,
  localDigestStoreUrl,
  resolveDataDir,
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_HOST,
  LOCAL_NAME_PREFIX,
  LOCAL_REGION,
  LOCAL_TABLE_NAME,
  LOCAL_DEDUPLICATION_TABLE_NAME,
  LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS,
  LOCAL_EVIDENCE_SIGNING_KEY_ALIAS,
  LOCAL_EVIDENCE_EXPORT_BUCKET,
  LOCAL_EVIDENCE_EXPORT_SIGNING_KEY_ALIAS,
  LOCAL_TASK_LINK_SECRET_NAME,
  LOCAL_SLACK_SECRET_NAME,
  LOCAL_DRILL_CANARY_WRITER_SECRET_NAME,
  LOCAL_DRILL_DATABASE_SECRET_NAME,
  LOCAL_COMPLIANCE_PLATFORMS_SECRET_NAME,
  localEnvironment,
  type LocalPorts,
} from './stack-config.js';
import { LocalStepFunctions } from './stepfunctions/service.js';
import { createLocalBucket } from './s3/local-bucket.js';

export interface LocalStackOptions {
  /** Port per service; 0 picks a free one (tests). */
  readonly ports: LocalPorts;
  readonly dynamodb?: DynamoDbBackend;
  /** Tests: with `dynamodb: 'local'`, a DynamoDB Local already running that other stacks share (a database of this one's own in it). */
  readonly sharedDynamoDbLocal?: { readonly endpoint: string; readonly database: string };
  /** Keep nothing on disk (tests); otherwise DynamoDB data persists under dataDir. */
  readonly inMemory?: boolean;
  readonly dataDir?: string;
  /** Local only: every Wait and timeout runs this many times faster. */
  readonly timeScale?: number;
  /** Schedules to run, each naming its target state machine by logical id (as the CDK construct does). */
  readonly schedules?: readonly LocalScheduleOf[];
  /** Powertools log level of the handlers (they log to this process's stdout). */
  readonly handlerLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  readonly log?: (line: string) => void;
  /** Port of the local Secrets Manager (only the handlers use it). @default 0, a free port */
  readonly secretsManagerPort?: number;
  /** Port of the EventBridge PutEvents API on the default bus (AWS_ENDPOINT_URL_EVENTBRIDGE). @default 0, a free port */
  readonly eventBridgePort?: number;
  /** Port of Lambda's Invoke API (AWS_ENDPOINT_URL_LAMBDA). @default 0, a free port */
  readonly lambdaPort?: number;
  /** Port of the AWS Backup API (AWS_ENDPOINT_URL_BACKUP). @default 0, a free port */
  readonly backupPort?: number;
  /** Port of the local Slack (its page, and the Web API under /api/ that SLACK_API_URL points at). @default 0, a free port */
  readonly slackPort?: number;
  /** Port of the local S3 (AWS_ENDPOINT_URL_S3). @default 0, a free port */
  readonly s3Port?: number;
  /** Ports of the local RDS (AWS_ENDPOINT_URL_RDS) and RDS Data API (AWS_ENDPOINT_URL_RDS_DATA). @default 0, free ports */
  readonly rdsPorts?: { readonly rds?: number; readonly rdsData?: number };
  /**
   * The local RDS in simulated time (divided by timeScale): how long a new or restored database stays `creating` after
   * its engine is up (@default 0), and how often engines are looked at for point-in-time backups (@default 1000 ms).
   */
  readonly rdsRecovery?: { readonly restoreDurationMs?: number; readonly backupIntervalMs?: number };
  /** The drill plans the drill functions see. @default the plans in workflows/drills */
  readonly drillPlans?: readonly DrillPlan[];
  /**
   * Run the plans' EventBridge Scheduler schedules (drills and canary writers) here, as AWS would.
   * Off by default: the example plans name demo tables that exist only once `irdr demo` has made them.
   */
  readonly drillSchedules?: boolean;
  /**
   * The local DynamoDB's backups and PITR, in simulated time (divided by timeScale like every other wait):
   * how long a restore stays CREATING, and how far LatestRestorableDateTime trails the clock (AWS: about 5 minutes).
   */
  readonly dynamodbRecovery?: { readonly restoreDuration?: SimulatedDuration; readonly backupDuration?: SimulatedDuration; readonly latestRestorableLagMs?: number };
  /**
   * Runs once the services are up and before any schedule fires: data the schedules' targets need (the demo's table),
   * so their first fire does not fail on its absence.
   */
  readonly seed?: (endpoints: { readonly dynamodb: string; readonly s3: string; readonly rds: string; readonly rdsData: string; readonly secretsManager: string }) => Promise<void>;
  /** Benchmarks: DynamoDB item calls report the capacity they consumed, for local/dynamodb-capacity-meter.ts to sum. @default false */
  readonly reportDynamoDbCapacity?: boolean;
}

/** A schedule whose target is a state machine's logical id, resolved to its local ARN at start. */
export type LocalScheduleOf = Omit<LocalSchedule, 'targetArn'> & { readonly targetLogicalId: string };

export interface DeployedStateMachine {
  readonly blueprint: StateMachineBlueprint;
  readonly stateMachineArn: string;
}

export interface RunningLocalStack {
  readonly urls: { readonly api: string; readonly stepFunctions: string; readonly dynamodb: string; readonly ses: string; readonly eventBridge: string; readonly s3: string; readonly backup: string };
  readonly tableName: string;
  /** Idempotency records and finding claims (DEDUPLICATION_TABLE_NAME of the handlers). */
  readonly deduplicationTableName: string;
  readonly stateMachines: readonly DeployedStateMachine[];
  /** The restore drill state machine (every plan runs on it). */
  readonly drillStateMachineArn: string;
  /** The post-incident review reminder state machine (one execution per review, named review-<incidentId>). */
  readonly reviewReminderStateMachineArn: string;
  /** AWS CLI / SDK variables that point at this stack. */
  readonly environment: Readonly<Record<string, string>>;
  readonly dynamodbBackend: DynamoDbBackend;
  /** Benchmarks: the backend's own port behind the front (calls there bypass the front's backups and PITR). */
  readonly dynamodbBackendEndpoint: string;
  /** How many item-write requests the local DynamoDB applied since the stack started (what a refused request must not add to). */
  itemWritesApplied(): number;
  /** Resolves when the local DynamoDB next applies an item write (what a test waiting on the table wakes on). */
  nextItemWrite(): Promise<void>;
  /** Resolves when a Step Functions execution of this stack leaves RUNNING (at once if it has, or is not this start's). */
  executionEnded(executionArn: string): Promise<void>;
  /** The local Secrets Manager's endpoint (AWS_ENDPOINT_URL_SECRETS_MANAGER of the handlers). */
  readonly secretsManagerEndpoint: string;
  /** The local RDS and Data API; `drillDatabaseSecretArn` holds the master credentials local drill databases are made with. */
  readonly rds: { readonly endpoint: string; readonly dataApiEndpoint: string; readonly drillDatabaseSecretArn: string };
  /**
   * Fault knobs: `mailbox.refuseSends(true)` makes SES answer every send with 503 until switched off; `dynamodb.set`
   * fails DynamoDB requests at a rate (throttling or internal errors); `functions.set` makes a handler throw or hang;
   * `stepFunctions.refuseStarts(true)` makes StartExecution answer ThrottlingException until switched off.
   */
  readonly faults: {
    readonly mailbox: { refuseSends(refuse: boolean): void };
    readonly dynamodb: DynamoDbFaults;
    readonly functions: FunctionFaults;
    readonly stepFunctions: { refuseStarts(refuse: boolean): void };
    /** `failRestores(true)`: restores end failed; `refuseDeletes(true)`: deletes answer as if the database were busy. */
    readonly rds: RdsFaults;
    /** `refuseCalls(true)`: every Slack Web API call answers 503 until switched off (a Slack outage). */
    readonly slack: { refuseCalls(refuse: boolean): void };
    /** `setClockAhead(ms)`: the local S3's clock runs ms ahead (a presigned link expires without waiting for it); 0 puts it back. */
    readonly s3: { setClockAhead(ms: number): void };
  };
  /**
   * The default event bus (there is no local EventBridge service): `deliver` hands an event to the targets
   * of every rule whose pattern (the one CDK deploys) matches it, `putEvents` wraps entries first.
   */
  readonly events: Pick<LocalEventBus, 'deliver' | 'putEvents' | 'deadLetters'>;
  /** The dev identities' bearer tokens, made at this start (also in `environment` as IRDR_TOKEN and IRDR_TOKEN_<NAME>). */
  readonly devTokens: DevTokens;
  /** The local Vanta and Drata (what they received; `faults.answerNext(429 | 500 | 400)` on each). */
  readonly compliancePlatforms: Pick<LocalCompliancePlatforms, 'vanta' | 'drata' | 'vantaUrl' | 'drataUrl'>;
  /** The local Slack (when the config has a `slack` section): its page, workspace, and `press` for tests. */
  readonly slack?: RunningLocalSlack;
  stop(): Promise<void>;
}

let stackRunningInThisProcess = false;

/**
 * Starts the local AWS: DynamoDB, SES, Step Functions running the compiled ASL, the HTTP API calling
 * the real handlers, and the scheduler. Handlers find the services only through AWS_ENDPOINT_URL_*.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  // The config schema checks a calendar's shape only (it is bundled into every function); that it exists, here.
  requireKnownHolidayJurisdictions(irdrConfig.businessCalendars);
  // Handlers keep their SDK clients for the life of the process, as in Lambda: one stack per process.
  if (stackRunningInThisProcess) throw new Error('a local stack is already running in this process; stop it first');
  stackRunningInThisProcess = true;
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.reverse()) await stopOne();
    stops.length = 0;
    stackRunningInThisProcess = false;
  };
  let ready = false;
  try {
    const backend = options.dynamodb ?? 'embedded';
    const dataDir = options.inMemory ? undefined : resolveDataDir(options.dataDir ?? DEFAULT_DATA_DIR);
    // The backend sits behind a front that adds what no emulator has: backups and point-in-time recovery.
    const timeScale = options.timeScale ?? 1;
    const dynamodbFaults = new DynamoDbFaults();
    const functionFaults = new FunctionFaults();
    const dynamodb = await startDynamoDbWithRecovery({
      backend,
      host: LOCAL_HOST,
      port: options.ports.dynamodb,
      dataDir: dataDir && join(dataDir, `dynamodb-${backend}`),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      log,
      faults: dynamodbFaults,
      reportConsumedCapacity: options.reportDynamoDbCapacity ?? false,
      ...scaledRecoveryTiming(options.dynamodbRecovery, timeScale),
      ...(options.sharedDynamoDbLocal && { sharedBackend: options.sharedDynamoDbLocal }),
    });
    stops.push(() => dynamodb.stop());
    log(`DynamoDB (${backend}) at ${dynamodb.endpoint}${dataDir ? `, data in ${dataDir}` : ', in memory'}`);

    const mailbox = await startMailbox(LOCAL_HOST, options.ports.ses);
    stops.push(() => mailbox.stop());

    // The task-link signing key: a random key made on first start, kept under the data dir (or in memory).
    const drillDatabaseCredentials = JSON.stringify({ username: 'postgres', password: randomKey() });
    const secretsManager = await startLocalSecretsManager({
      host: LOCAL_HOST,
      port: options.secretsManagerPort ?? 0,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      secrets: [
        { name: LOCAL_TASK_LINK_SECRET_NAME, description: 'HMAC-SHA256 key that signs emailed task links', generate: randomKey },
        { name: LOCAL_SLACK_SECRET_NAME, description: 'the Slack app bot token and signing secret (JSON), for the local Slack', generate: () => JSON.stringify({ botToken: `xoxb-local-${randomKey()}`, signingSecret: randomKey() }) },
        { name: LOCAL_DRILL_DATABASE_SECRET_NAME, description: 'master credentials of local drill databases', generate: () => drillDatabaseCredentials },
        { name: LOCAL_DRILL_CANARY_WRITER_SECRET_NAME, description: 'the SQL canary writer (locally the master credentials too)', generate: () => drillDatabaseCredentials },
        {
          name: LOCAL_COMPLIANCE_PLATFORMS_SECRET_NAME,
          description: 'credentials of the compliance platforms (the local Vanta and Drata accept these)',
          generate: () =>
            JSON.stringify({
              vanta: { documents: { clientId: `vci_${randomKey().slice(0, 16)}`, clientSecret: randomKey() }, resources: { clientId: `vci_${randomKey().slice(0, 16)}`, clientSecret: randomKey() } },
              drata: { apiKey: randomKey() },
            } satisfies CompliancePlatformCredentials),
        },
      ],
      ...(dataDir && { file: join(dataDir, 'secrets-manager.json') }),
    });
    stops.push(() => secretsManager.stop());
    // Slack at the wire, with the token and signing secret the handlers read from the local Secrets Manager.
    let interactivityUrl = '';
    const slackWorkspace = localSlackWorkspace(irdrConfig);
    const slack = slackWorkspace
      ? await startLocalSlack({
          host: LOCAL_HOST,
          port: options.slackPort ?? 0,
          workspace: slackWorkspace,
          credentials: await localSlackCredentials(secretsManager.endpoint, LOCAL_SLACK_SECRET_NAME),
          interactivityUrl: () => interactivityUrl,
        })
      : undefined;
    if (slack) {
      stops.push(() => slack.stop());
      log(`Slack at ${slack.endpoint} (its Web API at ${slack.apiUrl})`);
    }
    // The bus exists once the API does (further down); status changes before that have no rule to match anyway.
    let deliverToBus: ((event: BusEvent) => void) | undefined;
    // RDS at the wire over PGlite engines, each started only when a database is made (a stack that makes none loads no PGlite).
    const rdsSecrets = localSecretReader(secretsManager.endpoint);
    stops.push(() => rdsSecrets.close());
    const rds = await startLocalRds({
      host: LOCAL_HOST,
      port: options.rdsPorts?.rds ?? 0,
      dataApiPort: options.rdsPorts?.rdsData ?? 0,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      readSecret: rdsSecrets.read,
      createDelayMs: (options.rdsRecovery?.restoreDurationMs ?? 0) / timeScale,
      backupIntervalMs: Math.max(50, (options.rdsRecovery?.backupIntervalMs ?? 1000) / timeScale),
      log,
      // "RDS DB Instance Event" and the like, as RDS puts them on the default bus (drills wait by event).
      onEvent: (event) => deliverToBus?.(event),
    });
    stops.push(() => rds.stop());
    // Vanta and Drata at the wire, knowing the credentials the local secret holds (as the platforms know the ones they issued).
    const platformCredentials = CompliancePlatformCredentials.parse(JSON.parse(await rdsSecrets.read(secretsManager.arns[LOCAL_COMPLIANCE_PLATFORMS_SECRET_NAME]!)));
    const compliancePlatforms = await startLocalCompliancePlatforms({ host: LOCAL_HOST, port: 0, credentials: () => platformCredentials });
    stops.push(() => compliancePlatforms.stop());
    // The key that signs evidence exports served by the API: made on first start, kept under the data dir (or in memory).
    const kms = await startLocalKms({
      host: LOCAL_HOST,
      port: 0,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      keys: [
        { alias: LOCAL_EVIDENCE_SIGNING_KEY_ALIAS, description: 'Ed25519 key that signs evidence export manifests' },
        { alias: LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS, description: 'Ed25519 key that signs evidence digests' },
        { alias: LOCAL_EVIDENCE_EXPORT_SIGNING_KEY_ALIAS, description: 'Ed25519 key that signs the manifests of asynchronous evidence exports' },
      ],
      ...(dataDir && { file: join(dataDir, 'kms-keys.json') }),
    });
    stops.push(() => kms.stop());
    // Buckets (drill sources and restores), kept under the data dir or in memory.
    const s3 = await startLocalS3({ host: LOCAL_HOST, port: options.s3Port ?? 0, ...(dataDir && { dataDir: join(dataDir, 's3') }) });
    stops.push(() => s3.stop());
    // The exports bucket, as the stack creates it in AWS (kept with the data dir; made on the first start).
    await createLocalBucket(s3.endpoint, LOCAL_EVIDENCE_EXPORT_BUCKET);

    // Digests outlive the stack only with the data: in memory they go to a temporary folder, removed at stop,
    // after the handlers have drained (stops run in reverse), so no digest is written into a folder being removed.
    let digestDir = dataDir;
    if (!digestDir) {
      const temporary = await mkdtemp(join(tmpdir(), 'irdr-digests-'));
      stops.push(() => rm(temporary, { recursive: true, force: true, maxRetries: 3 }));
      digestDir = temporary;
    }

    const lambda = new LocalLambdaRuntime({ region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, namePrefix: LOCAL_NAME_PREFIX, faults: functionFaults });
    // Stopped after Step Functions and the API (stops run in reverse): handlers still running finish
    // before DynamoDB and SES go away, so no write is cut in half.
    stops.push(() => lambda.drain());
    // Custom drill checks invoke functions with @aws-sdk/client-lambda, through AWS_ENDPOINT_URL_LAMBDA.
    const lambdaApi = await startLocalLambdaApi({
      host: LOCAL_HOST,
      port: options.lambdaPort ?? 0,
      invoke: (functionName, payload) => lambda.invoke(functionName, payload),
      functionExists: (functionName) => {
        try {
          lambda.resolve(functionName);
          return true;
        } catch {
          return false;
        }
      },
    });
    stops.push(() => lambdaApi.stop());
    const stepFunctions = new LocalStepFunctions({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      invokeLambda: (functionArn, payload) => lambda.invoke(functionArn, payload),
      timeScale,
      onExecutionStatusChange: (event) => deliverToBus?.(event),
    });
    stops.push(() => stepFunctions.close());
    const sfnServer = await stepFunctions.listen(options.ports.stepFunctions, LOCAL_HOST);
    // AWS Backup over the local DynamoDB's own backups, the local S3's object versions and the local RDS's snapshots; its job state changes go on the default bus, as in AWS.
    const backup = await startLocalBackup({
      host: LOCAL_HOST,
      port: options.backupPort ?? 0,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      dynamodb: { endpoint: dynamodb.endpoint, credentials: LOCAL_CREDENTIALS },
      s3: { endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS },
      rds: { endpoint: rds.endpoint, credentials: LOCAL_CREDENTIALS },
      emit: (event) => deliverToBus?.(event),
      ...(dataDir && { file: join(dataDir, 'backup-catalog.json') }),
      // Restore testing plans run on their cron in the scheduler's time.
      timeScale,
      log,
    });
    stops.push(() => backup.stop());

    const digestStore = localDigestStoreUrl(digestDir);
    // There from the start: `irdr evidence verify` takes a missing store folder for a mistyped one.
    await mkdir(fileURLToPath(digestStore), { recursive: true });
    // What `irdr evidence verify` pins the digests' signatures to, as an auditor pins the key's public half in AWS.
    const digestPublicKey = localDigestPublicKeyPath(digestDir);
    await writeFile(digestPublicKey, kms.publicKeys[LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS]!);
    const environment = localEnvironment({
      dynamodb: dynamodb.endpoint,
      stepFunctions: sfnServer.url,
      ses: mailbox.endpoint,
      secretsManager: secretsManager.endpoint,
      kms: kms.endpoint,
      lambda: lambdaApi.endpoint,
      backup: backup.endpoint,
      s3: s3.endpoint,
      rds: rds.endpoint,
      rdsData: rds.dataApiEndpoint,
      digestStore,
      digestPublicKey,
    });
    await createTables(dynamodb.endpoint);

    const substitutions = Object.fromEntries(
      functionRegistry.map((spec) => [functionArnPlaceholder(spec.name), lambda.functionArn(spec.name)]),
    );
    const stateMachines = stateMachineBlueprints().map((blueprint): DeployedStateMachine => {
      const { stateMachineArn } = stepFunctions.createStateMachine({
        name: LOCAL_NAME_PREFIX + blueprint.logicalId,
        definition: substitutePlaceholders(JSON.stringify(blueprint.definition), substitutions),
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${LOCAL_NAME_PREFIX}${blueprint.logicalId}`,
      });
      return { blueprint, stateMachineArn };
    });
    const deployServiceMachine = (blueprint: { logicalId: string; definition: unknown }): string =>
      stepFunctions.createStateMachine({
        name: LOCAL_NAME_PREFIX + blueprint.logicalId,
        definition: substitutePlaceholders(JSON.stringify(blueprint.definition), substitutions),
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${LOCAL_NAME_PREFIX}${blueprint.logicalId}`,
      }).stateMachineArn;
    const drillStateMachineArn = deployServiceMachine(drillStateMachineBlueprint());
    // Its Wait until the review is due shrinks with timeScale, like every wait: tests see reminders in seconds.
    const reviewReminderStateMachineArn = deployServiceMachine(reviewReminderStateMachineBlueprint());
    // The same inline Map over months as in AWS (the local engine runs no Distributed Map; docs/evidence-exports.md).
    const evidenceExportStateMachineArn = deployServiceMachine(evidenceExportStateMachineBlueprint());
    const drillPlans = options.drillPlans ?? loadDrillPlans();
    const runbookCatalog: RunbookCatalog = Object.fromEntries(
      stateMachines.map(({ blueprint, stateMachineArn }) => [blueprint.runbookId, catalogEntryOf(blueprint, stateMachineArn)]),
    );

    // The handlers run in this process: give them what Lambda's environment would hold.
    Object.assign(process.env, environment, {
      TABLE_NAME: LOCAL_TABLE_NAME,
      DEDUPLICATION_TABLE_NAME: LOCAL_DEDUPLICATION_TABLE_NAME,
      RUNBOOK_CATALOG: JSON.stringify(runbookCatalog),
      // The deployed roles, plus the dev identities in theirs: handlers cannot tell the two apart.
      ROLE_PRINCIPALS: JSON.stringify(
        withRolePrincipals(
          rolePrincipalsFromConfig(irdrConfig),
          devIdentities.flatMap((identity) => identity.roles.map((role) => ({ role, principal: identity.userArn }))),
        ),
      ),
      // No identity pool runs here (docs/console-sign-in-6.md): a request carrying a Cognito identity is refused.
      CONSOLE_IDENTITY_POOL_ID: NO_IDENTITY_POOL,
      // Bundled into the function in AWS (BundledValueName); here the handlers share this process's environment.
      RUNBOOK_DEFINITIONS: JSON.stringify(publishedRunbooks(stateMachines.map(({ blueprint }) => blueprint))),
      POWERTOOLS_SERVICE_NAME: 'irdr',
      POWERTOOLS_LOG_LEVEL: options.handlerLogLevel ?? 'INFO',
      TASK_LINK_SECRET_ID: secretsManager.arns[LOCAL_TASK_LINK_SECRET_NAME],
      SLACK_SECRET_ID: secretsManager.arns[LOCAL_SLACK_SECRET_NAME],
      // @slack/web-api's slackApiUrl; unset in AWS, where the client calls slack.com.
      ...(slack && { SLACK_API_URL: slack.apiUrl }),
      DRILL_STATE_MACHINE_ARN: drillStateMachineArn,
      REVIEW_REMINDER_STATE_MACHINE_ARN: reviewReminderStateMachineArn,
      DRILL_PLANS: JSON.stringify(drillPlans),
      EVIDENCE_DIGEST_STORE: digestStore,
      EVIDENCE_SIGNING_KEY_ID: kms.keyArns[LOCAL_EVIDENCE_SIGNING_KEY_ALIAS],
      EVIDENCE_DIGEST_SIGNING_KEY_ID: kms.keyArns[LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS],
      COMPLIANCE_PLATFORMS_SECRET_ID: secretsManager.arns[LOCAL_COMPLIANCE_PLATFORMS_SECRET_NAME],
      VANTA_API_URL: compliancePlatforms.vantaUrl,
      DRATA_API_URL: compliancePlatforms.drataUrl,
      COMPLIANCE_PUSH_FUNCTION_NAME: lambda.functionArn('PushComplianceEvidence'),
      EVIDENCE_EXPORT_STATE_MACHINE_ARN: evidenceExportStateMachineArn,
      EVIDENCE_EXPORT_BUCKET: LOCAL_EVIDENCE_EXPORT_BUCKET,
      EVIDENCE_EXPORT_SIGNING_KEY_ID: kms.keyArns[LOCAL_EVIDENCE_EXPORT_SIGNING_KEY_ALIAS],
    });

    const routes: HttpRouteBinding[] = functionRegistry.flatMap((spec) =>
      ('routes' in spec ? spec.routes : []).map((route) => ({
        method: route.method,
        path: route.path,
        functionName: spec.name,
        auth: 'auth' in route ? route.auth : 'iam',
      })),
    );
    // Random per start: the literal names (dev-admin, ...) a README or a rebinding page knows open nothing.
    const devTokens = DevTokens.generate();
    const reviewer = devIdentityOnlyIn('auditor');
    const review = reviewPages({ apiUrl: () => api.url, reviewer, reviewerToken: devTokens.tokenOf(reviewer.name) });
    const consoleSite = consolePages(devTokens);
    const api = await startLocalHttpApi({
      port: options.ports.http,
      host: LOCAL_HOST,
      routes,
      accountId: LOCAL_ACCOUNT_ID,
      invoke: (functionName, event) => lambda.invoke(functionName, event),
      isReady: () => ready,
      identityForToken: (token) => devTokens.identityFor(token),
      // Read-only pages for people: the period's review and its evidence report, as the dev auditor.
      // ... and the console (docs/console.md), on the API's origin so its calls are same-origin.
      localPages: async (method, path, query, headers) => (await review(method, path, query)) ?? consoleSite.handle(method, path, query, headers),
    });
    stops.push(() => api.close());
    // Links in emails point at this API, as API_URL points at API Gateway's stage in AWS.
    process.env.API_URL = api.url;
    // Slack's interactivity request URL, as configured in the Slack app's settings in AWS.
    interactivityUrl = `${api.url}/slack/interactions`;
    if (slack) Object.assign(environment, { IRDR_SLACK_URL: slack.endpoint, SLACK_API_URL: slack.apiUrl });
    // For `irdr incidents` (as `irdr local env` prints it); the handlers never call their own API.
    Object.assign(environment, { IRDR_API_URL: api.url, IRDR_CONSOLE_URL: `${api.url}/console/#key=${consoleSite.key}` }, devTokens.environment());
    // The local Vanta and Drata, by the base URLs the push client takes (as `irdr local env` prints them).
    Object.assign(environment, { VANTA_API_URL: compliancePlatforms.vantaUrl, DRATA_API_URL: compliancePlatforms.drataUrl });

    // The rules the registry names, with the patterns lib/ deploys, each targeting its function.
    const eventBus = new LocalEventBus({
      account: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      rules: functionRegistry.flatMap((spec) =>
        ('eventRules' in spec ? spec.eventRules : []).map((name) => ({
          name,
          eventPattern: eventRuleDefinition(name, irdrConfig, { stateMachineArnPrefix: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${LOCAL_NAME_PREFIX}` }).eventPattern,
          functionName: spec.name,
        })),
      ),
      invoke: (functionName, event) => lambda.invoke(functionName, event),
    });
    // Step Functions puts every execution's status changes on the default bus, as in AWS (delivery is asynchronous).
    deliverToBus = (event) => {
      eventBus.deliver(event).catch((error: unknown) => log(`event ${event['detail-type']} not delivered: ${(error as Error).message}`));
    };
    // PutEvents for the SDKs and the AWS CLI (e.g. a GuardDuty sample finding, as EventBridge would receive it).
    const eventBridgeApi = await startLocalEventBridgeApi({ host: LOCAL_HOST, port: options.eventBridgePort ?? 0, bus: eventBus });
    stops.push(() => eventBridgeApi.stop());
    Object.assign(environment, { AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeApi.endpoint });
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridgeApi.endpoint;

    await options.seed?.({ dynamodb: dynamodb.endpoint, s3: s3.endpoint, rds: rds.endpoint, rdsData: rds.dataApiEndpoint, secretsManager: secretsManager.endpoint });
    const schedules = (options.schedules ?? []).map(({ targetLogicalId, ...schedule }): LocalSchedule => {
      const target = stateMachines.find((machine) => machine.blueprint.logicalId === targetLogicalId);
      if (!target) throw new Error(`schedule ${schedule.name} targets ${targetLogicalId}, which is no state machine`);
      return { ...schedule, targetArn: target.stateMachineArn };
    });
    if (options.drillSchedules) {
      for (const spec of drillScheduleSpecs(drillPlans)) {
        schedules.push({
          name: spec.name,
          expression: spec.expression,
          timezone: spec.timeZone,
          flexibleWindowMinutes: spec.flexibleWindowMinutes,
          enabled: spec.enabled,
          input: spec.target.input,
          targetArn: spec.target.kind === 'drill-state-machine' ? drillStateMachineArn : lambda.functionArn(spec.target.functionName),
        });
      }
    }
    // The daily evidence digest, as EventBridge Scheduler writes it in AWS.
    schedules.push({
      name: EVIDENCE_DIGEST_SCHEDULE.name,
      expression: EVIDENCE_DIGEST_SCHEDULE.expression,
      timezone: EVIDENCE_DIGEST_SCHEDULE.timeZone,
      input: {},
      targetArn: lambda.functionArn('WriteEvidenceDigest'),
    });
    // Queued compliance pushes retried, and the drill plans' standing refreshed, as EventBridge Scheduler invokes it in AWS.
    schedules.push({
      name: COMPLIANCE_PUSH_SCHEDULE.name,
      expression: COMPLIANCE_PUSH_SCHEDULE.expression,
      timezone: COMPLIANCE_PUSH_SCHEDULE.timeZone,
      input: {},
      targetArn: lambda.functionArn('PushComplianceEvidence'),
    });
    // Plans that restore through AWS Backup restore testing: their restore testing plans and selections, kept in step
    // with the plans as a deploy keeps them in AWS; the local AWS Backup runs them on their cron.
    const { syncRestoreTestingPlans } = await import('../functions/aws/drill/restore-testing-sync.js');
    const backupApi = new BackupClient({ endpoint: backup.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    for (const synced of await syncRestoreTestingPlans(backupApi, drillPlans, { region: LOCAL_REGION, account: LOCAL_ACCOUNT_ID }).finally(() => backupApi.destroy())) {
      log(`restore testing plan of drill ${synced.planId}: ${synced.plan} (${synced.restoreTestingPlanArn}), selection ${synced.selection}`);
    }
    const scheduler = startLocalScheduler({
      schedules,
      timeScale,
      // Scheduler targets: a state machine (StartExecution) or a function (Invoke), told apart by the ARN as AWS does.
      startExecution: async (targetArn, input) => {
        if (targetArn.startsWith('arn:aws:lambda:')) await lambda.invoke(targetArn, input);
        else await stepFunctions.startExecution({ stateMachineArn: targetArn, input: JSON.stringify(input) });
      },
      onError: (schedule, error) => log(`schedule ${schedule.name} failed to start: ${(error as Error).message}`),
    });
    stops.push(() => scheduler.stop());

    if (dataDir) {
      // Executions live in this process's memory: a run a previous process left in flight is gone, never to finish.
      // Imported here, after the handlers' environment is set, like every handler module.
      const { abortRun, findRemindersOwed, findRunsInFlight } = await import('../functions/aws/run-reconciliation.js');
      const interrupted = (await findRunsInFlight(LOCAL_TABLE_NAME, new Date())).filter((run) => !run.executionArn || !stepFunctions.isRunning(run.executionArn));
      for (const run of interrupted) {
        await abortRun(LOCAL_TABLE_NAME, run, 'the local stack stopped while the run was in flight, and its execution (held in memory) went with it', 'irdr:local-stack');
      }
      if (interrupted.length > 0) log(`marked ${interrupted.length} runs aborted that the last stop interrupted: ${interrupted.map((run) => `${run.kind} ${run.id}`).join(', ')}`);
      // Reminders (reviews, corrective actions, report stages) waited in executions that went with the last process too:
      // start them again (a past time fires at once; a phase already sent is not sent again).
      const { restartReminder } = await import('../functions/aws/reminder-restart.js');
      const owed = await findRemindersOwed(LOCAL_TABLE_NAME, new Date());
      const restarted = { review: 0, action: 0, stage: 0 };
      for (const reminder of owed) if (await restartReminder(reminder)) restarted[reminder.kind] += 1;
      if (owed.length > 0) {
        const of = (kind: keyof typeof restarted, what: string) => `${restarted[kind]} of ${owed.filter((reminder) => reminder.kind === kind).length} ${what}`;
        log(`restarted the reminders of ${of('review', 'open post-incident reviews')}, ${of('action', 'open corrective actions')}, ${of('stage', 'unsubmitted report stages')}`);
      }
    }

    ready = true;
    return {
      urls: { api: api.url, stepFunctions: sfnServer.url, dynamodb: dynamodb.endpoint, ses: mailbox.endpoint, eventBridge: eventBridgeApi.endpoint, s3: s3.endpoint, backup: backup.endpoint },
      tableName: LOCAL_TABLE_NAME,
      deduplicationTableName: LOCAL_DEDUPLICATION_TABLE_NAME,
      stateMachines,
      drillStateMachineArn,
      reviewReminderStateMachineArn,
      environment,
      dynamodbBackend: backend,
      dynamodbBackendEndpoint: dynamodb.backendEndpoint,
      itemWritesApplied: dynamodb.itemWritesApplied,
      nextItemWrite: dynamodb.nextItemWrite,
      executionEnded: (executionArn) => stepFunctions.executionEnded(executionArn),
      secretsManagerEndpoint: secretsManager.endpoint,
      rds: { endpoint: rds.endpoint, dataApiEndpoint: rds.dataApiEndpoint, drillDatabaseSecretArn: secretsManager.arns[LOCAL_DRILL_DATABASE_SECRET_NAME]! },
      faults: {
        mailbox: { refuseSends: (refuse) => mailbox.refuseSends(refuse) },
        dynamodb: dynamodbFaults,
        functions: functionFaults,
        stepFunctions: { refuseStarts: (refuse) => stepFunctions.refuseStarts(refuse) },
        rds: rds.faults,
        slack: { refuseCalls: (refuse) => slack?.refuseCalls(refuse) },
        s3: { setClockAhead: (ms) => s3.setClockAhead(ms) },
      },
      events: {
        deliver: (event) => eventBus.deliver(event),
        putEvents: (entries) => eventBus.putEvents(entries),
        deadLetters: eventBus.deadLetters,
      },
      devTokens,
      compliancePlatforms: { vanta: compliancePlatforms.vanta, drata: compliancePlatforms.drata, vantaUrl: compliancePlatforms.vantaUrl, drataUrl: compliancePlatforms.drataUrl },
      ...(slack && { slack }),
      stop: async () => {
        ready = false;
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Creates the evidence table and the deduplication table from the shared designs unless they are already there
 * (persisted data from before the deduplication table gets it added); TTL only on the deduplication table, where
 * the backend has one, and taken off an evidence table that a data dir from before still has it on.
 */
async function createTables(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const createUnlessPresent = async (input: CreateTableCommandInput) => {
    try {
      await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      await client.send(new CreateTableCommand(input));
    }
  };
  try {
    await createUnlessPresent(createTableInput(LOCAL_TABLE_NAME));
    await createUnlessPresent(createDeduplicationTableInput(LOCAL_DEDUPLICATION_TABLE_NAME));
    const timeToLiveOf = async (tableName: string) => (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription ?? {};
    const evidence = await timeToLiveOf(LOCAL_TABLE_NAME);
    if (evidence.AttributeName && (evidence.TimeToLiveStatus === 'ENABLED' || evidence.TimeToLiveStatus === 'ENABLING')) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: LOCAL_TABLE_NAME, TimeToLiveSpecification: { AttributeName: evidence.AttributeName, Enabled: false } }));
    }
    const deduplication = await timeToLiveOf(LOCAL_DEDUPLICATION_TABLE_NAME);
    if (deduplication.TimeToLiveStatus !== 'ENABLED' && deduplication.TimeToLiveStatus !== 'ENABLING') {
      await client.send(new UpdateTimeToLiveCommand(deduplicationTimeToLiveInput(LOCAL_DEDUPLICATION_TABLE_NAME)));
    }
  } catch (error) {
    // dynalite has no UpdateTimeToLive: expired idempotency records then stay, and Powertools treats them as absent.
    if ((error as Error).name !== 'UnknownOperationException') throw error;
  } finally {
    client.destroy();
  }
}

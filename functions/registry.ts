import type { PathParameterName, PathParametersOf } from './domain/path-parameters.js';
import type { GlobalIndexName } from './domain/table-design.js';

/**
 * The one registry of Lambda functions. lib/ hands each `entry` to a NodejsFunction;
 * local/ imports the same file and calls its `handler` in-process. Neither knows a handler's insides.
 */

/** Environment variables a function may need; lib/ and local/ each know how to fill every one. */
export type FunctionEnvironmentName =
  | 'TABLE_NAME'
  // Idempotency records and finding claims: the table beside the evidence table, with TTL.
  | 'DEDUPLICATION_TABLE_NAME'
  | 'RUNBOOK_CATALOG'
  | 'ROLE_PRINCIPALS'
  // The console's Cognito identity pool id (`none` locally): its signed-in users are named by their person (docs/console-callers-6.md).
  | 'CONSOLE_IDENTITY_POOL_ID'
  // The Secrets Manager secret (name or ARN) holding the key that signs emailed task links.
  | 'TASK_LINK_SECRET_ID'
  // The HTTP API's base URL, for links in emails.
  | 'API_URL'
  // The restore drill state machine (runs started by hand).
  | 'DRILL_STATE_MACHINE_ARN'
  // Write-once storage of evidence digests: s3://<bucket>/<prefix> in AWS (Object Lock), file:///<folder> locally.
  | 'EVIDENCE_DIGEST_STORE'
  // The KMS key (ECC_NIST_EDWARDS25519) that signs evidence export manifests.
  | 'EVIDENCE_SIGNING_KEY_ID'
  // The KMS key (ECC_NIST_EDWARDS25519) that signs evidence digests: only the digest writer may sign, verifiers read its public key.
  | 'EVIDENCE_DIGEST_SIGNING_KEY_ID'
  // The post-incident review reminder state machine (one execution per review, waiting until it is due).
  | 'REVIEW_REMINDER_STATE_MACHINE_ARN'
  // The Secrets Manager secret (JSON) holding the compliance platforms' credentials (docs/compliance-platforms.md).
  | 'COMPLIANCE_PLATFORMS_SECRET_ID'
  // The platforms' base URLs: their documented hosts in AWS (config), the local Vanta and Drata here.
  | 'VANTA_API_URL'
  | 'DRATA_API_URL'
  // The function that pushes signed-off evidence to the compliance platforms (invoked asynchronously after a sign-off).
  | 'COMPLIANCE_PUSH_FUNCTION_NAME'
  // The Secrets Manager secret (name or ARN) holding the Slack app's bot token and signing secret (docs/slack.md).
  | 'SLACK_SECRET_ID'
  // The asynchronous evidence export state machine (POST /evidence/exports starts it) and the bucket its parts and zips go to.
  | 'EVIDENCE_EXPORT_STATE_MACHINE_ARN'
  | 'EVIDENCE_EXPORT_BUCKET'
  // The KMS key (ECC_NIST_EDWARDS25519) that signs the asynchronous exports' manifests: a key has one signer, and this one is RunEvidenceExport.
  | 'EVIDENCE_EXPORT_SIGNING_KEY_ID';

/**
 * Values too large for Lambda's 4 KB environment, read like environment variables: lib/ inlines them
 * into the function's bundle (esbuild `define`), local/ sets them in process.env.
 */
export type BundledValueName = 'RUNBOOK_DEFINITIONS' | 'DRILL_PLANS';

/** What a function may do; lib/ turns these into least-privilege grants. */
export type FunctionPermission =
  | 'table:read'
  // Writes to the evidence table, per partition family (IAM dynamodb:LeadingKeys; see lib/evidence-table.ts):
  // `append` is PutItem (new records and trail events, each put conditional on the item being absent), `update` is
  // UpdateItem (a record's state: META, TASK#, CLOCK#). No role may delete or batch-write.
  | 'incidents:append'
  | 'incidents:update'
  | 'drill-runs:append'
  | 'drill-runs:update'
  // PutItem of a drill plan's standing state (DRILL#<planId> STATE): the failure incident its runs left open.
  | 'drill-plans:set-state'
  // An evidence export's record and trail, and its period's running-export marker (EXPORT# partitions): put and update.
  | 'evidence-exports:append'
  | 'evidence-exports:update'
  // StartExecution on the evidence export state machine, nothing else.
  | 'evidence-exports:start'
  // Put and get the export's month parts and zip in the exports bucket (nothing else there, nowhere else).
  | 'evidence-exports:write-files'
  // kms:Sign and kms:GetPublicKey on the asynchronous exports' signing key (Ed25519), nothing else.
  | 'evidence-exports:sign'
  // GetObject on the exports' zips only: the download links this function presigns can do that and no more.
  | 'evidence-exports:link'
  // GetObject on the exports' zips only: the compliance push reads a finished export's zip to upload it.
  | 'evidence-exports:read-zips'
  // Finding claims (FINDING# in the deduplication table): claim (conditional put), read and mark run started.
  | 'findings:claim'
  | 'runbooks:start'
  // StopExecution on the runbooks' executions: a resolved incident's run is stopped with it.
  | 'runbooks:stop'
  | 'mail:send'
  // Powertools idempotency records (IDEM# partitions of the deduplication table): get, put, update, and delete when a request fails.
  | 'idempotency'
  // SendTaskSuccess / SendTaskFailure to the runbook state machines (a person's decision on a human task).
  | 'runbooks:answer'
  // secretsmanager:GetSecretValue on the task-link signing key, and nothing else.
  | 'links:sign'
  // secretsmanager:GetSecretValue on the Slack app secret (bot token, signing secret): post to and verify Slack.
  | 'slack:post'
  // Drills, each scoped to the plans' source tables and to tables named with the drill prefix (see lib/drill-grants.ts):
  // describe the source, its PITR window and backups, and AWS Backup recovery points.
  | 'drills:inspect-source'
  // Start restores from the sources into new drill-prefixed tables (PITR, backups, AWS Backup restore jobs).
  | 'drills:restore'
  // Follow a restore: describe and tag the new drill table, describe the backup or restore job.
  | 'drills:inspect-restore'
  // Read the source and the drill tables for checks; invoke the plans' custom check functions; the Data API on drill clusters.
  | 'drills:read-data'
  // Wire SQL checks (the validator in the drill VPC): the drill databases' endpoints, and the wire plans' database secret.
  | 'drills:read-database-wire'
  // Size (DescribeTable) and count (Scan segments) the drill tables of plans that count items, and their sources: Scan of
  // a source only where a plan asks for a source scan; list (and, for a prefix checksum, hash) the key ranges of drill
  // buckets and of source buckets their checks compare with. No item reads, no custom checks.
  | 'drills:count-data'
  // Delete drill-prefixed tables tagged with a run, and backups taken of the sources.
  | 'drills:cleanup'
  // Put the canary item into the plans' source tables (that item's key only); Scan the sources of plans whose item
  // counts are held to the canary writer's counts (baseline: counted), kept in SOURCECOUNT# items of the deduplication table.
  | 'drills:canary'
  // WriteDrillWireCanary, in the drill VPC: the endpoints of the wire plans' source databases and their canary writers' secrets.
  | 'drills:canary-wire'
  // An aborted run: describe the plans' source tables, and clean up its drill table as drills:cleanup does.
  | 'drills:abort'
  // Tell AWS Backup the validation verdict on the restore job a drill ran (PutRestoreValidationResult).
  | 'drills:report-validation'
  // Keep a drill's task token under its AWS Backup restore job's id (PutItem on RESTOREWAIT# items of the deduplication
  // table), and look at that job once (backup:DescribeRestoreJob).
  | 'drills:keep-restore-wait'
  // Find the wait on a restore job: read its token (GetItem on RESTOREWAIT# items of the deduplication table).
  | 'drills:find-restore-wait'
  // End a drill's wait for its restore job: SendTaskSuccess/SendTaskFailure to the drill state machine, nothing else.
  | 'drills:end-restore-wait'
  // StartExecution on the drill state machine.
  | 'drills:start'
  // backup:DescribeRestoreJob (no resource type: `*`): which restore testing plan started a job that ended.
  | 'drills:read-restore-testing-job'
  // Put new evidence digests into the digest bucket (never replace or delete), read the newest to link to it, and sign
  // them with the digest key (kms:Sign, which its key policy allows this role alone).
  | 'evidence:write-digests'
  // List every version of the evidence digests, read them, and read the digest key's public half to check their signatures.
  | 'evidence:read-digests'
  // kms:Sign and kms:GetPublicKey on the evidence signing key (Ed25519), nothing else.
  | 'evidence:sign'
  // StartExecution on the reminder state machine (post-incident reviews and corrective actions), nothing else.
  | 'reviews:schedule-reminder'
  // backup:ListProtectedResources and dynamodb:ListTables (both on `*`: neither has a resource type): the estate's inventory for coverage.
  | 'estate:list'
  // Push records in the deduplication table (PUSH# partitions: one per push key, and the queue of subjects still pending):
  // get, put, update, query and delete, nothing else.
  | 'compliance:push'
  // secretsmanager:GetSecretValue on the compliance platforms' credentials secret, nothing else.
  | 'compliance:credentials'
  // After a sign-off: queue the record's push (PutItem on PUSH# partitions) and invoke the push function asynchronously.
  | 'compliance:enqueue';

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway HTTP API path, with `{name}` parameters. */
  readonly path: string;
  /**
   * How callers prove who they are. `iam` (the default): SigV4, checked by API Gateway. `signed-link`:
   * no authorizer, for links opened in a browser from an email; the handler checks the link's HMAC.
   * `slack-signature`: no authorizer, for Slack's interaction requests; the handler checks Slack's signature.
   */
  readonly auth?: 'iam' | 'signed-link' | 'slack-signature';
}

/** An EventBridge rule whose pattern is defined once in functions/domain (see lib/ and local/). */
export type EventRuleName = 'security-findings' | 'runs-ended-abnormally' | 'drill-restore-jobs-ended' | 'drill-databases-restored' | 'restore-testing-jobs-ended';

export interface FunctionSpec {
  /** PascalCase; also the `${<name>FunctionArn}` placeholder in compiled ASL. */
  readonly name: string;
  /** Handler file, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: readonly FunctionEnvironmentName[];
  /** Compiled into the bundle rather than set in the environment (see BundledValueName). */
  readonly bundled?: readonly BundledValueName[];
  /** Bundled with the drill plans' resource-type flags only (drillBundleFlags), not the plans: implied by DRILL_PLANS. */
  readonly drillFlags?: true;
  readonly permissions: readonly FunctionPermission[];
  /** The evidence table's global indexes this function queries: with table:read it may Query these, and no other. */
  readonly indexes?: readonly GlobalIndexName[];
  /** Routes of the HTTP API served by this function (API handlers only). */
  readonly routes?: readonly HttpRoute[];
  /** EventBridge rules that target this function (lib/ deploys them, local/ delivers events matching them). */
  readonly eventRules?: readonly EventRuleName[];
  /** `drill-vpc`: attached to the drill VPC (config drills.database.validator) in AWS; locally there is no VPC. */
  readonly network?: 'drill-vpc';
}

export const functionRegistry = [
  {
    name: 'CreateIncident',
    entry: 'functions/http/create-incident.ts',
    description: 'POST /incidents: validates, records the incident and starts its runbook',
    memoryMb: 512,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'DEDUPLICATION_TABLE_NAME', 'RUNBOOK_CATALOG', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'runbooks:start', 'idempotency'],
    routes: [{ method: 'POST', path: '/incidents' }],
  },
  {
    name: 'GetIncident',
    entry: 'functions/http/get-incident.ts',
    description: 'GET /incidents/{incidentId}: the incident and its timeline',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read'],
    routes: [{ method: 'GET', path: '/incidents/{incidentId}' }],
  },
  {
    name: 'RecordEvent',
    entry: 'functions/tasks/record-event.ts',
    description: 'Runbook step: appends an event to the incident trail',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME'],
    permissions: ['table:read', 'incidents:append', 'incidents:update'],
  },
  {
    name: 'SendNotification',
    entry: 'functions/tasks/send-notification.ts',
    description: 'Runbook step: emails a role or addresses and records that it did',
    memoryMb: 256,
    timeoutSeconds: 20,
    environment: ['TABLE_NAME', 'SLACK_SECRET_ID', 'API_URL'],
    permissions: ['table:read', 'incidents:append', 'mail:send', 'incidents:update', 'slack:post'],
  },
  {
    name: 'ListIncidents',
    entry: 'functions/http/list-incidents.ts',
    description: 'GET /incidents: incidents opened in a period, filtered and paginated (a Query per month, never a Scan)',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read'],
    indexes: ['GSI1'],
    routes: [{ method: 'GET', path: '/incidents' }],
  },
  {
    name: 'ChangeIncidentStatus',
    entry: 'functions/http/change-incident-status.ts',
    description: 'POST /incidents/{incidentId}/acknowledge|resolve|close: moves the lifecycle on, records milestone, MTTA and MTTR; acknowledging completes the acknowledgement task, resolving opens the review task',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'TASK_LINK_SECRET_ID', 'API_URL', 'REVIEW_REMINDER_STATE_MACHINE_ARN', 'SLACK_SECRET_ID'],
    // runbooks:answer: acknowledging hands the run its acknowledgement task's decision (SendTaskSuccess);
    // mail:send and links:sign: resolving emails the commanders their post-incident review task, each with a signed link;
    // reviews:schedule-reminder: and starts the reminder that waits until the review is due;
    // runbooks:stop: resolving stops the incident's run (unless a regulatory clock still runs).
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'runbooks:answer', 'runbooks:stop', 'mail:send', 'links:sign', 'reviews:schedule-reminder', 'slack:post'],
    routes: [
      { method: 'POST', path: '/incidents/{incidentId}/acknowledge' },
      { method: 'POST', path: '/incidents/{incidentId}/resolve' },
      { method: 'POST', path: '/incidents/{incidentId}/close' },
    ],
  },
  {
    name: 'ClassifyIncident',
    entry: 'functions/http/classify-incident.ts',
    description: "POST /incidents/{incidentId}/classify: a commander's reclassification (severity, regulatory labels, reason); opens each started report stage's task",
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'API_URL', 'REVIEW_REMINDER_STATE_MACHINE_ARN', 'SLACK_SECRET_ID', 'TASK_LINK_SECRET_ID'],
    // mail:send: each stage's task is emailed to the approvers (no links: a submission is made signed in);
    // reviews:schedule-reminder: and its reminder starts (before the deadline, escalation when overdue).
    // runbooks:answer: a raise of the severity starts the clocks the run's branches wait on (SendTaskSuccess).
    // links:sign: a raise after resolve opens the review the new severity calls for, emailed with signed links.
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send', 'reviews:schedule-reminder', 'slack:post', 'runbooks:answer', 'links:sign'],
    routes: [{ method: 'POST', path: '/incidents/{incidentId}/classify' }],
  },
  {
    name: 'AddIncidentNote',
    entry: 'functions/http/add-incident-note.ts',
    description: 'POST /incidents/{incidentId}/notes: appends a note to the incident trail',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read', 'incidents:append'],
    routes: [{ method: 'POST', path: '/incidents/{incidentId}/notes' }],
  },
  {
    name: 'ReadRunbooks',
    entry: 'functions/http/read-runbooks.ts',
    // GET /on-call rides here, not in a function of its own: it reads only the bundled config, and the main stack is near CloudFormation's 500 resources.
    description: 'GET /runbooks and /runbooks/{runbookId}: the deployed runbooks, their versions, hashes and definitions; GET /on-call: whom their pages go to now',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    bundled: ['RUNBOOK_DEFINITIONS'],
    permissions: [],
    routes: [
      { method: 'GET', path: '/runbooks' },
      { method: 'GET', path: '/runbooks/{runbookId}' },
      { method: 'GET', path: '/on-call' },
    ],
  },
  {
    name: 'CreateHumanTask',
    entry: 'functions/tasks/create-human-task.ts',
    description: 'Runbook step: stores a human task with its task token and emails the assignees their signed links',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'TASK_LINK_SECRET_ID', 'API_URL', 'SLACK_SECRET_ID'],
    // runbooks:answer: a task found already decided hands the run that decision on its own token.
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send', 'links:sign', 'runbooks:answer', 'slack:post'],
  },
  {
    name: 'EscalateHumanTask',
    entry: 'functions/tasks/escalate-human-task.ts',
    description: 'Runbook step: records the next escalation level, re-arms the task with a new token and emails that level',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'TASK_LINK_SECRET_ID', 'API_URL', 'SLACK_SECRET_ID'],
    // runbooks:answer: a task found already decided hands the run that decision on its own token.
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send', 'links:sign', 'runbooks:answer', 'slack:post'],
  },
  {
    name: 'ExpireHumanTask',
    entry: 'functions/tasks/expire-human-task.ts',
    description: 'Runbook step: closes a human task nobody completed through its escalation levels',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME'],
    permissions: ['table:read', 'incidents:append', 'incidents:update'],
  },
  {
    name: 'TrackClock',
    entry: 'functions/tasks/track-clock.ts',
    description: 'Runbook step: starts a deadline clock, sends its reminders, and records it met, missed or stopped',
    memoryMb: 256,
    timeoutSeconds: 20,
    environment: ['TABLE_NAME', 'SLACK_SECRET_ID', 'API_URL'],
    // runbooks:answer: a clock a raise started before its branch asked hands the branch its plan (SendTaskSuccess).
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send', 'slack:post', 'runbooks:answer'],
  },
  {
    name: 'StartReportsFromRunbook',
    entry: 'functions/tasks/start-reports-from-runbook.ts',
    description: "Runbook step (start-reports): starts the regulatory report stages of the labels the incident was opened with, or of the classification an approval just decided (SEC materiality)",
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'API_URL', 'REVIEW_REMINDER_STATE_MACHINE_ARN', 'SLACK_SECRET_ID'],
    // As ClassifyIncident: each stage's task is emailed (mail:send) and its reminder started (reviews:schedule-reminder).
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send', 'reviews:schedule-reminder', 'slack:post'],
  },
  {
    name: 'RemindOverdueReview',
    entry: 'functions/tasks/remind-overdue-review.ts',
    description: 'Review reminder step, at the due time: if the post-incident review is still open, records task.overdue and emails the commanders their links again',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'TASK_LINK_SECRET_ID', 'API_URL', 'SLACK_SECRET_ID'],
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send', 'links:sign', 'slack:post'],
  },
  {
    name: 'RemindCorrectiveAction',
    entry: 'functions/tasks/remind-corrective-action.ts',
    description: "Corrective action reminder step: before due, reminds the owner; when due and still open, records action.overdue and escalates to the commanders",
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'API_URL'],
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send'],
  },
  {
    name: 'RemindReportStage',
    entry: 'functions/tasks/remind-report-stage.ts',
    description: 'Report stage reminder step: before the deadline, reminds the approvers; at the deadline and still unsubmitted, records task.overdue and escalates to the commanders',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'API_URL'],
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'mail:send'],
  },
  {
    name: 'CorrectiveActions',
    entry: 'functions/http/corrective-actions.ts',
    description: "The post-incident review's findings and corrective actions: record the review, list, add and close actions with evidence",
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'REVIEW_REMINDER_STATE_MACHINE_ARN'],
    // incidents:append: new ACTION# items and trail events; incidents:update: closing an action;
    // reviews:schedule-reminder: each action's reminder execution (the review reminder state machine's action branch).
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'reviews:schedule-reminder'],
    routes: [
      { method: 'GET', path: '/incidents/{incidentId}/actions' },
      { method: 'POST', path: '/incidents/{incidentId}/actions' },
      { method: 'POST', path: '/incidents/{incidentId}/actions/{actionId}/close' },
      { method: 'POST', path: '/incidents/{incidentId}/review' },
    ],
  },
  {
    name: 'ListHumanTasks',
    entry: 'functions/http/list-human-tasks.ts',
    description: 'GET /incidents/{incidentId}/tasks: the incident\'s human tasks (never their tokens)',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read'],
    routes: [{ method: 'GET', path: '/incidents/{incidentId}/tasks' }],
  },
  {
    name: 'CompleteHumanTask',
    entry: 'functions/http/complete-human-task.ts',
    description: 'POST /incidents/{incidentId}/tasks/{taskId}/complete: records the decision and answers the waiting run',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'API_URL', 'REVIEW_REMINDER_STATE_MACHINE_ARN', 'SLACK_SECRET_ID'],
    // mail:send: submitting a report stage opens the next one counted from it, emailed to the approvers;
    // reviews:schedule-reminder: and starts that stage's reminder.
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'runbooks:answer', 'mail:send', 'reviews:schedule-reminder', 'slack:post'],
    routes: [{ method: 'POST', path: '/incidents/{incidentId}/tasks/{taskId}/complete' }],
  },
  {
    name: 'AnswerTaskLink',
    entry: 'functions/http/answer-task-link.ts',
    description: 'GET/POST /task-links/{linkId}: an emailed, signed link; GET shows a confirmation page, only its POST completes the task',
    memoryMb: 256,
    timeoutSeconds: 10,
    // API_URL: a refused link's page names the API route to act through instead.
    environment: ['TABLE_NAME', 'TASK_LINK_SECRET_ID', 'API_URL', 'SLACK_SECRET_ID'],
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'runbooks:answer', 'links:sign', 'slack:post'],
    routes: [
      { method: 'GET', path: '/task-links/{linkId}', auth: 'signed-link' },
      { method: 'POST', path: '/task-links/{linkId}', auth: 'signed-link' },
    ],
  },
  {
    name: 'SlackInteractions',
    entry: 'functions/http/slack-interactions.ts',
    description: "POST /slack/interactions: a button pressed in Slack (signed by Slack), acting through the same operations as the API",
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'SLACK_SECRET_ID', 'API_URL'],
    // runbooks:answer: acknowledging and completing hand the waiting run its decision, as through the API.
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'runbooks:answer', 'slack:post'],
    routes: [{ method: 'POST', path: '/slack/interactions', auth: 'slack-signature' }],
  },
  {
    name: 'OpenIncidentFromFinding',
    entry: 'functions/tasks/open-incident-from-finding.ts',
    description: 'EventBridge target: a GuardDuty or Security Hub finding above the configured severity opens an incident on its mapped runbook, once per finding',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'DEDUPLICATION_TABLE_NAME', 'RUNBOOK_CATALOG', 'SLACK_SECRET_ID', 'API_URL', 'TASK_LINK_SECRET_ID', 'REVIEW_REMINDER_STATE_MACHINE_ARN'],
    // runbooks:answer: a finding arriving more severe starts the clocks the run's branches wait on (SendTaskSuccess).
    // links:sign, reviews:schedule-reminder: arriving more severe after resolve opens the review it calls for (emailed links, reminder).
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'findings:claim', 'runbooks:start', 'mail:send', 'slack:post', 'runbooks:answer', 'links:sign', 'reviews:schedule-reminder'],
    eventRules: ['security-findings'],
  },
  {
    name: 'ReadIncidentReview',
    entry: 'functions/http/read-incident-review.ts',
    description: 'GET /incidents/{incidentId}/review and /tasks/{taskId}/draft: Markdown drafts of the post-incident review and of a regulatory report stage, built from the record',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read'],
    routes: [
      { method: 'GET', path: '/incidents/{incidentId}/review' },
      { method: 'GET', path: '/incidents/{incidentId}/tasks/{taskId}/draft' },
    ],
  },
  {
    name: 'PrepareDrillRun',
    entry: 'functions/tasks/prepare-drill-run.ts',
    description: 'Drill step: records the run, checks the source and its backups, and picks the recovery point',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drills:inspect-source'],
  },
  {
    name: 'StartDrillRestore',
    entry: 'functions/tasks/start-drill-restore.ts',
    description: 'Drill step: starts the restore into a new drill-prefixed table',
    memoryMb: 256,
    timeoutSeconds: 60,
    environment: ['TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drills:restore'],
  },
  {
    name: 'CheckDrillRestore',
    entry: 'functions/tasks/check-drill-restore.ts',
    description: 'Drill step: follows the restore, plans the next (adaptive) wait, and tags the new table once it is ready',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drills:inspect-restore', 'drills:restore'],
  },
  {
    name: 'AwaitDrillRestoreEnd',
    entry: 'functions/tasks/await-drill-restore-end.ts',
    description: 'Drill step (waitForTaskToken): keeps the wait\'s token under the AWS Backup restore job id or the restored database ARN, and ends the wait itself if the restore already ended',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'DEDUPLICATION_TABLE_NAME'],
    // drill-runs:append: a failure is recorded on the run's trail, as every drill step's is.
    permissions: ['table:read', 'drill-runs:append', 'drills:keep-restore-wait', 'drills:end-restore-wait'],
  },
  {
    name: 'EndDrillRestoreWait',
    entry: 'functions/tasks/end-drill-restore-wait.ts',
    description: 'EventBridge target: an AWS Backup restore job ended, or RDS made, restored or failed a database; the drill waiting on it (if any) is woken with its task token',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['DEDUPLICATION_TABLE_NAME'],
    permissions: ['drills:find-restore-wait', 'drills:end-restore-wait'],
    eventRules: ['drill-restore-jobs-ended', 'drill-databases-restored'],
  },
  {
    name: 'StartRestoreTestingDrill',
    entry: 'functions/tasks/start-restore-testing-drill.ts',
    description: 'EventBridge target: an AWS Backup restore job ended; if an irdr plan\'s restore testing plan started it, that plan\'s drill validates it (once per job)',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['DRILL_STATE_MACHINE_ARN'],
    bundled: ['DRILL_PLANS'],
    permissions: ['drills:read-restore-testing-job', 'drills:start'],
    eventRules: ['restore-testing-jobs-ended'],
  },
  {
    name: 'PlanDrillValidation',
    entry: 'functions/tasks/plan-drill-validation.ts',
    description: 'Drill step: validation starts; plans whole-table reads as parallel-scan segments for the Map to count',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drills:count-data'],
  },
  {
    name: 'CountDrillSegment',
    entry: 'functions/tasks/count-drill-segment.ts',
    description: 'Drill step (a Map iteration): counts one parallel-scan segment of a restored table, or lists one key range of a bucket, for as long as it has time',
    memoryMb: 256,
    timeoutSeconds: 300,
    environment: [],
    // The S3 listing is bundled where a plan restores a bucket.
    drillFlags: true,
    permissions: ['drills:count-data'],
  },
  {
    name: 'RunDrillChecks',
    entry: 'functions/tasks/run-drill-checks.ts',
    description: 'Drill step: validates the restored data (counts, canary RPO, samples, checksums, custom checks) and measures RTO',
    memoryMb: 512,
    timeoutSeconds: 300,
    environment: ['TABLE_NAME', 'DEDUPLICATION_TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drills:read-data'],
  },
  {
    name: 'RunDrillWireChecks',
    entry: 'functions/tasks/run-drill-wire-checks.ts',
    description: 'Drill step, for wire SQL checks: the validator in the drill VPC, validating the restored database over the Postgres or MySQL wire (TLS, RDS CAs) and measuring RTO',
    memoryMb: 512,
    timeoutSeconds: 300,
    environment: ['TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drills:read-database-wire'],
    network: 'drill-vpc',
  },
  {
    name: 'CleanUpDrill',
    entry: 'functions/tasks/clean-up-drill.ts',
    description: 'Drill step, on every path: deletes the restored table (only if drill-prefixed and tagged with this run) and any backup the drill took',
    memoryMb: 256,
    timeoutSeconds: 60,
    environment: ['TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drills:inspect-restore', 'drills:cleanup', 'mail:send'],
  },
  {
    name: 'RecordDrillOutcome',
    entry: 'functions/tasks/record-drill-outcome.ts',
    description: 'Drill step: records pass or fail against the targets; a failure opens the failure runbook, a later pass closes it',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'RUNBOOK_CATALOG'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'drill-plans:set-state', 'incidents:append', 'incidents:update', 'runbooks:start', 'drills:report-validation'],
  },
  {
    name: 'SendDrillReport',
    entry: 'functions/tasks/send-drill-report.ts',
    description: 'Drill step: emails the report (pass or fail, RTO and RPO against targets, each check, cleanup) and records it',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: ['TABLE_NAME', 'API_URL', 'SLACK_SECRET_ID'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read', 'drill-runs:append', 'drill-runs:update', 'mail:send', 'slack:post'],
  },
  {
    name: 'WriteDrillCanary',
    entry: 'functions/tasks/write-drill-canary.ts',
    description: 'Scheduled: writes the canary item (key and time) into a plan\'s source table, so drills measure RPO; counts the source a tick at a time where a plan asks (baseline: counted)',
    memoryMb: 128,
    // A count of the source carries on from tick to tick within this (the canary is written first).
    timeoutSeconds: 60,
    environment: ['DEDUPLICATION_TABLE_NAME'],
    bundled: ['DRILL_PLANS'],
    permissions: ['drills:canary'],
  },
  {
    name: 'WriteDrillWireCanary',
    entry: 'functions/tasks/write-drill-wire-canary.ts',
    description: 'Scheduled, in the drill VPC: writes the SQL canary row over the Postgres wire into a plan\'s source database that only the VPC reaches, so drills measure RPO',
    memoryMb: 256,
    timeoutSeconds: 30,
    environment: [],
    bundled: ['DRILL_PLANS'],
    permissions: ['drills:canary-wire'],
    network: 'drill-vpc',
  },
  {
    name: 'StartDrillRun',
    entry: 'functions/http/start-drill-run.ts',
    description: 'POST /drills/{planId}/runs: runs a drill now (Idempotency-Key)',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['DEDUPLICATION_TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'DRILL_STATE_MACHINE_ARN'],
    bundled: ['DRILL_PLANS'],
    permissions: ['idempotency', 'drills:start'],
    routes: [{ method: 'POST', path: '/drills/{planId}/runs' }],
  },
  {
    name: 'ReadDrills',
    entry: 'functions/http/read-drills.ts',
    description: 'GET /drills, /drills/{planId}/runs and /drill-runs/{runId}: plans, their runs, and one run with its trail',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    bundled: ['DRILL_PLANS'],
    permissions: ['table:read'],
    indexes: ['GSI2'],
    routes: [
      { method: 'GET', path: '/drills' },
      { method: 'GET', path: '/drills/{planId}/runs' },
      { method: 'GET', path: '/drill-runs/{runId}' },
    ],
  },
  {
    name: 'StartDrillFromRunbook',
    entry: 'functions/tasks/start-drill-from-runbook.ts',
    description: 'Runbook step (start-drill): starts a restore drill for the incident and records its run in the trail (not in an exercise)',
    memoryMb: 256,
    timeoutSeconds: 20,
    environment: ['TABLE_NAME', 'DRILL_STATE_MACHINE_ARN'],
    permissions: ['table:read', 'incidents:append', 'drills:start'],
  },
  {
    name: 'PushComplianceEvidence',
    entry: 'functions/tasks/push-compliance-evidence.ts',
    description: 'After a sign-off, and hourly for what is still pending: pushes signed reports to Vanta/Drata and drill plans as Vanta custom resources, once each',
    memoryMb: 256,
    // Each vendor call retries for at most 60 s (functions/aws/compliance-platform-client.ts); a record makes up to three.
    timeoutSeconds: 300,
    environment: ['TABLE_NAME', 'DEDUPLICATION_TABLE_NAME', 'COMPLIANCE_PLATFORMS_SECRET_ID', 'VANTA_API_URL', 'DRATA_API_URL', 'API_URL', 'EVIDENCE_EXPORT_BUCKET'],
    bundled: ['DRILL_PLANS'],
    // incidents:append / drill-runs:append / evidence-exports:append: each push is recorded in the pushed record's (or export's) trail;
    // evidence-exports:read-zips: an exported period's zip is read from the bucket and held to its recorded SHA-256 before upload.
    permissions: ['table:read', 'incidents:append', 'drill-runs:append', 'evidence-exports:append', 'evidence-exports:read-zips', 'compliance:push', 'compliance:credentials'],
    indexes: ['GSI2'],
  },
  {
    name: 'WriteEvidenceDigest',
    entry: 'functions/tasks/write-evidence-digest.ts',
    description: 'Daily (and on demand): writes the head of every incident and drill-run trail to write-once storage, linked to the previous digest',
    memoryMb: 512,
    timeoutSeconds: 300,
    environment: ['TABLE_NAME', 'EVIDENCE_DIGEST_STORE', 'EVIDENCE_DIGEST_SIGNING_KEY_ID'],
    permissions: ['table:read', 'evidence:write-digests'],
    indexes: ['GSI1'],
  },
  {
    name: 'VerifyEvidence',
    entry: 'functions/http/verify-evidence.ts',
    description: 'GET /evidence/verify: recomputes every chain of a period and holds each to the heads the write-once digests recorded',
    memoryMb: 1024,
    // API Gateway HTTP APIs wait at most 30 seconds for an integration.
    timeoutSeconds: 29,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'EVIDENCE_DIGEST_STORE', 'EVIDENCE_DIGEST_SIGNING_KEY_ID'],
    permissions: ['table:read', 'evidence:read-digests'],
    indexes: ['GSI1'],
    routes: [{ method: 'GET', path: '/evidence/verify' }],
  },
  {
    name: 'RecordEndedRun',
    entry: 'functions/tasks/record-ended-run.ts',
    description: 'EventBridge: a runbook or drill execution that failed, timed out or was stopped outside its own error handling marks its record aborted',
    memoryMb: 256,
    // Cleaning up an aborted drill's restored table waits (up to a minute) for the table to become deletable.
    timeoutSeconds: 120,
    environment: ['TABLE_NAME', 'RUNBOOK_CATALOG', 'DRILL_STATE_MACHINE_ARN'],
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'drill-runs:append', 'drill-runs:update', 'drills:abort'],
    eventRules: ['runs-ended-abnormally'],
  },
  {
    name: 'ExportEvidence',
    entry: 'functions/http/export-evidence.ts',
    description: 'GET /evidence: the evidence export of a period (JSON, zip or the HTML report), its manifest signed by the KMS key; GET /evidence/statement: the public continuity statement, signed by the same key',
    memoryMb: 1769,
    // API Gateway HTTP APIs wait at most 30 seconds for an integration.
    timeoutSeconds: 29,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'EVIDENCE_SIGNING_KEY_ID'],
    bundled: ['RUNBOOK_DEFINITIONS', 'DRILL_PLANS'],
    // estate:list: the export carries the estate's coverage by the period's runs.
    permissions: ['table:read', 'evidence:sign', 'estate:list'],
    indexes: ['GSI1'],
    routes: [
      { method: 'GET', path: '/evidence' },
      { method: 'GET', path: '/evidence/statement' },
    ],
  },
  {
    name: 'EvidenceExports',
    entry: 'functions/http/evidence-exports.ts',
    description: 'POST /evidence/exports: starts the asynchronous export of any period (or answers with the running one); GET /evidence/exports/{exportId}: its progress and, for an auditor, a short-lived link to the signed zip',
    memoryMb: 256,
    timeoutSeconds: 20,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'EVIDENCE_EXPORT_STATE_MACHINE_ARN', 'EVIDENCE_EXPORT_BUCKET'],
    permissions: ['table:read', 'evidence-exports:append', 'evidence-exports:update', 'evidence-exports:start', 'evidence-exports:link'],
    routes: [
      { method: 'POST', path: '/evidence/exports' },
      { method: 'GET', path: '/evidence/exports/{exportId}' },
    ],
  },
  {
    name: 'RunEvidenceExport',
    entry: 'functions/tasks/run-evidence-export.ts',
    description: 'The evidence export state machine\'s steps: read and verify one month of trails into a part (a Map iteration), render, sign (KMS) and zip the parts into the exports bucket, or record why the export failed',
    memoryMb: 1769,
    // A month of a busy year is ~40k events; rendering a year is the long step. Lambda's limit, not a target.
    timeoutSeconds: 900,
    environment: ['TABLE_NAME', 'EVIDENCE_EXPORT_SIGNING_KEY_ID', 'EVIDENCE_EXPORT_BUCKET', 'DEDUPLICATION_TABLE_NAME', 'COMPLIANCE_PUSH_FUNCTION_NAME'],
    bundled: ['RUNBOOK_DEFINITIONS', 'DRILL_PLANS'],
    // compliance:enqueue: a finished export is queued (by reference: id, zip key, SHA-256) for the compliance platforms, then pushed asynchronously.
    permissions: ['table:read', 'evidence-exports:append', 'evidence-exports:update', 'evidence-exports:sign', 'estate:list', 'evidence-exports:write-files', 'compliance:enqueue'],
    indexes: ['GSI1'],
  },
  {
    name: 'ReadEstateCoverage',
    entry: 'functions/http/read-estate-coverage.ts',
    description: 'GET /evidence/coverage: every resource AWS Backup protects and every DynamoDB table, per type, against the drill runs of a period',
    memoryMb: 512,
    // API Gateway HTTP APIs wait at most 30 seconds for an integration.
    timeoutSeconds: 29,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read', 'estate:list'],
    indexes: ['GSI1'],
    routes: [{ method: 'GET', path: '/evidence/coverage' }],
  },
  {
    name: 'SignOffEvidence',
    entry: 'functions/http/sign-off-evidence.ts',
    description: 'POST /incidents/{incidentId}/sign-off and /drill-runs/{runId}/sign-off: a reviewer accepts the record or notes exceptions, in its trail',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID', 'DEDUPLICATION_TABLE_NAME', 'COMPLIANCE_PUSH_FUNCTION_NAME'],
    // compliance:enqueue: a signed-off record is queued for the compliance platforms before the answer, then pushed asynchronously.
    permissions: ['table:read', 'incidents:append', 'incidents:update', 'drill-runs:append', 'drill-runs:update', 'compliance:enqueue'],
    routes: [
      { method: 'POST', path: '/incidents/{incidentId}/sign-off' },
      { method: 'POST', path: '/drill-runs/{runId}/sign-off' },
    ],
  },
  {
    name: 'ListUnreviewedEvidence',
    entry: 'functions/http/list-unreviewed-evidence.ts',
    description: 'GET /evidence/unreviewed: finished live incidents and drill runs of a period that nobody has signed off',
    memoryMb: 256,
    timeoutSeconds: 20,
    environment: ['TABLE_NAME', 'ROLE_PRINCIPALS', 'CONSOLE_IDENTITY_POOL_ID'],
    permissions: ['table:read'],
    indexes: ['GSI1'],
    routes: [{ method: 'GET', path: '/evidence/unreviewed' }],
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof functionRegistry)[number]['name'];

type RoutePath = Extract<(typeof functionRegistry)[number], { routes: unknown }>['routes'][number]['path'];
/** Fails to compile when a route names a path parameter that domain/path-parameters.ts has no rule for (the shell checks each). */
export const everyPathParameterHasARule: PathParametersOf<RoutePath> extends PathParameterName ? true : never = true;

/** The `${Placeholder}` under which compiled ASL refers to a function's ARN. */
export const functionArnPlaceholder = (name: FunctionName): string => `${name}FunctionArn`;

export function functionSpec(name: string): FunctionSpec {
  const spec = functionRegistry.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no function named ${name} in functions/registry.ts`);
  return spec;
}

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRILL_RUN_TAG } from '../../functions/domain/drill-naming.js';
import { deduplicationTableDesign, tableDesign } from '../../functions/domain/table-design.js';
import { functionRegistry, type FunctionName } from '../../functions/registry.js';
import { recordAwsCalls, type RecordedAwsCall } from '../../local/aws-call-recorder.js';
import { backUpArchiveBucket, seedArchiveBucket } from '../../local/cli/demo-bucket.js';
import { seedOrdersCluster, waitUntilClusterRestorable } from '../../local/cli/demo-database.js';
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };
import { deployTemplate, type DeployedTemplate } from '../infra/iam-simulation.js';
import { statementsOfRole, synthesizeIrdr, type SynthesizedIrdr, type SynthesizedPolicyStatement } from '../infra/synthesized-app.js';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS, LOCAL_DEDUPLICATION_TABLE_NAME, LOCAL_REGION, LOCAL_TABLE_NAME } from '../../local/stack-config.js';
import { deployedResourceNames, type DeployedSpellings } from './support/deployed-resource-names.js';
import { drillSession } from './support/drill-session.js';
import { deployConfigChange } from './support/config-change.js';
import { LOCAL_DRATA_WORKSPACE_ID, LOCAL_VANTA_DOCUMENT_ID, LOCAL_VANTA_RESOURCE_ID } from '../../local/compliance-platforms/server.js';
import {
  actionsGrantedButUnused,
  authorizationChecksOf,
  deployedArnOf,
  evaluateChecks,
  partitionsGrantedButUnwritten,
  resourcesGrantedButUnused,
  type DeployedArnOf,
} from './support/recorded-call-authorization.js';
import { runbookSession, taskLinkIn } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * Every AWS call each handler makes while the local stack runs real scenarios is checked against the
 * IAM policy CDK synthesizes for that function, action and resource, as @cloud-copilot/iam-simulate evaluates it: the
 * template deployed into one account (tests/infra/iam-simulation.ts), each resource the call names translated from its
 * local ARN to the deployed one (support/deployed-resource-names.ts), with the condition keys the request carries
 * (dynamodb:LeadingKeys from each item's partition key, ses:FromAddress). Every action granted but never used is listed
 * (and must be justified below).
 */
const GRANTED_BUT_UNUSED_JUSTIFIED: Readonly<Record<string, string>> = {
  'logs:CreateLogStream': 'the Lambda service writes the function logs with the function role; handlers never call it',
  'logs:PutLogEvents': 'the Lambda service writes the function logs with the function role; handlers never call it',
  'xray:PutTraceSegments': 'the Lambda service sends traces with the function role',
  'xray:PutTelemetryRecords': 'the Lambda service sends traces with the function role',
  'kms:Decrypt': 'DynamoDB calls KMS for the table key on the caller’s behalf; never a direct call',
  'kms:DescribeKey': 'DynamoDB calls KMS for the table key on the caller’s behalf; never a direct call',
  'kms:Encrypt': 'DynamoDB calls KMS for the table key on the caller’s behalf; never a direct call',
  'kms:GenerateDataKey': 'DynamoDB calls KMS for the table key on the caller’s behalf; never a direct call',
  'kms:GenerateDataKey*': 'DynamoDB calls KMS for the table key on the caller’s behalf; never a direct call',
  'kms:ReEncrypt*': 'DynamoDB calls KMS for the table key on the caller’s behalf; never a direct call',
  'dynamodb:BatchGetItem': 'part of the table:read grant; no handler batches reads yet',
  'dynamodb:ConditionCheckItem': 'part of the table:read grant (transactions); unused while dynalite lacks transactions',
  'dynamodb:DeleteItem': 'idempotency: Powertools deletes its record when the handler fails (the replay path never fails in the scenarios)',
  'dynamodb:GetItem': 'part of the table:read grant; some functions read only through Query',
  'dynamodb:Query': 'part of the table:read grant; some functions read only by key',
  'states:SendTaskFailure': 'granted with SendTaskSuccess; approvals route on the success output, so failure is never sent',
  'CreateHumanTask:states:SendTaskSuccess': 'only for a task born decided (acknowledged or reviewed before the run got there): runbook-acknowledgement and -post-incident-review tests run it',
  'EscalateHumanTask:states:SendTaskSuccess': 'only when a decision races a level\'s timeout (the decision is handed on, not thrown): timing no scenario here forces',
  'SendNotification:dynamodb:UpdateItem': "slack:post's claim of the incident's Slack message (SLACK#THREAD): only the first notice of an incident posts it, and in these scenarios a task's email comes first; the claim is the same code whichever step posts",
  'states:SendTaskHeartbeat': 'granted with SendTaskSuccess for long human tasks; no task uses heartbeats yet',
  // A raise of the severity hands a clock branch waiting for it its plan (incident-classify.test.ts runs both orders).
  'ClassifyIncident:states:SendTaskSuccess': 'only when a raise starts a clock whose branch waits for one (a SEV3 raised to SEV1/SEV2): incident-classify runs it',
  'OpenIncidentFromFinding:states:SendTaskSuccess': 'only when a finding arriving more severe starts a clock its incident\'s run waits to start: the same code as a classify raise (incident-classify)',
  'TrackClock:states:SendTaskSuccess': 'only when a raise lands between a clock\'s start and its wait for a raise (the branch then carries on itself): timing no scenario here forces',
  'secretsmanager:DescribeSecret': 'part of the secret read grant; Powertools only calls GetSecretValue',
  // In Lambda each function has its own process and cache; locally they share one process, so Powertools'
  // cached secret serves every function after the first reader and only that first call is seen.
  'secretsmanager:GetSecretValue': 'read once per container and cached by Powertools (shared locally across functions)',
  // Drills (keys `<Function>:<action>` hold for that function only): the scenario runs the example plans
  // (dynamodb-pitr, and dynamodb-backup with `backup: create`).
  'StartDrillRestore:dynamodb:RestoreTableFromBackup': 'drills:restore: StartDrillRestore restores a `backup: latest` plan at once; CheckDrillRestore restores the backup a `backup: create` plan took once it is AVAILABLE; each plan uses one of the two',
  'CheckDrillRestore:dynamodb:RestoreTableToPointInTime': 'drills:restore: only StartDrillRestore starts PITR restores; CheckDrillRestore holds drills:restore for backups it took',
  'CheckDrillRestore:dynamodb:CreateBackup': 'drills:restore: only StartDrillRestore takes backups; CheckDrillRestore holds drills:restore to restore them',
  'StartDrillRestore:dynamodb:DescribeBackup': 'drills:restore: CheckDrillRestore follows the backup being taken; StartDrillRestore only starts it',
  'CleanUpDrill:dynamodb:DescribeBackup': 'drills:inspect-restore: cleanup deletes the backup a drill took without describing it first',
  'CheckDrillRestore:dynamodb:ListTagsOfResource': 'drills:inspect-restore: CheckDrillRestore tags the new table and never reads tags back; CleanUpDrill does',
  // The S3 plan (orders-archive-s3, aws-backup): one restore job, followed to its end by CheckDrillRestore.
  'CheckDrillRestore:backup:GetRecoveryPointRestoreMetadata': 'drills:restore: only StartDrillRestore starts AWS Backup restore jobs; CheckDrillRestore holds drills:restore for the DynamoDB backups it took',
  'CheckDrillRestore:backup:StartRestoreJob': 'drills:restore: only StartDrillRestore starts AWS Backup restore jobs; CheckDrillRestore holds drills:restore for the DynamoDB backups it took',
  'StartDrillRestore:iam:PassRole': 'IAM checks it when StartRestoreJob passes the plan\'s restore role: no request of its own to record (tests/infra/drill-grants-resources holds the role and iam:PassedToService)',
  'StartDrillRestore:backup:DescribeRestoreJob': 'drills:restore: StartDrillRestore starts the job; CheckDrillRestore follows it',
  'CheckDrillRestore:iam:PassRole': 'drills:restore: the restore role is passed by StartRestoreJob, which only StartDrillRestore calls',
  'CleanUpDrill:backup:DescribeRestoreJob': 'drills:inspect-restore: CleanUpDrill asks the restore job only when it finished after the drill stopped waiting, to claim what it made (tested in drill-aws-backup-resources)',
  'CleanUpDrill:s3:ListBucket': 'drills:inspect-restore: CleanUpDrill claims a bucket (HeadBucket) only when its restore finished after the drill stopped waiting',
  'CleanUpDrill:s3:PutBucketPublicAccessBlock': 'drills:inspect-restore: the late claim of a bucket whose restore finished after the drill stopped waiting',
  'CleanUpDrill:s3:PutBucketTagging': 'drills:inspect-restore: the late claim of a bucket whose restore finished after the drill stopped waiting',
  'CleanUpDrill:s3:DeleteObject': 'drills:cleanup: cleanup deletes each listed version by its VersionId (DeleteObjectVersion); DeleteObject stays for an entry S3 lists without one',
  'CleanUpDrill:dynamodb:TagResource': 'drills:cleanup: CleanUpDrill tags a table only when a restore finished after the drill stopped waiting (tested in drill-drivers and drill-run)',
  // Locally the write-once digest store is a folder (no emulator offers S3 Object Lock); the S3 requests the store
  // makes are checked against the S3 API in tests/unit/evidence-digest.test.ts, and the grants in tests/infra.
  's3:PutObject': 'digests: the local store is a folder; in AWS WriteEvidenceDigest puts each digest (If-None-Match)',
  's3:GetObjectVersion': 'digests: the local store is a folder; in AWS the digest functions read each digest\'s first version with it',
  's3:ListBucketVersions': 'digests: the local store is a folder; in AWS the digest functions list every version and delete marker of the digest prefix with it',
  // Functions invoked asynchronously (EventBridge rules, Scheduler) have a Lambda dead-letter queue: the Lambda service
  // sends a failed event there with the function's role; the handler never calls SQS.
  'sqs:SendMessage': 'the Lambda service dead-letters a failed asynchronous invocation with the function role; no handler calls SQS',
  'CreateHumanTask:dynamodb:UpdateItem': 'incidents:update: re-arms a task found from an earlier attempt, or completes one born decided (runbook-acknowledgement and -post-incident-review tests)',
  // The S3 plan's restore job is waited for by its end event (EndDrillRestoreWait answers the token AwaitDrillRestoreEnd kept).
  // It hears the S3 plan's restore job end too; none of the example plans restores through restore testing, so it looks no further.
  'StartRestoreTestingDrill:states:StartExecution': 'drills:start: a drill starts only for a restore testing job of a plan that restores through restore testing (none of workflows/drills); drill-aws-backup.test.ts starts them and holds their calls to the synthesized grants',
  'AwaitDrillRestoreEnd:states:SendTaskSuccess': 'drills:end-restore-wait: the waiting step answers its own token only when the job ended before it kept it (drill-restore-events forces that race)',
  // The Aurora plan (orders-aurora, rds-pitr, checks through the Data API).
  'StartDrillRestore:rds:AddTagsToResource': 'drills:restore: RDS checks it when a restore carries tags (tag-on-create): no request of its own to record; the tag conditions are in tests/infra',
  'CheckDrillRestore:rds:RestoreDBClusterToPointInTime': 'drills:restore: only StartDrillRestore starts RDS restores; CheckDrillRestore holds drills:restore for the DynamoDB backups it took',
  'RunDrillChecks:rds:DescribeDBClusters': 'drills:read-data: a restored cluster\'s ARN is looked up only when the restore handle lacks it (the handle carries it here)',
  // The wire plan (orders-aurora-wire): the validator in the drill VPC. Lambda, not the handler, manages its network interfaces.
  'RunDrillWireChecks:ec2:CreateNetworkInterface': 'the Lambda service creates the validator\'s network interfaces in the drill subnets with its role; locally there is no VPC, and no handler calls EC2',
  'RunDrillWireChecks:ec2:DeleteNetworkInterface': 'the Lambda service deletes the validator\'s network interfaces with its role; no handler calls EC2',
  'RunDrillWireChecks:ec2:AssignPrivateIpAddresses': 'the Lambda service manages the validator\'s network interfaces with its role; no handler calls EC2',
  'RunDrillWireChecks:ec2:UnassignPrivateIpAddresses': 'the Lambda service manages the validator\'s network interfaces with its role; no handler calls EC2',
  'RunDrillWireChecks:ec2:DescribeNetworkInterfaces': 'the Lambda service looks up the validator\'s network interfaces with its role; no handler calls EC2',
  'RunDrillWireChecks:ec2:DescribeSubnets': 'the Lambda service looks up the drill subnets with the validator\'s role; no handler calls EC2',
  // The wire canary writer (WriteDrillWireCanary) sits in the drill VPC as the validator does: the same Lambda-managed interfaces.
  'WriteDrillWireCanary:ec2:CreateNetworkInterface': 'the Lambda service creates the wire canary writer\'s network interfaces in the drill subnets with its role; locally there is no VPC, and no handler calls EC2',
  'WriteDrillWireCanary:ec2:DeleteNetworkInterface': 'the Lambda service deletes the wire canary writer\'s network interfaces with its role; no handler calls EC2',
  'WriteDrillWireCanary:ec2:AssignPrivateIpAddresses': 'the Lambda service manages the wire canary writer\'s network interfaces with its role; no handler calls EC2',
  'WriteDrillWireCanary:ec2:UnassignPrivateIpAddresses': 'the Lambda service manages the wire canary writer\'s network interfaces with its role; no handler calls EC2',
  'WriteDrillWireCanary:ec2:DescribeNetworkInterfaces': 'the Lambda service looks up the wire canary writer\'s network interfaces with its role; no handler calls EC2',
  'WriteDrillWireCanary:ec2:DescribeSubnets': 'the Lambda service looks up the drill subnets with the wire canary writer\'s role; no handler calls EC2',
  'CleanUpDrill:rds:AddTagsToResource': 'drills:inspect-restore: a database is tagged with its run in the restore call itself, so cleanup never claims one late (it holds inspect-restore for tables and buckets)',
  'CleanUpDrill:rds:CreateDBInstance': 'drills:inspect-restore: only CheckDrillRestore adds the instance of a restored cluster',
  'CleanUpDrill:rds:EnableHttpEndpoint': 'drills:inspect-restore: only CheckDrillRestore turns on a restored cluster\'s Data API',
  'RecordEndedRun:rds:DescribeDBInstances': 'drills:abort: an aborted database drill\'s cleanup; the scenario stops a table drill (drill-rds-e2e deletes databases on every path)',
  'RecordEndedRun:rds:DescribeDBClusters': 'drills:abort: an aborted database drill\'s cleanup; the scenario stops a table drill',
  'RecordEndedRun:rds:DeleteDBInstance': 'drills:abort: an aborted database drill\'s cleanup; the scenario stops a table drill',
  'RecordEndedRun:rds:DeleteDBCluster': 'drills:abort: an aborted database drill\'s cleanup; the scenario stops a table drill',
  // Validation fanned out: one drills:count-data grant for the step that plans segments and the step that counts them.
  'PlanDrillValidation:dynamodb:Scan': 'drills:count-data: PlanDrillValidation sizes the tables (DescribeTable); CountDrillSegment scans them',
  'CountDrillSegment:dynamodb:DescribeTable': 'drills:count-data: CountDrillSegment only scans; PlanDrillValidation sizes the tables',
  // Bucket checks in key ranges: PlanDrillValidation lists the restored bucket's top level to cut it; CountDrillSegment lists and hashes the ranges.
  'PlanDrillValidation:s3:ListBucketVersions': 'drills:count-data: PlanDrillValidation only lists the restored bucket (ListObjectsV2) to cut its key ranges; CountDrillSegment lists the source\'s versions',
  'PlanDrillValidation:s3:GetObject': 'drills:count-data: PlanDrillValidation only lists to cut key ranges; CountDrillSegment hashes the objects of a prefix checksum',
  'RunDrillChecks:s3:ListBucket': 'drills:read-data: whole-prefix bucket checks list in CountDrillSegment now; without ListBucket S3 answers a sampled key missing from the restore with 403, not 404 (NoSuchKey), and executions started before the fan-out list here',
  'PlanDrillValidation:s3:GetObjectVersion': 'drills:count-data: PlanDrillValidation only lists to cut key ranges; CountDrillSegment hashes the source\'s versions',
  // The asynchronous export's download link is presigned (no request): S3 checks the grant when the auditor follows it.
  'EvidenceExports:s3:GetObject': "evidence-exports:link: the download link is presigned with the function's credentials, no call of its own; S3 checks this grant when the link is followed",
  'CleanUpDrill:ses:SendEmail': 'CleanUpDrill emails only when cleanup is refused or gives up (tested in drill-run); the scenario cleans up every table',
};

/**
 * Partition families (`<action> <dynamodb:LeadingKeys pattern>`) a function is granted on the evidence or deduplication
 * table that the scenarios never saw it write; keys `<Function>:<action> <pattern>` hold for that function only.
 */
const PARTITIONS_GRANTED_BUT_UNWRITTEN_JUSTIFIED: Readonly<Record<string, string>> = {
  'dynamodb:DeleteItem IDEM#*': 'idempotency: Powertools deletes its record when the handler fails (the replay path never fails in the scenarios)',
  'OpenIncidentFromFinding:dynamodb:UpdateItem INC#*': 'marks the runbook start-failed when StartExecution fails (finding-trigger test refuses starts)',
  'CreateHumanTask:dynamodb:UpdateItem INC#*': 'incidents:update: re-arms a task found from an earlier attempt, or completes one born decided (runbook-acknowledgement and -post-incident-review tests)',
  'AwaitDrillRestoreEnd:dynamodb:PutItem DRILLRUN#*': 'drill-runs:append: a drill step records drill.<step>.failed on the run\'s trail only when it fails (the waiting step never fails here)',
  'SendNotification:dynamodb:UpdateItem INC#*': "slack:post's claim of an incident's Slack message (INC#<id> SLACK#THREAD), made by whichever notice comes first: here a task's email always does",
  'StartDrillRun:dynamodb:GetItem IDEM#*': 'Powertools reads the record only on a repeated key (drill-api test replays one); the scenario uses each key once',
  'PushComplianceEvidence:dynamodb:Query PUSH#*': 'the hourly run queries the PUSH#PENDING queue (the scenario runs it): the recorder takes no LeadingKeys from a key condition, so a Query never counts here; IAM applies LeadingKeys to Query in AWS',
};

/**
 * Drills, with the example plans (the ones CDK grants from) on the demo table they name: the canary writer through
 * the Lambda Invoke API, a PITR drill and a backup drill that pass, the ledger drill failing on an altered entry
 * (opening the failure runbook), then the API that reads them.
 */
async function runDrillScenario(local: TestStack, incidentId: string): Promise<void> {
  const drills = drillSession(local);
  await drills.createSourceTable('irdr-demo-orders');
  await drills.seed('irdr-demo-orders');
  const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const canary = await lambda.send(new InvokeCommand({ FunctionName: 'irdr-WriteDrillCanary', Payload: JSON.stringify({ planId: 'orders-pitr' }) }));
  expect(canary.FunctionError).toBeUndefined();
  // A runbook's start-drill step (ransomware recovery), as the runbook invokes it.
  const fromRunbook = await lambda.send(
    new InvokeCommand({
      FunctionName: 'irdr-StartDrillFromRunbook',
      Payload: JSON.stringify({ incidentId, stepId: 'prove-backup-restores', executionArn: 'arn:aws:states:us-east-1:000000000000:execution:coverage:1', drillPlanId: 'orders-pitr', event: 'recovery.drill-started', mode: 'live' }),
    }),
  );
  lambda.destroy();
  expect(fromRunbook.FunctionError, Buffer.from(fromRunbook.Payload ?? []).toString()).toBeUndefined();
  await drills.waitUntilRestorable('irdr-demo-orders');
  const runDrill = async (planId: string, attempt = 1) => {
    const started = await local.api('POST', `/drills/${planId}/runs`, { headers: { 'idempotency-key': `coverage-${planId}-${attempt}` } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return { runId: started.body.runId as string, execution: await local.waitForExecution(started.body.executionArn as string, 2400) };
  };
  expect((await runDrill('orders-pitr')).execution.status).toBe('SUCCEEDED');
  expect((await runDrill('orders-backup')).execution.status).toBe('SUCCEEDED');
  // The closed entry altered once the run has chosen its point (its restore held back 2 s): the restore holds the entry as
  // closed, the live table the altered one. Altered before the start, the run passed whenever its Prepare took longer than
  // the 1 s (at 600x) the latest restorable point trails the clock.
  local.stack.faults.functions.set('StartDrillRestore', { mode: 'delay', delayMs: 2_000, times: 1 });
  const ledgerStart = await local.api('POST', '/drills/ledger-archive-pitr/runs', { headers: { 'idempotency-key': 'coverage-ledger-archive-pitr-1' } });
  expect(ledgerStart.status, JSON.stringify(ledgerStart.body)).toBe(202);
  const ledgerRunId = ledgerStart.body.runId as string;
  for (let look = 0; !(await local.api('GET', `/drill-runs/${ledgerRunId}`, { token: 'dev-auditor' })).body.run?.recoveryPoint; look += 1) {
    if (look > 150) throw new Error(`drill run ${ledgerRunId} never chose its recovery point`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await drills.put('irdr-demo-orders', { pk: 'LEDGER#2025', sk: 'ENTRY#0', amount: 1, currency: 'EUR' });
  const failed = { runId: ledgerRunId, execution: await local.waitForExecution(ledgerStart.body.executionArn as string, 2400) };
  expect(failed.execution.error).toBe('DrillFailed');
  // The entry put right, the next run passes and resolves the failure incident the failed one opened (RecordDrillOutcome
  // updates an INC# item): not left to whether the runbook's drill above happened to fail.
  await drills.put('irdr-demo-orders', { pk: 'LEDGER#2025', sk: 'ENTRY#0', amount: 100, currency: 'EUR' });
  await drills.waitUntilRestorable('irdr-demo-orders');
  expect((await runDrill('ledger-archive-pitr', 2)).execution.status).toBe('SUCCEEDED');
  // The example S3 plan through AWS Backup: its bucket, canary object and a recovery point, then a passing drill.
  await seedArchiveBucket(local.stack.urls.s3);
  const bucketCanary = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  expect((await bucketCanary.send(new InvokeCommand({ FunctionName: 'irdr-WriteDrillCanary', Payload: JSON.stringify({ planId: 'orders-archive-s3' }) }))).FunctionError).toBeUndefined();
  bucketCanary.destroy();
  await backUpArchiveBucket(local.stack.environment.AWS_ENDPOINT_URL_BACKUP!);
  expect((await runDrill('orders-archive-s3')).execution.status).toBe('SUCCEEDED');
  // The example Aurora plan: the cluster as the demo seeds it, its SQL canary through the Lambda Invoke API, a passing drill.
  const database = { rds: local.stack.rds.endpoint, rdsData: local.stack.rds.dataApiEndpoint, secretsManager: local.stack.secretsManagerEndpoint };
  await seedOrdersCluster(database);
  const rowCanary = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const writeRowCanary = async () => {
    expect((await rowCanary.send(new InvokeCommand({ FunctionName: 'irdr-WriteDrillCanary', Payload: JSON.stringify({ planId: 'orders-aurora' }) }))).FunctionError).toBeUndefined();
    await waitUntilClusterRestorable(database);
  };
  await writeRowCanary();
  const aurora = await runDrill('orders-aurora');
  if (aurora.execution.status !== 'SUCCEEDED') {
    // At 600x, the plan's 15-minute RPO is 1.5 real seconds from the canary to the restore point: a loaded machine can
    // take longer. That alone may run again, with a fresh canary; any other failed check fails here, named.
    const run = (await local.api('GET', `/drill-runs/${aurora.runId}`, { token: 'dev-auditor' })).body.run as { checks?: Array<{ id: string; passed: boolean; actual?: string }> };
    expect((run.checks ?? []).filter((check) => !check.passed), 'orders-aurora failed for another reason than the time its canary took').toEqual([expect.objectContaining({ id: 'sql-canary' })]);
    await writeRowCanary();
    expect((await runDrill('orders-aurora', 2)).execution.status).toBe('SUCCEEDED');
  }
  rowCanary.destroy();
  // The same cluster checked over the Postgres wire by the validator in the drill VPC (RunDrillWireChecks), its canary
  // written over the wire by WriteDrillWireCanary (in the drill VPC too).
  const wireCanary = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const writeWireCanary = async () => {
    expect((await wireCanary.send(new InvokeCommand({ FunctionName: 'irdr-WriteDrillWireCanary', Payload: JSON.stringify({ planId: 'orders-aurora-wire' }) }))).FunctionError).toBeUndefined();
    await waitUntilClusterRestorable(database);
  };
  await writeWireCanary();
  const wire = await runDrill('orders-aurora-wire');
  if (wire.execution.status !== 'SUCCEEDED') {
    // As for orders-aurora: a loaded machine may take longer than the RPO from the canary to the restore point; that alone may run again.
    const run = (await local.api('GET', `/drill-runs/${wire.runId}`, { token: 'dev-auditor' })).body.run as { checks?: Array<{ id: string; passed: boolean }> };
    expect((run.checks ?? []).filter((check) => !check.passed), 'orders-aurora-wire failed for another reason than the time its canary took').toEqual([expect.objectContaining({ id: 'sql-canary' })]);
    await writeWireCanary();
    expect((await runDrill('orders-aurora-wire', 2)).execution.status).toBe('SUCCEEDED');
  }
  wireCanary.destroy();
  for (const path of ['/drills', '/drills/orders-pitr/runs', `/drill-runs/${failed.runId}`]) {
    expect((await local.api('GET', path, { token: 'dev-auditor' })).status, path).toBe(200);
  }
  // An auditor lists what awaits review and signs the failed run off with exceptions.
  const period = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
  expect((await local.api('GET', `/evidence/unreviewed?${period}`, { token: 'dev-auditor' })).status).toBe(200);
  const signed = await local.api('POST', `/drill-runs/${failed.runId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'exceptions', comment: 'ledger entry altered' } });
  expect(signed.status, JSON.stringify(signed.body)).toBe(201);
}

/** Stops an incident's runbook while it waits on a person, and a drill while its restore runs; waits for both records to say so. */
async function stopRunsMidway(local: TestStack, session: ReturnType<typeof runbookSession>): Promise<void> {
  const opened = (await local.openIncident({ runbookId: 'security-incident', title: 'Coverage run, stopped', severity: 'SEV3', summary: 'stopped from the console' })).body as { incidentId: string; executionArn: string };
  await session.waitForTaskNotified(opened.incidentId, 'acknowledge');
  await local.sfn.send(new StopExecutionCommand({ executionArn: opened.executionArn }));
  const runId = randomUUID();
  const drill = await local.sfn.send(new StartExecutionCommand({ stateMachineArn: local.stack.drillStateMachineArn, name: runId, input: JSON.stringify({ planId: 'orders-pitr', trigger: 'api' }) }));
  const drills = drillSession(local);
  for (let look = 0; look < 200 && !(await drills.drillTables()).some((name) => name.includes(runId)); look += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await local.sfn.send(new StopExecutionCommand({ executionArn: drill.executionArn }));
  for (let look = 0; look < 80; look += 1) {
    const incident = (await local.api('GET', `/incidents/${opened.incidentId}`)).body.incident as { runbookStatus?: string } | undefined;
    const run = (await local.api('GET', `/drill-runs/${runId}`)).body.run as { status?: string } | undefined;
    if (incident?.runbookStatus === 'aborted' && run?.status === 'failed') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the stopped runs were not marked aborted');
}

/**
 * Conditions of allowing statements that a recorded request cannot settle, by key: each is noted here with why,
 * and with where it is checked instead. Any other condition left unsettled fails the test.
 */
const CONDITIONS_NOT_EVALUATED: Readonly<Record<string, string>> = {
  [`aws:ResourceTag/${DRILL_RUN_TAG}`]:
    'drills:cleanup deletes only tables carrying the run tag: resource tags are not in the request (tested by the cleanup guard in drill-run and drill-cleanup-guard)',
  // The exports bucket's policy denies requests without TLS 1.2 (enforceSSL, minimumTLSVersion): the local S3 is plain HTTP on loopback.
  'aws:SecureTransport': 'the exports bucket refuses requests without TLS; the local S3 speaks plain HTTP on loopback, the SDK always HTTPS in AWS (tests/infra holds the bucket policy)',
  's3:TlsVersion': 'the exports bucket refuses TLS below 1.2; the local S3 speaks plain HTTP on loopback (tests/infra holds the bucket policy)',
};

/** DynamoDB item writes (DeleteItem and BatchWriteItem too: no function may make them on the evidence table). */
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('IAM coverage: what each function does locally is what its synthesized policy allows', () => {
  let local: TestStack;
  let synthesized: SynthesizedIrdr;
  let calls: RecordedAwsCall[];
  let invoked: string[];
  let spellingsOf: DeployedSpellings;
  let deployed: DeployedTemplate;
  let arnOf: DeployedArnOf;
  let undeployCompliance: (() => void) | undefined;

  beforeAll(async () => {
    // Condition dynamodb:LeadingKeys needs each table's partition key: the evidence and deduplication tables' designs, and
    // pk for the demo source and its restores (local/dynamodb/pk-sk-table.ts), the only other tables the scenario writes.
    // So every recorded write is held to the partition families its function's grant names (INC#*, DRILLRUN#*, IDEM#*, ...).
    const partitionKeys: Record<string, string> = { [LOCAL_TABLE_NAME]: tableDesign.partitionKey, [LOCAL_DEDUPLICATION_TABLE_NAME]: deduplicationTableDesign.partitionKey };
    const recorder = recordAwsCalls({ authorization: { partitionKeyOf: (tableName) => partitionKeys[tableName] ?? 'pk' } });
    // Time runs 600x faster, so the unacknowledged task escalates level by level and then expires.
    // Restores take a simulated 10 minutes and PITR trails the clock by 10 (a second each, here).
    local = await startTestStack({ timeScale: 600, dynamodbRecovery: { restoreDuration: { baseMs: 600_000, perItemMs: 0 }, latestRestorableLagMs: 600_000 } });
    // Signed-off records go to the local Vanta and Drata (SignOffEvidence queues and invokes, PushComplianceEvidence pushes).
    undeployCompliance = deployConfigChange((config) => ({
      ...config,
      compliancePlatforms: {
        vanta: { documentId: LOCAL_VANTA_DOCUMENT_ID, customResourceId: LOCAL_VANTA_RESOURCE_ID },
        drata: { apiUrl: 'https://drata.example/public', workspaceId: LOCAL_DRATA_WORKSPACE_ID, ownerId: 5 },
      },
    }));
    // Its waits look every 250 ms, not 50: each look is a GET through the API (~10-25 ms of CPU), and they wait for seconds.
    const session = runbookSession(local, { pollMs: 250 });
    try {
      // Opened major under DORA and an SEC registrant: the run starts DORA's stages, and its materiality approval classifies
      // the incident material (StartReportsFromRunbook: META updated, stage tasks emailed, their reminders started).
      const body = { runbookId: 'security-incident', title: 'Coverage run', severity: 'SEV1', summary: 'every function, once', awareAt: new Date().toISOString(), labels: { dora: 'major', secRegistrant: 'true' } };
      const created = await local.openIncident(body, { idempotencyKey: 'coverage-run' });
      expect((await local.openIncident(body, { idempotencyKey: 'coverage-run' })).headers.get('idempotent-replayed')).toBe('true');
      const { incidentId, executionArn } = created.body as { incidentId: string; executionArn: string };
      // A runbook that cannot start: the incident's META records it (CreateIncident's UpdateItem on INC#).
      local.stack.faults.stepFunctions.refuseStarts(true);
      const refused = await local.openIncident({ ...body, title: 'Coverage run, start refused' }).finally(() => local.stack.faults.stepFunctions.refuseStarts(false));
      // Step Functions throttling (the fault refuses every StartExecution of the stack): a 503 to retry, not a fault's 500.
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);

      // Nobody acknowledges: escalation, expiry and the SLA clock run. The commander answers through the emailed link.
      await session.waitForEvent(incidentId, (event) => event.type === 'task.expired' && event.detail?.taskId === 'acknowledge');
      await session.waitForTaskNotified(incidentId, 'assign-commander');
      const email = await session.waitForEmail((candidate) => candidate.subject.includes('Take command') && candidate.destination.to.includes('carl@example.com'));
      const link = taskLinkIn(email)!;
      expect((await fetch(link)).status).toBe(200);
      const answered = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done&comment=on+it' });
      expect(answered.status).toBe(200);
      // A corrective action (ACTION# item, trail, its reminder execution): a SEV1's review completes only with one.
      const action = await local.api('POST', `/incidents/${incidentId}/actions`, {
        token: 'dev-commander',
        body: { title: 'Coverage: rotate keys', owner: 'rita@example.com', ownerPrincipal: 'arn:aws:iam::000000000000:user/rita-responder', dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      });
      expect(action.status, JSON.stringify(action.body)).toBe(201);
      const actionId = action.body.action.actionId as string;
      expect((await session.completeEverything(incidentId, executionArn)).status).toBe('SUCCEEDED');

      for (const [method, path, token, requestBody] of [
        ['POST', `/incidents/${incidentId}/acknowledge`, 'dev-responder', undefined],
        ['POST', `/incidents/${incidentId}/notes`, 'dev-responder', { text: 'coverage note' }],
        // A commander's reclassification: META updated, the trail appended, a report stage task opened.
        ['POST', `/incidents/${incidentId}/classify`, 'dev-commander', { add: ['personal-data'], reason: 'coverage: customer data involved' }],
        // NIS2: submitting the notification (CompleteHumanTask) opens the final report's stage and emails it.
        ['POST', `/incidents/${incidentId}/classify`, 'dev-commander', { add: ['significant'], reason: 'coverage: essential service impaired' }],
        ['POST', `/incidents/${incidentId}/tasks/report-nis2-notification/complete`, 'dev-approver', { outcome: 'done', comment: 'coverage: submitted, reference CSIRT-1' }],
        ['POST', `/incidents/${incidentId}/resolve`, 'dev-commander', undefined],
        // The review's findings, its actions listed, and the action closed by its owner with evidence (UpdateItem on ACTION#).
        ['POST', `/incidents/${incidentId}/review`, 'dev-commander', { rootCause: 'coverage: a leaked key' }],
        ['GET', `/incidents/${incidentId}/actions`, 'dev-auditor', undefined],
        ['POST', `/incidents/${incidentId}/actions/${actionId}/close`, 'dev-responder', { note: 'coverage: keys rotated' }],
        ['POST', `/incidents/${incidentId}/close`, 'dev-commander', undefined],
        // An auditor signs the closed incident off (its META and its trail): a drill run is signed off below.
        ['POST', `/incidents/${incidentId}/sign-off`, 'dev-auditor', { verdict: 'accepted' }],
      ] as const) {
        const response = await local.api(method, path, { token, body: requestBody });
        expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      }
      // A GuardDuty finding delivered as EventBridge would opens an incident through the findings trigger.
      const delivery = await local.stack.events.deliver(guardDutySample as unknown as BusEvent);
      expect(delivery.deliveries[0]).toMatchObject({ functionName: 'OpenIncidentFromFinding', outcome: 'delivered' });
      // The same finding arriving more severe (another event): its incident is raised to SEV1 and the people it pages are emailed.
      const worse = { ...structuredClone(guardDutySample), id: 'b1f0c9de-0000-4000-8000-0000000000aa' };
      Object.assign(worse.detail, { severity: 9, updatedAt: '2026-11-24T10:30:08.311Z' });
      const raised = await local.stack.events.deliver(worse as unknown as BusEvent);
      expect(raised.deliveries[0]).toMatchObject({ functionName: 'OpenIncidentFromFinding', outcome: 'delivered', result: { findings: [expect.objectContaining({ outcome: 'severity-raised' })] } });

      for (const path of [`/incidents/${incidentId}`, `/incidents/${incidentId}/tasks`, '/incidents', '/runbooks', '/runbooks/security-incident']) {
        expect((await local.api('GET', path)).status, path).toBe(200);
      }
      // The review draft is Markdown, not JSON.
      const review = await fetch(`${local.stack.urls.api}/incidents/${incidentId}/review`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenOf('dev-auditor')}` } });
      expect(review.status).toBe(200);
      // Acknowledged while its acknowledge task is open: the lifecycle route completes the task (SendTaskSuccess).
      const second = (await local.openIncident({ ...body, title: 'Coverage run, acknowledged' })).body as { incidentId: string };
      await session.waitForTaskNotified(second.incidentId, 'acknowledge');
      const acknowledged = await local.api('POST', `/incidents/${second.incidentId}/acknowledge`, { token: 'dev-responder' });
      expect(acknowledged.body.completedTasks).toHaveLength(1);
      // Acknowledged from Slack: the local Slack's button sends a signed interaction to SlackInteractions.
      const third = (await local.openIncident({ ...body, title: 'Coverage run, acknowledged in Slack' })).body as { incidentId: string };
      await session.waitForTaskNotified(third.incidentId, 'acknowledge');
      // The Slack message follows the email (the notice tells Slack after SES): poll for it.
      const findSlackMessage = () => local.stack.slack!.workspace.messages.find((message) => message.threadTs === undefined && JSON.stringify(message.blocks).includes(`Incident ${third.incidentId}`));
      for (let attempt = 0; attempt < 200 && !findSlackMessage(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      const slackMessage = findSlackMessage()!;
      expect(await local.stack.slack!.press({ channel: slackMessage.channel, ts: slackMessage.ts, actionId: 'irdr.acknowledge', userId: 'U0RITA' })).toMatchObject({ status: 200, body: expect.stringContaining('done') });
      // Resolved while its run's review step is still ahead: the lifecycle opens the review task and emails it (SES).
      const resolved = await local.api('POST', `/incidents/${second.incidentId}/resolve`, { token: 'dev-commander' });
      expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
      expect(resolved.body.reviewDueAt).toBeDefined();
      // Its reminder, as the reminder state machine invokes it when the review is due (days away, even at 600x).
      const reminderLambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const reminded = await reminderLambda.send(
        new InvokeCommand({
          FunctionName: 'irdr-RemindOverdueReview',
          Payload: JSON.stringify({ incidentId: second.incidentId, dueAt: resolved.body.reviewDueAt, executionArn: `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:coverage` }),
        }),
      );
      expect(reminded.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(reminded.Payload!).toString())).toEqual({ reminded: true });
      // A corrective action's reminder and escalation, as the same state machine invokes them (30 days away, even at 600x).
      const secondAction = await local.api('POST', `/incidents/${second.incidentId}/actions`, { token: 'dev-commander', body: { title: 'Coverage: page a secondary', owner: 'carl@example.com', dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
      expect(secondAction.status, JSON.stringify(secondAction.body)).toBe(201);
      for (const phase of ['due-soon', 'overdue']) {
        const actionReminded = await reminderLambda.send(
          new InvokeCommand({
            FunctionName: 'irdr-RemindCorrectiveAction',
            Payload: JSON.stringify({ incidentId: second.incidentId, actionId: secondAction.body.action.actionId, phase, executionArn: `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:coverage-action` }),
          }),
        );
        expect(actionReminded.FunctionError).toBeUndefined();
        expect(JSON.parse(Buffer.from(actionReminded.Payload!).toString())).toEqual({ reminded: true });
      }
      // A report stage's reminder and escalation, as the same state machine invokes them (ClassifyIncident started it).
      const classified = await local.api('POST', `/incidents/${second.incidentId}/classify`, { token: 'dev-commander', body: { add: ['significant'], reason: 'coverage: stage reminders' } });
      expect(classified.status, JSON.stringify(classified.body)).toBe(200);
      expect(classified.body.taskIds).toContain('report-nis2-early-warning');
      for (const phase of ['due-soon', 'overdue']) {
        const stageReminded = await reminderLambda.send(
          new InvokeCommand({
            FunctionName: 'irdr-RemindReportStage',
            Payload: JSON.stringify({ incidentId: second.incidentId, taskId: 'report-nis2-early-warning', phase, executionArn: `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:coverage-stage` }),
          }),
        );
        expect(stageReminded.FunctionError).toBeUndefined();
        expect(JSON.parse(Buffer.from(stageReminded.Payload!).toString())).toEqual({ reminded: true });
      }
      reminderLambda.destroy();

      await runDrillScenario(local, second.incidentId);
      // The signed-off incident and drill run reach the platforms (asynchronously), then the hourly run finds nothing left.
      for (let attempt = 0; local.stack.compliancePlatforms.drata.evidence.length < 2; attempt += 1) {
        if (attempt > 600) throw new Error('the signed-off records were not pushed to the local platforms');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const pushLambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const hourly = await pushLambda.send(new InvokeCommand({ FunctionName: 'irdr-PushComplianceEvidence', Payload: '{}' }));
      pushLambda.destroy();
      expect(hourly.FunctionError, Buffer.from(hourly.Payload ?? []).toString()).toBeUndefined();
      // The daily digest, as Scheduler invokes it, then an auditor verifying the period against it.
      const digestLambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      const digest = await digestLambda.send(new InvokeCommand({ FunctionName: 'irdr-WriteEvidenceDigest', Payload: '{}' }));
      digestLambda.destroy();
      expect(digest.FunctionError).toBeUndefined();
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const verified = await local.api('GET', `/evidence/verify?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`, { token: 'dev-auditor' });
      expect(verified.status, JSON.stringify(verified.body)).toBe(200);
      // Coverage of the estate: AWS Backup's protected resources and the tables against the period's runs.
      const covered = await local.api('GET', `/evidence/coverage?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`, { token: 'dev-auditor' });
      expect(covered.status, JSON.stringify(covered.body).slice(0, 500)).toBe(200);
      // Runs stopped from the console (an incident's runbook; a drill mid-restore): the status-change event marks them aborted.
      await stopRunsMidway(local, session);
      // And exports it, the manifest signed by the KMS key.
      const exported = await local.api('GET', `/evidence?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`, { token: 'dev-auditor' });
      expect(exported.status, JSON.stringify(exported.body).slice(0, 500)).toBe(200);
      // The continuity statement: the same function, signing with the same key, its calls held to the same grants.
      const statement = await local.api('GET', '/evidence/statement?period=1d', { token: 'dev-auditor' });
      expect(statement.status, JSON.stringify(statement.body).slice(0, 500)).toBe(200);
      // The asynchronous export: started (EvidenceExports), each month collected, rendered and signed (RunEvidenceExport), the link issued.
      const started = await local.api('POST', '/evidence/exports', { token: 'dev-auditor', body: { from, to: new Date(Date.now() + 60_000).toISOString() } });
      expect(started.status, JSON.stringify(started.body).slice(0, 500)).toBe(202);
      const exportPath = `/evidence/exports/${(started.body as { exportId: string }).exportId}`;
      let exportView = (await local.api('GET', exportPath, { token: 'dev-commander' })).body as { status: string };
      for (let attempt = 0; exportView.status === 'running' && attempt < 240; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        exportView = (await local.api('GET', exportPath, { token: 'dev-commander' })).body as { status: string };
      }
      expect(exportView.status, JSON.stringify(exportView).slice(0, 500)).toBe('completed');
      // The completed export is pushed to the platforms (asynchronously, as the signed-off records were): Drata's third evidence.
      for (let attempt = 0; local.stack.compliancePlatforms.drata.evidence.length < 3; attempt += 1) {
        if (attempt > 600) throw new Error('the exported period was not pushed to the local platforms');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const linked = (await local.api('GET', exportPath, { token: 'dev-auditor' })).body as { download?: { url?: string } };
      expect(linked.download?.url).toBeDefined();
    } finally {
      calls = recorder.calls();
      invoked = recorder.invoked();
      recorder.stop();
    }
    synthesized = synthesizeIrdr({ bundle: false });
    // The ARNs the local stack handed the handlers (process.env, as Lambda's environment would hold them).
    spellingsOf = deployedResourceNames(synthesized, {
      taskLinkSecretArn: process.env.TASK_LINK_SECRET_ID!,
      evidenceSigningKeyArn: process.env.EVIDENCE_SIGNING_KEY_ID!,
      digestSigningKeyArn: process.env.EVIDENCE_DIGEST_SIGNING_KEY_ID!,
      exportSigningKeyArn: process.env.EVIDENCE_EXPORT_SIGNING_KEY_ID!,
      slackSecretArn: process.env.SLACK_SECRET_ID!,
      compliancePlatformsSecretArn: process.env.COMPLIANCE_PLATFORMS_SECRET_ID!,
    });
    deployed = deployTemplate(synthesized.resources);
    arnOf = deployedArnOf(spellingsOf, deployed);
    // Every scenario (the compliance pushes, the Aurora drill's engines in this process) and a synthesis, on a shared two-core machine.
  }, 300_000);
  afterAll(async () => {
    undeployCompliance?.();
    await local?.stop();
    if (synthesized) rmSync(synthesized.outdir, { recursive: true, force: true });
  });

  const roleIdOf = (name: FunctionName): string => synthesized.logicalIdOf(synthesized.stack.functions.get(name).role!);
  /** The function role's statements as deployed (no tokens left), for iam-simulate. */
  const statementsOf = (name: FunctionName): SynthesizedPolicyStatement[] => statementsOfRole(synthesized.resources, roleIdOf(name)).map((statement) => deployed.statement(statement));

  it('the scenarios exercise every registered function', () => {
    expect(functionRegistry.map((spec) => spec.name).filter((name) => !invoked.includes(name))).toEqual([]);
  });

  it.each(functionRegistry.map((spec) => spec.name))('%s: every call it made is allowed on its resources, every unused grant is justified', async (name) => {
    const statements = statementsOf(name);
    const checks = calls.filter((call) => call.functionName === name).flatMap(authorizationChecksOf);
    const { denied, unresolved, unevaluated, ignored } = await evaluateChecks(statements, checks, arnOf, { roleArn: deployed.text(`\${${roleIdOf(name)}.Arn}`), resourcePolicyOf: deployed.resourcePolicyOf });
    expect(unresolved, `${name}: resources with no deployed counterpart`).toEqual([]);
    expect(denied, `${name} would be denied in AWS`).toEqual([]);
    expect(unevaluated.filter((key) => !(key in CONDITIONS_NOT_EVALUATED)), `${name}: conditions neither evaluated nor noted`).toEqual([]);
    expect(ignored, `${name}: condition keys recorded that IAM does not read for the action`).toEqual([]);

    const unused = await actionsGrantedButUnused(statements, checks, arnOf);
    const unjustified = unused.filter((grant) => !(grant in GRANTED_BUT_UNUSED_JUSTIFIED) && !(`${name}:${grant}` in GRANTED_BUT_UNUSED_JUSTIFIED));
    const resourcesUsed = [...new Set(checks.map((check) => `${check.action} ${check.resource ?? '?'}`))].sort();
    const noted = unevaluated.length > 0 ? `; conditions noted, not evaluated: ${unevaluated.join(', ')}` : '';
    const untouched = await resourcesGrantedButUnused(statements, checks, arnOf);
    console.log(`${name}: calls ${resourcesUsed.join(', ') || '(none)'}; granted but unused: ${unused.join(', ') || '(none)'}; resources granted but untouched: ${untouched.join(', ') || '(none)'}${noted}`);
    expect(unjustified, `${name} holds grants it never used`).toEqual([]);
    const unwritten = await partitionsGrantedButUnwritten(statements, checks, arnOf);
    console.log(`${name}: partitions granted but never written: ${unwritten.join(', ') || '(none)'}`);
    const unjustifiedPartitions = unwritten.filter((grant) => !(grant in PARTITIONS_GRANTED_BUT_UNWRITTEN_JUSTIFIED) && !(`${name}:${grant}` in PARTITIONS_GRANTED_BUT_UNWRITTEN_JUSTIFIED));
    expect(unjustifiedPartitions, `${name} may write partition families it never wrote`).toEqual([]);
  });

  // A write carrying no dynamodb:LeadingKeys would pass a ForAllValues grant vacuously (as in IAM): none may be missing.
  it('recorded every write on the evidence and deduplication tables with its partition key, so each was held to its LeadingKeys grant', () => {
    const tableArns = [LOCAL_TABLE_NAME, LOCAL_DEDUPLICATION_TABLE_NAME].map((tableName) => `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/${tableName}`);
    const writes = calls.flatMap(authorizationChecksOf).filter((check) => WRITE_ACTIONS.includes(check.action) && tableArns.includes(check.resource ?? ''));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((check) => (check.conditionValues['dynamodb:LeadingKeys'] ?? []).length === 0)).toEqual([]);
    const families = new Set(writes.flatMap((check) => check.conditionValues['dynamodb:LeadingKeys']!.map((key) => key.replace(/#.*$/, '#'))));
    expect([...families].sort()).toEqual(['DRILL#', 'DRILLRUN#', 'EXPORT#', 'FINDING#', 'IDEM#', 'INC#', 'PUSH#', 'RESTOREWAIT#']);
  });
});

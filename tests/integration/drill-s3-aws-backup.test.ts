import { createHash } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  BackupClient,
  CreateBackupVaultCommand,
  DescribeBackupJobCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  GetRestoreJobMetadataCommand,
  DescribeProtectedResourceCommand,
  ListProtectedResourcesCommand,
  ListRestoreJobsCommand,
  StartBackupJobCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CreateBucketCommand, DeleteObjectCommand, HeadBucketCommand, ListBucketsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRILL_TABLE_PREFIX } from '../../functions/domain/drill-naming.js';
import { canaryObjectBody } from '../../functions/domain/drill/s3-canary.js';
import { recordAwsCalls } from '../../local/aws-call-recorder.js';
import { BUS_EVENTS_CHANNEL, type BusEvent } from '../../local/eventbridge/event-bus.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { drillGrantsOf } from './support/drill-grant-check.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * An S3 bucket drilled end to end through AWS Backup on the local stack: a backup job records the versioned source's
 * objects as they stood; the drill restores that recovery point into a new bucket (DestinationBucketName, NewBucket),
 * checks it object by object against the source at the point, cleans it up through the guard, records, mails and
 * reports its verdict to AWS Backup. It passes; it fails for real reasons (keys the plan pins changed or appeared only
 * after the recovery point), naming the keys, with the restored bucket still deleted and a failure incident opened.
 * Every S3 and AWS Backup call the drill functions made is one their synthesized grants allow.
 */
const SOURCE = 'irdr-test-orders-archive';
const SOURCE_ARN = `arn:aws:s3:::${SOURCE}`;
const VAULT = 'irdr-test-bucket-drills';
const RESTORE_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore`;
const CANARY_KEY = 'irdr-canary/archive-s3';
const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const ORDER_1 = '{"order":1,"status":"paid"}';
const ORDER_2_LATER = '{"order":2,"status":"void"}';
const ORDER_4_LATER = '{"order":4,"status":"paid"}';

const s3Source = { type: 'aws-backup-resource', resourceType: 'S3', resourceArn: SOURCE_ARN };
const driver = { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT };
const plan = testPlan({
  id: 'archive-s3',
  source: s3Source,
  driver,
  targets: { rtoMinutes: 60, rpoMinutes: 60 },
  checks: [
    { type: 'object-count' },
    { type: 'sample-objects', count: 10, pinned: { 'orders/1.json': sha256Hex(ORDER_1) } },
    { type: 'prefix-checksum', prefix: 'orders/' },
    { type: 'canary-object', key: CANARY_KEY },
  ],
});
// What an auditor pins: the orders as they must be in any backup from now on (written after the recovery point).
const pinnedPlan = testPlan({
  id: 'archive-s3-pinned',
  source: s3Source,
  driver,
  targets: { rtoMinutes: 60, rpoMinutes: 60 },
  checks: [{ type: 'sample-objects', count: 3, pinned: { 'orders/2.json': sha256Hex(ORDER_2_LATER), 'orders/4.json': sha256Hex(ORDER_4_LATER) } }],
});

let local: TestStack;
let drills: ReturnType<typeof drillSession>;
let backup: BackupClient;
let s3: S3Client;
let recoveryPointArn: string;
const events: BusEvent[] = [];
const onEvent = (event: unknown): void => {
  events.push(event as BusEvent);
};
const recorder = recordAwsCalls({ authorization: {} });
type ReportedDetail = { restoreJobId: string; validationStatus: string; validationStatusMessage: string; accepted: boolean };
const reportedOf = (view: { events: Array<{ type: string; detail?: Record<string, any> }> }) =>
  view.events.find((event) => event.type === 'drill.restore-validation.reported')?.detail as ReportedDetail | undefined;
/** Resolves once the clock is past the next whole second: S3 lists LastModified in whole seconds. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: body }));
const bucketExists = (bucket: string) => s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
const bucketOf = (arn: string | undefined): string => (arn ?? '').slice((arn ?? '').lastIndexOf(':') + 1);

async function backUp(resourceArn: string): Promise<{ state: string; recoveryPointArn: string; message?: string }> {
  const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: resourceArn, IamRoleArn: RESTORE_ROLE }));
  for (let look = 0; look < 400; look += 1) {
    const job = await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }));
    if (job.State === 'COMPLETED' || job.State === 'FAILED') return { state: job.State, recoveryPointArn: started.RecoveryPointArn!, ...(job.StatusMessage && { message: job.StatusMessage }) };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('backup job did not end');
}

beforeAll(async () => {
  diagnosticsChannel.subscribe(BUS_EVENTS_CHANNEL, onEvent);
  local = await startTestStack({ timeScale: 60, drillPlans: [plan, pinnedPlan] });
  backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  s3 = new S3Client({ endpoint: local.stack.urls.s3, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  drills = drillSession(local);
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
  await s3.send(new CreateBucketCommand({ Bucket: SOURCE }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: SOURCE, VersioningConfiguration: { Status: 'Enabled' } }));
  await put('orders/1.json', ORDER_1);
  await put('orders/2.json', '{"order":2,"status":"paid"}');
  await put('orders/3.json', 'deleted before the backup');
  // Apart by a second: S3 lists whole seconds, and the SDK lists versions and delete markers apart, losing their order.
  await nextSecond();
  await s3.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: 'orders/3.json' }));
  await put('invoices/1.pdf', 'PDF-1');
  await put(CANARY_KEY, canaryObjectBody(plan.id, new Date().toISOString()));
  await nextSecond();
  const backedUp = await backUp(SOURCE_ARN);
  expect(backedUp.state).toBe('COMPLETED');
  recoveryPointArn = backedUp.recoveryPointArn;
  await nextSecond();
}, 60_000);

afterAll(async () => {
  recorder.stop();
  diagnosticsChannel.unsubscribe(BUS_EVENTS_CHANNEL, onEvent);
  backup?.destroy();
  s3?.destroy();
  await local?.stop();
});

describe('local AWS Backup of an S3 bucket', () => {
  it('lists the bucket as a protected S3 resource, offers its restore metadata, and refuses what AWS refuses', async () => {
    const { Results } = await backup.send(new ListProtectedResourcesCommand({}));
    expect(Results).toContainEqual(expect.objectContaining({ ResourceArn: SOURCE_ARN, ResourceType: 'S3', ResourceName: SOURCE, LastRecoveryPointArn: recoveryPointArn }));
    expect(await backup.send(new DescribeProtectedResourceCommand({ ResourceArn: SOURCE_ARN }))).toMatchObject({ ResourceType: 'S3', ResourceName: SOURCE, LastRecoveryPointArn: recoveryPointArn });
    expect(await backup.send(new DescribeProtectedResourceCommand({ ResourceArn: 'arn:aws:s3:::irdr-test-never-backed-up' })).catch((error: Error) => error.name)).toBe('ResourceNotFoundException');
    const { RestoreMetadata, ResourceType } = await backup.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: VAULT, RecoveryPointArn: recoveryPointArn }));
    expect({ ResourceType, RestoreMetadata }).toEqual({ ResourceType: 'S3', RestoreMetadata: { DestinationBucketName: SOURCE, NewBucket: 'false', Encrypted: 'false', EncryptionType: 'original' } });

    const jobsBefore = (await backup.send(new ListRestoreJobsCommand({}))).RestoreJobs?.length ?? 0;
    const refusal = (Metadata: Record<string, string>) =>
      backup.send(new StartRestoreJobCommand({ RecoveryPointArn: recoveryPointArn, IamRoleArn: RESTORE_ROLE, Metadata })).then(
        () => 'started',
        (error: Error) => `${error.name}: ${error.message}`,
      );
    expect(await refusal({ NewBucket: 'true' })).toMatch(/^InvalidParameterValueException: .*DestinationBucketName is required/);
    expect(await refusal({ DestinationBucketName: 'Not_A_Bucket', NewBucket: 'true' })).toMatch(/^InvalidParameterValueException: DestinationBucketName 'Not_A_Bucket' is not an S3 bucket name/);
    expect(await refusal({ DestinationBucketName: 'irdr-test-never', NewBucket: 'yes' })).toMatch(/NewBucket 'yes' must be true or false/);
    expect(await refusal({ DestinationBucketName: 'irdr-test-never', NewBucket: 'true', EncryptionType: 'SSE-KMS' })).toMatch(/SSE-KMS needs KMSKey/);
    expect((await backup.send(new ListRestoreJobsCommand({}))).RestoreJobs?.length ?? 0).toBe(jobsBefore);
    expect(await bucketExists('irdr-test-never')).toBe(false);

    // A restore "into a new bucket" named after the source would overwrite nothing: the job FAILS, the source untouched.
    const { RestoreJobId } = await backup.send(new StartRestoreJobCommand({ RecoveryPointArn: recoveryPointArn, IamRoleArn: RESTORE_ROLE, Metadata: { DestinationBucketName: SOURCE, NewBucket: 'true' } }));
    let job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
    for (let look = 0; look < 200 && job.Status !== 'FAILED' && job.Status !== 'COMPLETED'; look += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
    }
    expect(job).toMatchObject({ Status: 'FAILED', StatusMessage: `NewBucket is true but bucket ${SOURCE} already exists: name a bucket that does not` });

    // AWS Backup backs up only versioned buckets: the job fails, and says why.
    await s3.send(new CreateBucketCommand({ Bucket: 'irdr-test-unversioned' }));
    expect(await backUp('arn:aws:s3:::irdr-test-unversioned')).toMatchObject({ state: 'FAILED', message: expect.stringContaining('S3 Versioning must be enabled on irdr-test-unversioned') });
  });
});

describe('a drill of an S3 bucket through AWS Backup', () => {
  it('passes: restores the recovery point into a new drill bucket, every object check passes, RTO and RPO recorded, the bucket deleted, the report mailed and the verdict reported', async () => {
    const { runId, execution, view } = await drills.runDrill(plan.id);
    expect(execution.status, JSON.stringify(view.run.reasons)).toBe('SUCCEEDED');
    expect(view.run.status).toBe('passed');
    expect(view.run.checks.map((check: { id: string; passed: boolean; actual: string }) => [check.id, check.passed])).toEqual([
      ['object-count', true],
      ['sample-objects', true],
      ['prefix-checksum', true],
      ['canary-object', true],
    ]);
    // orders/3.json was deleted before the point; the canary, which changes by design, is left out of the count.
    expect(view.run.checks[0].actual).toBe('3 objects holding 59 bytes');
    // Both whole-prefix checks were listed by the Map in key ranges (CountDrillSegment), not in Run checks' one invocation.
    expect(view.run.checks[0].details).toMatchObject({ counting: 'key ranges', segments: 1 });
    expect(view.run.checks[2].details).toMatchObject({ counting: 'key ranges', segments: 1, restoredObjectCount: 2, sourceObjectCount: 2 });
    expect(view.run.rtoSeconds).toBeGreaterThanOrEqual(0);
    expect(view.run.rpo.method).toBe('canary');
    expect(view.trail.intact).toBe(true);

    const reported = reportedOf(view)!;
    expect(reported).toMatchObject({ validationStatus: 'SUCCESSFUL' });
    const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: reported.restoreJobId }));
    const restoredBucket = bucketOf(job.CreatedResourceArn);
    expect(job).toMatchObject({ Status: 'COMPLETED', RecoveryPointArn: recoveryPointArn, ResourceType: 'S3' });
    expect(restoredBucket.startsWith(DRILL_TABLE_PREFIX)).toBe(true);
    expect((await backup.send(new GetRestoreJobMetadataCommand({ RestoreJobId: reported.restoreJobId }))).Metadata).toMatchObject({
      DestinationBucketName: restoredBucket,
      NewBucket: 'true',
      Encrypted: 'true',
    });
    expect(await bucketExists(restoredBucket)).toBe(false);
    expect(await bucketExists(SOURCE)).toBe(true);
    const report = (await local.mailbox()).find((email) => email.subject.includes('Restore drill PASSED') && email.body.text?.includes(runId));
    expect(report?.destination.to).toContain('drill-owner@example.com');
  });

  it('fails for real reasons: a pinned key changed after the recovery point and one written only after it, each named; the bucket still deleted, an incident opened, FAILED reported', async () => {
    await put('orders/2.json', ORDER_2_LATER);
    await put('orders/4.json', ORDER_4_LATER);
    const { execution, view } = await drills.runDrill(pinnedPlan.id);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('DrillFailed');
    expect(view.run.status).toBe('failed');
    const [check] = view.run.checks as Array<{ passed: boolean; actual: string }>;
    expect(check!.passed).toBe(false);
    expect(check!.actual).toMatch(/2 pinned: 0 as pinned, 1 missing, 1 different: orders\/4\.json \(missing\), orders\/2\.json \(different\)$/);
    // The keys sampled from the point itself match: the restore is faithful to the point, the point is not what was pinned.
    expect(check!.actual).toMatch(/^3 objects sampled: 3 equal, 0 missing, 0 different/);
    const reported = reportedOf(view)!;
    expect(reported.validationStatus).toBe('FAILED');
    expect(reported.validationStatusMessage).toMatch(/: 1 of 1 checks failed; sample-objects: /);
    const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: reported.restoreJobId }));
    expect(await bucketExists(bucketOf(job.CreatedResourceArn))).toBe(false);
    const incident = await local.api('GET', `/incidents/${view.run.failureIncidentId as string}`);
    expect(incident.body.incident).toMatchObject({ runbookId: 'dr-drill-failure', status: 'open', labels: { drillPlanId: pinnedPlan.id } });
    // No drill bucket outlives its run.
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets.map((bucket) => bucket.Name).filter((name) => name?.startsWith(DRILL_TABLE_PREFIX))).toEqual([]);
  });

  it('calls S3 and AWS Backup only as the synthesized grants of each function allow: actions, and the buckets and objects they act on', () => {
    const { allows } = drillGrantsOf([plan, pinnedPlan]);
    const calls = recorder
      .calls()
      .flatMap((call) => (call.action.startsWith('s3:') || call.action.startsWith('backup:') ? (call.authorization?.resources ?? ['(none)']).map((resource) => ({ functionName: call.functionName, action: call.action, resource })) : []));
    const used = [...new Set(calls.map((call) => `${call.functionName} ${call.action}`))].sort();
    expect(used).toEqual(
      expect.arrayContaining([
        'CheckDrillRestore s3:PutBucketPublicAccessBlock',
        'CheckDrillRestore s3:PutBucketTagging',
        'RunDrillChecks s3:ListBucketVersions',
        'RunDrillChecks s3:GetObject',
        'RunDrillChecks s3:GetObjectVersion',
        'PlanDrillValidation s3:ListBucket',
        'CountDrillSegment s3:ListBucket',
        'CountDrillSegment s3:ListBucketVersions',
        'CountDrillSegment s3:GetObject',
        'CountDrillSegment s3:GetObjectVersion',
        'CleanUpDrill s3:DeleteObjectVersion',
        'CleanUpDrill s3:DeleteBucket',
        'StartDrillRestore backup:StartRestoreJob',
      ]),
    );
    for (const call of calls) expect(allows(call.functionName, call.action, call.resource), `${call.functionName} ${call.action} on ${call.resource}`).toBe(true);
    // Not vacuous: another bucket's objects, and the source's deletion, are outside the grants.
    expect(allows('RunDrillChecks', 's3:GetObject', 'arn:aws:s3:::orders-exports/x')).toBe(false);
    expect(allows('CleanUpDrill', 's3:DeleteBucket', SOURCE_ARN)).toBe(false);
  });
});

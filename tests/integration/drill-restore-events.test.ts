import { randomUUID } from 'node:crypto';
import { BackupClient, CreateBackupVaultCommand, DescribeBackupJobCommand, DescribeRestoreJobCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordAwsCalls } from '../../local/aws-call-recorder.js';
import type { BusEvent } from '../../local/eventbridge/event-bus.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_DEDUPLICATION_TABLE_NAME, LOCAL_REGION } from '../../local/stack-config.js';
import { drillSession, testPlan, type DrillRunView } from './support/drill-session.js';
import { executionHistory } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/*
 * A drill restoring through AWS Backup waits for the restore job's end event with a task token, on the local stack
 * (time 60× faster: the 3-minute restore takes 3 s, the safety-net wait of a 10-minute RTO target, 5 minutes, 5 s).
 * Each race is made to happen, not hoped for: the event before the token is kept (the waiting step starts late), a
 * duplicate, an event for a job that is not the drill's, an event forged from a non-aws source, and no event at all.
 */
const SOURCE = 'irdr-test-event-orders';
const VAULT = 'irdr-test-event-drills';
const RESTORE_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/irdr-drill-restore`;
const TIME_SCALE = 60;
const SAFETY_NET_MS = (300 * 1000) / TIME_SCALE;
const plan = testPlan({
  id: 'orders-by-event',
  source: { type: 'dynamodb-table', tableName: SOURCE },
  driver: { type: 'aws-backup', restoreRoleArn: RESTORE_ROLE, backupVaultName: VAULT },
  targets: { rtoMinutes: 10, rpoMinutes: 24 * 60 },
  checks: [{ type: 'item-count' }],
});

let local: TestStack;
let backup: BackupClient;
let drills: ReturnType<typeof drillSession>;
const recorder = recordAwsCalls();

const restoreEvent = (restoreJobId: string, status = 'COMPLETED'): BusEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Restore Job State Change',
  source: 'aws.backup',
  account: LOCAL_ACCOUNT_ID,
  time: new Date().toISOString(),
  region: LOCAL_REGION,
  resources: [],
  detail: { restoreJobId, status, resourceType: 'DynamoDB', percentDone: 100, completionDate: new Date().toISOString() },
});

async function startDrill(): Promise<{ runId: string; executionArn: string }> {
  const runId = randomUUID();
  const started = await local.sfn.send(new StartExecutionCommand({ stateMachineArn: local.stack.drillStateMachineArn, name: runId, input: JSON.stringify({ planId: plan.id, trigger: 'api' }) }));
  return { runId, executionArn: started.executionArn! };
}

async function finished(run: { runId: string; executionArn: string }) {
  const execution = await local.waitForExecution(run.executionArn, 2400);
  const view = (await local.api('GET', `/drill-runs/${run.runId}`, { token: 'dev-auditor' })).body as unknown as DrillRunView;
  const history = await executionHistory(local, run.executionArn);
  const completed = view.events.find((event) => event.type === 'drill.restore.completed')?.detail ?? {};
  const restoreJobId = view.events.find((event) => event.type === 'drill.restore.started')?.detail?.restoreJobId as string;
  const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  return { execution, view, history, completed, restoreJobId, job };
}

const entered = (history: readonly HistoryEvent[], name: string) => history.filter((event) => event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name === name);

/** Polls the run's trail until its restore has started and the drill waits for the job's end; returns the job id. */
async function waitingOn(run: { runId: string; executionArn: string }): Promise<string> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const history = await executionHistory(local, run.executionArn);
    const view = (await local.api('GET', `/drill-runs/${run.runId}`, { token: 'dev-auditor' })).body as unknown as DrillRunView;
    const jobId = view.events?.find((event) => event.type === 'drill.restore.started')?.detail?.restoreJobId as string | undefined;
    if (jobId && history.some((event) => event.type === 'TaskSubmitted')) return jobId;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the drill never waited for its restore job');
}

beforeAll(async () => {
  local = await startTestStack({
    timeScale: TIME_SCALE,
    drillPlans: [plan],
    dynamodbRecovery: { restoreDuration: { baseMs: 180_000, perItemMs: 0 }, backupDuration: { baseMs: 30_000, perItemMs: 0 } },
  });
  backup = new BackupClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_BACKUP, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  drills = drillSession(local);
  await drills.createSourceTable(SOURCE, { pitr: false });
  await drills.seed(SOURCE);
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: VAULT }));
  const started = await backup.send(new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${SOURCE}`, IamRoleArn: RESTORE_ROLE }));
  while ((await backup.send(new DescribeBackupJobCommand({ BackupJobId: started.BackupJobId }))).State !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 25));
});

afterEach(() => local.stack.faults.functions.clear());

afterAll(async () => {
  recorder.stop();
  backup?.destroy();
  await local?.stop();
});

// Runs on their own restore jobs, side by side: each reads only its own run, job and wait item.
describe.concurrent('a drill waits for its AWS Backup restore job by event', () => {
  it("the job's end event ends the wait: one look, well before the safety net, the completion the job's own CompletionDate; a duplicate of the event changes nothing", async ({ expect }) => {
    const run = await startDrill();
    const { execution, view, history, completed, restoreJobId, job } = await finished(run);
    expect(execution.status, JSON.stringify(view.run.reasons)).toBe('SUCCEEDED');
    expect(completed).toMatchObject({ wokenBy: 'event', completedAtFrom: 'service', completedAt: job.CompletionDate!.toISOString(), looks: 1 });
    expect(entered(history, 'Check restore')).toHaveLength(1);
    expect(entered(history, 'Wait for restore end')).toHaveLength(1);
    // The drill went on to validate right after the job completed, not a safety-net wait later.
    const validating = entered(history, 'Plan validation')[0]!.timestamp!.getTime();
    expect(validating - job.CompletionDate!.getTime()).toBeLessThan(SAFETY_NET_MS / 2);

    // The same event again (EventBridge delivers at least once): the wait is over, nothing is sent or written.
    const trailLength = view.trail.length;
    const again = await local.stack.events.deliver(restoreEvent(restoreJobId));
    // The restore testing rule hears it too, and starts nothing: no plan here restores through restore testing.
    expect(again.deliveries).toEqual([
      expect.objectContaining({ rule: 'drill-restore-jobs-ended', outcome: 'delivered', result: { outcome: 'already-ended', awaited: restoreJobId } }),
      expect.objectContaining({ rule: 'restore-testing-jobs-ended', outcome: 'delivered', result: { outcome: 'not-irdr', restoreJobId } }),
    ]);
    const after = (await local.api('GET', `/drill-runs/${run.runId}`, { token: 'dev-auditor' })).body as unknown as DrillRunView;
    expect(after.trail).toMatchObject({ intact: true, length: trailLength });
  });

  it("another run cannot put its token on a job a run waits on: the conditional put refuses it, and the wait's token stays the run's", async ({ expect }) => {
    const run = await startDrill();
    const { execution, view, restoreJobId } = await finished(run);
    expect(execution.status).toBe('SUCCEEDED');
    const key = { PK: { S: `RESTOREWAIT#${restoreJobId}` }, SK: { S: 'TOKEN' } };
    const kept = (await local.dynamodb.send(new GetItemCommand({ TableName: LOCAL_DEDUPLICATION_TABLE_NAME, Key: key }))).Item!;
    expect(kept.runId).toEqual({ S: run.runId });

    // The waiting step, as a second run's execution would invoke it, naming the first run's restore job.
    const started = view.events.find((event) => event.type === 'drill.restore.started')!.detail!;
    const state = {
      input: { planId: plan.id, trigger: 'api' },
      runId: 'intruding-run',
      executionArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:irdr-Drill-restore:intruding-run`,
      startedAt: new Date().toISOString(),
      restore: { state: 'IN_PROGRESS', handle: { driver: 'aws-backup', source: started.restored, restored: started.restored, startedAt: new Date().toISOString(), phase: 'restoring', recoveryPoint: started.recoveryPoint, restoreJobId }, nextWaitSeconds: 300, looks: 0, waitedSeconds: 0, signal: 'event' },
    };
    const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const intruded = await lambda.send(new InvokeCommand({ FunctionName: 'irdr-AwaitDrillRestoreEnd', Payload: JSON.stringify({ state, taskToken: 'AQintruder' }) }));
    lambda.destroy();
    expect(intruded.FunctionError).toBeDefined();
    expect(JSON.parse(Buffer.from(intruded.Payload!).toString())).toMatchObject({ errorType: 'RestoreWaitTaken' });
    expect((await local.dynamodb.send(new GetItemCommand({ TableName: LOCAL_DEDUPLICATION_TABLE_NAME, Key: key }))).Item).toEqual(kept);
  });

  it('an event for a job that is not the drill\'s ends no wait; one forged from a non-aws source reaches no target, and an aws.backup source is refused on PutEvents', async ({ expect }) => {
    const run = await startDrill();
    const restoreJobId = await waitingOn(run);

    const foreign = await local.stack.events.deliver(restoreEvent(`not-irdr-${randomUUID()}`));
    expect(foreign.deliveries).toEqual([
      expect.objectContaining({ rule: 'drill-restore-jobs-ended', outcome: 'delivered', result: expect.objectContaining({ outcome: 'not-waited-on' }) }),
      expect.objectContaining({ rule: 'restore-testing-jobs-ended', outcome: 'delivered', result: expect.objectContaining({ outcome: 'not-irdr' }) }),
    ]);
    // Naming the drill's own job, from a source anyone may put: the rule matches aws.backup only.
    const forged = await local.stack.events.putEvents([{ Source: 'irdr.backup', DetailType: 'Restore Job State Change', Detail: JSON.stringify({ restoreJobId, status: 'COMPLETED' }) }]);
    expect(forged[0]!.deliveries).toEqual([]);
    // PutEvents at the wire (AWS JSON 1.1), as the SDK and the CLI send it: nobody may put an aws.* source.
    const refused = await fetch(local.stack.urls.eventBridge, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [{ Source: 'aws.backup', DetailType: 'Restore Job State Change', Detail: JSON.stringify({ restoreJobId, status: 'COMPLETED' }) }] }),
    });
    expect(await refused.json()).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }] });

    const { execution, history, completed, job } = await finished(run);
    expect(execution.status).toBe('SUCCEEDED');
    // Still one wait and one look, after the job really completed, woken by the job's own event.
    expect(entered(history, 'Wait for restore end')).toHaveLength(1);
    expect(entered(history, 'Check restore')).toHaveLength(1);
    expect(entered(history, 'Check restore')[0]!.timestamp!.getTime()).toBeGreaterThanOrEqual(job.CompletionDate!.getTime());
    expect(completed).toMatchObject({ wokenBy: 'event' });
  });
});

// Each sets a fault on a function every run calls (a late waiting step, an event that never arrives): one at a time, alone.
describe('a drill waits for its AWS Backup restore job by event', () => {
  it('the event before the token is kept: it finds no wait, and the waiting step, looking once after keeping its token, ends the wait itself', async () => {
    // The waiting step starts 4 s late: the 3 s restore job has ended, and its event been delivered, by then.
    local.stack.faults.functions.set('AwaitDrillRestoreEnd', { mode: 'delay', delayMs: 4000, times: 1 });
    const callsBefore = recorder.calls().length;
    const run = await startDrill();
    const { execution, view, history, completed, job } = await finished(run);
    expect(execution.status, JSON.stringify(view.run.reasons)).toBe('SUCCEEDED');
    expect(completed).toMatchObject({ wokenBy: 'look', completedAtFrom: 'service', completedAt: job.CompletionDate!.toISOString() });
    // Not the safety net: one wait, ended by the look.
    expect(entered(history, 'Wait for restore end')).toHaveLength(1);
    const calls = recorder.calls().slice(callsBefore);
    // The event was delivered and read the wait item, found none, and answered nothing; the waiting step answered.
    expect(calls.filter((call) => call.functionName === 'EndDrillRestoreWait').map((call) => call.action)).toEqual(['dynamodb:GetItem']);
    expect(calls.filter((call) => call.functionName === 'AwaitDrillRestoreEnd').map((call) => call.action)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'backup:DescribeRestoreJob', 'states:SendTaskSuccess']),
    );
  });

  it('no event at all (its delivery fails and is dead-lettered): the safety-net wait times out, the look finds the job completed, and the drill passes', async () => {
    local.stack.faults.functions.set('EndDrillRestoreWait', { mode: 'throw' });
    const deadLettersBefore = local.stack.events.deadLetters.length;
    const run = await startDrill();
    const { execution, view, history, completed, job } = await finished(run);
    expect(execution.status, JSON.stringify(view.run.reasons)).toBe('SUCCEEDED');
    expect(local.stack.events.deadLetters.length).toBeGreaterThan(deadLettersBefore);
    expect(completed).toMatchObject({ wokenBy: 'timeout', completedAtFrom: 'service', completedAt: job.CompletionDate!.toISOString(), looks: 1 });
    const check = entered(history, 'Check restore')[0]!.timestamp!.getTime();
    const waited = entered(history, 'Wait for restore end')[0]!.timestamp!.getTime();
    expect(check - waited).toBeGreaterThanOrEqual(SAFETY_NET_MS - 100);
    // RTO counts the restore to the job's completion, not the safety-net wait on top of it.
    expect(view.run.rtoSeconds).toBeLessThan((check - Date.parse(view.run.startedAt)) / 1000);
  });
});

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { drillSession } from './support/drill-session.js';
import { runbookSession, taskLinkIn } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/** The ransomware runbook's recovery proves the backup restores by starting the orders-pitr drill (workflows/drills). */
let local: TestStack;

beforeAll(async () => {
  local = await startTestStack({ dynamodbRecovery: { restoreDuration: { baseMs: 1000, perItemMs: 0 }, latestRestorableLagMs: 1000 } });
  const drills = drillSession(local);
  await drills.createSourceTable('irdr-demo-orders');
  await drills.seed('irdr-demo-orders');
  // The plan measures RPO by its canary: write it as its schedule would.
  const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await lambda.send(new InvokeCommand({ FunctionName: 'irdr-WriteDrillCanary', Payload: JSON.stringify({ planId: 'orders-pitr' }) }));
  lambda.destroy();
  // Until the latest restore point (PITR's lag, rounded down to the second) holds the seed and the canary.
  await drills.waitUntilRestorable('irdr-demo-orders');
});

afterAll(async () => {
  await local?.stop();
});

// Each on its own incident (its own title, so its own emails): side by side.
describe.concurrent('a runbook step that starts a restore drill', () => {
  it('ransomware, recovery from backups approved: the drill runs for the incident and the trail links its run', async ({ expect }) => {
    const session = runbookSession(local);
    const { incidentId, executionArn } = await session.open({ runbookId: 'ransomware', title: 'Files encrypted on the file servers', severity: 'SEV1', summary: 'Ransom note found' });
    expect((await session.completeEverything(incidentId, executionArn)).status).toBe('SUCCEEDED');
    // The recovery decision requires an authenticated identity: each approver was emailed what to run, never a link.
    const decisionEmails = (await session.emails()).filter((email) => email.subject === '[SEV1] Decision needed: Recover from backups? — Files encrypted on the file servers');
    expect(decisionEmails.map((email) => email.destination.to[0]).sort()).toEqual(['ada@example.com', 'grace@example.com']);
    for (const email of decisionEmails) {
      expect(taskLinkIn(email)).toBeUndefined();
      expect(email.body.text).toContain(`irdr incidents complete ${incidentId} recovery-decision --outcome approved|rejected`);
    }
    const decided = (await session.events(incidentId)).find((event) => event.type === 'approval.decided' && event.detail?.taskId === 'recovery-decision');
    expect(decided).toMatchObject({ actor: 'arn:aws:iam::000000000000:user/ada-approver', detail: { via: 'api', outcome: 'approved' } });
    const started = (await session.events(incidentId)).find((event) => event.type === 'recovery.drill-started');
    expect(started?.detail).toMatchObject({ planId: 'orders-pitr', runId: expect.any(String) });
    const runId = started!.detail!.runId as string;
    const execution = await local.waitForExecution(started!.detail!.executionArn as string, 2400);
    const run = await local.api('GET', `/drill-runs/${runId}`, { token: 'dev-auditor' });
    expect(run.body.run).toMatchObject({ planId: 'orders-pitr', trigger: 'runbook', requestedBy: `incident:${incidentId}` });
    expect(execution.status, JSON.stringify(run.body.run.reasons)).toBe('SUCCEEDED');
    expect(run.body.run).toMatchObject({ status: 'passed', cleanup: { status: 'DELETED' }, rpo: { method: 'canary' } });
  });

  it('in an exercise, records the drill it would have started and starts none', async ({ expect }) => {
    const session = runbookSession(local);
    const { incidentId, executionArn } = await session.open({ runbookId: 'ransomware', title: 'Tabletop: ransomware', severity: 'SEV1', summary: 'Exercise', mode: 'exercise' });
    expect((await session.completeEverything(incidentId, executionArn)).status).toBe('SUCCEEDED');
    const events = await session.events(incidentId);
    expect(events.find((event) => event.type === 'recovery.drill-started.skipped')?.detail).toMatchObject({ planId: 'orders-pitr' });
    expect(events.some((event) => event.type === 'recovery.drill-started')).toBe(false);
  });
});

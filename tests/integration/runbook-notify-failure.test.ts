import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { runbookSession } from './support/runbook-session.js';

/**
 * SES down (the local mailbox's fault knob refuses every send): notifications are retried, then recorded as
 * notify.failed, and the run carries on. Time runs 100 times faster, shortening the retries' backoff.
 */
describe('when SES refuses to send', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 100 });
    session = runbookSession(local);
    local.stack.faults.mailbox.refuseSends(true);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('records notify.failed for a notify step, after its retries, and completes the runbook', async () => {
    const { incidentId, executionArn } = await session.open({
      runbookId: 'triage-notify',
      title: 'Suspicious console login',
      severity: 'SEV3',
      summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin',
    });
    const execution = await local.waitForExecution(executionArn, 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const events = await session.events(incidentId);
    expect(events.map((event) => event.type)).toEqual(['incident.opened', 'runbook.started', 'triage.started', 'notify.failed', 'runbook.completed']);
    const failed = events.find((event) => event.type === 'notify.failed')!;
    expect(failed.stepId).toBe('notify-responders');
    expect(failed.detail).toMatchObject({ error: 'NotificationNotSent', cause: expect.stringContaining('security-oncall@example.com') });
    expect((await session.emails()).filter((email) => email.subject.includes('Suspicious console login'))).toEqual([]);

    // Retried (backoff with jitter) before giving up: 1 attempt + 3 retries of the NotificationNotSent retrier.
    const history = await local.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const failures = history.events!.filter((event) => event.type === 'LambdaFunctionFailed' || event.type === 'TaskFailed');
    expect(failures.length).toBe(4);
  });

  it('keeps a human task open when its emails fail, recording who was not told', async () => {
    const { incidentId } = await session.open({
      runbookId: 'credential-compromise',
      title: 'Access key posted to a public repository',
      severity: 'SEV3',
      summary: 'GitHub secret scanning found AKIA… in a public gist',
    });
    const failed = await session.waitForEvent(incidentId, (event) => event.type === 'notify.failed' && event.detail?.taskId === 'revoke-credentials');
    expect(failed.detail).toMatchObject({ to: ['rita@example.com'], level: 0, withLink: true });
    const task = await session.waitForOpenTask(incidentId, 'revoke-credentials');
    expect(task.status).toBe('open');

    // Done through the API (no email needed), the run moves on, still recording the failed sends.
    local.stack.faults.mailbox.refuseSends(false);
    expect((await session.complete(incidentId, 'revoke-credentials', { outcome: 'done', comment: 'key deactivated' }, 'dev-responder')).status).toBe(200);
    await session.waitForEvent(incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'rotate-secrets');
    const sent = await session.waitForEvent(incidentId, (event) => event.type === 'notification.sent' && event.detail?.taskId === 'rotate-secrets');
    expect(sent.detail?.messageId).toEqual(expect.any(String));
  });
});

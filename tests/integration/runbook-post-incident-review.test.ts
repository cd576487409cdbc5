import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewReminderExecutionName } from '../../functions/domain/review-reminder.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { TOKEN_OF_ROLE, runbookSession, taskLinkIn, type TrailEventView } from './support/runbook-session.js';

/**
 * One post-incident review, not two: the runbook's own `post-incident-review` task (completedBy:
 * post-incident-review) and the lifecycle's `review.post-incident` task, opened on resolve for SEV1/SEV2,
 * are the same review. Completing either completes the other, as the same person with the same comment
 * (via post-incident-review, through the task that was completed); whichever comes second is born completed.
 */
describe('security-incident: the post-incident review is asked for once', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;

  const RUN_REVIEW = 'post-incident-review';
  const LIFECYCLE_REVIEW = 'review.post-incident';
  const COMMANDER = 'arn:aws:iam::000000000000:user/carl-commander';
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Opens an incident with a corrective action already recorded: a SEV1/SEV2 review completes only with one (docs/corrective-actions.md). */
  const open = async (title: string, severity = 'SEV1') => {
    const opened = await session.open({ runbookId: 'security-incident', title, severity, summary: 'GuardDuty: CredentialAccess:IAMUser/AnomalousBehavior' });
    const action = await local.api('POST', `/incidents/${opened.incidentId}/actions`, { token: 'dev-commander', body: { title: 'Rotate the keys', owner: 'carl@example.com', dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
    expect(action.status, JSON.stringify(action.body)).toBe(201);
    return opened;
  };
  const acknowledge = (incidentId: string) => local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' });
  const resolve = (incidentId: string) => local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'Keys rotated' } });
  const task = async (incidentId: string, taskId: string) => (await session.tasks(incidentId)).find((candidate) => candidate.taskId === taskId);
  const about = (events: TrailEventView[], type: string, taskId: string) => events.filter((event) => event.type === type && event.detail?.taskId === taskId);
  const executionStatus = async (executionArn: string) => (await local.waitForExecution(executionArn)).status;

  /**
   * Completes every open task of the run as its assignee, except the review tasks, until `stop` holds or
   * the execution ends. A 409 is a task completed meanwhile by the lifecycle (born completed): passed over.
   */
  async function drive(incidentId: string, stop: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 4000; attempt += 1) {
      if (await stop()) return;
      for (const open of (await session.tasks(incidentId)).filter((candidate) => candidate.status === 'open')) {
        if (open.taskId === RUN_REVIEW || open.taskId === LIFECYCLE_REVIEW) continue;
        const response = await session.complete(incidentId, open.taskId, { outcome: 'done', comment: 'done in a test run' }, TOKEN_OF_ROLE[open.assignee ?? 'responder']!);
        if (![200, 409].includes(response.status)) throw new Error(`completing ${open.taskId} answered ${response.status}: ${JSON.stringify(response.body)}`);
      }
      await pause(50);
    }
    throw new Error(`incident ${incidentId} never got there`);
  }
  /** Drives the run to its own review task, open with its emails sent. */
  async function driveToRunReview(incidentId: string): Promise<void> {
    await drive(incidentId, async () => (await task(incidentId, RUN_REVIEW))?.status === 'open');
    await session.waitForTaskNotified(incidentId, RUN_REVIEW);
  }

  beforeAll(async () => {
    local = await startTestStack();
    session = runbookSession(local);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('completing the review opened on resolve completes the run’s review task, and the run finishes', async () => {
    const { incidentId, executionArn } = await open('Access keys leaked in a public repository');
    expect((await acknowledge(incidentId)).status).toBe(200);
    await driveToRunReview(incidentId);
    const resolved = await resolve(incidentId);
    expect(resolved.status).toBe(200);
    expect(resolved.body.reviewDueAt).toEqual(expect.any(String));
    expect(await task(incidentId, LIFECYCLE_REVIEW)).toMatchObject({ status: 'open' });

    const comment = 'Review held; 2 follow-up actions';
    const completed = await session.complete(incidentId, LIFECYCLE_REVIEW, { outcome: 'done', comment }, 'dev-commander');
    expect(completed.status).toBe(200);
    expect(completed.body.task).toMatchObject({ taskId: LIFECYCLE_REVIEW, status: 'completed', decision: { decidedBy: COMMANDER, comment, via: 'api' } });
    expect(completed.body.completedTasks).toEqual([
      expect.objectContaining({
        taskId: RUN_REVIEW,
        status: 'completed',
        completedBy: 'post-incident-review',
        decision: expect.objectContaining({ outcome: 'done', decidedBy: COMMANDER, comment, via: 'post-incident-review', through: LIFECYCLE_REVIEW }),
      }),
    ]);

    expect(await executionStatus(executionArn)).toBe('SUCCEEDED');
    const events = await session.events(incidentId);
    expect(events.at(-1)?.type).toBe('runbook.completed');
    expect(events.some((event) => event.type === 'review.completed')).toBe(true);
    expect(about(events, 'task.completed', LIFECYCLE_REVIEW)).toEqual([
      expect.objectContaining({ actor: COMMANDER, detail: expect.objectContaining({ comment, via: 'api' }) }),
    ]);
    expect(about(events, 'task.completed', RUN_REVIEW)).toEqual([
      expect.objectContaining({ actor: COMMANDER, stepId: RUN_REVIEW, detail: expect.objectContaining({ comment, via: 'post-incident-review', through: LIFECYCLE_REVIEW }) }),
    ]);
    expect(about(events, 'task.expired', RUN_REVIEW)).toEqual([]);
    // A second completion of either is refused, as for any completed task.
    expect((await session.complete(incidentId, RUN_REVIEW, { outcome: 'done' }, 'dev-commander')).status).toBe(409);
  });

  it.each([
    ['the review opened on resolve', 'the run’s waiting review task', LIFECYCLE_REVIEW, RUN_REVIEW, 'Root keys used from an unknown host'],
    ['the run’s review task', 'the review opened on resolve', RUN_REVIEW, LIFECYCLE_REVIEW, 'Phished SSO session replayed'],
  ])('completing %s through its emailed link completes %s', async (_linked, _other, linkedTask, otherTask, title) => {
    const { incidentId, executionArn } = await open(title);
    expect((await acknowledge(incidentId)).status).toBe(200);
    await driveToRunReview(incidentId);
    expect((await resolve(incidentId)).status).toBe(200);

    const email = await session.waitForEmail((candidate) => candidate.subject.includes(title) && (taskLinkIn(candidate) ?? '').includes(`/task-links/${incidentId}.${linkedTask}.0.`));
    const comment = `Held on Tuesday: ${title}`;
    const response = await fetch(taskLinkIn(email)!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'done', comment }).toString(),
    });
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain('Recorded');
    expect(page).toContain('same review');
    expect(page).toContain('the runbook carries on');

    const by = `email:${email.destination.to[0]}`;
    expect(await task(incidentId, otherTask)).toMatchObject({
      status: 'completed',
      decision: { outcome: 'done', decidedBy: by, decidedByName: 'Carl Jensen', comment, via: 'post-incident-review', through: linkedTask },
    });
    expect(await executionStatus(executionArn)).toBe('SUCCEEDED');
    const events = await session.events(incidentId);
    expect(about(events, 'task.completed', linkedTask)).toEqual([expect.objectContaining({ actor: by, detail: expect.objectContaining({ comment, via: 'email-link' }) })]);
    expect(about(events, 'task.completed', otherTask)).toEqual([
      expect.objectContaining({ actor: by, stepId: otherTask, detail: expect.objectContaining({ comment, via: 'post-incident-review', through: linkedTask }) }),
    ]);
  });

  it('held in the run before resolve: the review opened on resolve is born completed, and nobody is asked again', async () => {
    const title = 'Service account key used from Tor';
    const { incidentId, executionArn } = await open(title);
    expect((await acknowledge(incidentId)).status).toBe(200);
    await driveToRunReview(incidentId);
    const comment = 'Reviewed with the platform team';
    const held = await session.complete(incidentId, RUN_REVIEW, { outcome: 'done', comment }, 'dev-commander');
    expect(held.status).toBe(200);
    // Nothing to carry it to yet: the incident is not resolved.
    expect(held.body.completedTasks).toBeUndefined();
    expect(await executionStatus(executionArn)).toBe('SUCCEEDED');

    const resolved = await resolve(incidentId);
    expect(resolved.status).toBe(200);
    expect(await task(incidentId, LIFECYCLE_REVIEW)).toMatchObject({
      status: 'completed',
      decision: { outcome: 'done', decidedBy: COMMANDER, comment, via: 'post-incident-review', through: RUN_REVIEW },
    });
    const events = await session.events(incidentId);
    expect(about(events, 'task.created', LIFECYCLE_REVIEW)).toHaveLength(1);
    expect(about(events, 'task.completed', LIFECYCLE_REVIEW)).toEqual([
      expect.objectContaining({ actor: COMMANDER, detail: expect.objectContaining({ via: 'post-incident-review', through: RUN_REVIEW }) }),
    ]);
    expect(events.some((event) => event.type === 'notification.sent' && event.detail?.purpose === 'post-incident-review')).toBe(false);
    expect((await session.emails()).some((email) => email.subject.includes('Post-incident review due') && email.subject.includes(title))).toBe(false);
    // Nor is anyone to be reminded of it.
    const reminders = (await local.sfn.send(new ListExecutionsCommand({ stateMachineArn: local.stack.reviewReminderStateMachineArn }))).executions ?? [];
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.map((execution) => execution.name)).not.toContain(reviewReminderExecutionName(incidentId));
  });

  it('resolved before the run gets to its review: the run is stopped with its open tasks, and the review opened on resolve is the review', async () => {
    const { incidentId, executionArn } = await open('Compromised CI deploy token');
    expect((await acknowledge(incidentId)).status).toBe(200);
    await session.waitForOpenTask(incidentId, 'assign-commander');
    const resolved = await resolve(incidentId);
    expect(resolved.status).toBe(200);
    // Nobody is asked to take command of (or contain) an incident that is resolved: the run ends here, recorded.
    expect(resolved.body.run).toMatchObject({ outcome: 'cancelled', cancelledTasks: ['assign-commander'] });
    for (let attempt = 0; attempt < 100 && (await executionStatus(executionArn)) === 'RUNNING'; attempt += 1) await new Promise((done) => setTimeout(done, 50));
    expect(await executionStatus(executionArn)).toBe('ABORTED');
    const comment = 'Reviewed early: token scoped down';
    const reviewed = await session.complete(incidentId, LIFECYCLE_REVIEW, { outcome: 'done', comment }, 'dev-commander');
    expect(reviewed.status).toBe(200);

    const events = await session.events(incidentId);
    expect(about(events, 'task.cancelled', 'assign-commander')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'runbook.cancelled')).toHaveLength(1);
    expect(await task(incidentId, LIFECYCLE_REVIEW)).toMatchObject({ status: 'completed', decision: { outcome: 'done', comment } });
    // The run never reached its own review task: nobody was emailed to hold the review twice.
    expect(await task(incidentId, RUN_REVIEW)).toBeUndefined();
    expect(events.some((event) => event.type === 'notification.sent' && event.detail?.taskId === RUN_REVIEW)).toBe(false);
  });

  it('a SEV3 gets no review on resolve: the run’s own task stays the review', async () => {
    const { incidentId, executionArn } = await open('Brute force against the VPN, blocked', 'SEV3');
    await driveToRunReview(incidentId);
    const resolved = await resolve(incidentId);
    expect(resolved.status).toBe(200);
    expect(resolved.body.reviewDueAt).toBeUndefined();
    const completed = await session.complete(incidentId, RUN_REVIEW, { outcome: 'done', comment: 'short review' }, 'dev-commander');
    expect(completed.status).toBe(200);
    expect(completed.body.completedTasks).toBeUndefined();
    expect(completed.body.task.decision).toMatchObject({ via: 'api' });
    expect(await executionStatus(executionArn)).toBe('SUCCEEDED');
    expect(await task(incidentId, LIFECYCLE_REVIEW)).toBeUndefined();
  });
});

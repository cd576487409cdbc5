import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewReminderExecutionName } from '../../functions/domain/review-reminder.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { runbookSession, taskLinkIn, type Email, type TrailEventView } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * The post-incident review opened on resolve: each commander's email carries their own signed link, which
 * completes the review once (as email:<address>, on the trail as the tasks API would record it); and a review
 * still open when due is reminded, once, by the reminder execution started on resolve. Time runs 50,000 times
 * faster, so the five business days until it is due pass in about ten seconds. The link's tests run in order (each
 * builds on the last); the three after them run side by side with their own expect: two wait for the reminder
 * executions (which only invoke functions), the third refuses Step Functions starts meanwhile, for its own incident.
 */
describe('post-incident review: the emailed link, and the reminder when it is overdue', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  const REVIEW = 'review.post-incident';
  const COMMANDERS = 'carl@example.com';
  const pages: string[] = [];

  const resolveNew = async (title: string, mode: 'live' | 'exercise') => {
    const { incidentId, executionArn } = await session.open({ runbookId: 'triage-notify', title, severity: 'SEV2', summary: 'a review is due', mode });
    await local.waitForExecution(executionArn);
    // A SEV2 review completes only with a corrective action or a reason for none (docs/corrective-actions.md).
    const action = await local.api('POST', `/incidents/${incidentId}/actions`, { token: 'dev-commander', body: { title: 'Follow up', owner: 'carl@example.com', dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
    expect(action.status, JSON.stringify(action.body)).toBe(201);
    const resolved = await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'fixed' } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    return { incidentId, dueAt: resolved.body.reviewDueAt as string };
  };
  const reviewEmails = (emails: readonly Email[], title: string, kind: 'due' | 'overdue') =>
    emails.filter((email) => email.subject.includes(`Post-incident review ${kind}`) && email.subject.endsWith(title));
  const about = (events: readonly TrailEventView[], type: string) => events.filter((event) => event.type === type && event.detail?.taskId === REVIEW);
  const reminderOf = (incidentId: string) =>
    `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:${reviewReminderExecutionName(incidentId)}`;
  const postForm = async (link: string, form: Record<string, string>) => {
    const response = await fetch(link, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    const text = await response.text();
    pages.push(text);
    return { status: response.status, text };
  };

  let heldInTime: { incidentId: string; dueAt: string };
  let leftOpen: { incidentId: string; dueAt: string };
  let link: string;

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 50_000 });
    session = runbookSession(local);
    [heldInTime, leftOpen] = await Promise.all([resolveNew('Held in time', 'live'), resolveNew('Left open', 'exercise')]);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('emails each commander (a person, not the list) their own signed link to the review, valid 72 hours from sending', async () => {
    const email = await session.waitForEmail((candidate) => reviewEmails([candidate], 'Held in time', 'due').length > 0);
    expect(email.destination.to).toEqual([COMMANDERS]);
    link = taskLinkIn(email)!;
    expect(link).toMatch(new RegExp(`^${local.stack.urls.api}/task-links/${heldInTime.incidentId}\\.${REVIEW.replace('.', '\\.')}\\.0\\.\\d{10}\\?sig=`));
    // reviewLinkHours (72) from when it was sent: no longer a week past the due date. Link lifetimes are not time-scaled.
    const lifetime = Number(/\.(\d{10})\?sig=/.exec(link)![1]) * 1000 - Date.now();
    expect(lifetime).toBeLessThanOrEqual(72 * 3_600_000);
    expect(lifetime).toBeGreaterThan(71 * 3_600_000);
    const sent = about(await session.events(heldInTime.incidentId), 'notification.sent');
    expect(sent).toEqual([expect.objectContaining({ detail: expect.objectContaining({ purpose: 'post-incident-review', withLink: true, role: 'commander', to: [COMMANDERS] }) })]);
  });

  it('opens the review’s page on GET, which records nothing', async () => {
    const response = await fetch(link);
    const text = await response.text();
    pages.push(text);
    expect(response.status).toBe(200);
    expect(text).toContain('Hold the post-incident review');
    expect(text).toContain('Mark as done');
    expect((await session.tasks(heldInTime.incidentId)).find((task) => task.taskId === REVIEW)?.status).toBe('open');
  });

  it('refuses a link changed to name another recipient, or another task', async () => {
    expect((await postForm(link.replace(`.${REVIEW}.0.`, `.${REVIEW}.1.`), { outcome: 'done' })).status).toBe(403);
    expect((await postForm(link.replace(`.${REVIEW}.`, '.post-incident-review.'), { outcome: 'done' })).status).toBe(403);
  });

  it('completes the review on the page’s POST, as the commander whose link it is, by name, recorded as the tasks API records it', async () => {
    const comment = 'Review held; two follow-up actions';
    const answered = await postForm(link, { outcome: 'done', comment });
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('Recorded');
    const by = `email:${COMMANDERS}`;
    expect((await session.tasks(heldInTime.incidentId)).find((task) => task.taskId === REVIEW)).toMatchObject({
      status: 'completed',
      decision: { outcome: 'done', decidedBy: by, decidedByName: 'Carl Jensen', comment, via: 'email-link' },
    });
    expect(about(await session.events(heldInTime.incidentId), 'task.completed')).toEqual([
      expect.objectContaining({ actor: by, stepId: REVIEW, detail: expect.objectContaining({ taskId: REVIEW, outcome: 'done', comment, via: 'email-link', decidedByName: 'Carl Jensen', level: 0 }) }),
    ]);
  });

  it('refuses a second use with 409, on GET and POST alike, and records nothing more', async () => {
    const before = await session.events(heldInTime.incidentId);
    const again = await postForm(link, { outcome: 'done', comment: 'twice' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already completed');
    expect((await fetch(link)).status).toBe(409);
    expect(await session.events(heldInTime.incidentId)).toEqual(before);
  });

  it.concurrent('reminds the commanders of a review still open when due, once, and records it', async ({ expect }) => {
    const reminder = await local.waitForExecution(reminderOf(leftOpen.incidentId), 2400);
    expect(reminder.status).toBe('SUCCEEDED');
    expect(JSON.parse(reminder.output ?? '{}')).toEqual({ reminded: true });
    const events = await session.events(leftOpen.incidentId);
    const overdue = about(events, 'task.overdue');
    expect(overdue).toEqual([
      expect.objectContaining({ actor: `states:${reminderOf(leftOpen.incidentId)}`, detail: expect.objectContaining({ dueAt: leftOpen.dueAt, assignee: 'commander', purpose: 'post-incident-review' }) }),
    ]);
    expect(about(events, 'notification.sent').filter((event) => event.detail?.purpose === 'post-incident-review-overdue')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ to: [COMMANDERS], withLink: true }) }),
    ]);
    const [email, ...more] = reviewEmails(await session.emails(), 'Left open', 'overdue');
    expect(more).toEqual([]);
    // An exercise says so, as every email of one does; the reminder carries a fresh link of its own.
    expect(email!.subject).toMatch(/^\[EXERCISE\] \[SEV2\] Post-incident review overdue \(due \d{4}-\d{2}-\d{2}\): Left open$/);
    expect(taskLinkIn(email!)).toContain(`/task-links/${leftOpen.incidentId}.${REVIEW}.0.`);
    expect((await session.tasks(leftOpen.incidentId)).find((task) => task.taskId === REVIEW)).toMatchObject({ status: 'open', remindedAt: overdue[0]!.at });

    // A retried attempt (as Step Functions would retry it) reminds nobody again.
    const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const retried = await lambda.send(
      new InvokeCommand({ FunctionName: 'irdr-RemindOverdueReview', Payload: JSON.stringify({ incidentId: leftOpen.incidentId, dueAt: leftOpen.dueAt, executionArn: reminderOf(leftOpen.incidentId) }) }),
    );
    lambda.destroy();
    expect(JSON.parse(Buffer.from(retried.Payload!).toString())).toEqual({ reminded: false });
    expect(about(await session.events(leftOpen.incidentId), 'task.overdue')).toHaveLength(1);
  });

  it.concurrent('reminds nobody of a review completed in time', async ({ expect }) => {
    const reminder = await local.waitForExecution(reminderOf(heldInTime.incidentId), 2400);
    expect(reminder.status).toBe('SUCCEEDED');
    expect(JSON.parse(reminder.output ?? '{}')).toEqual({ reminded: false });
    expect(about(await session.events(heldInTime.incidentId), 'task.overdue')).toEqual([]);
    expect(reviewEmails(await session.emails(), 'Held in time', 'overdue')).toEqual([]);
  });

  it.concurrent('says in the trail when the reminder could not be started, and the review stands', async ({ expect }) => {
    const { incidentId, executionArn } = await session.open({ runbookId: 'triage-notify', title: 'No reminder', severity: 'SEV2', summary: 'Step Functions refuses' });
    await local.waitForExecution(executionArn);
    local.stack.faults.stepFunctions.refuseStarts(true);
    try {
      const resolved = await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'fixed' } });
      expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    } finally {
      local.stack.faults.stepFunctions.refuseStarts(false);
    }
    const events = await session.events(incidentId);
    expect(about(events, 'task.created')).toHaveLength(1);
    expect(about(events, 'task.reminder-not-scheduled')).toEqual([expect.objectContaining({ actor: expect.stringContaining('carl-commander') })]);
  });

  it('shows no task token on any page it served', () => {
    for (const page of [...pages, ...session.seen]) expect(page).not.toMatch(/taskToken|task-token/i);
  });
});

import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { executionHistory, runbookSession, taskLinkIn, type TrailEventView } from './support/runbook-session.js';

/**
 * Acknowledging an incident through its lifecycle (POST /incidents/{id}/acknowledge) completes the run's
 * acknowledgement task (completedBy: acknowledgement), so the run moves on and the one-hour SLA clock is
 * met. Workflow time runs 600 times faster (an hour in six seconds). Each test opens its own incidents: the first
 * waits out the task's whole escalation (10 s), and the others run one after another inside that wait, each asserting
 * with its own `expect`. Not all at once, nor before the first is only waiting: runs polling the one stack's process
 * side by side could starve it past a level's deadline (a second here) on a loaded machine.
 */
describe.concurrent('security-incident: acknowledging the incident completes its acknowledge task', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const open = (title: string) =>
    session.open({ runbookId: 'security-incident', title, severity: 'SEV1', summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin' });
  const acknowledge = (incidentId: string, token = 'dev-responder') => local.api('POST', `/incidents/${incidentId}/acknowledge`, { token });
  const ofAcknowledgeTask = (events: TrailEventView[], type: string) =>
    events.filter((event) => event.type === type && event.detail?.taskId === 'acknowledge');
  const ofSlaClock = (events: TrailEventView[], type: string) =>
    events.filter((event) => event.type === type && event.detail?.clockId === 'acknowledgement-sla');
  /** Settles once the first test has only its wait left (or has failed): the others start then. */
  let firstOnlyWaits = (): void => undefined;
  const firstWaiting = new Promise<void>((resolve) => (firstOnlyWaits = resolve));

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 600 });
    session = runbookSession(local);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('completes the open task as the one who acknowledged; the clock is met and nothing escalates afterwards', async ({ expect, onTestFinished }) => {
    onTestFinished(() => firstOnlyWaits());
    const { incidentId } = await open('Console login from an unknown country');
    await session.waitForTaskNotified(incidentId, 'acknowledge');

    const acknowledged = await acknowledge(incidentId);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.incident).toMatchObject({ status: 'acknowledged' });
    const by = acknowledged.body.incident.acknowledgedBy as string;
    expect(acknowledged.body.completedTasks).toEqual([
      expect.objectContaining({
        taskId: 'acknowledge',
        status: 'completed',
        decision: expect.objectContaining({ outcome: 'done', decidedBy: by, comment: 'acknowledged through the incident', via: 'incident-acknowledgement' }),
      }),
    ]);

    // The run moves on, and the SLA clock records that the hour was kept.
    await session.waitForEvent(incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'assign-commander');
    await session.waitForEvent(incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'acknowledgement-sla');
    // Past the hour and past the acknowledge task's whole escalation (90 workflow minutes): nothing more for it.
    firstOnlyWaits();
    await pause(10_000);
    const events = await session.events(incidentId);
    const [completed] = ofAcknowledgeTask(events, 'task.completed');
    expect(completed).toMatchObject({ actor: by, detail: { outcome: 'done', comment: 'acknowledged through the incident' } });
    const later = (event: TrailEventView) => event.seq > completed!.seq;
    expect(ofAcknowledgeTask(events, 'task.escalated').filter(later)).toEqual([]);
    expect(ofAcknowledgeTask(events, 'task.expired')).toEqual([]);
    expect(ofSlaClock(events, 'clock.met')).toHaveLength(1);
    expect(ofSlaClock(events, 'clock.missed')).toEqual([]);
    expect(events.filter((event) => event.type === 'sla.breached')).toEqual([]);

    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'acknowledge');
    expect(task).toMatchObject({ status: 'completed', completedBy: 'acknowledgement', decision: { decidedBy: by, outcome: 'done' } });
    // A second completion of the same task is refused, as for any completed task.
    const again = await session.complete(incidentId, 'acknowledge', { outcome: 'done', comment: '' }, 'dev-responder');
    expect(again.status).toBe(409);
  });

  describe('the other ways and moments of acknowledging, one after another', () => {
    beforeAll(() => firstWaiting);
    it.sequential('a commander acknowledging completes it too: whoever may acknowledge the incident may', async ({ expect }) => {
      const { incidentId } = await open('Root credentials used from a new IP');
      await session.waitForTaskNotified(incidentId, 'acknowledge');
      const acknowledged = await acknowledge(incidentId, 'dev-commander');
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body.completedTasks?.[0]).toMatchObject({ taskId: 'acknowledge', decision: { decidedBy: acknowledged.body.incident.acknowledgedBy } });
      await session.waitForEvent(incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'acknowledgement-sla');
    });

    /** The incident as GET /incidents/{id} shows it, and its acknowledgement events. */
    const incidentOf = async (incidentId: string) => (await local.api('GET', `/incidents/${incidentId}`)).body;
    const acknowledgementFields = (incident: Record<string, any>) => ({
      status: incident.status,
      acknowledgedAt: typeof incident.acknowledgedAt,
      acknowledgedBy: typeof incident.acknowledgedBy,
      mttaSeconds: typeof incident.mttaSeconds,
      milestone: typeof incident.milestones?.acknowledgedAt,
    });

    it.sequential('acknowledging through the emailed link acknowledges the incident exactly as the API does: status, who, when, MTTA, one trail event', async ({ expect }) => {
      const byApi = await open('Access key used from a TOR exit node');
      await session.waitForTaskNotified(byApi.incidentId, 'acknowledge');
      expect((await acknowledge(byApi.incidentId)).status).toBe(200);

      const byLink = await open('Access key used from a second TOR exit node');
      await session.waitForTaskNotified(byLink.incidentId, 'acknowledge');
      // Rita's own email for this incident's task, from the local mailbox, and its link as she would open it.
      const email = await session.waitForEmail((candidate) => candidate.destination.to.includes('rita@example.com') && (candidate.body.text ?? '').includes(byLink.incidentId) && taskLinkIn(candidate) !== undefined);
      const link = taskLinkIn(email)!;
      expect((await fetch(link)).status).toBe(200);
      const answered = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done&comment=on+it' });
      expect(answered.status).toBe(200);
      const page = await answered.text();

      const [viaApi, viaLink] = [await incidentOf(byApi.incidentId), await incidentOf(byLink.incidentId)];
      expect(acknowledgementFields(viaLink.incident)).toEqual(acknowledgementFields(viaApi.incident));
      expect(viaLink.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'email:rita@example.com' });
      expect(viaLink.incident.mttaSeconds).toBeGreaterThanOrEqual(0);
      expect(page).toContain('The incident is acknowledged');
      expect(viaLink.incident.mttaSeconds).toBe(Math.round((Date.parse(viaLink.incident.acknowledgedAt) - Date.parse(viaLink.incident.openedAt)) / 1000));
      const acknowledgements = (events: TrailEventView[]) => events.filter((event) => event.type === 'incident.acknowledged');
      expect(acknowledgements(viaLink.events)).toEqual([
        expect.objectContaining({ actor: 'email:rita@example.com', detail: expect.objectContaining({ from: 'open', to: 'acknowledged', via: 'email-link', mttaSeconds: viaLink.incident.mttaSeconds }) }),
      ]);
      expect(acknowledgements(viaApi.events)).toEqual([expect.objectContaining({ detail: expect.objectContaining({ via: 'api' }) })]);
      // The same clock outcome either way.
      await session.waitForEvent(byLink.incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'acknowledgement-sla');
      // The link is single use: using it again records nothing more.
      const again = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done&comment=again' });
      expect(again.status).toBe(409);
      expect(acknowledgements(await session.events(byLink.incidentId))).toHaveLength(1);
      // Acknowledging through the API afterwards is the 409 any second acknowledgement gets.
      expect((await acknowledge(byLink.incidentId)).status).toBe(409);
    });

    it.sequential('completing the acknowledge task through the tasks API (or the CLI) acknowledges the incident as well', async ({ expect }) => {
      const { incidentId } = await open('MFA device removed from the root user');
      await session.waitForTaskNotified(incidentId, 'acknowledge');
      const completed = await session.complete(incidentId, 'acknowledge', { outcome: 'done', comment: 'mine' }, 'dev-responder');
      expect(completed.status).toBe(200);
      const { incident, events } = await incidentOf(incidentId);
      expect(incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: completed.body.task.decision.decidedBy, mttaSeconds: expect.any(Number) });
      expect(events.filter((event: TrailEventView) => event.type === 'incident.acknowledged')).toHaveLength(1);
    });

    it.sequential('acknowledging after the task was completed through the tasks API: already acknowledged by it, a 409 naming that', async ({ expect }) => {
      const { incidentId } = await open('Suspicious OAuth grant');
      await session.waitForTaskNotified(incidentId, 'acknowledge');
      const completed = await session.complete(incidentId, 'acknowledge', { outcome: 'done', comment: 'on it' }, 'dev-responder');
      expect(completed.status).toBe(200);

      const acknowledged = await acknowledge(incidentId, 'dev-commander');
      expect(acknowledged.status).toBe(409);
      expect(acknowledged.body.message).toMatch(/it is acknowledged/);
      const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'acknowledge');
      expect(task?.decision).toMatchObject({ comment: 'on it', via: 'api' });
    });

    it.sequential('acknowledged before the run reaches the task: the task is born completed and the run goes straight on', async ({ expect }) => {
      const { incidentId, executionArn } = await open('Malware beaconing from a build agent');
      // At once: usually before CreateHumanTask has run; either way the outcome is the same.
      const acknowledged = await acknowledge(incidentId);
      expect(acknowledged.status).toBe(200);
      const by = acknowledged.body.incident.acknowledgedBy as string;
      await session.waitForEvent(incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'assign-commander');
      await session.waitForEvent(incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'acknowledgement-sla');
      const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'acknowledge');
      expect(task).toMatchObject({ status: 'completed', decision: { decidedBy: by, outcome: 'done', comment: 'acknowledged through the incident' } });
      const events = await session.events(incidentId);
      expect(ofAcknowledgeTask(events, 'task.completed')).toHaveLength(1);
      expect(ofAcknowledgeTask(events, 'task.expired')).toEqual([]);
      // A decision found already made is the task's result, never a function error (which would trip the Errors alarm).
      const failed = (await executionHistory(local, executionArn)).filter((event) => event.type === 'TaskFailed' || event.type === 'LambdaFunctionFailed');
      expect(failed).toEqual([]);
    });
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployConfigChange } from './support/config-change.js';
import { runbookSession, type TrailEventView } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * On-call schedules decide who is paged: the security-incident runbook's acknowledge task for a SEV1 goes to the
 * responder on call (not to every responder), and the trail records who that was and why (layer or override).
 */
describe('on-call paging on the local stack', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  let undeploy: (() => void) | undefined;

  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  // Rita then Sam, a day each from 00:00 UTC yesterday: today is shift 1, Sam's.
  const rotation = { name: 'primary', rotation: ['rita@example.com', 'sam@example.com'], handoff: { every: 'day', at: '00:00', timeZone: 'UTC' }, start: yesterday };
  const withResponderSchedule = (onCall: unknown) =>
    deployConfigChange((config) => ({
      ...config,
      roles: { ...config.roles, responder: { ...config.roles.responder, people: [...config.roles.responder.people, { name: 'Sam Lee', email: 'sam@example.com' }], onCall } },
    }));
  const openSev1 = (title: string) => session.open({ runbookId: 'security-incident', title, severity: 'SEV1', summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLogin' });
  const acknowledgePages = (events: TrailEventView[]) => events.filter((event) => event.type === 'notification.sent' && event.detail?.taskId === 'acknowledge' && event.detail?.level === 0);

  beforeAll(async () => {
    local = await startTestStack();
    session = runbookSession(local);
  });
  afterEach(() => {
    undeploy?.();
    undeploy = undefined;
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('a rotation decides who gets the page for a SEV1, and the trail records who was on call and from which layer', async () => {
    undeploy = withResponderSchedule({ layers: [rotation] });
    const { incidentId } = await openSev1('On-call rotation pages Sam');
    const task = await session.waitForTaskNotified(incidentId, 'acknowledge');
    expect(task.notified).toEqual([{ address: 'sam@example.com', level: 0 }]);

    const pages = acknowledgePages(await session.events(incidentId));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.detail).toMatchObject({
      to: ['sam@example.com'],
      role: 'responder',
      withLink: true,
      onCall: { role: 'responder', person: 'sam@example.com', name: 'Sam Lee', from: 'layer', layer: 'primary', shift: 1 },
    });
    const { since, until } = pages[0]!.detail!.onCall as { since: string; until: string };
    expect(Date.parse(until) - Date.parse(since)).toBe(86_400_000);
    expect(Date.parse(since)).toBeLessThanOrEqual(Date.parse(pages[0]!.at));

    const mails = (await session.emails()).filter((email) => email.subject.includes('On-call rotation pages Sam') && email.subject.includes('Acknowledge'));
    expect(mails.map((email) => email.destination.to)).toEqual([['sam@example.com']]);
    // Sam's link lets him acknowledge: he is one of the role's people.
    expect(mails[0]!.body.text).toContain('/task-links/');
  });

  it('an override takes over from the rotation while it lasts, and is recorded as the override', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    undeploy = withResponderSchedule({ layers: [rotation], overrides: [{ person: 'rita@example.com', from, to, reason: 'Sam is off sick' }] });
    const { incidentId } = await openSev1('Override pages Rita');
    const task = await session.waitForTaskNotified(incidentId, 'acknowledge');
    expect(task.notified).toEqual([{ address: 'rita@example.com', level: 0 }]);
    const [page, ...more] = acknowledgePages(await session.events(incidentId));
    expect(more).toEqual([]);
    expect(page!.detail).toMatchObject({
      to: ['rita@example.com'],
      onCall: { role: 'responder', person: 'rita@example.com', from: 'override', override: 0, reason: 'Sam is off sick', since: new Date(from).toISOString(), until: new Date(to).toISOString() },
    });
  });

  it('a notify step tells the role\'s list and the person on call, and records who that was', async () => {
    undeploy = withResponderSchedule({ layers: [rotation] });
    const { incidentId, executionArn } = await session.open({ runbookId: 'triage-notify', title: 'Notify with on-call', severity: 'SEV1', summary: 'notice' });
    await local.waitForExecution(executionArn);
    const sent = (await session.events(incidentId)).find((event) => event.type === 'notification.sent' && event.stepId === 'notify-responders');
    expect(sent?.detail).toMatchObject({ to: ['sam@example.com', 'security-oncall@example.com'], onCall: [{ role: 'responder', person: 'sam@example.com', from: 'layer', shift: 1 }] });
  });

  it('without a schedule (the shipped config) a page goes to every person of the role, with no on-call fact', async () => {
    const { incidentId } = await openSev1('No schedule');
    const task = await session.waitForTaskNotified(incidentId, 'acknowledge');
    expect(task.notified).toEqual([{ address: 'rita@example.com', level: 0 }]);
    expect(acknowledgePages(await session.events(incidentId))[0]!.detail).not.toHaveProperty('onCall');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { runbookSession, taskLinkIn, type TaskView, type TrailEventView } from './support/runbook-session.js';

/**
 * A SEV1 incident nobody acknowledges, on security-incident: its acknowledge task escalates level by level,
 * the one-hour SLA clock reminds and then records the breach. Workflow time runs 600 times faster
 * (an hour in six seconds); nothing here measures wall-clock time.
 */
describe('security-incident: a SEV1 nobody acknowledges', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  let incidentId: string;
  let events: TrailEventView[];

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 600 });
    session = runbookSession(local);
    ({ incidentId } = await session.open({
      runbookId: 'security-incident',
      title: 'Mass data exfiltration from the billing database',
      severity: 'SEV1',
      summary: 'GuardDuty: Exfiltration:S3/AnomalousBehavior on billing-exports',
    }));
    // The acknowledge task's last level (90 workflow minutes after opening) ends with its expiry.
    await session.waitForEvent(incidentId, (event) => event.type === 'task.expired' && event.detail?.taskId === 'acknowledge');
    // ...and the run carries on (onExhausted: continue) to the next task.
    await session.waitForEvent(incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'assign-commander');
    events = await session.events(incidentId);
  });
  afterAll(async () => {
    await local?.stop();
  });

  const ofTask = (type: string) => events.filter((event) => event.type === type && event.detail?.taskId === 'acknowledge');
  const ofClock = (type: string) => events.filter((event) => event.type === type && event.detail?.clockId === 'acknowledgement-sla');
  const seqOf = (event: TrailEventView | undefined) => event?.seq ?? Number.NaN;

  it('creates the acknowledge task for the responders, then escalates it level by level', () => {
    const [created] = ofTask('task.created');
    expect(created?.detail).toMatchObject({ kind: 'task', assignee: 'responder', recipients: ['rita@example.com'], escalationLevels: 3 });
    const escalations = ofTask('task.escalated');
    expect(escalations.map((event) => event.detail?.level)).toEqual([1, 2, 3]);
    expect(escalations.map((event) => event.detail?.notify)).toEqual([['responder', 'commander'], ['commander', 'approver'], ['approver']]);
    expect(escalations.map((event) => event.detail?.recipients)).toEqual([
      ['rita@example.com', 'carl@example.com'],
      ['carl@example.com', 'ada@example.com', 'grace@example.com'],
      ['ada@example.com', 'grace@example.com'],
    ]);
    // In order, and all before the task expired.
    const sequence = [seqOf(created), ...escalations.map(seqOf), seqOf(ofTask('task.expired')[0])];
    expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);
    expect(ofTask('task.expired')[0]?.detail).toMatchObject({ levels: 3, onExhausted: 'continue' });
  });

  it('emails each level its own recipients, and records every send', async () => {
    const emails = await session.emails();
    const subjects = (level: number) => `Escalation ${level}: Acknowledge the incident — Mass data exfiltration from the billing database`;
    const recipientsOfLevel = (level: number) =>
      emails.filter((email) => email.subject === `[SEV1] ${subjects(level)}`).flatMap((email) => email.destination.to).sort();
    expect(recipientsOfLevel(1)).toEqual(['carl@example.com', 'rita@example.com']);
    expect(recipientsOfLevel(2)).toEqual(['ada@example.com', 'carl@example.com', 'grace@example.com']);
    expect(recipientsOfLevel(3)).toEqual(['ada@example.com', 'grace@example.com']);
    // One email per person (never a list); only those who may complete the task (the responders) get a link.
    for (const email of emails.filter((candidate) => candidate.subject.includes('Acknowledge the incident'))) {
      const mayComplete = email.destination.to.includes('rita@example.com');
      expect(email.destination.to).toHaveLength(1);
      expect(email.body.text?.includes('/task-links/'), email.subject).toBe(mayComplete);
      expect(email.body.html).toContain('<html');
    }
    const sends = events.filter((event) => event.type === 'notification.sent' && event.detail?.taskId === 'acknowledge');
    expect(sends.map((event) => [event.detail?.level, event.detail?.to]).sort()).toEqual([
      [0, ['rita@example.com']],
      [1, ['carl@example.com']],
      [1, ['rita@example.com']],
      [2, ['ada@example.com']],
      [2, ['carl@example.com']],
      [2, ['grace@example.com']],
      [3, ['ada@example.com']],
      [3, ['grace@example.com']],
    ]);
    for (const send of sends) expect(send.detail?.messageId).toEqual(expect.any(String));
  });

  it("gives the responder a fresh link at each level, each living only until that level ends", async () => {
    const emails = await session.emails();
    const linkOf = (subject: string) => taskLinkIn(emails.find((email) => email.subject === subject && email.destination.to[0] === 'rita@example.com')!)!;
    const first = linkOf('[SEV1] Action needed: Acknowledge the incident — Mass data exfiltration from the billing database');
    const escalated = linkOf('[SEV1] Escalation 1: Acknowledge the incident — Mass data exfiltration from the billing database');
    expect(first).not.toBe(escalated);
    const expiryOf = (link: string) => Number(/\.(\d{10})\?sig=/.exec(link)![1]);
    // Level 0 waits 10 minutes, level 1 another 15 (workflow time is scaled; link lifetimes are not).
    expect(expiryOf(first)).toBe(Math.floor((Date.parse(ofTask('task.created')[0]!.at) + 600_000) / 1000));
    expect(expiryOf(escalated)).toBe(Math.floor((Date.parse(ofTask('task.escalated')[0]!.at) + 900_000) / 1000));
  });

  it('runs the one-hour SLA clock beside it: two reminders, then the breach', () => {
    const [started] = ofClock('clock.started');
    expect(started?.detail).toMatchObject({ kind: 'sla', anchor: 'openedAt', metBy: ['acknowledge'] });
    expect(Date.parse(started!.detail!.deadlineAt) - Date.parse(started!.detail!.anchorAt)).toBe(3_600_000);
    const reminders = ofClock('clock.reminder');
    expect(reminders.map((event) => [event.detail?.reminder, event.detail?.leftSeconds])).toEqual([
      [1, 1800],
      [2, 720],
    ]);
    expect(reminders[1]?.detail?.notify).toEqual(['commander', 'approver']);
    const [missed] = ofClock('clock.missed');
    expect(missed).toBeDefined();
    const [breached] = events.filter((event) => event.type === 'sla.breached');
    expect(breached?.detail).toMatchObject({ clockId: 'acknowledgement-sla', title: 'Acknowledge within one hour' });
    expect(ofClock('clock.met')).toEqual([]);
    // Reminders, then the miss, then the breach; the acknowledge task was still escalating when the hour ran out.
    expect(seqOf(reminders[0])).toBeLessThan(seqOf(reminders[1]));
    expect(seqOf(reminders[1])).toBeLessThan(seqOf(missed));
    expect(seqOf(missed)).toBeLessThan(seqOf(breached));
    expect(seqOf(missed)).toBeLessThan(seqOf(ofTask('task.expired')[0]));
  });

  it('emails the clock roles a reminder and the miss', async () => {
    const subjects = (await session.emails()).map((email) => email.subject);
    expect(subjects).toContain('[SEV1] Reminder: 30m left — Acknowledge within one hour — Mass data exfiltration from the billing database');
    expect(subjects).toContain('[SEV1] Deadline missed: Acknowledge within one hour — Mass data exfiltration from the billing database');
  });

  it('shows the expired task, at its last level, without a token; completing it now is 409', async () => {
    const tasks: TaskView[] = await session.tasks(incidentId);
    const acknowledge = tasks.find((task) => task.taskId === 'acknowledge');
    expect(acknowledge).toMatchObject({ status: 'expired', level: 3, kind: 'task', assignee: 'responder' });
    expect(JSON.stringify(tasks)).not.toMatch(/taskToken|"token"/i);
    const late = await session.complete(incidentId, 'acknowledge', { outcome: 'done', comment: 'sorry, on it now' }, 'dev-responder');
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/expired/);
  });
});

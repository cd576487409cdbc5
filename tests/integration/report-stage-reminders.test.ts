import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageReminderExecutionName } from '../../functions/domain/report-stage-reminder.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * Regulatory report stages are reminded before their deadline and escalated when overdue: a SEV3 classified as a NIS2
 * significant incident opens the early warning (24 h) and the notification (72 h); the notification is submitted at
 * once, the early warning left open. Time runs 50,000 times faster, so 24 hours pass in under two seconds.
 */
describe('report stage reminders and escalation', () => {
  let local: TestStack;
  let incidentId: string;
  const EARLY = 'report-nis2-early-warning';
  const NOTIFICATION = 'report-nis2-notification';
  const events = async () => ((await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' })).body.events as Array<{ type: string; actor: string; at: string; detail?: Record<string, unknown> }>);
  const reminderOf = (taskId: string) => `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:${stageReminderExecutionName(incidentId, taskId)}`;

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 50_000 });
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Outage of the payment API', severity: 'SEV3', summary: 'essential service impaired', awareAt: new Date().toISOString() });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    incidentId = created.body.incidentId as string;
    await local.waitForExecution(created.body.executionArn as string);
    const classified = await local.api('POST', `/incidents/${incidentId}/classify`, { token: 'dev-commander', body: { add: ['significant'], reason: 'NIS2: essential service impaired' } });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    expect(classified.body.taskIds).toEqual(expect.arrayContaining([EARLY, NOTIFICATION]));
    const submitted = await local.api('POST', `/incidents/${incidentId}/tasks/${NOTIFICATION}/complete`, { token: 'dev-approver', body: { outcome: 'done', comment: 'submitted, reference CSIRT-7' } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('reminds the approvers of an unsubmitted stage before its deadline, then records it overdue and escalates to the commanders, once each', async () => {
    const execution = await local.waitForExecution(reminderOf(EARLY), 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const trail = (await events()).filter((event) => event.detail?.taskId === EARLY);
    const reminded = trail.filter((event) => event.type === 'task.reminded');
    const overdue = trail.filter((event) => event.type === 'task.overdue');
    expect(reminded).toEqual([expect.objectContaining({ actor: `states:${reminderOf(EARLY)}`, detail: expect.objectContaining({ purpose: 'regulatory-report', assignee: 'approver' }) })]);
    expect(overdue).toEqual([expect.objectContaining({ detail: expect.objectContaining({ escalatedTo: ['carl@example.com', 'incident-commanders@example.com'] }) })]);
    expect(reminded[0]!.at < overdue[0]!.at).toBe(true);
    const sent = trail.filter((event) => event.type === 'notification.sent' && String(event.detail?.purpose).startsWith('regulatory-report-'));
    expect(sent.map((event) => event.detail?.purpose)).toEqual(['regulatory-report-reminder', 'regulatory-report-overdue']);
    expect(sent[1]!.detail?.to).toEqual(expect.arrayContaining(['ada@example.com', 'grace@example.com', 'carl@example.com', 'incident-commanders@example.com']));
    const mail = await local.mailbox();
    const escalation = mail.filter((email) => email.subject.startsWith('[SEV3] Regulatory report OVERDUE') && email.subject.includes('NIS2'));
    expect(escalation.length).toBeGreaterThan(0);
    // No link: a stage is submitted signed in, never through an emailed link.
    expect(escalation.every((email) => !(email.body.text ?? '').includes('/task-links/'))).toBe(true);
    // The stage stays open: reminding submits nothing.
    const tasks = (await local.api('GET', `/incidents/${incidentId}/tasks`, { token: 'dev-auditor' })).body.tasks as Array<{ taskId: string; status: string }>;
    expect(tasks.find((task) => task.taskId === EARLY)?.status).toBe('open');
  });

  it('reminds nobody of a stage submitted in time', async () => {
    const execution = await local.waitForExecution(reminderOf(NOTIFICATION), 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const trail = (await events()).filter((event) => event.detail?.taskId === NOTIFICATION);
    expect(trail.filter((event) => event.type === 'task.reminded' || event.type === 'task.overdue')).toEqual([]);
  });
});

import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookSession } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * Resolving an incident ends its run: the execution is stopped, its open tasks cancelled and its SLA clocks stopped,
 * all on the trail, and nobody is escalated to afterwards. A run with a regulatory clock still running goes on
 * (a notification may still be owed). Workflow time runs 120 times faster: the acknowledge task escalates 7.5 s after it
 * opens, well after the resolve even under load (at 600x, 1.5 s, a loaded run resolved as the escalation was under way,
 * whose event then landed after the resolution: a race of two writes the trail cannot order without a transaction).
 */
const TIME_SCALE = 120;
/** The acknowledge task's first escalation (security-incident: after 15 workflow minutes). */
const FIRST_ESCALATION_MS = (15 * 60_000) / TIME_SCALE;

describe('resolving an incident ends its run', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const resolve = (incidentId: string) => local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'false positive' } });
  const executionStatus = async (executionArn: string) => (await local.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;

  beforeAll(async () => {
    local = await startTestStack({ timeScale: TIME_SCALE });
    session = runbookSession(local);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('stops the run, cancels its open tasks and SLA clock, records each, and escalates nothing afterwards', async () => {
    const { incidentId, executionArn } = await session.open({ runbookId: 'security-incident', title: 'Impossible travel for a console user', severity: 'SEV2', summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B' });
    await session.waitForTaskNotified(incidentId, 'acknowledge');
    await session.waitForEvent(incidentId, (event) => event.type === 'clock.started' && event.detail?.clockId === 'acknowledgement-sla');

    const resolved = await resolve(incidentId);
    expect(resolved.status).toBe(200);
    expect(resolved.body.run).toEqual({ outcome: 'cancelled', cancelledTasks: ['acknowledge'], stoppedClocks: ['acknowledgement-sla'] });
    expect(resolved.body.incident).toMatchObject({ status: 'resolved', runbookStatus: 'cancelled' });
    for (let attempt = 0; attempt < 100 && (await executionStatus(executionArn)) === 'RUNNING'; attempt += 1) await pause(50);
    expect(await executionStatus(executionArn)).toBe('ABORTED');

    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'acknowledge');
    expect(task).toMatchObject({ status: 'cancelled', cancelReason: 'the incident was resolved' });
    // Past the task's first escalation (15 workflow minutes from when it opened), and the run-ended rule has had its turn.
    await pause(Math.max(0, Date.parse(task!.createdAt) + FIRST_ESCALATION_MS - Date.now()) + 1_500);
    const events = await session.events(incidentId);
    const resolvedAt = events.find((event) => event.type === 'incident.resolved')!.seq;
    const after = events.filter((event) => event.seq > resolvedAt).map((event) => [event.type, event.detail?.taskId ?? event.detail?.clockId]);
    expect(after).toEqual(expect.arrayContaining([['runbook.cancelled', undefined], ['task.cancelled', 'acknowledge'], ['clock.stopped', 'acknowledgement-sla']]));
    expect(after.map(([type]) => type).filter((type) => ['task.escalated', 'task.expired', 'clock.missed', 'sla.breached', 'runbook.aborted'].includes(type!))).toEqual([]);
    expect((await local.api('GET', `/incidents/${incidentId}`)).body.incident.runbookStatus).toBe('cancelled');
    // A cancelled task cannot be completed afterwards.
    expect((await session.complete(incidentId, 'acknowledge', { outcome: 'done' }, 'dev-responder')).status).toBe(409);
  });

  // personal-data-breach v2 keeps no GDPR clock of its own: the report stage is the deadline, and resolving never closes it.
  it('stops a personal-data-breach run on resolve but keeps its GDPR report stage open: the notification is still owed', async () => {
    const { incidentId } = await session.open({
      runbookId: 'personal-data-breach',
      title: 'Customer list mailed to the wrong partner',
      severity: 'SEV2',
      summary: 'Names and emails of 300 EU customers',
      awareAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await session.waitForOpenTask(incidentId, 'report-gdpr-authority-notification');
    await session.waitForTaskNotified(incidentId, 'assess-breach');
    const resolved = await resolve(incidentId);
    expect(resolved.status).toBe(200);
    expect(resolved.body.run).toMatchObject({ outcome: 'cancelled', cancelledTasks: ['assess-breach'] });
    const stage = (await session.tasks(incidentId)).find((task) => task.taskId === 'report-gdpr-authority-notification');
    expect(stage).toMatchObject({ status: 'open' });
    const events = await session.events(incidentId);
    expect(events.filter((event) => event.type === 'task.cancelled').map((event) => event.detail?.taskId)).toEqual(['assess-breach']);
    expect(events.filter((event) => event.type === 'clock.started')).toEqual([]);
  });
});

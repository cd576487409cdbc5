import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { addBusinessDays } from '../../functions/domain/business-days.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { executionHistory, runbookSession } from './support/runbook-session.js';

/**
 * The incident's labels reach its run, and its regulatory deadlines come from one place: the report stages of
 * docs/regulatory-stages.md, started by the run for the labels it was opened with, and by the SEC materiality approval.
 */
describe('labels on an incident steer its runbook', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  beforeAll(async () => {
    local = await startTestStack();
    session = runbookSession(local);
  });
  afterAll(async () => {
    await local?.stop();
  });

  const hours = (n: number) => n * 3_600_000;
  const awareAt = new Date(Date.now() - hours(2)).toISOString();
  const open = (labels?: Record<string, string>) =>
    session.open({
      runbookId: 'security-incident',
      title: labels ? 'Significant outage of a regulated service' : 'Unlabelled incident',
      severity: 'SEV2',
      summary: 'labels decide which regulatory reports start',
      awareAt,
      ...(labels ? { labels } : {}),
    });
  const reportTasks = async (incidentId: string) => (await session.tasks(incidentId, 'dev-approver')).filter((task) => task.taskId.startsWith('report-')) as Array<Record<string, any>>;
  const acknowledgeAndCommand = async (incidentId: string) => {
    await session.waitForOpenTask(incidentId, 'acknowledge');
    expect((await session.complete(incidentId, 'acknowledge', { outcome: 'done' }, 'dev-responder')).status).toBe(200);
    await session.waitForOpenTask(incidentId, 'assign-commander');
    expect((await session.complete(incidentId, 'assign-commander', { outcome: 'done' }, 'dev-commander')).status).toBe(200);
  };

  it('opened nis2=significant and dora=major: the run starts the NIS2 and DORA report stages (one source of deadlines), no clock of its own', async () => {
    const labelled = await open({ nis2: 'significant', dora: 'major' });
    const unlabelled = await open();
    const classified = await session.waitForEvent(labelled.incidentId, (event) => event.type === 'incident.classified');
    expect(classified.detail).toMatchObject({ atOpening: true, added: ['major-ict', 'significant'], classifiedBy: expect.stringContaining(':user/') });
    const openedAt = Date.parse(classified.detail!.classifiedAt);
    await session.waitForEvent(labelled.incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'report-nis2-notification');
    const due = Object.fromEntries((await reportTasks(labelled.incidentId)).map((task) => [task.taskId, task.dueAt]));
    expect(due).toEqual({
      'report-nis2-early-warning': new Date(Date.parse(awareAt) + hours(24)).toISOString(),
      'report-nis2-notification': new Date(Date.parse(awareAt) + hours(72)).toISOString(),
      // Classified at its opening: 4 hours from then (before awareness + 24 h).
      'report-dora-initial': new Date(openedAt + hours(4)).toISOString(),
      'report-dora-intermediate': new Date(openedAt + hours(72)).toISOString(),
      'report-dora-final': expect.any(String),
    });

    // start-regulatory-reports runs before the acknowledge task opens: by then an unlabelled incident has started nothing.
    await session.waitForOpenTask(unlabelled.incidentId, 'acknowledge');
    expect(await reportTasks(unlabelled.incidentId)).toEqual([]);
    expect((await session.events(unlabelled.incidentId)).some((event) => event.type === 'incident.classified')).toBe(false);

    // The run keeps no second deadline for the same obligations: its only clock is the acknowledgement SLA.
    await session.waitForOpenTask(labelled.incidentId, 'acknowledge');
    const view = await local.api('GET', `/incidents/${labelled.incidentId}`);
    expect(view.body.clocks.map((clock: { clockId: string }) => clock.clockId)).toEqual(['acknowledgement-sla']);
    expect((view.body.events as Array<{ type: string }>).filter((event) => event.type === 'incident.classified')).toHaveLength(1);
    expect(JSON.stringify(view.body)).not.toMatch(/taskToken|"token"|armToken/i);
  });

  it('an SEC registrant: approving materiality classifies the incident material, which starts the Form 8-K stage from the approval', async () => {
    const { incidentId } = await open({ secRegistrant: 'true' });
    await acknowledgeAndCommand(incidentId);
    await session.waitForOpenTask(incidentId, 'sec-materiality');
    const approved = await session.complete(incidentId, 'sec-materiality', { outcome: 'approved', comment: 'Material: customer funds exposed' }, 'dev-approver');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const decidedAt = approved.body.task.decision.decidedAt as string;
    const classified = await session.waitForEvent(incidentId, (event) => event.type === 'incident.classified');
    expect(classified).toMatchObject({
      actor: 'arn:aws:iam::000000000000:user/ada-approver',
      detail: { added: ['material'], determinedAt: decidedAt, decidedInStep: 'sec-classify-material', reason: expect.stringContaining('Material: customer funds exposed') },
    });
    await session.waitForEvent(incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'report-sec-form-8k');
    const [form] = await reportTasks(incidentId);
    expect(form).toMatchObject({ taskId: 'report-sec-form-8k', dueAt: addBusinessDays(new Date(decidedAt), 4, irdrConfig.businessCalendars.sec).toISOString() });
    expect((await local.api('GET', `/incidents/${incidentId}`)).body.incident.labels).toMatchObject({ sec: 'material' });
  });

  it('a commander who classified material first: the approval starts nothing more (one Form 8-K stage); a rejection starts none', async () => {
    const first = await open({ secRegistrant: 'true' });
    expect((await local.api('POST', `/incidents/${first.incidentId}/classify`, { token: 'dev-commander', body: { add: ['material'], reason: 'Board determination' } })).status).toBe(200);
    await acknowledgeAndCommand(first.incidentId);
    await session.waitForOpenTask(first.incidentId, 'sec-materiality');
    expect((await session.complete(first.incidentId, 'sec-materiality', { outcome: 'approved', comment: 'agreed' }, 'dev-approver')).status).toBe(200);
    for (let attempt = 0; ; attempt += 1) {
      const history = await executionHistory(local, first.executionArn);
      if (history.some((event) => event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'sec-classify-material')) break;
      if (attempt === 400) throw new Error('sec-classify-material never ran');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await session.events(first.incidentId)).some((event) => event.type === 'runbook.step-failed' || event.type === 'runbook.failed')).toBe(false);
    const events = await session.events(first.incidentId);
    expect(events.filter((event) => event.type === 'incident.classified')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'task.created' && event.detail?.taskId === 'report-sec-form-8k')).toHaveLength(1);

    const second = await open({ secRegistrant: 'true' });
    await acknowledgeAndCommand(second.incidentId);
    await session.waitForOpenTask(second.incidentId, 'sec-materiality');
    expect((await session.complete(second.incidentId, 'sec-materiality', { outcome: 'rejected', comment: 'Not material: no customer impact' }, 'dev-approver')).status).toBe(200);
    await session.waitForEvent(second.incidentId, (event) => event.type === 'sec.materiality.not-material');
    expect(await reportTasks(second.incidentId)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { runbookSession } from './support/runbook-session.js';

/** The incident's labels reach its run, so a runbook's `choice` on them takes effect (here: NIS2 clocks). */
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

  const open = (labels?: Record<string, string>) =>
    session.open({
      runbookId: 'security-incident',
      title: labels ? 'Significant outage of a regulated service' : 'Unlabelled incident',
      severity: 'SEV2',
      summary: 'labels decide which regulatory clocks run',
      awareAt: new Date().toISOString(),
      ...(labels ? { labels } : {}),
    });

  it('runs the NIS2 clocks only for an incident labelled nis2=significant', async () => {
    const labelled = await open({ nis2: 'significant' });
    const unlabelled = await open();
    await session.completeEverything(labelled.incidentId, labelled.executionArn);
    await session.completeEverything(unlabelled.incidentId, unlabelled.executionArn);

    const clockIds = async (incidentId: string) =>
      (await session.events(incidentId)).filter((event) => event.type === 'clock.started').map((event) => String(event.detail?.clockId));
    expect(await clockIds(labelled.incidentId)).toEqual(expect.arrayContaining(['nis2-early-warning-clock', 'nis2-notification-clock']));
    expect((await clockIds(unlabelled.incidentId)).filter((id) => id.startsWith('nis2'))).toEqual([]);

    // The incident view carries its tasks (never a token) and its clocks beside the timeline.
    const view = await local.api('GET', `/incidents/${labelled.incidentId}`);
    expect(view.status).toBe(200);
    expect(view.body.tasks.length).toBeGreaterThan(0);
    expect(view.body.tasks.every((task: { status: string }) => task.status === 'completed')).toBe(true);
    expect(view.body.clocks.map((clock: { clockId: string }) => clock.clockId)).toEqual(
      expect.arrayContaining(['nis2-early-warning-clock', 'nis2-notification-clock']),
    );
    expect(JSON.stringify(view.body)).not.toMatch(/taskToken|"token"/i);
  });
});

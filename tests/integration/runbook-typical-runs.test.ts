import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { executionHistory, runbookSession, stateTransitions } from './support/runbook-session.js';
import { typicalRuns } from './support/typical-runs.js';

/**
 * A typical run of each built-in runbook, every task completed as soon as it opens by someone allowed to,
 * end to end. Prints each run's state transitions (*StateEntered history events): Step Functions bills
 * by them, and they are what stands between an execution and its 25,000-event history limit.
 */

describe('a typical run of each built-in runbook', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  const transitions: Record<string, { stateTransitions: number; historyEvents: number; humanTasks: number }> = {};

  beforeAll(async () => {
    local = await startTestStack();
    session = runbookSession(local);
  });
  afterAll(async () => {
    if (Object.keys(transitions).length > 0) console.table(transitions);
    await local?.stop();
  });

  it.each(typicalRuns)('$runbookId completes, recording every step', async ({ runbookId, severity, decide }) => {
    const { incidentId, executionArn } = await session.open({
      runbookId,
      title: `Typical ${runbookId} run`,
      severity,
      summary: 'A typical run for the record',
      awareAt: new Date().toISOString(),
    });
    const execution = await session.completeEverything(incidentId, executionArn, decide);
    expect(execution.status).toBe('SUCCEEDED');

    const events = await session.events(incidentId);
    const types = events.map((event) => event.type);
    expect(types.at(-1)).toBe('runbook.completed');
    expect(types).not.toContain('runbook.failed');
    expect(types).not.toContain('notify.failed');
    // Every clock that ran is settled: met, or closed when its steps finished.
    const clocks = new Set(events.filter((event) => event.type === 'clock.started').map((event) => event.detail?.clockId));
    for (const clockId of clocks) {
      expect(events.some((event) => ['clock.met', 'clock.stopped'].includes(event.type) && event.detail?.clockId === clockId), String(clockId)).toBe(true);
    }

    const history = await executionHistory(local, executionArn);
    transitions[runbookId] = {
      stateTransitions: stateTransitions(history),
      historyEvents: history.length,
      humanTasks: (await session.tasks(incidentId)).length,
    };
    expect(history.length).toBeLessThan(25_000);
  });

  it('marks every email of an exercise [EXERCISE], task emails included', async () => {
    const title = 'Tabletop: ransomware on the file servers';
    const { incidentId, executionArn } = await session.open({ runbookId: 'dr-drill-failure', title, severity: 'SEV3', summary: 'Quarterly tabletop exercise', mode: 'exercise' });
    expect((await session.completeEverything(incidentId, executionArn)).status).toBe('SUCCEEDED');
    const subjects = (await session.emails()).map((email) => email.subject).filter((subject) => subject.includes(title));
    expect(subjects.length).toBeGreaterThanOrEqual(5);
    for (const subject of subjects) expect(subject).toMatch(/^\[EXERCISE\] /);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, listStoredEvents } from '../../functions/aws/event-trail.js';
import { TrailBusyError } from '../../functions/domain/trail-busy.js';
import { verifyChain } from '../../functions/domain/chain-verify.js';
import { incidentPk } from '../../functions/domain/keys.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

let local: TestStack;

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60 });
});
afterAll(async () => {
  await local?.stop();
});

describe('one trail, many writers', () => {
  it('50 notes appended to one incident at once: every one recorded, one intact chain, no seq twice', async () => {
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Fifty writers', severity: 'SEV3', summary: 'concurrent appends' });
    const incidentId = created.body.incidentId as string;
    await local.waitForExecution(created.body.executionArn as string);
    const before = (await listStoredEvents(local.stack.tableName, incidentPk(incidentId))).length;

    const texts = Array.from({ length: 50 }, (_, index) => `note ${index}`);
    const responses = await Promise.all(texts.map((text) => local.api('POST', `/incidents/${incidentId}/notes`, { token: 'dev-responder', body: { text } })));
    expect(responses.map((response) => response.status)).toEqual(texts.map(() => 201));

    const events = await listStoredEvents(local.stack.tableName, incidentPk(incidentId));
    expect(events).toHaveLength(before + 50);
    expect(verifyChain(events).problems).toEqual([]);
    expect(events.map(({ event }) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const noted = events.flatMap(({ event }) => (event.type === 'incident.note-added' ? [(event.detail as { text: string }).text] : []));
    expect(noted.sort()).toEqual([...texts].sort());
  });
});

describe('a trail busier than an append\'s budget', () => {
  it('gives up with TrailBusyError (a 503 to API callers), never a raw condition failure, and writes nothing half: the chain stays intact', async () => {
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Too many writers', severity: 'SEV3', summary: 'budget spent' });
    const incidentId = created.body.incidentId as string;
    await local.waitForExecution(created.body.executionArn as string);
    const pk = incidentPk(incidentId);
    const before = (await listStoredEvents(local.stack.tableName, pk)).length;

    // No budget: whoever loses the first race gives up at once, as a writer does when contention outlasts its budget.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => appendEvent(local.stack.tableName, pk, { type: 'incident.note-added', at: new Date().toISOString(), actor: 'test', detail: { text: `writer ${index}` } }, 0)),
    );
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const { reason } of refused) expect(reason).toBeInstanceOf(TrailBusyError);

    const events = await listStoredEvents(local.stack.tableName, pk);
    expect(events).toHaveLength(before + outcomes.length - refused.length);
    expect(verifyChain(events).problems).toEqual([]);
  });
});

describe('a stack at x60 with no recovery timing of its own', () => {
  it('scales PITR\'s 5-minute restorable lag like every wait: the latest restorable time trails the clock by 5 s', async () => {
    const { DescribeContinuousBackupsCommand } = await import('@aws-sdk/client-dynamodb');
    const { createPkSkTable } = await import('../../local/dynamodb/pk-sk-table.js');
    await createPkSkTable(local.dynamodb, 'irdr-test-lag', { pitr: true });
    // Unscaled, the window stays at its earliest point for 5 real minutes; at x60 it moves after 5 s.
    const deadline = Date.now() + 20_000;
    let lagMs = Number.POSITIVE_INFINITY;
    while (Date.now() < deadline) {
      const described = await local.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'irdr-test-lag' }));
      const pitr = described.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
      if (pitr?.LatestRestorableDateTime && pitr.EarliestRestorableDateTime && pitr.LatestRestorableDateTime > pitr.EarliestRestorableDateTime) {
        lagMs = Date.now() - pitr.LatestRestorableDateTime.getTime();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(lagMs).toBeGreaterThanOrEqual(4_000);
    expect(lagMs).toBeLessThan(10_000);
  });
});

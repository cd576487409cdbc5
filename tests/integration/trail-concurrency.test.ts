import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStoredEvents } from '../../functions/aws/event-trail.js';
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent } from '../../functions/domain/hash-chain.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const RITA = 'arn:aws:iam::000000000000:user/rita-responder';
const CARL = 'arn:aws:iam::000000000000:user/carl-commander';

describe('incident lifecycle: acknowledge, resolve, close, notes', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  async function openIncident(overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await local.openIncident({
      runbookId: 'triage-notify',
      title: 'Ransom note on a file share',
      severity: 'SEV1',
      summary: 'Encrypted files found on \\\\fs01\\finance',
      ...overrides,
    });
    expect(created.status).toBe(202);
    await local.waitForExecution(created.body.executionArn);
    return created.body.incidentId as string;
  }
  const post = (incidentId: string, action: string, options: { token?: string; body?: unknown } = {}) =>
    local.api('POST', `/incidents/${incidentId}/${action}`, options);
  const lifecycleEvents = async (incidentId: string) =>
    ((await local.api('GET', `/incidents/${incidentId}`)).body.events as Array<Record<string, any>>).filter(
      (event) => event.type.startsWith('incident.') && event.type !== 'incident.opened',
    );

  it('walks open → acknowledged → resolved → closed, recording milestones, MTTA, MTTR and who did each', async () => {
    const incidentId = await openIncident();

    const acknowledged = await post(incidentId, 'acknowledge');
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: RITA, mttaSeconds: expect.any(Number) });
    const { openedAt, acknowledgedAt } = acknowledged.body.incident;
    expect(acknowledged.body.incident.mttaSeconds).toBe(Math.round((Date.parse(acknowledgedAt) - Date.parse(openedAt)) / 1000));

    const resolved = await post(incidentId, 'resolve', { body: { summary: 'Restored from the 02:00 backup; entry via phished VPN account' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.incident).toMatchObject({
      status: 'resolved',
      resolvedBy: RITA,
      resolutionSummary: 'Restored from the 02:00 backup; entry via phished VPN account',
      mttrSeconds: expect.any(Number),
    });

    const closed = await post(incidentId, 'close', { token: 'dev-commander' });
    expect(closed.status).toBe(200);
    expect(closed.body.incident).toMatchObject({ status: 'closed', closedBy: CARL });

    const view = (await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' })).body;
    expect(view.incident).toMatchObject({ status: 'closed', mttaSeconds: expect.any(Number), mttrSeconds: expect.any(Number) });
    expect(Object.keys(view.milestones)).toEqual(['openedAt', 'acknowledgedAt', 'resolvedAt', 'closedAt']);
    expect(view.milestones.closedAt).toBe(view.incident.closedAt);

    const events = await lifecycleEvents(incidentId);
    expect(events.map((event) => [event.type, event.actor, event.detail.from, event.detail.to])).toEqual([
      ['incident.acknowledged', RITA, 'open', 'acknowledged'],
      ['incident.resolved', RITA, 'acknowledged', 'resolved'],
      ['incident.closed', CARL, 'resolved', 'closed'],
    ]);
    expect(events[0]!.detail).toMatchObject({ acknowledgedAt, mttaSeconds: view.incident.mttaSeconds });
    expect(events[1]!.detail).toMatchObject({ mttrSeconds: view.incident.mttrSeconds, resolutionSummary: expect.any(String) });

    // Every appended event extends the one hash chain.
    let prevHash = GENESIS_HASH;
    for (const event of view.events as Array<Record<string, any>>) {
      const { seq, prevHash: storedPrev, hash, ...body } = event;
      expect(storedPrev).toBe(prevHash);
      expect(hashEvent(body, seq, storedPrev)).toBe(hash);
      prevHash = hash;
    }
  });

  it('resolves an open incident directly (no MTTA: it was never acknowledged)', async () => {
    const incidentId = await openIncident();
    const resolved = await post(incidentId, 'resolve');
    expect(resolved.status).toBe(200);
    expect(resolved.body.incident.status).toBe('resolved');
    expect(resolved.body.incident.mttrSeconds).toEqual(expect.any(Number));
    expect(resolved.body.incident.mttaSeconds).toBeUndefined();
  });

  it('answers 409 naming the current status and what may follow, and writes nothing', async () => {
    const incidentId = await openIncident();
    await local.waitForQuiet();
    const before = await local.tableItems();
    const closeOpen = await post(incidentId, 'close', { token: 'dev-commander' });
    expect(closeOpen.status).toBe(409);
    expect(closeOpen.body.message).toBe(
      `cannot close incident ${incidentId}: it is open; from "open" it can only be acknowledged ` +
        `(POST /incidents/${incidentId}/acknowledge) or resolved (POST /incidents/${incidentId}/resolve)`,
    );
    expect(await local.tableItems()).toEqual(before);

    expect((await post(incidentId, 'acknowledge')).status).toBe(200);
    const again = await post(incidentId, 'acknowledge');
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/it is acknowledged; from "acknowledged" it can only be resolved/);

    expect((await post(incidentId, 'resolve')).status).toBe(200);
    expect((await post(incidentId, 'close', { token: 'dev-commander' })).status).toBe(200);
    const afterClose = await post(incidentId, 'resolve');
    expect(afterClose.status).toBe(409);
    expect(afterClose.body.message).toMatch(/it is closed; "closed" is final, nothing follows it/);
  });

  it('lets exactly one of many racing callers win a transition', async () => {
    const incidentId = await openIncident();
    const racers = await Promise.all(
      ['dev-responder', 'dev-commander', 'dev-admin', 'dev-responder', 'dev-commander', 'dev-admin'].map((token) =>
        post(incidentId, 'acknowledge', { token }),
      ),
    );
    expect(racers.filter((response) => response.status === 200)).toHaveLength(1);
    expect(racers.filter((response) => response.status === 409)).toHaveLength(racers.length - 1);
    const events = await lifecycleEvents(incidentId);
    expect(events.filter((event) => event.type === 'incident.acknowledged')).toHaveLength(1);
  });

  it('appends notes with their author, in any status', async () => {
    const incidentId = await openIncident();
    const first = await post(incidentId, 'notes', { body: { text: 'Isolated fs01 from the network' } });
    expect(first.status).toBe(201);
    expect(first.body.note).toMatchObject({ type: 'incident.note-added', actor: RITA, detail: { text: 'Isolated fs01 from the network' } });
    expect((await post(incidentId, 'notes', { token: 'dev-approver', body: { text: 'Approved paying nobody' } })).status).toBe(201);
    const events = await lifecycleEvents(incidentId);
    expect(events.map((event) => [event.type, event.detail.text])).toEqual([
      ['incident.note-added', 'Isolated fs01 from the network'],
      ['incident.note-added', 'Approved paying nobody'],
    ]);
  });

  it('rejects bad bodies with 400 saying what to change, and writes nothing', async () => {
    const incidentId = await openIncident();
    await local.waitForQuiet();
    const before = await local.tableItems();
    const emptyNote = await post(incidentId, 'notes', { body: { text: '   ' } });
    expect(emptyNote.status).toBe(400);
    expect(emptyNote.body.message).toMatch(/text: a note needs some text/);
    expect((await post(incidentId, 'notes', {})).status).toBe(400);
    const extra = await post(incidentId, 'resolve', { body: { summary: 'done', rootCause: 'x' } });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/rootCause/);
    const bodyOnAck = await post(incidentId, 'acknowledge', { body: { note: 'x' } });
    expect(bodyOnAck.status).toBe(400);
    expect(bodyOnAck.body.message).toMatch(/takes no body/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('refuses auditors (read-only) and callers without the needed role with 403, and writes nothing', async () => {
    const incidentId = await openIncident();
    await local.waitForQuiet();
    const before = await local.tableItems();
    for (const action of ['acknowledge', 'resolve', 'close']) {
      const refused = await post(incidentId, action, { token: 'dev-auditor' });
      expect(refused.status, action).toBe(403);
      expect(refused.body.message).toMatch(/this needs the role .+; .*otto-auditor acts only as auditor \(auditors have read-only access\)/);
    }
    const note = await post(incidentId, 'notes', { token: 'dev-auditor', body: { text: 'looks fine' } });
    expect(note.status).toBe(403);
    expect(note.body.message).toMatch(/needs the role responder or commander or approver/);
    const responderCloses = await post(incidentId, 'close');
    expect(responderCloses.status).toBe(403);
    expect(responderCloses.body.message).toMatch(/this needs the role commander; .*rita-responder acts only as responder$/);
    expect((await post(incidentId, 'acknowledge', { token: 'dev-outsider' })).status).toBe(403);
    expect((await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-outsider' })).status).toBe(403);
    expect(await local.tableItems()).toEqual(before);
  });

  it('answers 404 for an unknown incident, and writes nothing', async () => {
    await local.waitForQuiet();
    const before = await local.tableItems();
    for (const action of ['acknowledge', 'resolve', 'close']) {
      const response = await post('no-such-incident', action, { token: 'dev-commander' });
      expect(response.status, action).toBe(404);
      expect(response.body.message).toBe('no incident with id "no-such-incident"');
    }
    expect((await post('no-such-incident', 'notes', { body: { text: 'hello' } })).status).toBe(404);
    expect(await local.tableItems()).toEqual(before);
  });

  it('keeps MTTA and MTTR on exercises too, marked as exercises for statistics to leave out', async () => {
    const incidentId = await openIncident({ mode: 'exercise' });
    await post(incidentId, 'acknowledge');
    const resolved = await post(incidentId, 'resolve');
    expect(resolved.body.incident).toMatchObject({ mode: 'exercise', mttaSeconds: expect.any(Number), mttrSeconds: expect.any(Number) });
    const events = await lifecycleEvents(incidentId);
    expect(events.every((event) => event.detail.mode === 'exercise')).toBe(true);
  });
});

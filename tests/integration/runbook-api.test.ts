import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateMachineBlueprints } from '../../workflows/catalog.js';
import { loadRunbooks } from '../../workflows/load-runbooks.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

describe('GET /runbooks and /runbooks/{runbookId}', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('lists every deployed runbook with its id, title, version, hash and description', async () => {
    const response = await local.api('GET', '/runbooks', { token: 'dev-auditor' });
    expect(response.status).toBe(200);
    expect(response.body.runbooks).toEqual(
      stateMachineBlueprints().map((blueprint) => ({
        id: blueprint.runbookId,
        title: blueprint.title,
        version: blueprint.version,
        hash: blueprint.hash,
        ...(blueprint.runbook.description !== undefined && { description: blueprint.runbook.description }),
      })),
    );
  });

  it('shows one runbook with its definition as loaded, and the hash its incidents are stamped with', async () => {
    const [runbook] = loadRunbooks().filter((candidate) => candidate.id === 'triage-notify');
    const response = await local.api('GET', '/runbooks/triage-notify');
    expect(response.status).toBe(200);
    expect(response.body.runbook).toMatchObject({ id: 'triage-notify', title: runbook!.title, version: runbook!.version });
    expect(response.body.runbook.definition).toEqual(JSON.parse(JSON.stringify(runbook)));

    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Hash check', severity: 'SEV4', summary: 'same hash' });
    const incident = (await local.api('GET', `/incidents/${created.body.incidentId}`)).body.incident;
    expect(incident.runbookHash).toBe(response.body.runbook.hash);
  });

  it('answers 404 for an unknown runbook, naming the ones there are', async () => {
    const response = await local.api('GET', '/runbooks/no-such-runbook');
    expect(response.status).toBe(404);
    expect(response.body.message).toMatch(/^no runbook with id "no-such-runbook"; GET \/runbooks lists them: .*triage-notify/);
  });

  it('lets every role read, and no one without a role', async () => {
    for (const token of ['dev-responder', 'dev-commander', 'dev-approver', 'dev-auditor']) {
      expect((await local.api('GET', '/runbooks/triage-notify', { token })).status, token).toBe(200);
    }
    expect((await local.api('GET', '/runbooks', { token: 'dev-outsider' })).status).toBe(403);
    expect((await local.api('GET', '/runbooks', { token: null })).status).toBe(403);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../functions/domain/chain-verify.js';
import { REVIEW_TASK_ID } from '../../functions/domain/incident-review.js';
import { drillRunPk, incidentPk } from '../../functions/domain/keys.js';
import { listStoredEvents } from '../../functions/aws/event-trail.js';
import { deployConfigChange } from './support/config-change.js';
import { drillSession, testPlan } from './support/drill-session.js';
import { runbookSession, taskLinkIn } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

const SOURCE = 'irdr-signoff-orders';
const plans = [testPlan({ id: 'signoff-pitr', source: { type: 'dynamodb-table', tableName: SOURCE }, checks: [{ type: 'item-count' }] })];
const period = () => `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;

let local: TestStack;

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60, drillPlans: plans, dynamodbRecovery: { restoreDuration: { baseMs: 60_000, perItemMs: 0 }, latestRestorableLagMs: 60_000 } });
  const drills = drillSession(local);
  await drills.restorableSource(SOURCE, 5);
});
afterAll(async () => {
  await local?.stop();
});

async function openIncident(severity: string): Promise<string> {
  const created = await local.openIncident({ runbookId: 'triage-notify', title: `Sign-off ${severity}`, severity, summary: 'for the sign-off check' });
  expect(created.status).toBe(202);
  await local.waitForExecution(created.body.executionArn as string);
  return created.body.incidentId as string;
}
const signOff = (path: string, body: unknown, token = 'dev-auditor') => local.api('POST', path, { token, body });
const trailOf = async (partitionKey: string) => listStoredEvents(local.stack.tableName, partitionKey);

/*
 * Tests that hold the whole table to what they wrote (a refused request writes nothing), and the one that changes the
 * config of the whole process, run alone first; the rest wait side by side after them, each on records of its own
 * (its own incident or drill run), asserting with its own expect.
 */
describe('alone on the stack', () => {
  describe('sign-off of an incident', () => {
    it('refuses, writing nothing: wrong role, bad body, not yet resolved, unknown incident', async () => {
      const incidentId = await openIncident('SEV3');
      const path = `/incidents/${incidentId}/sign-off`;
      const before = await local.tableItems();
      const responder = await signOff(path, { verdict: 'accepted' }, 'dev-responder');
      expect(responder.status).toBe(403);
      expect(responder.body.message).toMatch(/commander or auditor/);
      expect((await signOff(path, { verdict: 'fine' })).body.message).toContain('verdict is "accepted" or "exceptions"');
      expect((await signOff(path, { verdict: 'exceptions' })).body.message).toContain('needs a comment');
      expect((await signOff(path, { verdict: 'accepted', by: 'me' })).status).toBe(400);
      const open = await signOff(path, { verdict: 'accepted' });
      expect(open.status).toBe(409);
      expect(open.body.message).toMatch(/the incident is (open|acknowledged): resolve it/);
      expect((await signOff('/incidents/no-such-incident/sign-off', { verdict: 'accepted' })).status).toBe(404);
      expect(await local.tableItems()).toEqual(before);
    });

  });

  describe('separation of duties', () => {
    it('refuses with 403 naming the rule whoever resolved the incident, in any role they act in, writing nothing', async () => {
      const incidentId = await openIncident('SEV3');
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander' })).status).toBe(200);
      const path = `/incidents/${incidentId}/sign-off`;
      const before = await local.tableItems();
      const self = await signOff(path, { verdict: 'accepted' }, 'dev-commander');
      expect(self.status).toBe(403);
      expect(self.body.message).toBe(
        'separation of duties (evidence.separationOfDuties): arn:aws:iam::000000000000:user/carl-commander resolved this incident, so cannot sign off its evidence; ' +
          'someone who did not run it signs it off (an auditor, or a commander who took no part)',
      );
      expect(await local.tableItems()).toEqual(before);
      expect((await signOff(path, { verdict: 'accepted' }, 'dev-auditor')).status).toBe(201);
    });


    it('refuses the same person signing in as the auditor after resolving as a responder', async () => {
      // Ana acts in every role: she opens (as responder) and resolves, then tries to sign off (as auditor).
      const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Ana runs it', severity: 'SEV3', summary: 'self review' }, { token: 'dev-admin' });
      await local.waitForExecution(created.body.executionArn as string);
      const incidentId = created.body.incidentId as string;
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-admin' })).status).toBe(200);
      // What resolving sets going (the run's end, its notices) settles first: only the refused sign-off is held to writing nothing.
      await local.waitForWritesToSettle();
      const before = await local.tableItems();
      const self = await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'exceptions', comment: 'none really' }, 'dev-admin');
      expect(self.status).toBe(403);
      expect(self.body.message).toContain('ana-admin opened and resolved this incident, so cannot sign off its evidence');
      expect(await local.tableItems()).toEqual(before);
    });
  });

  describe('separation of duties, configured off', () => {
    it('lets the resolver sign off when evidence.separationOfDuties is false (a team of one)', async () => {
      const undeploy = deployConfigChange((config) => ({ ...config, evidence: { separationOfDuties: false } }));
      try {
        const incidentId = await openIncident('SEV3');
        expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander' })).status).toBe(200);
        const self = await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'accepted' }, 'dev-commander');
        expect(self.status).toBe(201);
        expect(self.body.signOff).toMatchObject({ by: 'arn:aws:iam::000000000000:user/carl-commander' });
      } finally {
        undeploy();
      }
    });
  });

  describe('sign-off of a drill run', () => {
    it('refuses whoever started the run by hand (separation of duties)', async () => {
      const started = await local.api('POST', '/drills/signoff-pitr/runs', { token: 'dev-commander', headers: { 'idempotency-key': randomUUID() } });
      expect(started.status).toBe(202);
      expect((await local.waitForExecution(started.body.executionArn as string, 2400)).status).toBe('SUCCEEDED');
      const path = `/drill-runs/${started.body.runId as string}/sign-off`;
      const before = await local.tableItems();
      const self = await signOff(path, { verdict: 'accepted' }, 'dev-commander');
      expect(self.status).toBe(403);
      expect(self.body.message).toContain('carl-commander started this drill run, so cannot sign off its evidence');
      expect(await local.tableItems()).toEqual(before);
      expect((await signOff(path, { verdict: 'accepted' }, 'dev-auditor')).status).toBe(201);
    });
  });
});

describe.concurrent('side by side', () => {
  describe('sign-off of an incident', () => {
    it('records exceptions then acceptance in the trail, each with who and why; an accepted sign-off is final', async ({ expect }) => {
      const incidentId = await openIncident('SEV3');
      // Resolved by the responder, so the commander, who took no part, may sign it off.
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-responder' })).status).toBe(200);
      const path = `/incidents/${incidentId}/sign-off`;

      const unreviewed = await local.api('GET', `/evidence/unreviewed?${period()}`, { token: 'dev-auditor' });
      expect(unreviewed.body.unreviewed).toContainEqual(expect.objectContaining({ kind: 'incident', id: incidentId, status: 'resolved' }));

      const exceptions = await signOff(path, { verdict: 'exceptions', comment: 'MTTA over the one-hour promise' });
      expect(exceptions.status).toBe(201);
      expect(exceptions.body.signOff).toMatchObject({ verdict: 'exceptions', by: 'arn:aws:iam::000000000000:user/otto-auditor', roles: ['auditor'] });
      const accepted = await signOff(path, { verdict: 'accepted', comment: 'follow-up done' }, 'dev-commander');
      expect(accepted.status).toBe(201);
      const again = await signOff(path, { verdict: 'accepted' });
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/accepted by .*carl-commander.*final/);

      const trail = await trailOf(incidentPk(incidentId));
      expect(verifyChain(trail).problems).toEqual([]);
      const signOffs = trail.map(({ event }) => event).filter((event) => event.type === 'evidence.signed-off');
      expect(signOffs.map((event) => [event.actor, (event.detail as { verdict: string }).verdict])).toEqual([
        ['arn:aws:iam::000000000000:user/otto-auditor', 'exceptions'],
        ['arn:aws:iam::000000000000:user/carl-commander', 'accepted'],
      ]);
      const read = await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' });
      expect(read.body.incident?.signOff ?? read.body.signOff).toMatchObject({ verdict: 'accepted' });
      const after = await local.api('GET', `/evidence/unreviewed?${period()}`, { token: 'dev-auditor' });
      expect(after.body.unreviewed.map((record: { id: string }) => record.id)).not.toContain(incidentId);
    });


    it('waits for the post-incident review task of a SEV2', async ({ expect }) => {
      const incidentId = await openIncident('SEV2');
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander' })).status).toBe(200);
      const early = await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'accepted' });
      expect(early.status).toBe(409);
      expect(early.body.message).toContain(`post-incident review task ${REVIEW_TASK_ID} is open`);
      const reason = await local.api('POST', `/incidents/${incidentId}/review`, { token: 'dev-commander', body: { rootCause: 'a test', noCorrectiveActionReason: 'nothing to change' } });
      expect(reason.status, JSON.stringify(reason.body)).toBe(201);
      const done = await local.api('POST', `/incidents/${incidentId}/tasks/${REVIEW_TASK_ID}/complete`, { token: 'dev-commander', body: { outcome: 'done', comment: 'review held' } });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect((await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'accepted' })).status).toBe(201);
    });
  });

  describe('separation of duties', () => {
    it('refuses the commander who took command through the runbook\'s task, though someone else resolved', async ({ expect }) => {
      const created = await local.openIncident({ runbookId: 'security-incident', title: 'Carl commands', severity: 'SEV3', summary: 'commanded, not resolved' });
      const incidentId = created.body.incidentId as string;
      expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
      let took: { status: number } = { status: 0 };
      for (let attempt = 0; attempt < 400 && took.status !== 200; attempt += 1) {
        took = await local.api('POST', `/incidents/${incidentId}/tasks/assign-commander/complete`, { token: 'dev-commander', body: { outcome: 'done', comment: 'bridge open' } });
        if (took.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(took.status).toBe(200);
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-responder' })).status).toBe(200);
      const self = await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'accepted' }, 'dev-commander');
      expect(self.status).toBe(403);
      expect(self.body.message).toContain('carl-commander commanded this incident, so cannot sign off its evidence');
      // Its run goes on writing (its other tasks wait), so what must not be there is the sign-off itself.
      expect((await trailOf(incidentPk(incidentId))).map(({ event }) => event.type)).not.toContain('evidence.signed-off');
      const read = await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' });
      expect(read.body.incident?.signOff ?? read.body.signOff).toBeUndefined();
    });


    it('refuses the commander who took command through their emailed link (email:carl@…) when they sign in to sign off', async ({ expect }) => {
      const session = runbookSession(local);
      const created = await local.openIncident({ runbookId: 'security-incident', title: 'Carl commands by link', severity: 'SEV3', summary: 'commanded from an email' });
      const incidentId = created.body.incidentId as string;
      expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
      const email = await session.waitForEmail((candidate) => candidate.subject.includes('Take command') && candidate.subject.endsWith('Carl commands by link') && candidate.destination.to.includes('carl@example.com'));
      const answered = await fetch(taskLinkIn(email)!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done&comment=on+it' });
      expect(answered.status).toBe(200);
      expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-responder' })).status).toBe(200);
      // Before, the link's actor (email:carl@example.com) was compared as written, and Carl's sign-off was accepted.
      const self = await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'accepted' }, 'dev-commander');
      expect(self.status).toBe(403);
      expect(self.body.message).toContain('carl-commander commanded this incident (as email:carl@example.com), so cannot sign off its evidence');
      expect((await trailOf(incidentPk(incidentId))).map(({ event }) => event.type)).not.toContain('evidence.signed-off');
      expect((await signOff(`/incidents/${incidentId}/sign-off`, { verdict: 'accepted' }, 'dev-auditor')).status).toBe(201);
    });

  });

  describe('sign-off of a drill run', () => {
    it('is accepted once the run has finished, and appended to the run\'s trail', async ({ expect }) => {
      const started = await local.api('POST', '/drills/signoff-pitr/runs', { headers: { 'idempotency-key': randomUUID() } });
      expect(started.status).toBe(202);
      const runId = started.body.runId as string;
      expect((await local.waitForExecution(started.body.executionArn as string, 2400)).status).toBe('SUCCEEDED');
      const unreviewed = await local.api('GET', `/evidence/unreviewed?${period()}`, { token: 'dev-commander' });
      expect(unreviewed.body.unreviewed).toContainEqual(expect.objectContaining({ kind: 'drill-run', id: runId, status: 'passed', planId: 'signoff-pitr' }));

      const signed = await signOff(`/drill-runs/${runId}/sign-off`, { verdict: 'accepted', comment: 'RTO and RPO within targets' });
      expect(signed.status).toBe(201);
      const trail = await trailOf(drillRunPk(runId));
      expect(verifyChain(trail).problems).toEqual([]);
      expect(trail.at(-1)?.event).toMatchObject({ type: 'evidence.signed-off', detail: { verdict: 'accepted', comment: 'RTO and RPO within targets' } });
      expect((await signOff('/drill-runs/nope/sign-off', { verdict: 'accepted' })).status).toBe(404);
    });

  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { reviewDueAt } from '../../functions/domain/review-due.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { runbookSession } from './support/runbook-session.js';

/**
 * Post-incident review: resolving a SEV1/SEV2 incident opens a review task for the commanders, due five
 * business days later, recorded and emailed; GET /incidents/{id}/review drafts the review from the record.
 */
describe('post-incident review', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  let incidentId: string;
  let resolved: Awaited<ReturnType<TestStack['api']>>;

  const review = async (id: string, token = 'dev-auditor') => {
    const response = await fetch(`${local.stack.urls.api}/incidents/${id}/review`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName(token)}` } });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  beforeAll(async () => {
    local = await startTestStack({ timeScale: 600 });
    session = runbookSession(local);
    ({ incidentId } = await session.open({
      runbookId: 'security-incident',
      title: 'Exfiltration from the billing bucket',
      severity: 'SEV1',
      summary: 'GuardDuty: Exfiltration:S3/AnomalousBehavior on billing-exports',
    }));
    await session.waitForTaskNotified(incidentId, 'acknowledge');
    expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
    await session.waitForEvent(incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'acknowledgement-sla');
    resolved = await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'Keys rotated | bucket policy fixed' } });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('opens a review task for the commanders on resolve, due in five business days', async () => {
    expect(resolved.status).toBe(200);
    const resolvedAt = resolved.body.incident.resolvedAt as string;
    const dueAt = resolved.body.reviewDueAt as string;
    const days = (Date.parse(dueAt) - Date.parse(resolvedAt)) / 86_400_000;
    // Five business days on the team's calendar (US federal holidays, New York time): a week from a weekday, a little
    // less from a weekend (counted from Monday), more across a holiday, exactly as the calendar counts them.
    expect(dueAt).toBe(reviewDueAt('SEV1', resolvedAt, irdrConfig.postIncidentReview, irdrConfig.businessCalendars.team));
    expect(days).toBeGreaterThan(5);
    expect(days).toBeLessThan(12);
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'review.post-incident');
    expect(task).toMatchObject({ status: 'open', kind: 'task', assignee: 'commander', dueAt });
    const events = await session.events(incidentId);
    const created = events.find((event) => event.type === 'task.created' && event.detail?.taskId === 'review.post-incident');
    expect(created?.detail).toMatchObject({ purpose: 'post-incident-review', assignee: 'commander', dueAt });
    const sent = events.find((event) => event.type === 'notification.sent' && event.detail?.purpose === 'post-incident-review');
    expect(sent?.detail?.to).toEqual(['carl@example.com']);
  });

  it('emails each commander', async () => {
    const email = await session.waitForEmail((candidate) => candidate.subject.includes('Post-incident review due'));
    expect(email.destination.to).toEqual(['carl@example.com']);
    expect(email.subject).toContain('[SEV1]');
    expect(email.body.text).toContain(`GET ${local.stack.urls.api}/incidents/${incidentId}/review`);
  });

  it('drafts the review in Markdown from the record', async () => {
    const draft = await review(incidentId);
    expect(draft.status).toBe(200);
    expect(draft.contentType).toMatch(/^text\/markdown/);
    expect(draft.text).toContain('# Post-incident review: Exfiltration from the billing bucket');
    expect(draft.text).toContain('**Resolution:** Keys rotated | bucket policy fixed');
    expect(draft.text).toMatch(/- Time to acknowledge \(MTTA\): \S+, by \S+/);
    expect(draft.text).toMatch(/- Time to resolve \(MTTR\): \S+, by \S+/);
    expect(draft.text).toMatch(/\| Acknowledge within one hour \| sla \| .* \| met \(/);
    expect(draft.text).toMatch(/\| Acknowledge the incident \| task \| \S+ \| done \| acknowledged through the incident \|/);
    const actions = draft.text.slice(draft.text.indexOf('## Open actions'), draft.text.indexOf('## Timeline'));
    expect(actions).toContain('- [ ] Hold the post-incident review — commander, due');
    expect(draft.text).toContain('`incident.resolved`');
    expect(draft.text).toContain('`incident.acknowledged`');
  });

  it('is completed through the tasks API by a commander, though no run waits on it', async () => {
    const refused = await session.complete(incidentId, 'review.post-incident', { outcome: 'done' }, 'dev-responder');
    expect(refused.status).toBe(403);
    // A SEV1 review completes only with a corrective action or a recorded reason for none (docs/corrective-actions.md).
    const reason = await local.api('POST', `/incidents/${incidentId}/review`, { token: 'dev-commander', body: { rootCause: 'a vendor bug', noCorrectiveActionReason: 'fixed upstream by the vendor' } });
    expect(reason.status, JSON.stringify(reason.body)).toBe(201);
    const completed = await session.complete(incidentId, 'review.post-incident', { outcome: 'done', comment: 'review held; 3 actions' }, 'dev-commander');
    expect(completed.status).toBe(200);
    expect(completed.body.task).toMatchObject({ status: 'completed', decision: { outcome: 'done', comment: 'review held; 3 actions' } });
    await session.waitForEvent(incidentId, (event) => event.type === 'task.completed' && event.detail?.taskId === 'review.post-incident');
    const draft = await review(incidentId);
    expect(draft.text).toMatch(/\| Hold the post-incident review \| task \| \S+ \| done \| review held; 3 actions \|/);
  });

  it('opens no review for a SEV3 (none configured), and 404s the draft of an unknown incident', async () => {
    const { incidentId: minor } = await session.open({ runbookId: 'triage-notify', title: 'Port scan', severity: 'SEV3', summary: 'noise' });
    const response = await local.api('POST', `/incidents/${minor}/resolve`, { token: 'dev-commander' });
    expect(response.status).toBe(200);
    expect(response.body.reviewDueAt).toBeUndefined();
    expect((await session.tasks(minor)).some((task) => task.taskId === 'review.post-incident')).toBe(false);
    expect((await review(minor)).status).toBe(200);
    expect((await review('no-such-incident')).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { runbookSession, taskLinkIn, type Email } from './support/runbook-session.js';

/**
 * personal-data-breach: the authority-notification approval is rejected by the approver through the link
 * in their email. GET shows a page and decides nothing; only the page's POST does. The rejected branch
 * runs, meets the GDPR clock, and the trail says who decided and why. Tokens never leave the backend.
 */
describe('personal-data-breach: an approval rejected through the emailed link', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  let incidentId: string;
  const pages: string[] = [];

  const fetchPage = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, { redirect: 'manual', ...init });
    const text = await response.text();
    pages.push(text);
    return { status: response.status, text, headers: response.headers };
  };

  beforeAll(async () => {
    local = await startTestStack();
    session = runbookSession(local);
    ({ incidentId } = await session.open({
      runbookId: 'personal-data-breach',
      title: 'Customer export bucket was public',
      severity: 'SEV2',
      summary: 'An S3 bucket holding a customer export (names, emails) was public for 3 days',
      awareAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    }));
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('starts the GDPR 72-hour clock from awareness', async () => {
    const started = await session.waitForEvent(incidentId, (event) => event.type === 'clock.started' && event.detail?.clockId === 'gdpr-authority-clock');
    expect(started.detail).toMatchObject({ anchor: 'awareAt', metBy: ['notify-authority', 'record-authority-notice-not-required'] });
    expect(Date.parse(started.detail!.deadlineAt) - Date.parse(started.detail!.anchorAt)).toBe(72 * 3_600_000);
  });

  it('lets only the assigned role complete a task, refusing the others with 403 and writing nothing', async () => {
    await session.waitForTaskNotified(incidentId, 'assess-breach');
    const before = await local.tableItems();
    const responder = await session.complete(incidentId, 'assess-breach', { outcome: 'done', comment: 'x' }, 'dev-responder');
    expect(responder.status).toBe(403);
    expect(responder.body.message).toMatch(/only members of the role commander may complete/);
    const auditor = await session.complete(incidentId, 'assess-breach', { outcome: 'done' }, 'dev-auditor');
    expect(auditor.status).toBe(403);
    const wrongOutcome = await session.complete(incidentId, 'assess-breach', { outcome: 'approved' }, 'dev-commander');
    expect(wrongOutcome.status).toBe(400);
    expect(wrongOutcome.body.message).toMatch(/takes the outcome done/);
    expect(await local.tableItems()).toEqual(before);

    const done = await session.complete(incidentId, 'assess-breach', { outcome: 'done', comment: '1,200 EU customers; names and emails' }, 'dev-commander');
    expect(done.status).toBe(200);
    expect(done.body.task).toMatchObject({ taskId: 'assess-breach', status: 'completed', decision: { outcome: 'done', via: 'api' } });
  });

  let link: string;
  let approverEmail: Email;

  it('emails the approvers a decision request, each with their own signed link', async () => {
    await session.waitForTaskNotified(incidentId, 'authority-notice-decision');
    approverEmail = await session.waitForEmail((email) => email.subject === '[SEV2] Decision needed: Notify the supervisory authority? — Customer export bucket was public');
    expect(approverEmail.destination.to).toEqual(['security-leads@example.com']);
    link = taskLinkIn(approverEmail)!;
    expect(link).toMatch(new RegExp(`^${local.stack.urls.api}/task-links/${incidentId}\\.authority-notice-decision\\.0\\.\\d{10}\\?sig=`));
    expect(approverEmail.body.html).toContain(link.replace(/&/g, '&#38;'));
  });

  it('refuses a tampered link without touching the task', async () => {
    const tampered = await fetchPage(link.replace(/sig=./, (sig) => (sig.endsWith('A') ? 'sig=B' : 'sig=A')));
    expect(tampered.status).toBe(403);
    const otherRecipient = await fetchPage(link.replace('.authority-notice-decision.0.', '.authority-notice-decision.1.'));
    expect(otherRecipient.status).toBe(403);
  });

  it('shows a confirmation page on GET (no sign-in needed) and decides nothing', async () => {
    const before = await local.tableItems();
    const page = await fetchPage(link);
    const again = await fetchPage(link);
    expect(page.status).toBe(200);
    expect(again.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('Notify the supervisory authority?');
    expect(page.text).toMatch(/<form method="post"/);
    expect(page.text).toContain('value="approved"');
    expect(page.text).toContain('value="rejected"');
    expect(await local.tableItems()).toEqual(before);
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'authority-notice-decision');
    expect(task?.status).toBe('open');
  });

  it('refuses a rejection without a reason, and records nothing', async () => {
    const before = await local.tableItems();
    const response = await fetchPage(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=rejected&comment=' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('say why in a comment when rejecting');
    expect(await local.tableItems()).toEqual(before);
  });

  it('completes the approval on the POST from that page, as the recipient, and takes the rejected branch', async () => {
    const reason = 'Data was encrypted at rest with a customer-held key; no risk to individuals (Art. 33(1) exception).';
    const response = await fetchPage(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'rejected', comment: reason }).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain('Recorded');

    const decided = await session.waitForEvent(incidentId, (event) => event.type === 'approval.decided');
    expect(decided).toMatchObject({
      actor: 'email:security-leads@example.com',
      stepId: 'authority-notice-decision',
      detail: { taskId: 'authority-notice-decision', outcome: 'rejected', comment: reason, via: 'email-link' },
    });
    const branch = await session.waitForEvent(incidentId, (event) => event.type === 'gdpr.authority-notice.not-required');
    expect(branch.stepId).toBe('record-authority-notice-not-required');
    expect(branch.seq).toBeGreaterThan(decided.seq);
    const met = await session.waitForEvent(incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'gdpr-authority-clock');
    expect(met.detail).toMatchObject({ metBy: 'record-authority-notice-not-required', onTime: true });

    // The run went on to the next decision, and never to the approved branch.
    await session.waitForTaskNotified(incidentId, 'data-subject-notice-decision');
    const events = await session.events(incidentId);
    expect(events.some((event) => event.detail?.taskId === 'notify-authority')).toBe(false);
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'authority-notice-decision');
    expect(task).toMatchObject({ status: 'completed', decision: { outcome: 'rejected', decidedBy: 'email:security-leads@example.com', comment: reason } });
  });

  it('answers a second completion with 409, through the link or the API, and writes nothing', async () => {
    const before = await local.tableItems();
    const viaLink = await fetchPage(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=approved&comment=' });
    expect(viaLink.status).toBe(409);
    expect(viaLink.text).toContain('already completed (rejected) by email:security-leads@example.com');
    expect((await fetchPage(link)).status).toBe(409);
    const viaApi = await session.complete(incidentId, 'authority-notice-decision', { outcome: 'approved', comment: 'changed my mind' }, 'dev-approver');
    expect(viaApi.status).toBe(409);
    expect(viaApi.body.message).toMatch(/already completed \(rejected\)/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('lets an allow-listed approver decide through the API; others get 403', async () => {
    const responder = await session.complete(incidentId, 'data-subject-notice-decision', { outcome: 'rejected', comment: 'no' }, 'dev-responder');
    expect(responder.status).toBe(403);
    const approver = await session.complete(incidentId, 'data-subject-notice-decision', { outcome: 'rejected', comment: 'Encrypted; no high risk (Art. 34(3)(a)).' }, 'dev-approver');
    expect(approver.status).toBe(200);
    const decided = await session.waitForEvent(incidentId, (event) => event.type === 'approval.decided' && event.detail?.taskId === 'data-subject-notice-decision');
    expect(decided.actor).toBe('arn:aws:iam::000000000000:user/ada-approver');
  });

  it('never shows a task token in an API response, an email or a page', async () => {
    await session.waitForTaskNotified(incidentId, 'ccpa-notice-decision');
    const tokens = (await local.tableItems())
      .filter((item) => item.SK?.S?.startsWith('TASK#'))
      .map((item) => item.taskToken?.S)
      .filter((token): token is string => typeof token === 'string');
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    const emails = await session.emails();
    await session.events(incidentId);
    await session.tasks(incidentId);
    const everything = [...session.seen, ...pages, ...emails.map((email) => JSON.stringify(email))].join('\n');
    for (const token of tokens) expect(everything.includes(token)).toBe(false);
    expect(everything).not.toMatch(/taskToken/);
  });
});

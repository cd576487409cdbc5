import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { mintTaskLink, runbookSession, taskLinkIn, type Email } from './support/runbook-session.js';

/**
 * personal-data-breach: the two GDPR notification decisions require an authenticated identity, so their emails
 * carry no link and a link minted for them with the real key is refused; the approver decides them through the
 * API. The CCPA decision is open to links: each approver (a person, never the list) gets their own, and the one
 * who uses theirs is recorded by name. GET shows a page and decides nothing; only the page's POST does. An expired
 * link records nothing. Tokens never leave the backend.
 */
describe('personal-data-breach: signed-in GDPR decisions, and a decision through one person’s emailed link', () => {
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
  const postForm = (url: string, form: Record<string, string>) =>
    fetchPage(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const emailsAbout = async (title: string): Promise<Email[]> => (await session.emails()).filter((email) => email.subject.includes(`Decision needed: ${title}`));
  const inAnHour = () => new Date(Date.now() + 3_600_000);

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

  // v1 ran its own 72-hour clock beside the GDPR stage a classification started: two sources of one deadline.
  it('classifies the incident personal-data as it opens: the GDPR stage is the 72 hours from awareness, with no clock of the runbook beside it', async () => {
    const classified = await session.waitForEvent(incidentId, (event) => event.type === 'incident.classified');
    expect(classified).toMatchObject({ detail: { added: ['personal-data'], decidedInStep: 'classify-personal-data' } });
    expect(classified.actor).toMatch(/^states:arn:aws:states:/);
    const stage = await session.waitForOpenTask(incidentId, 'report-gdpr-authority-notification');
    const incident = (await local.api('GET', `/incidents/${incidentId}`)).body.incident;
    expect(incident.labels).toMatchObject({ gdpr: 'personal-data' });
    expect(Date.parse(stage.dueAt!) - Date.parse(incident.awareAt)).toBe(72 * 3_600_000);
    expect(stage).toMatchObject({ assignee: 'approver', requires: 'authenticated', status: 'open' });
    const events = await session.events(incidentId);
    expect(events.filter((event) => event.type === 'clock.started')).toEqual([]);
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
    // A regulator's reference belongs to a report stage's submission only.
    const reference = await session.complete(incidentId, 'assess-breach', { outcome: 'done', reference: 'DPC-BN-2026-0142' }, 'dev-commander');
    expect(reference.status).toBe(400);
    expect(reference.body.message).toMatch(/report-<regulation>-<stage> task/);
    expect(await local.tableItems()).toEqual(before);

    const done = await session.complete(incidentId, 'assess-breach', { outcome: 'done', comment: '1,200 EU customers; names and emails' }, 'dev-commander');
    expect(done.status).toBe(200);
    expect(done.body.task).toMatchObject({ taskId: 'assess-breach', status: 'completed', decision: { outcome: 'done', via: 'api' } });
  });

  it('emails each approver about the GDPR authority decision with no link: only the CLI command and the API route', async () => {
    const task = await session.waitForTaskNotified(incidentId, 'authority-notice-decision');
    expect(task).toMatchObject({ requires: 'authenticated' });
    const emails = await emailsAbout('Notify the supervisory authority?');
    expect(emails.map((email) => email.destination.to).sort()).toEqual([['ada@example.com'], ['grace@example.com']]);
    for (const email of emails) {
      expect(taskLinkIn(email)).toBeUndefined();
      expect(`${email.body.text}${email.body.html}`).not.toContain('/task-links/');
      expect(email.body.text).toContain(`irdr incidents complete ${incidentId} authority-notice-decision --outcome approved|rejected`);
      expect(email.body.text).toContain(`POST ${local.stack.urls.api}/incidents/${incidentId}/tasks/authority-notice-decision/complete`);
    }
    const sent = (await session.events(incidentId)).filter((event) => event.type === 'notification.sent' && event.detail?.taskId === 'authority-notice-decision');
    expect(sent.map((event) => event.detail?.withLink)).toEqual([false, false]);
  });

  it('refuses a link to it signed with the real key, on GET and POST, and writes nothing', async () => {
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'authority-notice-decision')!;
    const forged = await mintTaskLink(local, { ...task, incidentId }, 'ada@example.com', inAnHour());
    const before = await local.tableItems();
    const shown = await fetchPage(forged);
    expect(shown.status).toBe(403);
    expect(shown.text).toContain('cannot be decided by link');
    expect(shown.text).toContain(`irdr incidents complete ${incidentId} authority-notice-decision`);
    const posted = await postForm(forged, { outcome: 'approved', comment: '' });
    expect(posted.status).toBe(403);
    expect(await local.tableItems()).toEqual(before);
    expect((await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'authority-notice-decision')?.status).toBe('open');
  });

  it('is decided through the API by a signed-in approver, who the trail names; the rejected branch closes the GDPR stage with the reasons', async () => {
    const reason = 'Data was encrypted at rest with a customer-held key; no risk to individuals (Art. 33(1) exception).';
    const responder = await session.complete(incidentId, 'authority-notice-decision', { outcome: 'rejected', comment: 'no' }, 'dev-responder');
    expect(responder.status).toBe(403);
    const approver = await session.complete(incidentId, 'authority-notice-decision', { outcome: 'rejected', comment: reason }, 'dev-approver');
    expect(approver.status).toBe(200);
    const decided = await session.waitForEvent(incidentId, (event) => event.type === 'approval.decided' && event.detail?.taskId === 'authority-notice-decision');
    expect(decided).toMatchObject({
      actor: 'arn:aws:iam::000000000000:user/ada-approver',
      stepId: 'authority-notice-decision',
      detail: { outcome: 'rejected', comment: reason, via: 'api' },
    });
    const branch = await session.waitForEvent(incidentId, (event) => event.type === 'gdpr.authority-notice.not-required');
    expect(branch.stepId).toBe('record-authority-notice-not-required');
    expect(branch.seq).toBeGreaterThan(decided.seq);
    // The stage is closed as not owed, naming who decided and why: no reminder or overdue escalation follows.
    const closed = await session.waitForEvent(incidentId, (event) => event.type === 'task.cancelled' && event.detail?.taskId === 'report-gdpr-authority-notification');
    expect(closed.detail).toMatchObject({ decidedBy: 'arn:aws:iam::000000000000:user/ada-approver', decidedInStep: 'close-gdpr-report', reason: expect.stringContaining(reason) });
    const stage = (await session.tasks(incidentId)).find((task) => task.taskId === 'report-gdpr-authority-notification');
    expect(stage).toMatchObject({ status: 'cancelled', cancelReason: expect.stringMatching(/^not owed: decided by arn:aws:iam::000000000000:user\/ada-approver/) });
    expect((await session.complete(incidentId, 'report-gdpr-authority-notification', { outcome: 'done', comment: 'late filing' }, 'dev-approver')).status).toBe(409);
    // The run went on to the next decision, and never to the approved branch.
    const events = await session.events(incidentId);
    expect(events.some((event) => event.type === 'gdpr.authority-notice.required')).toBe(false);
  });

  it('sends no link for the GDPR data-subject decision either; an allow-listed approver decides it through the API, others get 403', async () => {
    await session.waitForTaskNotified(incidentId, 'data-subject-notice-decision');
    const emails = await emailsAbout('Tell the data subjects?');
    expect(emails).toHaveLength(2);
    for (const email of emails) expect(taskLinkIn(email)).toBeUndefined();
    const responder = await session.complete(incidentId, 'data-subject-notice-decision', { outcome: 'rejected', comment: 'no' }, 'dev-responder');
    expect(responder.status).toBe(403);
    const approver = await session.complete(incidentId, 'data-subject-notice-decision', { outcome: 'rejected', comment: 'Encrypted; no high risk (Art. 34(3)(a)).' }, 'dev-approver');
    expect(approver.status).toBe(200);
    const decided = await session.waitForEvent(incidentId, (event) => event.type === 'approval.decided' && event.detail?.taskId === 'data-subject-notice-decision');
    expect(decided.actor).toBe('arn:aws:iam::000000000000:user/ada-approver');
  });

  let adaLink: string;
  let graceLink: string;

  it('emails each approver (a person, never the list) about the CCPA decision, each with their own signed link', async () => {
    await session.waitForTaskNotified(incidentId, 'ccpa-notice-decision');
    const emails = await emailsAbout('Notify California residents');
    expect(emails.map((email) => email.destination.to).sort()).toEqual([['ada@example.com'], ['grace@example.com']]);
    const ada = emails.find((email) => email.destination.to[0] === 'ada@example.com')!;
    const grace = emails.find((email) => email.destination.to[0] === 'grace@example.com')!;
    adaLink = taskLinkIn(ada)!;
    graceLink = taskLinkIn(grace)!;
    expect(adaLink).toMatch(new RegExp(`^${local.stack.urls.api}/task-links/${incidentId}\\.ccpa-notice-decision\\.0\\.\\d{10}\\?sig=`));
    expect(graceLink).toMatch(new RegExp(`^${local.stack.urls.api}/task-links/${incidentId}\\.ccpa-notice-decision\\.1\\.\\d{10}\\?sig=`));
    expect(new URL(adaLink).searchParams.get('sig')).not.toBe(new URL(graceLink).searchParams.get('sig'));
    expect(ada.body.html).toContain(adaLink.replace(/&/g, '&#38;'));
    expect(ada.body.html).toContain('This link is for Ada Lovelace &#60;ada@example.com&#62; alone');
    // The link lives for this level (the 3-day deadline, capped at 24 h), not the whole window plus an hour.
    const expiresAt = Number(/\.(\d{10})\?/.exec(adaLink)![1]) * 1000;
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    expect(expiresAt - Date.now()).toBeGreaterThan(23 * 3_600_000);
  });

  it('refuses a tampered link without touching the task: Ada’s signature does not carry over to Grace’s index', async () => {
    const before = await local.tableItems();
    const tampered = await fetchPage(adaLink.replace(/sig=./, (sig) => (sig.endsWith('A') ? 'sig=B' : 'sig=A')));
    expect(tampered.status).toBe(403);
    const asGrace = await postForm(adaLink.replace('.ccpa-notice-decision.0.', '.ccpa-notice-decision.1.'), { outcome: 'approved' });
    expect(asGrace.status).toBe(403);
    const noSuchRecipient = await fetchPage(adaLink.replace('.ccpa-notice-decision.0.', '.ccpa-notice-decision.7.'));
    expect(noSuchRecipient.status).toBe(403);
    const longer = await fetchPage(adaLink.replace(/\.(\d{10})\?/, (_match, expiry: string) => `.${Number(expiry) + 86_400}?`));
    expect(longer.status).toBe(403);
    expect(await local.tableItems()).toEqual(before);
  });

  it('refuses an expired link (genuinely signed) with a page that says how to act, and records nothing', async () => {
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'ccpa-notice-decision')!;
    const expired = await mintTaskLink(local, { ...task, incidentId }, 'ada@example.com', new Date(Date.now() - 60_000));
    const before = await local.tableItems();
    const shown = await fetchPage(expired);
    expect(shown.status).toBe(410);
    expect(shown.text).toContain('This link has expired');
    expect(shown.text).toContain('Nothing was recorded');
    expect(shown.text).toContain(`irdr incidents complete ${incidentId} ccpa-notice-decision`);
    const posted = await postForm(expired, { outcome: 'approved', comment: 'too late' });
    expect(posted.status).toBe(410);
    expect(await local.tableItems()).toEqual(before);
  });

  it('shows a confirmation page on GET (no sign-in needed), naming the person, and decides nothing', async () => {
    const before = await local.tableItems();
    const page = await fetchPage(adaLink);
    const again = await fetchPage(adaLink);
    expect(page.status).toBe(200);
    expect(again.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('Notify California residents');
    expect(page.text).toContain('You are responding as Ada Lovelace &#60;ada@example.com&#62;');
    expect(page.text).toMatch(/<form method="post"/);
    expect(page.text).toContain('value="approved"');
    expect(page.text).toContain('value="rejected"');
    expect(await local.tableItems()).toEqual(before);
  });

  it('refuses a rejection without a reason, and records nothing', async () => {
    const before = await local.tableItems();
    const response = await postForm(adaLink, { outcome: 'rejected', comment: '' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('say why in a comment when rejecting');
    expect(await local.tableItems()).toEqual(before);
  });

  it('records the decision as the person whose link it is, whatever else the request names', async () => {
    const reason = 'No California residents in the export.';
    // Spoofing attempts in the query and the form: the signed link names Ada, and only that counts.
    const spoofed = `${adaLink}&recipient=grace%40example.com&as=email%3Agrace%40example.com`;
    const response = await postForm(spoofed, { outcome: 'rejected', comment: reason, address: 'grace@example.com', decidedBy: 'email:grace@example.com' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('as Ada Lovelace &#60;ada@example.com&#62;');

    const decided = await session.waitForEvent(incidentId, (event) => event.type === 'approval.decided' && event.detail?.taskId === 'ccpa-notice-decision');
    expect(decided).toMatchObject({
      actor: 'email:ada@example.com',
      stepId: 'ccpa-notice-decision',
      detail: { outcome: 'rejected', comment: reason, via: 'email-link', decidedByName: 'Ada Lovelace' },
    });
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'ccpa-notice-decision');
    expect(task).toMatchObject({ status: 'completed', decision: { outcome: 'rejected', decidedBy: 'email:ada@example.com', decidedByName: 'Ada Lovelace', comment: reason } });
    await session.waitForEvent(incidentId, (event) => event.type === 'ccpa.notice.not-required');
    // The run now waits on the review, and the table holds still.
    await session.waitForTaskNotified(incidentId, 'post-incident-review');
  });

  it('answers a second completion with 409, through either link or the API, and writes nothing', async () => {
    const before = await local.tableItems();
    const viaGrace = await postForm(graceLink, { outcome: 'approved', comment: '' });
    expect(viaGrace.status).toBe(409);
    expect(viaGrace.text).toContain('already completed (rejected) by email:ada@example.com');
    expect((await fetchPage(adaLink)).status).toBe(409);
    const viaApi = await session.complete(incidentId, 'ccpa-notice-decision', { outcome: 'approved', comment: 'changed my mind' }, 'dev-approver');
    expect(viaApi.status).toBe(409);
    expect(viaApi.body.message).toMatch(/already completed \(rejected\)/);
    expect(await local.tableItems()).toEqual(before);
  });

  it('never shows a task token in an API response, an email or a page', async () => {
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

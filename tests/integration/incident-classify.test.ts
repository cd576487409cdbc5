import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { monthsDeadline } from '../../functions/domain/zoned-time.js';
import { runIrdr } from './support/irdr-cli.js';
import { executionHistory, runbookSession } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/* POST /incidents/{id}/classify on the real local stack: a SEV3 reclassified on day two starts GDPR and DORA stages. */

const CARL = 'arn:aws:iam::000000000000:user/carl-commander';
const hours = (n: number) => n * 3_600_000;

describe('reclassifying an incident', () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack();
  });
  afterAll(async () => {
    await local?.stop();
  });

  const awareAt = new Date(Date.now() - hours(30)).toISOString();
  async function openSev3(): Promise<string> {
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Odd queries on the payments DB', severity: 'SEV3', summary: 'Unusual SELECTs from a service account', awareAt });
    expect(created.status).toBe(202);
    await local.waitForExecution(created.body.executionArn);
    return created.body.incidentId as string;
  }
  const classify = (incidentId: string, body: unknown, token: string | undefined = 'dev-commander') => local.api('POST', `/incidents/${incidentId}/classify`, { token, body });
  const view = async (incidentId: string) => (await local.api('GET', `/incidents/${incidentId}`)).body as { incident: Record<string, any>; events: Array<Record<string, any>> };

  it('a SEV3 classified personal-data and major-ict starts the GDPR and DORA stages from the classification time, each a task', async () => {
    const incidentId = await openSev3();
    const response = await classify(incidentId, { add: ['personal-data', 'major-ict'], severity: 'SEV1', reason: 'Customer records exfiltrated; core payments impaired' });
    expect(response.status).toBe(200);
    expect(response.body.incident).toMatchObject({ severity: 'SEV1', labels: { gdpr: 'personal-data', dora: 'major' } });

    const { incident, events } = await view(incidentId);
    expect(incident).toMatchObject({ severity: 'SEV1', labels: { gdpr: 'personal-data', dora: 'major' } });
    const classified = events.find((event) => event.type === 'incident.classified')!;
    expect(classified).toMatchObject({ actor: CARL, detail: { reason: 'Customer records exfiltrated; core payments impaired', added: ['personal-data', 'major-ict'] } });
    const classifiedAt = Date.parse(classified.at);

    const due = Object.fromEntries(
      (response.body.started as Array<{ regulation: string; stages: Array<{ stageId: string; dueAt: string }> }>).flatMap((report) => report.stages.map((stage) => [`${report.regulation}.${stage.stageId}`, stage.dueAt])),
    );
    expect(due['gdpr.authority-notification']).toBe(new Date(Date.parse(awareAt) + hours(72)).toISOString());
    // Classified 30 h after awareness: DORA's initial notification is capped at awareness + 24 h; the rest count from classification.
    expect(due['dora.initial']).toBe(new Date(Date.parse(awareAt) + hours(24)).toISOString());
    expect(due['dora.intermediate']).toBe(new Date(classifiedAt + hours(72)).toISOString());
    expect(Date.parse(due['dora.final']!)).toBeGreaterThan(classifiedAt + hours(24 * 27));

    const tasks = (await local.api('GET', `/incidents/${incidentId}/tasks`, { token: 'dev-approver' })).body.tasks as Array<Record<string, any>>;
    const reportTasks = tasks.filter((task) => String(task.taskId).startsWith('report-'));
    expect(reportTasks.map((task) => [task.taskId, task.dueAt]).sort()).toEqual(
      [
        ['report-dora-final', due['dora.final']],
        ['report-dora-initial', due['dora.initial']],
        ['report-dora-intermediate', due['dora.intermediate']],
        ['report-gdpr-authority-notification', due['gdpr.authority-notification']],
      ].sort(),
    );
    expect(reportTasks.every((task) => task.status === 'open' && task.assignee === 'approver' && task.requires === 'authenticated')).toBe(true);
    expect(events.filter((event) => event.type === 'task.created' && event.detail.purpose === 'regulatory-report')).toHaveLength(4);

    // The approver records the submission, with the authority's reference; a responder cannot.
    const submit = (token: string, reference: unknown = 'DPC-BN-2026-0142', taskId = 'report-gdpr-authority-notification') =>
      local.api('POST', `/incidents/${incidentId}/tasks/${taskId}/complete`, { token, body: { outcome: 'done', comment: 'Submitted to the DPC web form', reference } });
    expect((await submit('dev-responder')).status).toBe(403);
    // A reference that would open a heading in the draft, or a formula in the export, or runs on: 400 naming the field, nothing written.
    // DORA's initial notification fell due at awareness + 24 h, already past: its overdue notice goes out on its own, so
    // it is awaited before the table is taken as it stands (else it lands between the two reads).
    const overdueNoticeSent = async () =>
      (await view(incidentId)).events.some((event) => event.type === 'notification.sent' && event.detail?.purpose === 'regulatory-report-overdue' && event.detail?.taskId === 'report-dora-initial');
    for (const deadline = Date.now() + 30_000; !(await overdueNoticeSent()); ) {
      if (Date.now() > deadline) throw new Error('no overdue notice for report-dora-initial within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = await local.tableItems();
    for (const reference of ['BN-1\n## Reasons for a delay', '=HYPERLINK("http://evil.example")', 'X'.repeat(65), '']) {
      const refused = await submit('dev-approver', reference);
      expect(refused.status, JSON.stringify(reference)).toBe(400);
      expect(refused.body.message).toMatch(/reference/);
    }
    expect(await local.tableItems()).toEqual(before);
    const submitted = await submit('dev-approver');
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.task.decision).toMatchObject({ reference: 'DPC-BN-2026-0142', comment: 'Submitted to the DPC web form' });
    const after = (await view(incidentId)).events.find((event) => event.type === 'task.completed' && event.detail.taskId === 'report-gdpr-authority-notification');
    expect(after).toMatchObject({ actor: 'arn:aws:iam::000000000000:user/ada-approver', detail: { comment: 'Submitted to the DPC web form', reference: 'DPC-BN-2026-0142' } });

    // The same labels again: refused, nothing started twice.
    expect((await classify(incidentId, { add: ['major-ict'], reason: 'again' })).status).toBe(409);
  });

  it('emails each approver the stage\'s task: the regulation, stage and deadline in the subject, the draft pre-filled from the incident, no link; each send on the trail', async () => {
    const session = runbookSession(local);
    const detectedAt = new Date(Date.now() - hours(31)).toISOString();
    const created = await local.openIncident({
      runbookId: 'triage-notify',
      title: 'Ransom note on the file share',
      severity: 'SEV3',
      summary: 'Encrypted files on fs-01; note names a leak site',
      detectedAt,
      awareAt,
    });
    expect(created.status).toBe(202);
    await local.waitForExecution(created.body.executionArn);
    const incidentId = created.body.incidentId as string;
    const response = await classify(incidentId, { add: ['significant'], severity: 'SEV2', reason: 'Service to customers in DE disrupted' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const dueAt = (response.body.started as Array<{ stages: Array<{ stageId: string; dueAt: string }> }>)[0]!.stages.find((stage) => stage.stageId === 'early-warning')!.dueAt;

    const isStageEmail = (to: string) => (email: { subject: string; destination: { to: string[] } }) =>
      email.destination.to.includes(to) && email.subject.includes('NIS2 early warning') && email.subject.includes('Ransom note on the file share');
    const email = await session.waitForEmail(isStageEmail('ada@example.com'));
    expect(email.subject).toContain('NIS2 significant incident report');
    expect(email.subject).toContain(dueAt);
    const text = email.body.text ?? '';
    expect(text).toContain(`Deadline: ${dueAt}`);
    expect(text).toContain(`incident: Ransom note on the file share (${incidentId})`);
    expect(text).toContain('severity: SEV2');
    expect(text).toContain('summary: Encrypted files on fs-01; note names a leak site');
    expect(text).toContain(`detectedAt: ${detectedAt}`);
    expect(text).toContain(`awareAt: ${awareAt}`);
    expect(text).toContain('labels: nis2=significant');
    expect(text).toContain(`irdr incidents complete ${incidentId} report-nis2-early-warning`);
    // Submitted signed in only: no link in anyone's email.
    expect(text).not.toMatch(/\/task-links?\//);
    await session.waitForEmail(isStageEmail('grace@example.com'));

    // The stage's own emails (its reminder, already due for a stage counted from a past awareness, is another purpose).
    const sends = (await view(incidentId)).events.filter(
      (event) => event.type === 'notification.sent' && event.detail.taskId === 'report-nis2-early-warning' && event.detail.purpose === 'regulatory-report',
    );
    expect(sends.flatMap((event) => event.detail.to as string[]).sort()).toEqual(['ada@example.com', 'grace@example.com']);
    expect(sends.every((event) => event.detail.withLink === false)).toBe(true);
  });

  it('NIS2: submitting the notification opens the final report, due one month after the submission and emailed; submitting again opens nothing more', async () => {
    const session = runbookSession(local);
    const incidentId = await openSev3();
    expect((await classify(incidentId, { add: ['significant'], reason: 'Service to customers in DE disrupted' })).status).toBe(200);
    const reportTaskIds = async () =>
      ((await local.api('GET', `/incidents/${incidentId}/tasks`, { token: 'dev-approver' })).body.tasks as Array<Record<string, any>>).filter((task) => String(task.taskId).startsWith('report-'));
    expect((await reportTaskIds()).map((task) => task.taskId).sort()).toEqual(['report-nis2-early-warning', 'report-nis2-notification']);

    const submit = (taskId: string, comment: string, token = 'dev-approver') =>
      local.api('POST', `/incidents/${incidentId}/tasks/${taskId}/complete`, { token, body: { outcome: 'done', comment } });
    // The early warning's successor counts from awareness: it was opened at classification, nothing more opens.
    const early = await submit('report-nis2-early-warning', 'Early warning sent to the CSIRT, ref EW-77');
    expect(early.status, JSON.stringify(early.body)).toBe(200);
    expect(early.body.openedTaskId).toBeUndefined();
    expect(await reportTaskIds()).toHaveLength(2);

    const submitted = await submit('report-nis2-notification', 'Notification filed with BSI, reference NIS2-2026-0042');
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.openedTaskId).toBe('report-nis2-final');
    const submittedAt = submitted.body.task.decision.decidedAt as string;
    const final = (await reportTaskIds()).find((task) => task.taskId === 'report-nis2-final')!;
    expect(final).toMatchObject({ status: 'open', assignee: 'approver', requires: 'authenticated' });
    expect(final.dueAt).toBe(monthsDeadline(new Date(submittedAt), 1, irdrConfig.businessCalendars.nis2.timeZone).toISOString());
    expect(Date.parse(final.dueAt)).toBeGreaterThan(Date.parse(submittedAt) + hours(24 * 27));

    const email = await session.waitForEmail((candidate) => candidate.destination.to.includes('ada@example.com') && candidate.subject.includes('NIS2 final report') && candidate.subject.includes('Odd queries'));
    expect(email.subject).toContain(final.dueAt);
    expect(email.body.text).toContain('previousSubmission: arn:aws:iam::000000000000:user/ada-approver');
    expect(email.body.text).toContain('NIS2-2026-0042');
    const { events } = await view(incidentId);
    expect(events.filter((event) => event.type === 'task.created' && event.detail.taskId === 'report-nis2-final')).toMatchObject([{ at: submittedAt, detail: { purpose: 'regulatory-report', after: 'report-nis2-notification', dueAt: final.dueAt } }]);

    // Submitting again is refused and opens no second final report; the final report itself opens nothing further.
    expect((await submit('report-nis2-notification', 'again')).status).toBe(409);
    const last = await submit('report-nis2-final', 'Final report filed, reference NIS2-2026-0042-F');
    expect(last.status).toBe(200);
    expect(last.body.openedTaskId).toBeUndefined();
    expect((await view(incidentId)).events.filter((event) => event.type === 'task.created' && event.detail.taskId === 'report-nis2-final')).toHaveLength(1);
  });

  it('refuses a responder, and a lowering without a reason, writing nothing', async () => {
    const incidentId = await openSev3();
    const before = await view(incidentId);
    const asResponder = await classify(incidentId, { add: ['personal-data'], reason: 'r' }, 'dev-responder');
    expect(asResponder.status).toBe(403);
    expect(JSON.stringify(asResponder.body)).toContain('commander');
    const lowered = await classify(incidentId, { severity: 'SEV4' });
    expect(lowered.status).toBe(400);
    expect(JSON.stringify(lowered.body)).toContain('needs a reason');
    expect((await classify(incidentId, { add: ['major'], reason: 'r' })).status).toBe(400);
    const after = await view(incidentId);
    expect(after.incident).toEqual(before.incident);
    expect(after.events.map((event) => event.type)).toEqual(before.events.map((event) => event.type));
    expect((await classify('no-such-incident', { severity: 'SEV1' })).status).toBe(404);
  });

  it('irdr incidents classify: the same operation from a terminal; a responder is refused with the API\'s 403 and nothing changes', async () => {
    const incidentId = await openSev3();
    const before = await view(incidentId);
    const refused = await runIrdr(local, ['incidents', 'classify', incidentId, '--add', 'material', '--reason', 'r'], { IRDR_TOKEN: 'dev-responder' });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/403/);
    expect((await view(incidentId)).events.map((event) => event.type)).toEqual(before.events.map((event) => event.type));

    const classified = await runIrdr(local, ['incidents', 'classify', incidentId, '--severity', 'SEV2', '--add', 'material', '--reason', 'Board determined the breach material'], { IRDR_TOKEN: 'dev-commander' });
    expect(classified.code, classified.output).toBe(0);
    expect(classified.output).toContain(`incident ${incidentId} classified: severity SEV3 -> SEV2 (raised)`);
    expect(classified.output).toContain('labels added: material');
    expect(classified.output).toMatch(/due 20\d\d-/);
    const { incident, events } = await view(incidentId);
    expect(incident).toMatchObject({ severity: 'SEV2' });
    expect(events.filter((event) => event.type === 'incident.classified')).toHaveLength(1);
    // A label the API does not know: its 400 names what is allowed; nothing written.
    const unknown = await runIrdr(local, ['incidents', 'classify', incidentId, '--add', 'huge', '--reason', 'r'], { IRDR_TOKEN: 'dev-commander' });
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/400/);
    expect((await view(incidentId)).events).toHaveLength(events.length);
  });

  it("irdr incidents draft prints a stage's draft as the API writes it, for any role; complete --reference records the regulator's reference; refusals are the API's", async () => {
    const incidentId = await openSev3();
    expect((await classify(incidentId, { add: ['personal-data'], reason: 'Customer emails in the leaked file' })).status).toBe(200);
    const stage = 'report-gdpr-authority-notification';
    const cli = (token: string, ...args: string[]) => runIrdr(local, ['incidents', ...args], { IRDR_TOKEN: token });
    const api = await fetch(`${local.stack.urls.api}/incidents/${incidentId}/tasks/${stage}/draft`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName('dev-auditor')}` } });
    // The draft says when it was built: all else is the API's text, line for line.
    const stamp = (text: string) => text.replace(/built from its record at \S+:/, 'built from its record at <time>:').replace(/\n$/, '');
    const printed = await cli('dev-auditor', 'draft', incidentId, stage);
    expect(printed.code, printed.output).toBe(0);
    expect(printed.output.startsWith('# GDPR personal data breach notification — Notify the supervisory authority\n')).toBe(true);
    expect(stamp(printed.output)).toBe(stamp(await api.text()));

    const before = await local.tableItems();
    const badReference = await cli('dev-approver', 'complete', incidentId, stage, '--outcome', 'done', '--reference', 'BN-1; rm -rf /');
    expect(badReference.code).toBe(1);
    expect(badReference.output).toMatch(/irdr: 400 Bad Request: .*reference/);
    expect(await local.tableItems()).toEqual(before);
    const submitted = await cli('dev-approver', 'complete', incidentId, stage, '--outcome', 'done', '--comment', 'Filed on the DPC portal', '--reference', 'DPC-BN-2026-0321');
    expect(submitted.code, submitted.output).toBe(0);
    expect(submitted.output).toContain(`task ${stage} of incident ${incidentId}: done by arn:aws:iam::000000000000:user/ada-approver, reference DPC-BN-2026-0321`);
    expect((await cli('dev-responder', 'draft', incidentId, stage)).output).toContain('; reference: DPC-BN-2026-0321; comment: Filed on the DPC portal');

    // A task that is no stage, a stage the incident lacks: the API's 404; no token: the API's refusal of an unsigned caller.
    for (const taskId of ['notify-responders', 'report-dora-initial']) {
      const refused = await cli('dev-auditor', 'draft', incidentId, taskId);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/^irdr: 404 Not Found: .*report-<regulation>-<stage>/m);
    }
    const unsigned = await cli('', 'draft', incidentId, stage);
    expect(unsigned.code).toBe(1);
    expect(unsigned.output).toContain('irdr: 403 Forbidden');
  });

  it('a commander raising a SEV3 to SEV1 starts what SEV1 starts: the SLA clock (from the raise, in the run\'s own branch), leadership paged; once, and a lowering stops nothing', async () => {
    const session = runbookSession(local);
    const { incidentId, executionArn } = await session.open({ runbookId: 'security-incident', title: 'Odd admin logins', severity: 'SEV3', summary: 'Three console logins from a new ASN' });
    const clockOf = async () => ((await local.api('GET', `/incidents/${incidentId}`)).body.clocks as Array<Record<string, any>>).find((clock) => clock.clockId === 'acknowledgement-sla');
    // The run started as SEV3: the one-hour acknowledgement SLA (SEV1/SEV2 only) does not apply, and its branch waits for a raise.
    await session.waitForOpenTask(incidentId, 'acknowledge');
    for (let attempt = 0; attempt < 400 && (await clockOf())?.status !== 'not-applicable'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await clockOf()).toMatchObject({ status: 'not-applicable' });

    const raised = await classify(incidentId, { severity: 'SEV1' });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    const raisedAt = Date.parse((await session.waitForEvent(incidentId, (event) => event.type === 'incident.classified')).at);
    const started = await session.waitForEvent(incidentId, (event) => event.type === 'clock.started' && event.detail?.clockId === 'acknowledgement-sla');
    // A SEV3 was promised nothing: the hour counts from the raise, not from the opening.
    expect(started.detail).toMatchObject({ kind: 'sla', anchor: 'reached', startedBy: { severityRaised: { from: 'SEV3', to: 'SEV1' } }, deadlineAt: new Date(raisedAt + hours(1)).toISOString() });
    expect(await clockOf()).toMatchObject({ status: 'running', deadlineAt: new Date(raisedAt + hours(1)).toISOString(), armedBy: { from: 'SEV3', to: 'SEV1' } });
    const record = await session.waitForEvent(incidentId, (event) => event.type === 'severity.raise-started');
    expect(record.detail).toMatchObject({ from: 'SEV3', to: 'SEV1', clocks: [{ clockId: 'acknowledgement-sla', started: true }], paged: ['responder', 'commander', 'approver'] });
    // Security leadership is told, as the run's SEV1/SEV2 gate tells them at the start.
    const page = await session.waitForEvent(incidentId, (event) => event.type === 'notification.sent' && event.detail?.purpose === 'severity-raised');
    expect(page.detail?.to).toEqual(expect.arrayContaining(irdrConfig.roles.approver.emails));
    expect(page.detail?.subject).toBe('[SEV1] Severity raised from SEV3: Odd admin logins');
    // The run's own clock branch carries on (its reminders and deadline are the run's), not a copy of it.
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const history = await executionHistory(local, executionArn);
      if (history.some((event) => event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'acknowledgement-sla.await-raise')) break;
      if (attempt === 399) throw new Error('the clock branch never left its wait for a raise');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The branch's token never leaves the backend.
    expect(JSON.stringify((await local.api('GET', `/incidents/${incidentId}`)).body)).not.toMatch(/armToken/);

    // Lowered with a reason, raised again: the clock runs on, started once.
    expect((await classify(incidentId, { severity: 'SEV3', reason: 'Logins were the new VPN egress' })).status).toBe(200);
    expect(await clockOf()).toMatchObject({ status: 'running' });
    expect((await classify(incidentId, { severity: 'SEV2' })).status).toBe(200);
    await session.waitForEvent(incidentId, (event) => event.type === 'severity.raise-started' && event.detail?.to === 'SEV2');
    const events = await session.events(incidentId);
    expect(events.filter((event) => event.type === 'clock.started' && event.detail?.clockId === 'acknowledgement-sla')).toHaveLength(1);

    // Acknowledging meets the clock the raise started, in time.
    expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
    const met = await session.waitForEvent(incidentId, (event) => event.type === 'clock.met' && event.detail?.clockId === 'acknowledgement-sla');
    expect(met.detail).toMatchObject({ onTime: true });
  });

  it('a raise after the acknowledgement starts no acknowledgement SLA, and says why', async () => {
    const session = runbookSession(local);
    const { incidentId } = await session.open({ runbookId: 'security-incident', title: 'Acknowledged early', severity: 'SEV3', summary: 's' });
    await session.waitForOpenTask(incidentId, 'acknowledge');
    expect((await local.api('POST', `/incidents/${incidentId}/acknowledge`, { token: 'dev-responder' })).status).toBe(200);
    await session.waitForOpenTask(incidentId, 'assign-commander');
    expect((await classify(incidentId, { severity: 'SEV2' })).status).toBe(200);
    const record = await session.waitForEvent(incidentId, (event) => event.type === 'severity.raise-started');
    expect(record.detail?.clocks).toEqual([{ clockId: 'acknowledgement-sla', started: false, why: expect.stringMatching(/^acknowledge was done at .*, before the raise$/) }]);
    expect((await session.events(incidentId)).some((event) => event.type === 'clock.started')).toBe(false);
  });

  // Before: the review was decided at resolve only, so a SEV3 resolved and then raised to SEV1 owed no review at all.
  it('a raise after resolve opens the review the new severity calls for (due from the raise), once; the incident stays resolved', async () => {
    const incidentId = await openSev3();
    const resolved = await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'Service account rotated' } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.reviewDueAt).toBeUndefined();
    const reviewOf = async () => ((await local.api('GET', `/incidents/${incidentId}/tasks`, { token: 'dev-commander' })).body.tasks as Array<Record<string, any>>).find((task) => task.taskId === 'review.post-incident');
    expect(await reviewOf()).toBeUndefined();

    expect((await classify(incidentId, { severity: 'SEV1' })).status).toBe(200);
    const session = runbookSession(local);
    const record = await session.waitForEvent(incidentId, (event) => event.type === 'severity.raise-started');
    const review = await reviewOf();
    expect(review).toMatchObject({ status: 'open', assignee: 'commander' });
    expect(record.detail?.review).toEqual({ opened: true, taskId: 'review.post-incident', dueAt: review!.dueAt });
    // Five business days on the team's calendar, counted from the raise: at least a week away.
    expect(Date.parse(review!.dueAt) - Date.parse(record.at)).toBeGreaterThanOrEqual(hours(24 * 7));
    const { incident, events } = await view(incidentId);
    expect(incident.status).toBe('resolved');
    expect(events.filter((event) => event.type === 'task.created' && event.detail?.taskId === 'review.post-incident')).toHaveLength(1);
    await session.waitForEvent(incidentId, (event) => event.type === 'notification.sent' && event.detail?.purpose === 'post-incident-review');

    // Lowered and raised again: the review stands, opened once, and the trail says why nothing more opened.
    expect((await classify(incidentId, { severity: 'SEV2', reason: 'Scope smaller than feared' })).status).toBe(200);
    expect((await classify(incidentId, { severity: 'SEV1' })).status).toBe(200);
    const again = await session.waitForEvent(incidentId, (event) => event.type === 'severity.raise-started' && event.seq > record.seq);
    expect(again.detail?.review).toEqual({ opened: false, why: 'the review opened on resolve is the review' });
    expect((await view(incidentId)).events.filter((event) => event.type === 'task.created' && event.detail?.taskId === 'review.post-incident')).toHaveLength(1);
  });

  it('each stage has its draft document, pre-filled from the record (classification, timeline, actions), readable by any role; none for a task that is no stage', async () => {
    const incidentId = await openSev3();
    expect((await classify(incidentId, { add: ['personal-data'], reason: 'Customer emails in the leaked file' })).status).toBe(200);
    const draft = async (taskId: string, token = 'dev-auditor') => {
      const response = await fetch(`${local.stack.urls.api}/incidents/${incidentId}/tasks/${taskId}/draft`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName(token)}` } });
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    };
    const open = await draft('report-gdpr-authority-notification');
    expect(open.status, open.text).toBe(200);
    expect(open.type).toBe('text/markdown; charset=utf-8');
    expect(open.text).toContain(`- Due: ${new Date(Date.parse(awareAt) + hours(72)).toISOString()}`);
    const classifiedAt = (await view(incidentId)).events.find((event) => event.type === 'incident.classified')!.at;
    expect(open.text).toContain(`## Classified at\n\n${classifiedAt}`);
    expect(open.text).toMatch(/## Timeline\n\n- .* — incident\.opened/);
    expect(open.text).toContain('incident.classified');

    const submitted = await local.api('POST', `/incidents/${incidentId}/tasks/report-gdpr-authority-notification/complete`, { token: 'dev-approver', body: { outcome: 'done', comment: 'Filed by the DPO', reference: 'BN-2026-0199' } });
    expect(submitted.status).toBe(200);
    expect((await draft('report-gdpr-authority-notification', 'dev-responder')).text).toContain('; reference: BN-2026-0199; comment: Filed by the DPO');
    // A runbook's own task, a stage the incident does not have, a malformed id: 404 saying what a draft is for.
    for (const taskId of ['notify-responders', 'report-dora-initial']) {
      const refused = await draft(taskId);
      expect(refused.status).toBe(404);
      expect(refused.text).toContain('report-<regulation>-<stage>');
    }
    expect((await draft('..%2F..%2Freview')).status).toBe(404);
  });

  it('classifies an incident that already carries labels (the check that nothing changed meanwhile reads updatedAt, not the label map)', async () => {
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Labelled already', severity: 'SEV3', summary: 's', labels: { ticket: 'SEC-42' } });
    expect(created.status).toBe(202);
    await local.waitForExecution(created.body.executionArn);
    const incidentId = created.body.incidentId as string;
    const response = await classify(incidentId, { add: ['material'], reason: 'Board determination' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.incident.labels).toMatchObject({ ticket: 'SEC-42' });
  });

  it('three classifications sent at once each land, worked out again on the incident as the others left it (not a 409 for losing the race)', async () => {
    const incidentId = await openSev3();
    const labels = ['personal-data', 'significant', 'material'] as const;
    const answers = await Promise.all(labels.map((label) => classify(incidentId, { add: [label], reason: `Assessed: ${label}` })));
    expect(answers.map((answer) => answer.status), JSON.stringify(answers.map((answer) => answer.body))).toEqual([200, 200, 200]);
    const incident = (await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' })).body.incident;
    expect(incident.labels).toMatchObject({ gdpr: 'personal-data', nis2: 'significant', sec: 'material' });
  });
});

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack-config.js';
import { actionReminderExecutionName } from '../../functions/domain/corrective-action-reminder.js';
import { stageReminderExecutionName } from '../../functions/domain/report-stage-reminder.js';
import { CORRECTIVE_ACTION_RULE } from '../../functions/domain/corrective-action.js';
import { REVIEW_TASK_ID } from '../../functions/domain/incident-review.js';
import { parseRfc4180 } from '../unit/support/spreadsheet-lines.js';
import { runIrdr } from './support/irdr-cli.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * Corrective actions on the local stack: the review of a SEV2 (live or exercise) is refused until it has an action;
 * bad requests write nothing; the owner is reminded before due and, the action still open when due, it is recorded
 * overdue and escalated to the commanders; its owner closes it with evidence, once; the export lists every action and
 * its state. Time runs 50,000 times faster, so two days until due pass in about four seconds.
 *
 * The report stages' reminders (below) wait on the same stack beside them, each describe on incidents of its own: the
 * describes run side by side, the corrective actions' tests in order (each builds on the last), every test asserting
 * with its own expect.
 */
let local: TestStack;
beforeAll(async () => {
  local = await startTestStack({ timeScale: 50_000 });
});
afterAll(async () => {
  await local?.stop();
});

describe.concurrent('corrective actions tracked to closure', () => {
  const RITA = 'arn:aws:iam::000000000000:user/rita-responder';
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const events = async (incidentId: string) => ((await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' })).body.events as Array<{ type: string; actor: string; at: string; detail?: Record<string, unknown> }>);
  const reminderOf = (incidentId: string, actionId: string) =>
    `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:${actionReminderExecutionName(incidentId, actionId)}`;

  const resolvedIncident = async (title: string, mode: 'live' | 'exercise') => {
    const created = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV2', summary: 'actions check', mode });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    await local.waitForExecution(created.body.executionArn as string);
    const incidentId = created.body.incidentId as string;
    expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander', body: { summary: 'contained' } })).status).toBe(200);
    return incidentId;
  };

  let live: string;
  let exercise: string;
  let overdueAction: string;
  let closedInTime: string;

  beforeAll(async () => {
    [live, exercise] = await Promise.all([resolvedIncident('Leaked deploy key', 'live'), resolvedIncident('Tabletop: leaked key', 'exercise')]);
  });

  it.sequential('refuses to complete a SEV2 review with no corrective action nor reason, naming the rule, and writes nothing', async ({ expect }) => {
    const before = await events(live);
    const refused = await local.api('POST', `/incidents/${live}/tasks/${REVIEW_TASK_ID}/complete`, { token: 'dev-commander', body: { outcome: 'done', comment: 'held' } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(CORRECTIVE_ACTION_RULE);
    expect(refused.body.message).toContain(`POST /incidents/${live}/actions`);
    expect(await events(live)).toEqual(before);
  });

  it.sequential('refuses bad requests with a 4xx saying what to change, and writes nothing', async ({ expect }) => {
    const before = await events(live);
    const body = { title: 'Rotate every deploy key', owner: 'rita@example.com', dueAt: inDays(2) };
    const cases: Array<[string, string, string, unknown, number, RegExp]> = [
      ['POST', '/incidents/00000000-0000-4000-8000-000000000000/actions', 'dev-commander', body, 404, /no incident with id/],
      ['POST', `/incidents/${live}/actions`, 'dev-responder', body, 403, /needs the role commander/],
      ['POST', `/incidents/${live}/actions`, 'dev-commander', { ...body, dueAt: '2020-01-01' }, 400, /in the past/],
      ['POST', `/incidents/${live}/actions`, 'dev-commander', { ...body, dueAt: '2027-02-30' }, 400, /dueAt: .*a real one/],
      ['POST', `/incidents/${live}/actions`, 'dev-commander', { ...body, owner: 'mallory@example.com' }, 400, /not one of the configured people/],
      ['POST', `/incidents/${live}/actions`, 'dev-commander', { ...body, title: 'x'.repeat(3000) }, 400, /at most 200 characters/],
      ['POST', `/incidents/${live}/actions/${'x'.repeat(3000)}/close`, 'dev-commander', { note: 'done' }, 404, /no corrective action can have the id .*\(3000 characters\)/],
      ['POST', `/incidents/${live}/actions/ca-00000000/close`, 'dev-commander', { note: 'done' }, 404, /has no corrective action "ca-00000000"/],
      ['POST', `/incidents/${live}/review`, 'dev-responder', { rootCause: 'x' }, 403, /needs the role commander/],
      ['POST', `/incidents/${live}/review`, 'dev-commander', { rootCause: '' }, 400, /rootCause/],
    ];
    for (const [method, path, token, requestBody, status, message] of cases) {
      const response = await local.api(method as 'POST', path, { token, body: requestBody });
      expect(response.status, `${path} ${JSON.stringify(response.body)}`).toBe(status);
      expect(response.body.message, path).toMatch(message);
    }
    expect(await events(live)).toEqual(before);
    expect((await local.api('GET', `/incidents/${live}/actions`, { token: 'dev-auditor' })).body.actions).toEqual([]);
  });

  it.sequential('records actions, each with owner, due date and its incident, on the trail; then the review completes', async ({ expect }) => {
    const added = await local.api('POST', `/incidents/${live}/actions`, {
      token: 'dev-commander',
      body: { title: 'Rotate every deploy key', owner: 'rita@example.com', ownerPrincipal: RITA, dueAt: inDays(2) },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    overdueAction = added.body.action.actionId;
    expect(added.body.action).toMatchObject({ incidentId: live, status: 'open', state: 'open', owner: { email: 'rita@example.com', name: 'Rita Okafor', principal: RITA } });
    // Due in 6 days, so its reminder would come in 3 (5 s here at 50,000x): the close in the next test comes before it however
    // busy the machine (with 2 days, 1.7 s, a loaded CI run closed it too late and the reminder rightly went out).
    const onExercise = await local.api('POST', `/incidents/${exercise}/actions`, { token: 'dev-commander', body: { title: 'Add a secondary on-call', owner: 'carl@example.com', dueAt: inDays(6) } });
    expect(onExercise.status, JSON.stringify(onExercise.body)).toBe(201);
    closedInTime = onExercise.body.action.actionId;
    expect((await events(live)).filter((event) => event.type === 'action.created')).toEqual([
      expect.objectContaining({ actor: 'arn:aws:iam::000000000000:user/carl-commander', detail: expect.objectContaining({ actionId: overdueAction, owner: 'rita@example.com', ownerPrincipal: RITA }) }),
    ]);
    const findings = await local.api('POST', `/incidents/${live}/review`, { token: 'dev-commander', body: { rootCause: 'A deploy key in a public repo', wentWell: 'Paged in 3 minutes', wentBadly: 'Nobody knew which keys existed' } });
    expect(findings.status, JSON.stringify(findings.body)).toBe(201);
    for (const incidentId of [live, exercise]) {
      const review = await local.api('POST', `/incidents/${incidentId}/tasks/${REVIEW_TASK_ID}/complete`, { token: 'dev-commander', body: { outcome: 'done', comment: 'held' } });
      expect(review.status, JSON.stringify(review.body)).toBe(200);
    }
    const draft = await (await fetch(`${local.stack.urls.api}/incidents/${live}/review`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName('dev-auditor')}` } })).text();
    expect(draft).toContain('- Root cause: A deploy key in a public repo');
    expect(draft).toContain(`| ${overdueAction} | Rotate every deploy key | rita@example.com |`);
  });

  it.sequential('lets only the owner or a commander close an action, with evidence, once (403 naming the role, then 409)', async ({ expect }) => {
    const path = `/incidents/${exercise}/actions/${closedInTime}/close`;
    const byApprover = await local.api('POST', path, { token: 'dev-approver', body: { note: 'done' } });
    expect(byApprover.status).toBe(403);
    expect(byApprover.body.message).toMatch(/needs its owner .* or the role commander; arn:aws:iam::000000000000:user\/ada-approver is neither/);
    // Rita owns the other action, not this one.
    expect((await local.api('POST', path, { token: 'dev-responder', body: { note: 'done' } })).status).toBe(403);
    expect((await local.api('POST', path, { token: 'dev-commander', body: {} })).status).toBe(400);
    expect((await local.api('POST', path, { token: 'dev-commander', body: { link: 'javascript:alert(1)' } })).status).toBe(400);
    const closed = await local.api('POST', path, { token: 'dev-commander', body: { note: 'Secondary on-call added to the rota', link: 'https://tickets.example.com/OPS-7' } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.action).toMatchObject({ status: 'closed', state: 'closed', evidence: { note: 'Secondary on-call added to the rota', link: 'https://tickets.example.com/OPS-7' } });
    const again = await local.api('POST', path, { token: 'dev-commander', body: { note: 'twice' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/closed already/);
    expect((await events(exercise)).filter((event) => event.type === 'action.closed')).toHaveLength(1);
  });

  it.sequential('reminds the owner before due, then records the open action overdue and escalates it to the commanders, once each', async ({ expect }) => {
    const execution = await local.waitForExecution(reminderOf(live, overdueAction), 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const trail = await events(live);
    const reminded = trail.filter((event) => event.type === 'action.reminded');
    const overdue = trail.filter((event) => event.type === 'action.overdue');
    expect(reminded).toEqual([expect.objectContaining({ actor: `states:${reminderOf(live, overdueAction)}`, detail: expect.objectContaining({ actionId: overdueAction, owner: 'rita@example.com' }) })]);
    expect(overdue).toEqual([expect.objectContaining({ detail: expect.objectContaining({ actionId: overdueAction, escalatedTo: ['carl@example.com', 'incident-commanders@example.com'] }) })]);
    expect(reminded[0]!.at < overdue[0]!.at).toBe(true);
    const sent = trail.filter((event) => event.type === 'notification.sent' && event.detail?.actionId === overdueAction);
    expect(sent.map((event) => [event.detail?.purpose, event.detail?.to])).toEqual([
      ['corrective-action-reminder', ['rita@example.com']],
      ['corrective-action-overdue', ['rita@example.com', 'carl@example.com', 'incident-commanders@example.com']],
    ]);
    const mail = await local.mailbox();
    expect(mail.filter((email) => email.subject === `[SEV2] Corrective action overdue (due ${overdue[0]!.detail!.dueAt!.toString().slice(0, 10)}): Rotate every deploy key`)).toHaveLength(1);
    // A retried attempt (as Step Functions would retry it) reminds and escalates nobody again.
    const lambda = new LambdaClient({ endpoint: local.stack.environment.AWS_ENDPOINT_URL_LAMBDA, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    for (const phase of ['due-soon', 'overdue']) {
      const retried = await lambda.send(
        new InvokeCommand({ FunctionName: 'irdr-RemindCorrectiveAction', Payload: JSON.stringify({ incidentId: live, actionId: overdueAction, phase, executionArn: reminderOf(live, overdueAction) }) }),
      );
      expect(JSON.parse(Buffer.from(retried.Payload!).toString())).toEqual({ reminded: false });
    }
    lambda.destroy();
    expect((await events(live)).filter((event) => event.type === 'action.overdue' || event.type === 'action.reminded')).toHaveLength(2);
    const listed = await local.api('GET', `/incidents/${live}/actions`, { token: 'dev-auditor' });
    expect(listed.body.actions).toEqual([expect.objectContaining({ actionId: overdueAction, state: 'overdue', remindedAt: reminded[0]!.at, overdueAt: overdue[0]!.at })]);
  });

  it.sequential('reminds nobody of an action closed in time (an exercise\'s, handled like a live one)', async ({ expect }) => {
    const execution = await local.waitForExecution(reminderOf(exercise, closedInTime), 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const trail = await events(exercise);
    expect(trail.filter((event) => event.type === 'action.reminded' || event.type === 'action.overdue')).toEqual([]);
  });

  it.sequential('lets the owner close the overdue action, recorded as late; the export lists every action and its state', async ({ expect }) => {
    const closed = await local.api('POST', `/incidents/${live}/actions/${overdueAction}/close`, { token: 'dev-responder', body: { link: 'https://git.example.com/infra/pull/42' } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect((await events(live)).filter((event) => event.type === 'action.closed')).toEqual([
      expect.objectContaining({ actor: RITA, detail: expect.objectContaining({ late: true, evidence: { link: 'https://git.example.com/infra/pull/42' } }) }),
    ]);
    const period = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const response = await fetch(`${local.stack.urls.api}/evidence?${period}`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName('dev-auditor')}` } });
    expect(response.status).toBe(200);
    const files = new Map(((await response.json()) as { files: Array<{ name: string; content: string }> }).files.map(({ name, content }) => [name, content]));
    const [header, ...rows] = parseRfc4180(files.get('corrective-actions.csv')!);
    const cell = (row: string[], column: string) => row[header!.indexOf(column)];
    expect(rows.map((row) => [cell(row, 'actionId'), cell(row, 'mode'), cell(row, 'state'), cell(row, 'closedLate')]).sort()).toEqual(
      [
        [overdueAction, 'live', 'closed', 'true'],
        [closedInTime, 'exercise', 'closed', 'false'],
      ].sort(),
    );
    expect(JSON.parse(files.get('corrective-actions.json')!).correctiveActions).toHaveLength(2);
    expect(files.get('report.html')).toContain('2 corrective actions: 2 closed, 0 open, 0 overdue');
  });

  it.sequential('works from the terminal: irdr incidents actions add, list and close, review-record; a refusal exits 1 with the API\'s message', async ({ expect }) => {
    const as = (token: string, ...args: string[]) => runIrdr(local, ['incidents', ...args], { IRDR_TOKEN: local.stack.devTokens.tokenOf(token) });
    const due = inDays(20).slice(0, 10);
    const added = await as('dev-commander', 'actions', 'add', live, '--title', 'Alert on new deploy keys', '--owner', 'rita@example.com', '--due', due);
    expect(added.code, added.output).toBe(0);
    const actionId = /corrective action (ca-[0-9a-f]{8}) added: rita@example\.com reminded/.exec(added.output)?.[1];
    expect(actionId).toBeDefined();
    const listed = await as('dev-auditor', 'actions', 'list', live);
    expect(listed.output).toContain(`${actionId}  open     due ${due}T23:59:59.000Z  rita@example.com  Alert on new deploy keys`);
    expect(listed.output).toMatch(new RegExp(`${overdueAction}  closed .* \\(closed .* by arn:aws:iam::000000000000:user/rita-responder\\)`));
    const refused = await as('dev-commander', 'actions', 'add', live, '--title', 'Too late', '--owner', 'rita@example.com', '--due', '2020-01-01');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/400 Bad Request: dueAt .* is in the past/);
    const recorded = await as('dev-commander', 'review-record', live, '--root-cause', 'A deploy key in a public repo', '--none-because', 'n/a');
    expect(recorded.code, recorded.output).toBe(0);
    const closed = await as('dev-commander', 'actions', 'close', live, actionId!, '--note', 'Alert added');
    expect(closed.code, closed.output).toBe(0);
    expect((await as('dev-commander', 'actions', 'close', live, actionId!, '--note', 'again')).output).toMatch(/409 Conflict: corrective action .* was closed already/);
  });
});

/**
 * Regulatory report stages are reminded before their deadline and escalated when overdue: a SEV3 classified as a NIS2
 * significant incident opens the early warning (24 h) and the notification (72 h); the notification is submitted at
 * once, the early warning left open. Time runs 50,000 times faster, so 24 hours pass in under two seconds.
 */
describe.concurrent('report stage reminders and escalation', () => {
  let incidentId: string;
  const EARLY = 'report-nis2-early-warning';
  const NOTIFICATION = 'report-nis2-notification';
  const events = async () => ((await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' })).body.events as Array<{ type: string; actor: string; at: string; detail?: Record<string, unknown> }>);
  const reminderOf = (taskId: string) => `${local.stack.reviewReminderStateMachineArn.replace(':stateMachine:', ':execution:')}:${stageReminderExecutionName(incidentId, taskId)}`;

  beforeAll(async () => {
    const created = await local.openIncident({ runbookId: 'triage-notify', title: 'Outage of the payment API', severity: 'SEV3', summary: 'essential service impaired', awareAt: new Date().toISOString() });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    incidentId = created.body.incidentId as string;
    await local.waitForExecution(created.body.executionArn as string);
    const classified = await local.api('POST', `/incidents/${incidentId}/classify`, { token: 'dev-commander', body: { add: ['significant'], reason: 'NIS2: essential service impaired' } });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    expect(classified.body.taskIds).toEqual(expect.arrayContaining([EARLY, NOTIFICATION]));
    const submitted = await local.api('POST', `/incidents/${incidentId}/tasks/${NOTIFICATION}/complete`, { token: 'dev-approver', body: { outcome: 'done', comment: 'submitted, reference CSIRT-7' } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  });

  it('reminds the approvers of an unsubmitted stage before its deadline, then records it overdue and escalates to the commanders, once each', async ({ expect }) => {
    const execution = await local.waitForExecution(reminderOf(EARLY), 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const trail = (await events()).filter((event) => event.detail?.taskId === EARLY);
    const reminded = trail.filter((event) => event.type === 'task.reminded');
    const overdue = trail.filter((event) => event.type === 'task.overdue');
    expect(reminded).toEqual([expect.objectContaining({ actor: `states:${reminderOf(EARLY)}`, detail: expect.objectContaining({ purpose: 'regulatory-report', assignee: 'approver' }) })]);
    expect(overdue).toEqual([expect.objectContaining({ detail: expect.objectContaining({ escalatedTo: ['carl@example.com', 'incident-commanders@example.com'] }) })]);
    expect(reminded[0]!.at < overdue[0]!.at).toBe(true);
    const sent = trail.filter((event) => event.type === 'notification.sent' && String(event.detail?.purpose).startsWith('regulatory-report-'));
    expect(sent.map((event) => event.detail?.purpose)).toEqual(['regulatory-report-reminder', 'regulatory-report-overdue']);
    expect(sent[1]!.detail?.to).toEqual(expect.arrayContaining(['ada@example.com', 'grace@example.com', 'carl@example.com', 'incident-commanders@example.com']));
    const mail = await local.mailbox();
    const escalation = mail.filter((email) => email.subject.startsWith('[SEV3] Regulatory report OVERDUE') && email.subject.includes('NIS2'));
    expect(escalation.length).toBeGreaterThan(0);
    // No link: a stage is submitted signed in, never through an emailed link.
    expect(escalation.every((email) => !(email.body.text ?? '').includes('/task-links/'))).toBe(true);
    // The stage stays open: reminding submits nothing.
    const tasks = (await local.api('GET', `/incidents/${incidentId}/tasks`, { token: 'dev-auditor' })).body.tasks as Array<{ taskId: string; status: string }>;
    expect(tasks.find((task) => task.taskId === EARLY)?.status).toBe('open');
  });

  it('reminds nobody of a stage submitted in time', async ({ expect }) => {
    const execution = await local.waitForExecution(reminderOf(NOTIFICATION), 2400);
    expect(execution.status).toBe('SUCCEEDED');
    const trail = (await events()).filter((event) => event.detail?.taskId === NOTIFICATION);
    expect(trail.filter((event) => event.type === 'task.reminded' || event.type === 'task.overdue')).toEqual([]);
  });
});

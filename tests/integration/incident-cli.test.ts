import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.js';
import { LOCAL_HOST } from '../../local/stack-config.js';
import { runIrdr } from './support/irdr-cli.js';
import { runbookSession } from './support/runbook-session.js';
import { startTestStack, type TestStack } from './support/stack-session.js';

/**
 * `irdr incidents`: a responder's day on the security-incident runbook, from a terminal, against the local stack
 * (IRDR_API_URL comes from the stack's environment, as `eval "$(npx irdr local env)"` sets it; IRDR_TOKEN names who
 * is calling). Each step checks what the user sees and what the API then holds.
 */
describe('irdr incidents: a responder\'s day from the terminal', () => {
  let local: TestStack;
  let session: ReturnType<typeof runbookSession>;
  let incidentId = '';
  const title = 'Console login from a new country';
  const idempotencyKey = randomUUID();

  /** `irdr incidents <args>` as the holder of a dev token. */
  const as = (token: string, ...args: string[]) => runIrdr(local, ['incidents', ...args], { IRDR_TOKEN: token });
  const openArgs = (severity = 'SEV2') =>
    ['open', '--runbook', 'security-incident', '--title', title, '--severity', severity, '--summary', 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B', '--label', 'ticket=SEC-42'];
  const incident = async () => (await local.api('GET', `/incidents/${incidentId}`, { token: 'dev-auditor' })).body;
  const incidentsTitled = async (wanted: string) =>
    ((await local.api('GET', '/incidents?limit=100', { token: 'dev-auditor' })).body.incidents as Array<{ incidentId: string; title: string }>).filter(
      (candidate) => candidate.title === wanted,
    );

  beforeAll(async () => {
    local = await startTestStack();
    session = runbookSession(local);
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('opens the incident once: the same idempotency key again gives the same incident, nothing new', async () => {
    const opened = await as('dev-responder', ...openArgs(), '--idempotency-key', idempotencyKey);
    expect(opened.code).toBe(0);
    expect(opened.output).toContain(`idempotency key ${idempotencyKey}`);
    incidentId = /incident ([0-9a-f-]{36}): open, runbook starting/.exec(opened.output)?.[1] ?? '';
    expect(incidentId).not.toBe('');

    const again = await as('dev-responder', ...openArgs(), '--idempotency-key', idempotencyKey);
    expect(again.code).toBe(0);
    expect(again.output).toContain(`incident ${incidentId}: open (already opened with this idempotency key: nothing new was opened)`);

    expect(await incidentsTitled(title)).toEqual([expect.objectContaining({ incidentId })]);
    expect((await incident()).incident).toMatchObject({ runbookId: 'security-incident', severity: 'SEV2', labels: { ticket: 'SEC-42' }, openedBy: expect.stringContaining('rita-responder') });
  });

  it('a key not given is made up and printed, so a retry can reuse it', async () => {
    const opened = await as('dev-responder', 'open', '--runbook', 'triage-notify', '--title', 'Phishing report', '--severity', 'SEV4', '--summary', 'one user', '--exercise');
    expect(opened.code).toBe(0);
    const key = /idempotency key ([0-9a-f-]{36})/.exec(opened.output)?.[1];
    const id = /incident ([0-9a-f-]{36}): open/.exec(opened.output)?.[1];
    expect(key).toBeDefined();
    const retried = await as('dev-responder', 'open', '--runbook', 'triage-notify', '--title', 'Phishing report', '--severity', 'SEV4', '--summary', 'one user', '--exercise', '--idempotency-key', key!);
    expect(retried.output).toContain(`incident ${id}: open (already opened with this idempotency key`);
    expect(await incidentsTitled('Phishing report')).toEqual([expect.objectContaining({ incidentId: id, mode: 'exercise' })]);
  });

  it('lists it (table and --json)', async () => {
    const listed = await as('dev-auditor', 'list', '--status', 'open', '--severity', 'SEV1,SEV2');
    expect(listed.code).toBe(0);
    const lines = listed.output.split('\n');
    expect(lines[0]).toMatch(/^id\s+opened\s+severity\s+status\s+title$/);
    expect(lines.find((line) => line.startsWith(incidentId))).toMatch(new RegExp(`^${incidentId}\\s+\\S+Z\\s+SEV2\\s+open\\s+${title}$`));
    expect(listed.output).not.toContain('Phishing report'); // SEV4: filtered out

    const all = await as('dev-auditor', 'list', '--limit', '1', '--all', '--json');
    expect(all.code).toBe(0);
    const ids = (JSON.parse(all.output) as { incidents: Array<{ incidentId: string }> }).incidents.map((listedIncident) => listedIncident.incidentId);
    expect(ids).toHaveLength(2); // two pages of one, followed
    expect(ids).toContain(incidentId);

    const firstPage = await as('dev-auditor', 'list', '--limit', '1');
    expect(firstPage.output).toMatch(/more may follow: --all lists every page, --next-token \S+ the next one/);
  });

  it('shows the incident, its milestones, open tasks and timeline', async () => {
    await session.waitForTaskNotified(incidentId, 'acknowledge');
    const shown = await as('dev-auditor', 'show', incidentId);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain(`incident ${incidentId}: SEV2, open`);
    expect(shown.output).toContain(`title    ${title}`);
    expect(shown.output).toContain('labels   ticket=SEC-42');
    expect(shown.output).toMatch(/Opened\s+\S+Z\s+by arn:aws:iam::000000000000:user\/rita-responder/);
    expect(shown.output).toMatch(/open tasks \(1 of 1\)\n.*\n\s+acknowledge\s+open\s+task\s+responder\s+done\s+Acknowledge the incident/);
    expect(shown.output).toMatch(/\n\s+1\s+\S+Z\s+incident\.opened\s+arn:aws:iam::000000000000:user\/rita-responder/);
    // A runbook step's actor is its state machine (the whole execution ARN is in --json).
    expect(shown.output).toMatch(/\s+task\.created\s+states:irdr-Runbook-security-incident\s+Acknowledge the incident/);

    const json = await as('dev-auditor', 'show', incidentId, '--json');
    expect(JSON.parse(json.output)).toEqual(await incident());
  });

  it('acknowledges (completing the acknowledge task); a second acknowledgement is the API\'s 409', async () => {
    const acknowledged = await as('dev-responder', 'ack', incidentId);
    expect(acknowledged.code).toBe(0);
    expect(acknowledged.output).toMatch(new RegExp(`incident ${incidentId}: acknowledged \\(MTTA \\w+\\)`));
    expect(acknowledged.output).toContain('completed task acknowledge: Acknowledge the incident');
    expect((await incident()).incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: expect.stringContaining('rita-responder') });

    const twice = await as('dev-responder', 'ack', incidentId);
    expect(twice.code).toBe(1);
    expect(twice.output).toContain(`irdr: 409 Conflict: cannot acknowledge incident ${incidentId}: it is acknowledged; from "acknowledged" it can only be resolved`);
    expect((await incident()).incident.status).toBe('acknowledged');
  });

  it('lists the open tasks; the commander takes command through complete', async () => {
    await session.waitForEvent(incidentId, (event) => event.type === 'task.created' && event.detail?.taskId === 'assign-commander');
    const tasks = await as('dev-responder', 'tasks', incidentId);
    expect(tasks.code).toBe(0);
    expect(tasks.output).toMatch(/\nassign-commander\s+open\s+task\s+commander\s+done\s+Take command of the incident/);
    expect(tasks.output).not.toMatch(/\nacknowledge\s/); // completed: left out unless --all
    expect(tasks.output).toMatch(/\d+ open of \d+ tasks \(--all shows them all\)/);
    const all = await as('dev-responder', 'tasks', incidentId, '--all');
    expect(all.output).toMatch(/\nacknowledge\s+completed\s+task\s+responder\s+done\s+Acknowledge the incident — done by arn:\S+rita-responder: "acknowledged through the incident"/);

    const completed = await as('dev-commander', 'complete', incidentId, 'assign-commander', '--outcome', 'done', '--comment', 'I have command');
    expect(completed.code).toBe(0);
    expect(completed.output).toContain(`task assign-commander of incident ${incidentId}: done by arn:aws:iam::000000000000:user/carl-commander`);
    const task = (await session.tasks(incidentId)).find((candidate) => candidate.taskId === 'assign-commander');
    expect(task).toMatchObject({ status: 'completed', decision: { outcome: 'done', comment: 'I have command', decidedBy: expect.stringContaining('carl-commander') } });
  });

  it('adds a note to the trail', async () => {
    const noted = await as('dev-responder', 'note', incidentId, 'Session revoked; bridge open in #sec-42');
    expect(noted.code).toBe(0);
    expect(noted.output).toMatch(new RegExp(`note added to incident ${incidentId}: event \\d+ at \\S+Z`));
    const note = ((await incident()).events as Array<{ type: string; actor: string; detail?: { text?: string } }>).find((event) => event.type === 'incident.note-added');
    expect(note).toMatchObject({ actor: expect.stringContaining('rita-responder'), detail: { text: 'Session revoked; bridge open in #sec-42' } });
  });

  it('refuses to close before resolving (409); the commander resolves; the review draft is Markdown', async () => {
    const early = await as('dev-commander', 'close', incidentId);
    expect(early.code).toBe(1);
    expect(early.output).toContain(`irdr: 409 Conflict: cannot close incident ${incidentId}: it is acknowledged`);

    const resolved = await as('dev-commander', 'resolve', incidentId, '--summary', 'Session revoked, MFA enforced');
    expect(resolved.code).toBe(0);
    expect(resolved.output).toMatch(new RegExp(`incident ${incidentId}: resolved \\(MTTR \\w+\\)`));
    expect(resolved.output).toMatch(/post-incident review due \S+Z \(task review\.post-incident\)/);
    expect((await incident()).incident).toMatchObject({ status: 'resolved', resolutionSummary: 'Session revoked, MFA enforced', resolvedBy: expect.stringContaining('carl-commander') });

    const review = await as('dev-auditor', 'review', incidentId);
    expect(review.code).toBe(0);
    expect(review.output.startsWith(`# Post-incident review: ${title}\n`)).toBe(true);
    expect(review.output).toContain('**Resolution:** Session revoked, MFA enforced');

    const shown = await as('dev-auditor', 'show', incidentId);
    expect(shown.output).toContain(`incident ${incidentId}: SEV2, resolved`);
    expect(shown.output).toContain('resolved Session revoked, MFA enforced');
    expect(shown.output).toMatch(/\s+incident\.note-added\s+arn:\S+rita-responder\s+"Session revoked; bridge open in #sec-42"/);
  });

  it('a bad severity is the API\'s 400, and opens nothing', async () => {
    const refused = await as('dev-responder', ...openArgs('SEV9'));
    expect(refused.code).toBe(1);
    const direct = await local.openIncident(
      { runbookId: 'security-incident', title, severity: 'SEV9', summary: 'GuardDuty: UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B', labels: { ticket: 'SEC-42' } },
      { token: 'dev-responder' },
    );
    expect(direct.status).toBe(400);
    expect(refused.output).toContain(`irdr: 400 Bad Request: ${direct.body.message as string}`);
    expect(refused.output).toContain('severity');
    expect(await incidentsTitled(title)).toHaveLength(1);
  });

  it('the auditor cannot open an incident: the API\'s 403', async () => {
    const refused = await as('dev-auditor', 'open', '--runbook', 'security-incident', '--title', 'Auditor was here', '--severity', 'SEV3', '--summary', 'should not open');
    expect(refused.code).toBe(1);
    const direct = await local.openIncident({ runbookId: 'security-incident', title: 'Auditor was here', severity: 'SEV3', summary: 'should not open' }, { token: 'dev-auditor' });
    expect(direct.status).toBe(403);
    expect(refused.output).toContain(`irdr: 403 Forbidden: ${direct.body.message as string}`);
    expect(await incidentsTitled('Auditor was here')).toEqual([]);
  });

  it('without a token the request is SigV4-signed, which the local stack refuses, saying why', async () => {
    const signed = await as('', 'list');
    expect(signed.code).toBe(1);
    expect(signed.output).toContain('irdr: 403 Forbidden: Forbidden (the request was SigV4-signed');
    expect(signed.output).toContain('--token dev-responder');
  });

  it('takes a dev identity\'s name for its token of this start, exported by irdr local env; never the name itself', async () => {
    const byName = await runIrdr(local, ['incidents', 'show', incidentId, '--token', 'dev-auditor']);
    expect(byName.code).toBe(0);
    // Without `irdr local env` the name stands for nothing: a usage error that says where the token comes from.
    const unexported = await runIrdr(local, ['incidents', 'show', incidentId, '--token', 'dev-auditor'], { IRDR_TOKEN_AUDITOR: '' });
    expect(unexported.code).toBe(2);
    expect(unexported.output).toContain('dev-auditor names a dev identity, not its token');
    expect(unexported.output).toContain('IRDR_TOKEN_AUDITOR');
  });

  it('an id that names nothing is the API\'s 404, said in one line with exit 1, for every command that takes one; nothing is written', async () => {
    const before = await local.tableItems();
    const unknown = randomUUID();
    const taskId = `${unknown}.ack`;
    for (const args of [
      ['show', unknown],
      ['ack', unknown],
      ['resolve', unknown, '--summary', 'typo'],
      ['note', unknown, 'a note on a typo'],
      ['tasks', unknown],
      ['complete', unknown, taskId, '--outcome', 'done'],
      ['complete', incidentId, 'no-such-task', '--outcome', 'done'],
      ['review', unknown],
      ['show', 'not a uuid/../..'],
    ]) {
      const run = await as('dev-commander', ...args);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.output.trim()).toMatch(/^irdr: 40\d [A-Za-z ]+: .+$/);
    }
    const runbook = await as('dev-responder', 'open', '--runbook', 'no-such-runbook', '--title', 'typo', '--severity', 'SEV4', '--summary', 'typo');
    expect(runbook.code).toBe(1);
    expect(runbook.output).toMatch(/irdr: 4\d\d [A-Za-z ]+: .*no-such-runbook/);
    expect(await local.tableItems()).toHaveLength(before.length);
  });

  it('an API that cannot be reached is named; no API at all is a usage error', async () => {
    const closed = `http://${LOCAL_HOST}:${await freePort(LOCAL_HOST)}`;
    const unreachable = await runIrdr(local, ['incidents', 'show', incidentId, '--api', closed], { IRDR_TOKEN: 'dev-auditor' });
    expect(unreachable.code).toBe(1);
    // On this machine that is a local stack that is not running: said so, with how to start one.
    expect(unreachable.output).toContain(`irdr: no local stack answers at ${closed.replace('http://', '')}: start one with \`npm start\``);
    expect(unreachable.output).not.toMatch(/^\s+at /m);

    const nowhere = await runIrdr(local, ['incidents', 'list'], { IRDR_TOKEN: 'dev-auditor', IRDR_API_URL: '' });
    expect(nowhere.code).toBe(2);
    expect(nowhere.output).toContain('irdr: name the irdr API: --api <url> or IRDR_API_URL');
  });
});

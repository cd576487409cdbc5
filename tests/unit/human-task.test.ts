import { describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { IrdrConfig } from '../../functions/domain/config-schema.js';
import { mayComplete, publicTaskView, rolesOfAddress, TaskCompletionRequest, whoMayComplete, type HumanTaskRecord } from '../../functions/domain/human-task.js';
import { recipientsForLevel, taskEmail } from '../../functions/domain/human-task-email.js';
import { reviewLinkExpiresAt, taskLinkExpiresAt } from '../../functions/domain/link-lifetime.js';

const approval = { kind: 'approval' as const, approvers: { roles: ['approver' as const], principals: ['arn:aws:sts::123456789012:assumed-role/Legal/*', 'email:dpo@example.org'] } };
const task = { kind: 'task' as const, assignee: 'responder' as const };

describe('who may complete a human task', () => {
  it('is the assigned role for a task', () => {
    expect(mayComplete(task, { kind: 'principal', principalArn: 'arn:aws:iam::1:user/r', roles: ['responder'] })).toBe(true);
    expect(mayComplete(task, { kind: 'principal', principalArn: 'arn:aws:iam::1:user/c', roles: ['commander', 'approver'] })).toBe(false);
  });

  it('is an allow-listed approver, by role, principal pattern or email, for an approval', () => {
    expect(mayComplete(approval, { kind: 'principal', principalArn: 'arn:aws:iam::1:user/a', roles: ['approver'] })).toBe(true);
    expect(mayComplete(approval, { kind: 'principal', principalArn: 'arn:aws:sts::123456789012:assumed-role/Legal/kim', roles: [] })).toBe(true);
    expect(mayComplete(approval, { kind: 'email', address: 'DPO@example.org', roles: [] })).toBe(true);
    expect(mayComplete(approval, { kind: 'principal', principalArn: 'arn:aws:iam::1:user/r', roles: ['responder', 'commander'] })).toBe(false);
    // An email principal never matches an IAM caller, and an IAM pattern never an email.
    expect(mayComplete(approval, { kind: 'email', address: 'kim@example.org', roles: [] })).toBe(false);
  });

  it("emails level 0 to each of the role's people (never its list), and marks which escalation recipients may complete it", () => {
    expect(recipientsForLevel(approval, 0, ['approver'], irdrConfig, new Date())).toEqual([
      { address: 'ada@example.com', name: 'Ada Lovelace', role: 'approver', level: 0, mayComplete: true },
      { address: 'grace@example.com', name: 'Grace Hopper', role: 'approver', level: 0, mayComplete: true },
      { address: 'dpo@example.org', level: 0, mayComplete: true },
    ]);
    expect(recipientsForLevel(task, 2, ['responder', 'commander'], irdrConfig, new Date())).toEqual([
      { address: 'rita@example.com', name: 'Rita Okafor', role: 'responder', level: 2, mayComplete: true },
      { address: 'carl@example.com', name: 'Carl Jensen', role: 'commander', level: 2, mayComplete: false },
    ]);
  });

  it("gives a role without people a notice at its list, and a list address no role: nobody decides as a list", () => {
    const roles = { ...irdrConfig.roles, approver: { emails: ['security-leads@example.com'], people: [], principals: [] } };
    expect(recipientsForLevel(approval, 0, ['approver'], { roles }, new Date())).toEqual([
      { address: 'security-leads@example.com', role: 'approver', level: 0, mayComplete: false },
      { address: 'dpo@example.org', level: 0, mayComplete: true },
    ]);
    expect(rolesOfAddress('security-leads@example.com', irdrConfig)).toEqual([]);
    expect(rolesOfAddress('ADA@example.com', irdrConfig)).toEqual(['approver']);
    expect(mayComplete(approval, { kind: 'email', address: 'security-leads@example.com', roles: rolesOfAddress('security-leads@example.com', irdrConfig) })).toBe(false);
  });

  it('never lets an emailed link decide a task that requires an authenticated identity; a signed-in approver still may', () => {
    const signedInOnly = { ...approval, requires: 'authenticated' as const };
    expect(mayComplete(signedInOnly, { kind: 'email', address: 'ada@example.com', roles: ['approver'] })).toBe(false);
    expect(mayComplete(signedInOnly, { kind: 'email', address: 'dpo@example.org', roles: [] })).toBe(false);
    expect(mayComplete(signedInOnly, { kind: 'principal', principalArn: 'arn:aws:iam::1:user/a', roles: ['approver'] })).toBe(true);
    expect(recipientsForLevel(signedInOnly, 0, ['approver'], irdrConfig, new Date()).every((recipient) => !recipient.mayComplete)).toBe(true);
    expect(whoMayComplete(signedInOnly)).toContain('never an emailed link');
  });
});

describe('how long an emailed link lives', () => {
  const links = { taskLinkMaxHours: 24, reviewLinkHours: 72 };
  const now = new Date('2026-11-10T12:00:00Z');

  it("lives for the level it was sent at (the deadline or the escalation step), not the task's whole window", () => {
    expect(taskLinkExpiresAt({ levelStartedAt: '2026-11-10T12:00:00Z', levelSeconds: 2 * 3600 }, links, now).toISOString()).toBe('2026-11-10T14:00:00.000Z');
  });

  it('lives at most taskLinkMaxHours, however long the level waits', () => {
    expect(taskLinkExpiresAt({ levelStartedAt: '2026-11-10T12:00:00Z', levelSeconds: 3 * 86_400 }, links, now).toISOString()).toBe('2026-11-11T12:00:00.000Z');
  });

  it('gives a review link reviewLinkHours from when it is sent, far less than the old week past due', () => {
    expect(reviewLinkExpiresAt(links, now).toISOString()).toBe('2026-11-13T12:00:00.000Z');
  });

  it('takes the lifetimes from the config, within bounds, defaulting to 24 h and 72 h', () => {
    const roles = Object.fromEntries(['responder', 'commander', 'approver', 'auditor'].map((role) => [role, { people: [{ name: `The ${role}`, email: `${role}@example.com` }] }]));
    const base = { mail: { from: 'irdr@example.com' }, roles };
    expect(IrdrConfig.parse(base).links).toEqual({ taskLinkMaxHours: 24, reviewLinkHours: 72 });
    expect(IrdrConfig.parse({ ...base, links: { taskLinkMaxHours: 4 } }).links).toEqual({ taskLinkMaxHours: 4, reviewLinkHours: 72 });
    expect(IrdrConfig.safeParse({ ...base, links: { taskLinkMaxHours: 0 } }).success).toBe(false);
    expect(IrdrConfig.safeParse({ ...base, links: { taskLinkMaxHours: 73 } }).success).toBe(false);
    expect(IrdrConfig.safeParse({ ...base, links: { reviewLinkHours: 169 } }).success).toBe(false);
    expect(IrdrConfig.safeParse({ ...base, links: { taskLinkMaxHours: 1.5 } }).success).toBe(false);
    // A role needs someone to write to: a list, or people.
    expect(IrdrConfig.safeParse({ ...base, roles: { ...roles, commander: {} } }).success).toBe(false);
    expect(IrdrConfig.safeParse({ ...base, roles: { ...roles, commander: { people: [{ name: '', email: 'carl@example.com' }] } } }).success).toBe(false);
    expect(IrdrConfig.safeParse({ ...base, roles: { ...roles, commander: { people: [{ name: 'Carl', email: 'not-an-address' }] } } }).success).toBe(false);
  });
});

describe('what a task shows', () => {
  const record: HumanTaskRecord = {
    taskId: 'acknowledge',
    incidentId: 'i-1',
    stepId: 'acknowledge',
    executionArn: 'arn:aws:states:us-east-1:1:execution:m:i-1',
    kind: 'task',
    title: 'Acknowledge the incident',
    assignee: 'responder',
    outcomes: ['done'],
    status: 'open',
    level: 1,
    levels: [{ level: 1, notify: ['commander'], afterSeconds: 900 }],
    deadlineSeconds: 600,
    onExhausted: 'continue',
    createdAt: '2026-11-10T12:00:00Z',
    updatedAt: '2026-11-10T12:10:00Z',
    levelStartedAt: '2026-11-10T12:10:00Z',
    levelSeconds: 900,
    recipients: [{ address: 'security-oncall@example.com', role: 'responder', level: 0, mayComplete: true }],
    taskToken: 'AQsecret-token',
  };

  it('never includes the token in the API view', () => {
    const view = publicTaskView(record);
    expect(JSON.stringify(view)).not.toContain('AQsecret-token');
    expect(view).toMatchObject({ taskId: 'acknowledge', status: 'open', level: 1, levelCount: 1, notified: [{ address: 'security-oncall@example.com', level: 0 }] });
  });

  it('puts the link, never the token, in the email; exercises say so in the subject', () => {
    const email = taskEmail({
      task: record,
      recipient: record.recipients[0]!,
      level: 0,
      levelSeconds: 600,
      link: { url: 'https://api.example/task-links/i-1.acknowledge.0.1900000000?sig=abc', expiresAt: new Date('2030-03-17T17:46:40Z') },
      apiUrl: 'https://api.example',
      variables: { severity: 'SEV1', title: 'Exfiltration', mode: 'exercise', runbookTitle: 'Security incident response' },
    });
    expect(email.subject).toBe('[EXERCISE] [SEV1] Action needed: Acknowledge the incident — Exfiltration');
    expect(email.text).toContain('https://api.example/task-links/i-1.acknowledge.0.1900000000?sig=abc');
    expect(email.text).toContain('It escalates to level 1 in 10m.');
    expect(email.html).toContain('href="https://api.example/task-links/i-1.acknowledge.0.1900000000?sig=abc"');
    expect(`${email.text}${email.html}`).not.toContain('AQsecret-token');
  });

  it('gives a task that requires an authenticated identity no link, only the CLI command and the API route', () => {
    const signedInOnly: HumanTaskRecord = { ...record, taskId: 'recovery-decision', kind: 'approval', title: 'Recover from backups?', outcomes: ['approved', 'rejected'], requires: 'authenticated' };
    const email = taskEmail({
      task: signedInOnly,
      recipient: { address: 'ada@example.com', name: 'Ada Lovelace', role: 'approver', level: 0, mayComplete: false },
      level: 0,
      levelSeconds: 7200,
      apiUrl: 'https://api.example',
      variables: { severity: 'SEV1', title: 'Ransomware', runbookTitle: 'Ransomware response' },
    });
    expect(email.text).toContain('irdr incidents complete i-1 recovery-decision --outcome approved|rejected --comment "..."');
    expect(email.text).toContain('POST https://api.example/incidents/i-1/tasks/recovery-decision/complete');
    expect(email.text).toContain('must be made signed in as yourself');
    expect(`${email.text}${email.html}`).not.toContain('/task-links/');
    expect(email.html).not.toContain('class="button"');
  });

  it('asks for a reason when rejecting', () => {
    expect(TaskCompletionRequest.safeParse({ outcome: 'rejected', comment: ' ' }).success).toBe(false);
    expect(TaskCompletionRequest.parse({ outcome: 'done' })).toEqual({ outcome: 'done', comment: '' });
    expect(TaskCompletionRequest.safeParse({ outcome: 'done', extra: 1 }).success).toBe(false);
  });

  it("takes a regulator's reference as it is written (ICO, DPC, BSI, EDGAR accession numbers), trimmed", () => {
    for (const reference of ['DPC-BN-2026-0142', '0001193125-26-012345', 'CNIL/2026/0042', 'ICO #IC-123456-A1B2', 'BSI 2026.11.23_001', 'x']) {
      expect(TaskCompletionRequest.parse({ outcome: 'done', reference }).reference, reference).toBe(reference);
    }
    expect(TaskCompletionRequest.parse({ outcome: 'done', reference: '  DPC-1  ' }).reference).toBe('DPC-1');
  });

  it('refuses a reference that could open markup, a formula, a second line or a long story, saying what a reference holds', () => {
    const hostile = [
      '',
      '   ',
      'A'.repeat(65),
      'DPC-1\n## Reasons for a delay',
      'DPC-1\rX',
      '=HYPERLINK("http://evil.example")',
      '-2+3',
      '@SUM(A1)',
      'DPC-1 | injected | cell',
      '<script>alert(1)</script>',
      '[click](http://evil.example)',
      'DPC  two spaces',
      'DPC-1\u2028next',
      'DPC\u00a0NBSP',
      'ＤＰＣ-1',
      '`code`',
      'DPC-1;DROP',
      'DPC,1',
      'DPC"1',
    ];
    for (const reference of hostile) {
      const parsed = TaskCompletionRequest.safeParse({ outcome: 'done', reference });
      expect(parsed.success, JSON.stringify(reference)).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(['reference']);
    }
    expect(TaskCompletionRequest.safeParse({ outcome: 'done', reference: 'DPC;1' }).error!.issues[0]!.message).toMatch(/letters, digits, single spaces and \. _ : \/ # -/);
    expect(TaskCompletionRequest.safeParse({ outcome: 'done', reference: 42 }).success).toBe(false);
  });
});

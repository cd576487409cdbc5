import { describe, expect, it } from 'vitest';
import { irdrConfig } from '../../functions/config.js';
import { mayComplete, publicTaskView, TaskCompletionRequest, type HumanTaskRecord } from '../../functions/domain/human-task.js';
import { recipientsForLevel, taskEmail } from '../../functions/domain/human-task-email.js';

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

  it('emails level 0 to those who may complete it, and marks which escalation recipients may', () => {
    expect(recipientsForLevel(approval, 0, ['approver'], irdrConfig)).toEqual([
      { address: 'security-leads@example.com', role: 'approver', level: 0, mayComplete: true },
      { address: 'dpo@example.org', level: 0, mayComplete: true },
    ]);
    expect(recipientsForLevel(task, 2, ['responder', 'commander'], irdrConfig)).toEqual([
      { address: 'security-oncall@example.com', role: 'responder', level: 2, mayComplete: true },
      { address: 'incident-commanders@example.com', role: 'commander', level: 2, mayComplete: false },
    ]);
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

  it('asks for a reason when rejecting', () => {
    expect(TaskCompletionRequest.safeParse({ outcome: 'rejected', comment: ' ' }).success).toBe(false);
    expect(TaskCompletionRequest.parse({ outcome: 'done' })).toEqual({ outcome: 'done', comment: '' });
    expect(TaskCompletionRequest.safeParse({ outcome: 'done', extra: 1 }).success).toBe(false);
  });
});

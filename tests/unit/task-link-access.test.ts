import { describe, expect, it } from 'vitest';
import type { HumanTaskRecord } from '../../functions/domain/human-task.js';
import { openedByLink } from '../../functions/domain/task-link-access.js';

const claims = { incidentId: 'i-1', taskId: 'recovery-decision', recipientIndex: 0, expiresAt: 1_900_000_000 };
const task: HumanTaskRecord = {
  taskId: 'recovery-decision',
  incidentId: 'i-1',
  stepId: 'recovery-decision',
  executionArn: 'arn:aws:states:us-east-1:1:execution:m:i-1',
  kind: 'approval',
  title: 'Recover from backups?',
  approvers: { roles: ['approver'] },
  outcomes: ['approved', 'rejected'],
  status: 'open',
  level: 0,
  levels: [],
  deadlineSeconds: 7200,
  onExhausted: 'fail',
  createdAt: '2026-11-10T12:00:00Z',
  updatedAt: '2026-11-10T12:00:00Z',
  levelStartedAt: '2026-11-10T12:00:00Z',
  levelSeconds: 7200,
  recipients: [{ address: 'ada@example.com', name: 'Ada Lovelace', role: 'approver', level: 0, mayComplete: true }],
};
const api = 'https://api.example';

describe('what an emailed link opens', () => {
  it('opens the task for the recipient its valid signature names', () => {
    expect(openedByLink({ valid: true, claims }, task, api)).toEqual({ task, recipient: task.recipients[0] });
  });

  it('refuses a task that requires an authenticated identity however well signed, saying what to run', () => {
    const opened = openedByLink({ valid: true, claims }, { ...task, requires: 'authenticated' }, api);
    expect(opened).toMatchObject({ refused: { statusCode: 403, title: '"Recover from backups?" cannot be decided by link' } });
    expect('refused' in opened && opened.refused.message).toContain('irdr incidents complete i-1 recovery-decision --outcome approved|rejected');
    expect('refused' in opened && opened.refused.message).toContain('POST https://api.example/incidents/i-1/tasks/recovery-decision/complete');
  });

  it('answers an expired link with 410 and how to act signed in; an unknown task reads as not valid', () => {
    const expired = openedByLink({ valid: false, reason: 'expired' }, task, api);
    expect(expired).toMatchObject({ refused: { statusCode: 410, title: 'This link has expired' } });
    expect('refused' in expired && expired.refused.message).toMatch(/^Nothing was recorded\..*The task is still open\..*irdr incidents complete i-1 recovery-decision/);
    expect(openedByLink({ valid: false, reason: 'bad-signature' }, task, api)).toMatchObject({ refused: { statusCode: 403 } });
    expect(openedByLink({ valid: true, claims }, undefined, api)).toMatchObject({ refused: { statusCode: 403, title: 'This link is not valid' } });
    expect(openedByLink({ valid: true, claims: { ...claims, recipientIndex: 4 } }, task, api)).toMatchObject({ refused: { statusCode: 403 } });
  });

  it('refuses a recipient who may not complete it, and a closed task', () => {
    const notice = { ...task, recipients: [{ ...task.recipients[0]!, mayComplete: false }] };
    expect(openedByLink({ valid: true, claims }, notice, api)).toMatchObject({ refused: { statusCode: 404 } });
    const decided: HumanTaskRecord = { ...task, status: 'completed', decision: { outcome: 'approved', decidedBy: 'email:ada@example.com', comment: '', decidedAt: '2026-11-10T12:30:00Z', via: 'email-link' } };
    expect(openedByLink({ valid: true, claims }, decided, api)).toMatchObject({ refused: { statusCode: 409, message: expect.stringContaining('already completed (approved) by email:ada@example.com') } });
  });
});

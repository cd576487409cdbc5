import { describe, expect, it } from 'vitest';
import { actorLabel, incidentTable, textTable, whoCompletes } from '../../bin/incident-format.js';
import type { Incident } from '../../functions/domain/incident.js';

describe('irdr incidents: text for people', () => {
  it('pads columns to their widest cell and leaves the last one ragged', () => {
    expect(textTable(['id', 'title'], [['a', 'first'], ['longer-id', 'x']])).toEqual(['id         title', 'a          first', 'longer-id  x']);
  });

  it('lists incidents one a line, exercises marked, titles on one line', () => {
    const incident = { incidentId: 'i-1', openedAt: '2026-01-15T10:30:00.000Z', severity: 'SEV2', status: 'open', title: 'Two\nlines', mode: 'exercise' } as Incident;
    expect(incidentTable([incident])).toEqual([
      'id   opened                    severity  status  title',
      'i-1  2026-01-15T10:30:00.000Z  SEV2      open    Two lines (exercise)',
    ]);
    expect(incidentTable([])).toEqual(['no incidents match']);
  });

  it('names a runbook step by its state machine, and people by their whole ARN', () => {
    expect(actorLabel('states:arn:aws:states:eu-west-1:123456789012:execution:Irdr-Runbook-security-incident:4f0c')).toBe('states:Irdr-Runbook-security-incident');
    expect(actorLabel('arn:aws:iam::123456789012:user/rita')).toBe('arn:aws:iam::123456789012:user/rita');
    expect(actorLabel('email:rita@example.com')).toBe('email:rita@example.com');
  });

  it('says who completes a task: its role, or an approval\'s roles and approvers', () => {
    expect(whoCompletes({ assignee: 'commander' })).toBe('commander');
    expect(whoCompletes({ approvers: { roles: ['approver'], principals: ['email:cfo@example.com'] } })).toBe('approver, email:cfo@example.com');
  });
});

import { describe, expect, it } from 'vitest';
import { restoreValidationVerdict } from '../../functions/domain/drill/restore-validation-verdict.js';
import type { DrillExecutionState } from '../../functions/domain/drill/run.js';
import type { RestoreHandle } from '../../functions/domain/drill/restore.js';

const handle = (restoreJobId?: string): RestoreHandle => ({
  driver: restoreJobId ? 'aws-backup' : 'dynamodb-pitr',
  source: { type: 'DynamoDB', arn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders', name: 'orders' },
  restored: { type: 'DynamoDB', name: 'irdr-drill-orders-run-1' },
  startedAt: '2026-12-01T03:00:00.000Z',
  phase: 'restoring',
  recoveryPoint: { at: '2026-12-01T02:00:00.000Z', requestedAt: '2026-12-01T03:00:00.000Z' },
  ...(restoreJobId !== undefined && { restoreJobId }),
});

const state = (parts: Partial<DrillExecutionState> = {}): DrillExecutionState => ({
  input: { planId: 'orders', trigger: 'schedule' },
  runId: 'run-1',
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:drill:run-1',
  startedAt: '2026-12-01T03:00:00.000Z',
  restore: { state: 'COMPLETED', handle: handle('JOB-1'), nextWaitSeconds: 0, looks: 2, waitedSeconds: 60 },
  ...parts,
}) as DrillExecutionState;

const check = (id: string, passed: boolean, expected = '30 items', actual = passed ? '30 items' : '25 items') => ({ id, type: 'item-count' as const, passed, expected, actual });
const checks = (...results: ReturnType<typeof check>[]) => ({ results, completedAt: '2026-12-01T03:05:00.000Z', validated: results.every((result) => result.passed), elapsedSeconds: 5 });

describe('restoreValidationVerdict: what a drill tells AWS Backup about its restore job', () => {
  it('nothing for a drill that started no AWS Backup restore job (PITR, backups, or no restore at all)', () => {
    expect(restoreValidationVerdict(state({ restore: { state: 'COMPLETED', handle: handle(), nextWaitSeconds: 0, looks: 1, waitedSeconds: 1 } }))).toBeUndefined();
    expect(restoreValidationVerdict(state({ restore: undefined }))).toBeUndefined();
  });

  it('SUCCESSFUL when every check passed, whatever else the drill judged', () => {
    expect(restoreValidationVerdict(state({ checks: checks(check('item-count', true), check('ledger', true)) }))).toEqual({
      restoreJobId: 'JOB-1',
      status: 'SUCCESSFUL',
      message: 'irdr drill orders run run-1: all 2 checks passed',
    });
  });

  it('FAILED naming how many checks failed and the first', () => {
    expect(restoreValidationVerdict(state({ checks: checks(check('item-count', false), check('ledger', false, 'digest a', 'digest b'), check('keys', true)) }))).toEqual({
      restoreJobId: 'JOB-1',
      status: 'FAILED',
      message: 'irdr drill orders run run-1: 2 of 3 checks failed; item-count: expected 30 items, found 25 items',
    });
  });

  it('TIMED_OUT when the restore was still running at the end of the plan’s wait', () => {
    const verdict = restoreValidationVerdict(state({ restore: { state: 'IN_PROGRESS', handle: handle('JOB-1'), nextWaitSeconds: 60, looks: 9, waitedSeconds: 7200 }, failure: { Error: 'DrillRestoreTimedOut', Cause: JSON.stringify({ errorMessage: 'the restore was not done after 120 min' }) } }));
    expect(verdict).toEqual({ restoreJobId: 'JOB-1', status: 'TIMED_OUT', message: 'irdr drill orders run run-1: DrillRestoreTimedOut: the restore was not done after 120 min' });
  });

  it('FAILED, not validated, when the restore or the checks could not run', () => {
    expect(restoreValidationVerdict(state({ failure: { Error: 'DrillRestoreError', Cause: JSON.stringify({ errorMessage: 'restore job JOB-1 is FAILED' }) } }))?.message).toBe(
      'irdr drill orders run run-1: not validated: DrillRestoreError: restore job JOB-1 is FAILED',
    );
    expect(restoreValidationVerdict(state())).toMatchObject({ status: 'FAILED', message: 'irdr drill orders run run-1: not validated: the restored data was never validated' });
  });

  it('keeps the message one line of at most 500 characters, whatever a check or an error put in it', () => {
    const hostile = check('item-count', false, 'x\nForged: SUCCESSFUL\r\n', 'y'.repeat(2000));
    const { message } = restoreValidationVerdict(state({ checks: checks(hostile) }))!;
    expect(message).not.toMatch(/[\r\n]/);
    expect(message.length).toBe(500);
    expect(message.endsWith('…')).toBe(true);
  });
});

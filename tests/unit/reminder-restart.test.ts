import { describe, expect, it } from 'vitest';
import type { CorrectiveActionRecord } from '../../functions/domain/corrective-action.js';
import type { HumanTaskRecord } from '../../functions/domain/human-task.js';
import { regulatoryCatalog } from '../../functions/domain/regulatory-stages.js';
import { remindersOwed } from '../../functions/domain/reminder-restart.js';

/* What the local stack starts again over kept data: every reminder with a phase left, and nothing done already. */

const catalog = regulatoryCatalog({ dora: { intermediateFrom: 'classification', finalFrom: 'classification' } });
const task = (taskId: string, extra: Partial<HumanTaskRecord> = {}) =>
  ({ taskId, incidentId: 'i-1', status: 'open', createdAt: '2026-12-07T09:00:00.000Z', dueAt: '2026-12-08T09:00:00.000Z', ...extra }) as HumanTaskRecord;
const action = (actionId: string, extra: Partial<CorrectiveActionRecord> = {}) =>
  ({ actionId, incidentId: 'i-1', status: 'open', remindAt: '2026-12-18T00:00:00.000Z', dueAt: '2026-12-21T23:59:59.999Z', ...extra }) as CorrectiveActionRecord;

describe('remindersOwed', () => {
  it('owes the open review of a resolved incident, each open action and each unsubmitted stage, under their first names', () => {
    const owed = remindersOwed(
      { incidentId: 'i-1', status: 'resolved' },
      [task('review.post-incident'), task('report-nis2-early-warning'), task('contain')],
      [action('ca-0000000a')],
      catalog,
    );
    expect(owed).toEqual([
      { kind: 'review', name: 'review-i-1', input: { incidentId: 'i-1', dueAt: '2026-12-08T09:00:00.000Z' } },
      { kind: 'action', name: 'action-ca-0000000a-i-1', input: { incidentId: 'i-1', actionId: 'ca-0000000a', remindAt: '2026-12-18T00:00:00.000Z', dueAt: '2026-12-21T23:59:59.999Z' } },
      // A quarter of its 24-hour window before the deadline.
      { kind: 'stage', name: 'stage-report-nis2-early-warning-i-1', input: { incidentId: 'i-1', taskId: 'report-nis2-early-warning', remindAt: '2026-12-08T03:00:00.000Z', dueAt: '2026-12-08T09:00:00.000Z' } },
    ]);
  });

  it('owes nothing done: a closed or escalated action, a submitted or escalated stage, a reminded review, a review of an open incident', () => {
    expect(remindersOwed({ incidentId: 'i-1', status: 'resolved' }, [task('review.post-incident', { remindedAt: '2026-12-08T09:00:00.000Z' })], [], catalog)).toEqual([]);
    expect(remindersOwed({ incidentId: 'i-1', status: 'open' }, [task('review.post-incident')], [], catalog)).toEqual([]);
    expect(remindersOwed({ incidentId: 'i-1', status: 'open' }, [], [action('ca-1', { status: 'closed' }), action('ca-2', { overdueAt: '2026-12-22T00:00:00.000Z' })], catalog)).toEqual([]);
    const stages = [task('report-gdpr-authority-notification', { status: 'completed' }), task('report-dora-initial', { overdueAt: '2026-12-08T09:00:00.000Z' }), task('report-nis2-final', { dueAt: undefined })];
    expect(remindersOwed({ incidentId: 'i-1', status: 'open' }, stages, [], catalog)).toEqual([]);
    // A runbook task named like a stage but not one the catalog knows is not a stage.
    expect(remindersOwed({ incidentId: 'i-1', status: 'open' }, [task('report-made-up')], [], catalog)).toEqual([]);
  });
});

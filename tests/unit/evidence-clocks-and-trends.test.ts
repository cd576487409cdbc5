import { describe, expect, it } from 'vitest';
import type { StoredTrailEvent } from '../../functions/domain/chain-verify.js';
import type { DrillRunRecord } from '../../functions/domain/drill/run-record.js';
import { clockOutcomes, tallyClocks } from '../../functions/domain/evidence/clock-outcomes.js';
import { recoveryByPlanAndMonth, responseTimesByMonth } from '../../functions/domain/evidence/monthly-trends.js';
import type { Incident } from '../../functions/domain/incident.js';

const events = (...list: Array<[type: string, detail: Record<string, unknown>]>): StoredTrailEvent[] =>
  list.map(([type, detail], index) => ({ sortKey: `EVT#${index + 1}`, event: { type, detail } }));

describe('clock outcomes, from the trail', () => {
  it('tells on time, late (met after a miss), missed, stopped and still running apart', () => {
    const trail = events(
      ['clock.started', { clockId: 'ack', title: 'Acknowledge within 1 hour', kind: 'sla', deadlineAt: '2026-01-01T01:00:00Z' }],
      ['clock.started', { clockId: 'gdpr', title: 'GDPR Art. 33', kind: 'regulatory' }],
      ['clock.started', { clockId: 'ccpa', title: 'CCPA notice', kind: 'regulatory' }],
      ['clock.started', { clockId: 'review', title: 'Review', kind: 'sla' }],
      ['clock.met', { clockId: 'ack', onTime: true }],
      ['clock.missed', { clockId: 'gdpr' }],
      ['clock.met', { clockId: 'gdpr', onTime: false }],
      ['clock.missed', { clockId: 'ccpa' }],
      ['clock.stopped', { clockId: 'review' }],
      ['clock.started', { clockId: 'close', title: 'Close', kind: 'sla' }],
      ['step.completed', { stepId: 'triage' }],
    );
    expect(clockOutcomes(trail).map(({ clockId, outcome }) => [clockId, outcome])).toEqual([
      ['ack', 'on-time'],
      ['gdpr', 'late'],
      ['ccpa', 'missed'],
      ['review', 'stopped'],
      ['close', 'running'],
    ]);
  });

  it('counts a clock met before its branch started it, as TrackClock stores it: of the kind the met step names (older runs: regulatory)', () => {
    expect(clockOutcomes(events(['clock.met', { clockId: 'notify', onTime: true }]))).toEqual([{ clockId: 'notify', title: 'notify', kind: 'regulatory', deadlineAt: undefined, outcome: 'on-time' }]);
    expect(clockOutcomes(events(['clock.met', { clockId: 'ack', kind: 'sla', title: 'Acknowledge within an hour', onTime: true }]))).toEqual([
      { clockId: 'ack', title: 'Acknowledge within an hour', kind: 'sla', deadlineAt: undefined, outcome: 'on-time' },
    ]);
  });

  it('keeps a clock met while its start was being recorded (clock.met before clock.started in the trail) met, of the started kind', () => {
    const trail = events(
      ['clock.met', { clockId: 'ack', title: 'Acknowledge within 1 hour', metBy: 'acknowledge', onTime: true }],
      ['clock.started', { clockId: 'ack', title: 'Acknowledge within 1 hour', kind: 'sla', deadlineAt: '2026-01-01T01:00:00Z' }],
      ['clock.stopped', { clockId: 'review' }],
      ['clock.started', { clockId: 'review', title: 'Review', kind: 'sla' }],
    );
    expect(clockOutcomes(trail)).toEqual([
      { clockId: 'ack', title: 'Acknowledge within 1 hour', kind: 'sla', deadlineAt: '2026-01-01T01:00:00Z', outcome: 'on-time' },
      { clockId: 'review', title: 'Review', kind: 'sla', deadlineAt: undefined, outcome: 'stopped' },
    ]);
  });

  it('tallies by clock over incidents, regulatory clocks first', () => {
    const first = clockOutcomes(events(['clock.started', { clockId: 'ack', title: 'Acknowledge', kind: 'sla' }], ['clock.met', { clockId: 'ack', onTime: true }]));
    const second = clockOutcomes(
      events(['clock.started', { clockId: 'ack', title: 'Acknowledge', kind: 'sla' }], ['clock.missed', { clockId: 'ack' }], ['clock.started', { clockId: 'gdpr', title: 'GDPR Art. 33', kind: 'regulatory' }]),
    );
    expect(tallyClocks([first, second])).toEqual([
      { kind: 'regulatory', title: 'GDPR Art. 33', counts: { 'on-time': 0, late: 0, missed: 0, stopped: 0, running: 1 } },
      { kind: 'sla', title: 'Acknowledge', counts: { 'on-time': 1, late: 0, missed: 1, stopped: 0, running: 0 } },
    ]);
  });
});

describe('monthly trends', () => {
  it('means MTTA and MTTR per month over the incidents that have them', () => {
    const incidents = [
      { openedAt: '2026-02-03T00:00:00Z', mttaSeconds: 600, mttrSeconds: 7200 },
      { openedAt: '2026-01-10T00:00:00Z', mttaSeconds: 120 },
      { openedAt: '2026-02-20T00:00:00Z', mttaSeconds: 1200, mttrSeconds: 3600 },
      { openedAt: '2026-01-11T00:00:00Z' },
    ] as unknown as Incident[];
    expect(responseTimesByMonth(incidents)).toEqual([
      { month: '2026-01', incidents: 2, mttaSeconds: 120, mttrSeconds: undefined },
      { month: '2026-02', incidents: 2, mttaSeconds: 900, mttrSeconds: 5400 },
    ]);
  });

  it('takes the worst RTO and RPO per plan and month, against the target of that month\'s newest run', () => {
    const checks = (passed: boolean) => [{ id: 'item-count', type: 'item-count', passed, expected: '30 items', actual: passed ? '30 items' : '0 items' }];
    const run = (planId: string, startedAt: string, rtoSeconds: number | undefined, rpoSeconds: number | undefined, rtoMinutes: number, passed = true) =>
      ({ planId, startedAt, status: passed ? 'passed' : 'failed', checks: checks(passed), rtoSeconds, rpo: rpoSeconds === undefined ? undefined : { seconds: rpoSeconds }, targets: { rtoMinutes, rpoMinutes: 15 } }) as unknown as DrillRunRecord;
    const runs = [
      run('orders', '2026-03-02T00:00:00Z', 900, 60, 30),
      run('orders', '2026-03-20T00:00:00Z', 1500, undefined, 20),
      run('ledger', '2026-03-05T00:00:00Z', undefined, undefined, 60),
      run('orders', '2026-04-01T00:00:00Z', 600, 30, 20),
      // Its validation failed: its stored 5 s (as runs kept before) is no RTO, and the month shows one not achieved.
      run('orders', '2026-04-02T00:00:00Z', 5, 0, 20, false),
    ];
    expect(recoveryByPlanAndMonth(runs)).toEqual([
      { planId: 'ledger', month: '2026-03', runs: 1, worstRtoSeconds: undefined, rtoTargetSeconds: 3600, rtoNotAchieved: 1, worstRpoSeconds: undefined, rpoTargetSeconds: 900, rpoNotAchieved: 1 },
      { planId: 'orders', month: '2026-03', runs: 2, worstRtoSeconds: 1500, rtoTargetSeconds: 1200, rtoNotAchieved: 0, worstRpoSeconds: 60, rpoTargetSeconds: 900, rpoNotAchieved: 1 },
      { planId: 'orders', month: '2026-04', runs: 2, worstRtoSeconds: 600, rtoTargetSeconds: 1200, rtoNotAchieved: 1, worstRpoSeconds: 30, rpoTargetSeconds: 900, rpoNotAchieved: 1 },
    ]);
  });
});

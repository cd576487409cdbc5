import { describe, expect, it } from 'vitest';
import { summarisePeriod } from '../../functions/domain/evidence/period-summary.js';
import { exportedDrillRun, exportedIncident, storedChain } from './support/evidence-fixtures.js';

describe('the period summary', () => {
  it('means MTTA and MTTR over live incidents only, and over those that have them', () => {
    const summary = summarisePeriod(
      [
        exportedIncident({ incidentId: 'a', mttaSeconds: 100, mttrSeconds: 1000 }),
        exportedIncident({ incidentId: 'b', mttaSeconds: 300, mttrSeconds: undefined, status: 'acknowledged' }),
        exportedIncident({ incidentId: 'c', mttaSeconds: undefined, mttrSeconds: undefined, status: 'open', severity: 'SEV1' }),
        exportedIncident({ incidentId: 'd', mode: 'exercise', mttaSeconds: 5, mttrSeconds: 5 }),
      ],
      [],
    );
    expect(summary.incidents).toEqual({
      total: 4,
      live: 3,
      exercises: 1,
      // The exercise (resolved, SEV2) is an IR plan test: in neither count.
      byStatus: { resolved: 1, acknowledged: 1, open: 1 },
      bySeverity: { SEV2: 2, SEV1: 1 },
      mtta: { meanSeconds: 200, measured: 2 },
      mttr: { meanSeconds: 1000, measured: 1 },
    });
  });

  it('gives each plan its worst RTO and RPO, its newest target, and how many runs stayed within their own target', () => {
    // Newest first, as the month index lists them.
    const summary = summarisePeriod(
      [],
      [
        exportedDrillRun({ runId: 'r3', rtoSeconds: 1200, rpo: { seconds: 60, method: 'canary' }, targets: { rtoMinutes: 30, rpoMinutes: 5 } }),
        exportedDrillRun({ runId: 'r2', status: 'failed', rtoSeconds: 4000, rpo: { seconds: 1000, method: 'recovery-point' } }),
        exportedDrillRun({ runId: 'r1', status: 'running', rtoSeconds: undefined, rpo: undefined }),
        exportedDrillRun({ runId: 'x1', planId: 'ledger', targets: undefined }),
      ],
    );
    expect(summary.drills).toEqual({ total: 4, passed: 2, failed: 1, running: 1 });
    expect(summary.plans).toEqual([
      {
        planId: 'ledger',
        runs: 1,
        passed: 1,
        failed: 0,
        rto: { worstSeconds: 900, targetSeconds: undefined, judged: 1, withinTarget: 0, notAchieved: 0 },
        rpo: { worstSeconds: 120, targetSeconds: undefined, judged: 1, withinTarget: 0, notAchieved: 0 },
      },
      {
        planId: 'orders-pitr',
        runs: 3,
        passed: 1,
        failed: 1,
        rto: { worstSeconds: 4000, targetSeconds: 1800, judged: 2, withinTarget: 1, notAchieved: 0 },
        rpo: { worstSeconds: 1000, targetSeconds: 300, judged: 2, withinTarget: 1, notAchieved: 0 },
      },
    ]);
  });

  it('never counts a run whose validation failed as within target, even one that recorded a quick RTO (as runs did before)', () => {
    const failedCheck = { id: 'item-count', type: 'item-count' as const, passed: false, expected: '30 items', actual: '0 items' };
    const summary = summarisePeriod(
      [],
      [
        exportedDrillRun({ runId: 'r3', rtoSeconds: 1200, rpo: { seconds: 60, method: 'canary' } }),
        // Restored nothing, yet stored 6 s RTO and a 0 s RPO estimate: the flattering record this must not believe.
        exportedDrillRun({ runId: 'r2', status: 'failed', checks: [failedCheck], rtoSeconds: 6, rpo: { seconds: 0, method: 'recovery-point' } }),
        // Stopped before its checks (the restore failed): nothing validated, nothing achieved.
        exportedDrillRun({ runId: 'r1', status: 'failed', checks: undefined, rtoSeconds: undefined, rpo: undefined }),
      ],
    );
    const [plan] = summary.plans;
    expect(plan?.rto).toEqual({ worstSeconds: 1200, targetSeconds: 3600, judged: 3, withinTarget: 1, notAchieved: 2 });
    expect(plan?.rpo).toEqual({ worstSeconds: 60, targetSeconds: 900, judged: 3, withinTarget: 1, notAchieved: 2 });
  });

  it('counts broken chains over incidents and drill runs', () => {
    const gap = storedChain(3);
    gap.splice(0, 1);
    expect(summarisePeriod([exportedIncident({}, gap)], [exportedDrillRun()]).chains).toEqual({ total: 2, broken: 1 });
  });
});

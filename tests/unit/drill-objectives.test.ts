import { describe, expect, it } from 'vitest';
import type { DrillCheckResult } from '../../functions/domain/drill/check-result.js';
import { rpoOutcome, rtoOutcome, validationPassed } from '../../functions/domain/drill/objectives.js';
import { renderDrillReport } from '../../functions/domain/drill/report-email.js';
import { barChart } from '../../functions/domain/evidence/bar-chart.js';
import { summariseControls } from '../../functions/domain/evidence/control-summary.js';
import { summarisePeriod } from '../../functions/domain/evidence/period-summary.js';
import { reportPage } from '../../functions/domain/evidence/report-page.js';
import { exportedDrillRun } from './support/evidence-fixtures.js';

/*
 * RTO is drill start → restored data validated (README). A run whose validation failed, or that never validated,
 * achieved no RTO and no RPO: no record, report, export or chart may count it as achieved or within target.
 */
const check = (passed: boolean): DrillCheckResult => ({ id: 'item-count', type: 'item-count', passed, expected: "30 items, the source table's count now", actual: passed ? '30 items' : '0 items' });
/** A run that restored nothing, as runs were stored before this fix: 6 s "RTO" and a 0 s RPO estimate from failed data. */
const restoredNothing = exportedDrillRun({ runId: 'run-0', status: 'failed', checks: [check(false)], rtoSeconds: 6, rpo: { seconds: 0, method: 'recovery-point' } });
const passing = exportedDrillRun({ runId: 'run-1', checks: [check(true)] });

describe('recovery objectives of a run', () => {
  it('are achieved only when every check passed', () => {
    expect(validationPassed([check(true), check(true)])).toBe(true);
    expect(validationPassed([check(true), check(false)])).toBe(false);
    expect(validationPassed([])).toBe(false);
    expect(rtoOutcome(passing.run)).toEqual({ state: 'achieved', seconds: 900, targetSeconds: 3600 });
    expect(rpoOutcome(passing.run)).toEqual({ state: 'achieved', seconds: 120, targetSeconds: 900, method: 'canary' });
  });

  it('are not achieved when a check failed, whatever seconds the record holds', () => {
    const why = 'the restored data failed validation (1 of 1 check failed)';
    expect(rtoOutcome(restoredNothing.run)).toEqual({ state: 'not-achieved', why, targetSeconds: 3600 });
    expect(rpoOutcome(restoredNothing.run)).toEqual({ state: 'not-achieved', why, targetSeconds: 900 });
  });

  it('are not achieved by a run that ended before its checks, and pending while one runs', () => {
    const stopped = exportedDrillRun({ status: 'failed', checks: undefined, rtoSeconds: undefined, rpo: undefined }).run;
    expect(rtoOutcome(stopped)).toMatchObject({ state: 'not-achieved', why: 'the restored data was never validated (the drill stopped before its checks)' });
    const running = exportedDrillRun({ status: 'running', checks: undefined, rtoSeconds: undefined, rpo: undefined }).run;
    expect(rtoOutcome(running)).toEqual({ state: 'pending' });
    // A running run whose check already failed will not achieve it either.
    expect(rtoOutcome({ ...running, checks: [check(false)] }).state).toBe('not-achieved');
  });
});

describe('the drill report email', () => {
  const context = { planTitle: 'Orders', controls: ['SOC2 A1.3'], recipients: ['owner@example.com'], runUrl: 'http://api/drill-runs/run-0' };

  it('says RTO and RPO were NOT achieved when validation failed, and gives no time for them', () => {
    const { text } = renderDrillReport(restoredNothing.run, context);
    expect(text).toContain('RTO NOT ACHIEVED: the restored data failed validation (1 of 1 check failed) (target 60 min)');
    expect(text).toContain('RPO NOT ACHIEVED: the restored data failed validation (1 of 1 check failed) (target 15 min)');
    expect(text).not.toMatch(/RTO achieved|RPO achieved|0\.1 min/);
  });

  it('gives the achieved times of a run that passed', () => {
    const { text } = renderDrillReport(passing.run, context);
    expect(text).toContain('RTO achieved: 15.0 min (target 60 min)');
    expect(text).toContain('RPO achieved: 2.0 min (measured by canary) (target 15 min)');
  });
});

describe('the evidence report page', () => {
  const page = (drillRuns: ReturnType<typeof exportedDrillRun>[]) =>
    reportPage({
      period: { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
      tableName: 'irdr-prod',
      generatedAt: '2026-04-02T00:00:00.000Z',
      summary: summarisePeriod([], drillRuns),
      controls: summariseControls([], drillRuns, { runbooks: {}, plans: {} }),
      incidents: [],
      drillRuns,
    });

  it('counts a run whose validation failed as not achieved, never within RTO or RPO, in the table and the charts', () => {
    const html = page([passing, restoredNothing]);
    const row = html.slice(html.indexOf('<td>orders-pitr</td>'), html.indexOf('</tr>', html.indexOf('<td>orders-pitr</td>')));
    // Worst RTO, target, within; worst RPO, target, within.
    expect([...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((match) => match[1]).slice(3)).toEqual([
      'not achieved (1 of 2)',
      '60 min',
      '1 of 2',
      'not achieved (1 of 2)',
      '15 min',
      '1 of 2',
    ]);
    expect(html).toContain('not achieved (1 run); target 60 min');
    expect(html).not.toContain('6 s; target');
  });

  it('a plan whose only run failed validation is 0 of 1 within target, not n/a and not 1 of 1', () => {
    const html = page([restoredNothing]);
    expect(html).toContain('<td class="num">0 of 1</td>');
  });

  it('draws a not-achieved bar across the whole plot, so it never looks quick', () => {
    const chart = barChart('RTO', [{ label: 'orders', valueSeconds: 6, targetSeconds: 3600, notAchieved: 1 }]);
    expect(chart.rows[0]).toMatchObject({ verdict: 'not-achieved', barWidth: chart.plotWidth });
  });
});

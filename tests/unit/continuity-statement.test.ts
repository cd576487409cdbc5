import { describe, expect, it } from 'vitest';
import { buildContinuityStatement, median, type StatementInput, type StatementRun } from '../../functions/domain/evidence/continuity-statement.js';
import { judgeCadence } from '../../functions/domain/evidence/continuity-statement-cadence.js';
import { publicAliases } from '../../functions/domain/evidence/continuity-statement-aliases.js';
import { ContinuityStatement } from '../../functions/domain/evidence/continuity-statement-schema.js';
import { StatementPeriodQuery, resolveStatementPeriod } from '../../functions/domain/evidence/continuity-statement-period.js';
import { exportedDrillRun } from './support/evidence-fixtures.js';

const period = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-29T00:00:00.000Z', label: '28d' };
const weekly = { expression: 'rate(7 days)', timeZone: 'UTC', enabled: true };
const run = (changes: Partial<StatementRun>): StatementRun => ({ ...exportedDrillRun(changes).run, ...('trailConfirmsPass' in changes && { trailConfirmsPass: changes.trailConfirmsPass }) });
const passedOn = (day: string, changes: Partial<StatementRun> = {}) => run({ runId: `r-${day}`, startedAt: `2026-03-${day}T02:00:00.000Z`, ...changes });

function input(changes: Partial<StatementInput> = {}): StatementInput {
  return {
    period,
    generatedAt: '2026-03-29T00:00:00.000Z',
    plans: [{ id: 'orders-pitr', schedule: weekly, targets: { rtoMinutes: 60, rpoMinutes: 15 } }],
    aliases: { 'orders-pitr': 'Customer orders' },
    runs: [],
    incidents: [],
    coverageByType: [{ type: 'DynamoDB', resources: 3, drilled: 1, attempted: 1, notDrilled: 1 }],
    evidenceExport: { format: 'irdr-evidence-export/2', generatedAt: '2026-03-29T00:00:00.000Z', manifestSha256: 'a'.repeat(64), trails: { total: 4, broken: 0 } },
    ...changes,
  };
}

describe('the cadence of a plan', () => {
  it('is met when every due window held a passing run', () => {
    const cadence = judgeCadence(weekly, period, ['2026-03-02T02:00:00Z', '2026-03-09T02:00:00Z', '2026-03-16T02:00:00Z', '2026-03-27T02:00:00Z'], period.to);
    expect(cadence).toEqual({ promised: 'weekly', scheduled: true, dueWindows: 4, metWindows: 4, gaps: [], met: true });
  });

  it('states a missed window as a gap with its dates, consecutive ones as one gap', () => {
    const cadence = judgeCadence(weekly, period, ['2026-03-02T02:00:00Z'], period.to);
    expect(cadence.met).toBe(false);
    expect(cadence.gaps).toEqual([{ from: '2026-03-08T00:00:00.000Z', to: '2026-03-29T00:00:00.000Z', windows: 3 }]);
  });

  it('does not judge a window still open when the statement is made', () => {
    const cadence = judgeCadence(weekly, period, ['2026-03-02T02:00:00Z'], '2026-03-10T00:00:00.000Z');
    expect(cadence).toMatchObject({ dueWindows: 1, metWindows: 1, met: true, gaps: [] });
  });

  it('reads a weekly cron in its time zone, and a plan without an enabled schedule promises nothing and meets nothing', () => {
    const cron = { expression: 'cron(0 3 ? * MON *)', timeZone: 'Europe/London', enabled: true };
    // Mondays 2, 9, 16, 23 March: three closed windows (2-9, 9-16, 16-23); 23-30 closes after the period.
    const cadence = judgeCadence(cron, period, ['2026-03-02T04:00:00Z', '2026-03-10T04:00:00Z'], period.to);
    expect(cadence).toMatchObject({ promised: 'weekly', dueWindows: 3, metWindows: 2, gaps: [{ from: '2026-03-16T03:00:00.000Z', to: '2026-03-23T03:00:00.000Z', windows: 1 }] });
    expect(judgeCadence({ ...weekly, enabled: false }, period, ['2026-03-02T04:00:00Z'], period.to)).toMatchObject({ scheduled: false, met: false, promised: 'none (run by hand)' });
  });
});

describe('the continuity statement', () => {
  it('counts neither a failed run nor a passed-but-unvalidated one as meeting the cadence or as the last drill passing', () => {
    const statement = buildContinuityStatement(
      input({
        runs: [
          passedOn('02'),
          passedOn('09', { status: 'failed', checks: [{ id: 'c', type: 'item-count', passed: false, expected: '1', actual: '0' }], rtoSeconds: undefined }),
          passedOn('16', { checks: [] }),
          passedOn('23', { trailConfirmsPass: false }),
        ],
      }),
    );
    const [plan] = statement.drills.plans;
    expect(plan!.cadence).toMatchObject({ dueWindows: 4, metWindows: 1, met: false });
    expect(plan!.cadence.gaps).toEqual([{ from: '2026-03-08T00:00:00.000Z', to: '2026-03-29T00:00:00.000Z', windows: 3 }]);
    expect(plan!.lastDrill).toEqual({ date: '2026-03-23T02:00:00.000Z', result: 'not validated' });
    expect(plan!.runs).toEqual({ total: 4, passed: 1, notPassed: 3 });
    expect(statement.drills.verdict).toBe('gaps');
    expect(statement.drills.summary).toMatch(/1 of 1 scheduled plans missed their cadence \(3 due windows/);
  });

  it('gives RTO and RPO as worst and median over passing runs only, against the plan target', () => {
    const statement = buildContinuityStatement(
      input({
        runs: [
          passedOn('02', { rtoSeconds: 600, rpo: { seconds: 60, method: 'canary' } }),
          passedOn('09', { rtoSeconds: 1200, rpo: { seconds: 120, method: 'canary' } }),
          passedOn('16', { rtoSeconds: 3000, rpo: { seconds: 1200, method: 'canary' } }),
          passedOn('23', { rtoSeconds: 4000, rpo: { seconds: 30, method: 'canary' } }),
          passedOn('24', { status: 'failed', rtoSeconds: 99_999, checks: [{ id: 'c', type: 'item-count', passed: false, expected: '1', actual: '0' }] }),
        ],
      }),
    );
    const [plan] = statement.drills.plans;
    expect(plan!.rto).toEqual({ targetMinutes: 60, worstSeconds: 4000, medianSeconds: 2100, measured: 4, withinTarget: 3 });
    expect(plan!.rpo).toEqual({ targetMinutes: 15, worstSeconds: 1200, medianSeconds: 90, measured: 4, withinTarget: 3 });
    expect(plan!.cadence.met).toBe(true);
    expect(plan!.lastDrill).toEqual({ date: '2026-03-24T02:00:00.000Z', result: 'failed' });
    expect(statement.drills.verdict).toBe('met');
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeUndefined();
  });

  it('says a period with no drills makes no claim, rather than claiming compliance', () => {
    const statement = buildContinuityStatement(input());
    expect(statement.drills.verdict).toBe('no-drills');
    expect(statement.drills.summary).toMatch(/No restore drill ran in this period.*makes no claim/);
    expect(statement.drills.plans[0]!.cadence).toMatchObject({ met: false, metWindows: 0, dueWindows: 4 });
    expect(statement.drills.plans[0]!.rto).toEqual({ targetMinutes: 60, measured: 0, withinTarget: 0 });
    expect(statement.drills.plans[0]!.lastDrill).toBeUndefined();
    expect(ContinuityStatement.parse(statement)).toEqual(statement);
  });

  it('gives median time to acknowledge SEV1/2 and the share of SLA clocks met, over live incidents only', () => {
    const clock = (outcome: 'on-time' | 'late' | 'missed' | 'running', kind = 'sla') => ({ clockId: 'c', title: 'Acknowledge within 1 hour', kind, outcome });
    const statement = buildContinuityStatement(
      input({
        incidents: [
          { incident: { severity: 'SEV1', mode: 'live', mttaSeconds: 100 }, clocks: [clock('on-time')] },
          { incident: { severity: 'SEV2', mode: 'live', mttaSeconds: 300 }, clocks: [clock('late'), clock('on-time', 'regulatory')] },
          { incident: { severity: 'SEV2', mode: 'live', mttaSeconds: undefined }, clocks: [clock('running')] },
          { incident: { severity: 'SEV3', mode: 'live', mttaSeconds: 9000 }, clocks: [clock('on-time')] },
          { incident: { severity: 'SEV1', mode: 'exercise', mttaSeconds: 1 }, clocks: [clock('missed')] },
        ],
      }),
    );
    expect(statement.incidents).toEqual({
      live: 4,
      sev1And2: { total: 3, acknowledged: 2, medianSecondsToAcknowledge: 200 },
      responseClocks: { judged: 3, onTime: 2, late: 1, missed: 0, percentMet: 66.7 },
    });
  });

  it('names plans by public alias only: a plan without one, or whose alias names a plan id, gets a neutral generated alias', () => {
    const aliases = publicAliases(['orders-pitr', 'ledger-backup', 'payments'], { 'orders-pitr': 'Orders (orders-pitr)', payments: 'Plan A', 'ledger-backup': '<script>' });
    expect(Object.fromEntries(aliases)).toEqual({ 'ledger-backup': 'Plan B', 'orders-pitr': 'Plan C', payments: 'Plan A' });
    // A plain-word id may be a word of its alias, never the whole alias.
    expect(Object.fromEntries(publicAliases(['orders', 'ledger'], { orders: 'Customer orders database', ledger: 'Ledger' }))).toEqual({ orders: 'Customer orders database', ledger: 'Plan A' });
    const statement = buildContinuityStatement(input({ aliases: {}, runs: [passedOn('02', { planId: 'retired-plan' })] }));
    expect(statement.drills.plans.map((plan) => plan.alias)).toEqual(['Plan A', 'Plan B']);
    expect(JSON.stringify(statement)).not.toMatch(/orders-pitr|retired-plan|r-02|irdr-drill|arn:/);
  });
});

describe('the statement period', () => {
  const now = new Date('2026-12-07T06:50:12.345Z');
  it('takes 12m, 90d, or from and to', () => {
    expect(resolveStatementPeriod(StatementPeriodQuery.parse({ period: '12m' }), now)).toEqual({ from: '2025-12-07T06:50:13.000Z', to: '2026-12-07T06:50:13.000Z', label: '12m' });
    expect(resolveStatementPeriod(StatementPeriodQuery.parse({ period: '90d' }), now).from).toBe('2026-09-08T06:50:13.000Z');
    expect(resolveStatementPeriod(StatementPeriodQuery.parse({ from: '2026-01-01', to: '2026-04-01' }), now)).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
  });

  it.each([[{ period: '13m' }], [{ period: '0d' }], [{ period: '1y' }], [{}], [{ period: '12m', from: '2026-01-01' }], [{ from: '2026-01-01' }], [{ from: '2025-01-01', to: '2026-06-01' }], [{ period: '12m', extra: '1' }]])(
    'refuses %j, saying what is allowed',
    (query) => {
      const parsed = StatementPeriodQuery.safeParse(query);
      expect(parsed.success).toBe(false);
    },
  );

  it('says what is allowed in the refusal', () => {
    const parsed = StatementPeriodQuery.safeParse({ period: 'forever' });
    expect(parsed.error?.issues[0]?.message).toMatch(/<N>m \(1-12 months\) or <N>d \(1-366 days\)/);
  });
});

describe('the statement config', () => {
  it('takes plain-word aliases per plan and refuses markup, saying what an alias may hold', async () => {
    const { EvidenceConfig } = await import('../../functions/domain/config-schema.js');
    expect(EvidenceConfig.parse({}).statement).toEqual({ planAliases: {} });
    expect(EvidenceConfig.parse({ statement: { planAliases: { 'orders-pitr': 'Customer orders' } } }).statement.planAliases).toEqual({ 'orders-pitr': 'Customer orders' });
    const refused = EvidenceConfig.safeParse({ statement: { planAliases: { 'orders-pitr': '<img src=x>' } } });
    expect(refused.error?.issues[0]?.message).toMatch(/letters, digits, spaces/);
    expect(EvidenceConfig.parse({ statement: { publishTo: 's3://example-trust-center/continuity' } }).statement.publishTo).toBe('s3://example-trust-center/continuity');
    for (const publishTo of ['https://example.org/x', 's3://Bad_Bucket/x', 's3://bucket/../x']) {
      expect(EvidenceConfig.safeParse({ statement: { publishTo } }).error?.issues[0]?.message, publishTo).toMatch(/^s3:\/\/<bucket>\[\/<prefix>\]/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { CONTROL_IDS } from '../../functions/domain/evidence/controls.js';
import { summariseControls } from '../../functions/domain/evidence/control-summary.js';
import { controlsCsv } from '../../functions/domain/evidence/csv-rows.js';
import { exportedDrillRun, exportedIncident } from './support/evidence-fixtures.js';

const mapping = { runbooks: { 'triage-notify': ['SOC2 CC7.3', 'ISO27001 A.5.26'] }, plans: { 'orders-pitr': ['SOC2 A1.3', 'ISO27001 A.8.13'] } };
const row = (rows: ReturnType<typeof summariseControls>, id: string) => rows.find((candidate) => candidate.id === id)!;

describe('evidence grouped by control', () => {
  it('counts each record under the controls its runbook or plan names, with exceptions, unreviewed and last tested', () => {
    const signedOff = { signOff: { verdict: 'accepted', by: 'arn:aws:iam::1:user/otto', roles: ['auditor'], at: '2026-02-01T00:00:00.000Z' } };
    const rows = summariseControls(
      [
        exportedIncident({ incidentId: 'a', openedAt: '2026-01-05T00:00:00.000Z', ...signedOff } as never),
        exportedIncident({ incidentId: 'b', openedAt: '2026-01-09T00:00:00.000Z' }),
        exportedIncident({ incidentId: 'c', openedAt: '2026-01-10T00:00:00.000Z', mode: 'exercise' }),
      ],
      [exportedDrillRun({ runId: 'r1', startedAt: '2026-01-07T00:00:00.000Z' }), exportedDrillRun({ runId: 'r2', startedAt: '2026-01-08T00:00:00.000Z', status: 'failed' })],
      mapping,
    );
    expect(rows.map((candidate) => candidate.id)).toEqual(CONTROL_IDS);
    // The exercise is no incident: not counted under its runbook's CC7.3, but as an IR plan test under CC7.4/CC7.5/CC9.1/A.5.24.
    expect(row(rows, 'SOC2 CC7.3')).toMatchObject({ incidents: 2, drillRuns: 0, irPlanTests: 0, exceptions: 0, unreviewed: 1, lastTestedAt: '2026-01-09T00:00:00.000Z' });
    for (const id of ['SOC2 CC7.4', 'SOC2 CC7.5', 'SOC2 CC9.1', 'ISO27001 A.5.24'] as const) {
      expect(row(rows, id)).toMatchObject({ incidents: 0, irPlanTests: 1, unreviewed: 1, lastTestedAt: '2026-01-10T00:00:00.000Z' });
    }
    expect(row(rows, 'SOC2 A1.3')).toMatchObject({ incidents: 0, drillRuns: 2, exceptions: 1, unreviewed: 2, lastTestedAt: '2026-01-08T00:00:00.000Z' });
    // A control nothing evidenced is still listed: the gap an auditor asks about.
    expect(row(rows, 'ISO27001 A.5.30')).toEqual({ id: 'ISO27001 A.5.30', framework: 'ISO/IEC 27001:2022', title: 'ICT readiness for business continuity', incidents: 0, drillRuns: 0, irPlanTests: 0, exceptions: 0, unreviewed: 0 });
    expect(controlsCsv(rows).split('\r\n')[0]).toBe('control,framework,title,incidents,drillRuns,exceptions,unreviewed,lastTestedAt,irPlanTests');
  });

  it('holds a record to the controls stamped on it when it started, not to what its definition names today', () => {
    const mapping = { runbooks: { 'triage-notify': ['SOC2 CC7.3'] }, plans: { 'orders-pitr': ['SOC2 A1.3'] } };
    const rows = summariseControls(
      [exportedIncident({ incidentId: 'stamped', controls: ['SOC2 CC7.5'] }), exportedIncident({ incidentId: 'older' })],
      [exportedDrillRun({ runId: 'stamped-run', controls: ['ISO27001 A.8.13'] })],
      mapping,
    );
    expect([row(rows, 'SOC2 CC7.5').incidents, row(rows, 'SOC2 CC7.3').incidents]).toEqual([1, 1]);
    expect([row(rows, 'ISO27001 A.8.13').drillRuns, row(rows, 'SOC2 A1.3').drillRuns]).toEqual([1, 0]);
  });

  it('is the one vocabulary of the definitions: a control outside it stops a plan with what is allowed', () => {
    const result = DrillPlan.safeParse({
      id: 'orders-pitr', title: 'P', owner: 'o@example.com', schedule: { expression: 'rate(7 days)' }, source: { type: 'dynamodb-table', tableName: 't' },
      driver: { type: 'dynamodb-pitr' }, targets: { rtoMinutes: 60, rpoMinutes: 15 }, recipients: { roles: ['commander'] }, checks: [{ type: 'item-count' }],
      controls: ['A1.3'],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join('; ')).toMatch(/a control irdr maps, one of: SOC2 CC7.3, .*ISO27001 A.8.13/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportFiles } from '../../functions/domain/evidence/export-files.js';
import { IR_PLAN_TEST_CONTROLS, irPlanTests } from '../../functions/domain/evidence/ir-plan-tests.js';
import { summarisePeriod } from '../../functions/domain/evidence/period-summary.js';
import { summariseControls } from '../../functions/domain/evidence/control-summary.js';
import { nextLink, type ChainLink } from '../../functions/domain/hash-chain.js';
import { eventSk } from '../../functions/domain/keys.js';
import type { StoredTrailEvent } from '../../functions/domain/chain-verify.js';
import type { TrailEventBody } from '../../functions/domain/trail-event.js';
import { REVIEW_TASK_ID } from '../../functions/domain/incident-review.js';
import { exportedIncident } from './support/evidence-fixtures.js';
import { formulaLinesOutsideQuotes, parseRfc4180 } from './support/spreadsheet-lines.js';

const mapping = { runbooks: { 'triage-notify': ['SOC2 CC7.3'] }, plans: {} };
const period = { from: '2026-03-01', to: '2026-04-01' };
const signOff = { verdict: 'accepted', by: 'arn:aws:iam::000000000000:user/carol', roles: ['auditor'], at: '2026-03-09T00:00:00.000Z' };

function chain(bodies: readonly TrailEventBody[]): StoredTrailEvent[] {
  let previous: ChainLink | undefined;
  return bodies.map((body) => {
    previous = nextLink(body, previous);
    return { sortKey: eventSk(previous.seq), event: { ...body, ...previous } };
  });
}
const reviewed = (comment: string) =>
  chain([
    { type: 'incident.opened', at: '2026-03-01T10:00:00.000Z', actor: 'alice' },
    { type: 'task.completed', at: '2026-03-02T10:00:00.000Z', actor: 'bob', detail: { taskId: REVIEW_TASK_ID, kind: 'task', outcome: 'completed', comment } },
  ]);
const filesOf = (incidents: Parameters<typeof irPlanTests>[0]) =>
  new Map(exportFiles({ period: period as never, tableName: 'irdr', generatedAt: '2026-04-01T00:00:00.000Z', incidents, drillRuns: [], controls: mapping }).files.map((file) => [file.name, file.content.toString('utf8')]));

describe('exercises are IR plan tests in the evidence', () => {
  it('lists an exercise with its runbook, times, review lessons, sign-off and the IR-plan controls, never its runbook\'s incident controls', () => {
    const exercise = exportedIncident({ incidentId: 'ex-1', mode: 'exercise', signOff } as never, reviewed('Paging took too long: add a backup pager'));
    const [test] = irPlanTests([exportedIncident({ incidentId: 'live-1' }), exercise]);
    expect(test).toEqual({
      incidentId: 'ex-1',
      title: 'Leaked key',
      runbookId: 'triage-notify',
      openedAt: '2026-03-01T10:00:00.000Z',
      resolvedAt: '2026-03-01T11:00:00.000Z',
      lessons: 'Paging took too long: add a backup pager',
      signOff,
      controls: ['SOC2 CC7.4', 'SOC2 CC7.5', 'SOC2 CC9.1', 'ISO27001 A.5.24'],
      chainIntact: true,
    });
    expect(IR_PLAN_TEST_CONTROLS).not.toContain('SOC2 CC7.3');
  });

  it('an exercise is never among the incidents of the statistics and always among the IR plan tests (any mix)', () => {
    const record = fc.record({ exercise: fc.boolean(), status: fc.constantFrom('open', 'acknowledged', 'resolved', 'closed'), severity: fc.constantFrom('SEV1', 'SEV2', 'SEV3', 'SEV4'), mtta: fc.nat(10_000) });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (records) => {
        const incidents = records.map((r, index) => exportedIncident({ incidentId: `i-${index}`, mode: r.exercise ? 'exercise' : 'live', status: r.status, severity: r.severity, mttaSeconds: r.mtta } as never));
        const live = records.filter((r) => !r.exercise);
        const summary = summarisePeriod(incidents, []);
        expect(Object.values(summary.incidents.byStatus).reduce((a, b) => a + b, 0)).toBe(live.length);
        expect(Object.values(summary.incidents.bySeverity).reduce((a, b) => a + b, 0)).toBe(live.length);
        expect(summary.incidents.mtta.measured).toBe(live.length);
        expect(summary.incidents.live).toBe(live.length);
        const exercises = records.length - live.length;
        for (const row of summariseControls(incidents, [], mapping)) {
          expect(row.incidents).toBe(row.id === 'SOC2 CC7.3' ? live.length : 0);
          expect(row.irPlanTests).toBe(IR_PLAN_TEST_CONTROLS.includes(row.id) ? exercises : 0);
        }
        expect(irPlanTests(incidents).map((test) => test.incidentId).sort()).toEqual(incidents.filter(({ incident }) => incident.mode === 'exercise').map(({ incident }) => incident.incidentId).sort());
      }),
    );
  });

  it('writes ir-plan-tests.csv and .json, and the report\'s "IR plan tests" section, with the exercise only', () => {
    const files = filesOf([exportedIncident({ incidentId: 'live-1', title: 'Real breach' }), exportedIncident({ incidentId: 'ex-1', title: 'Tabletop ransomware', mode: 'exercise' })]);
    const [header, ...rows] = parseRfc4180(files.get('ir-plan-tests.csv')!);
    expect(header).toEqual(['incidentId', 'title', 'runbookId', 'openedAt', 'resolvedAt', 'lessons', 'signOffState', 'signOffBy', 'signOffAt', 'chainIntact', 'controls']);
    expect(rows).toEqual([['ex-1', 'Tabletop ransomware', 'triage-notify', '2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z', '', 'not signed off', '', '', 'true', 'SOC2 CC7.4; SOC2 CC7.5; SOC2 CC9.1; ISO27001 A.5.24']]);
    expect(JSON.parse(files.get('ir-plan-tests.json')!).irPlanTests.map((test: { incidentId: string }) => test.incidentId)).toEqual(['ex-1']);
    const page = files.get('report.html')!;
    const section = page.slice(page.indexOf('<h2>IR plan tests</h2>'), page.indexOf('<h2>Restore drills</h2>'));
    expect(section).toContain('Tabletop ransomware');
    expect(section).not.toContain('Real breach');
    expect(page).toContain('<tr><th>Live incidents opened in the period</th><td class="num">1</td></tr>');
  });

  it('escapes a hostile exercise title and lessons (control characters, =cmd, markup) in the CSV and the report', () => {
    const hostile = "=cmd|' /C calc'!A0\u0007\n=HYPERLINK(\"http://x\")<script>alert(1)</script>";
    const files = filesOf([exportedIncident({ incidentId: 'ex-1', title: hostile, mode: 'exercise' }, reviewed(hostile))]);
    const csv = files.get('ir-plan-tests.csv')!;
    expect(formulaLinesOutsideQuotes(csv)).toEqual([]);
    const [, row] = parseRfc4180(csv);
    expect(row![1]).toBe(`'${hostile}`);
    expect(row![5]).toBe(`'${hostile}`);
    const page = files.get('report.html')!;
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

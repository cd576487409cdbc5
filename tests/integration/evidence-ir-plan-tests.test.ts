import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_TASK_ID } from '../../functions/domain/incident-review.js';
import { startTestStack, type TestStack } from './support/stack-session.js';
import { formulaLinesOutsideQuotes, parseRfc4180 } from '../unit/support/spreadsheet-lines.js';

// A title an attacker may give a tabletop: a formula for the spreadsheet, markup for the report.
const HOSTILE_TITLE = `=cmd|' /C calc'!A0 <script>alert(1)</script>`;
const LESSONS = 'Paging reached nobody for 20 minutes: add a secondary on-call';

let local: TestStack;
const period = () => `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;

beforeAll(async () => {
  local = await startTestStack({ timeScale: 60 });
});
afterAll(async () => {
  await local?.stop();
});

async function open(title: string, mode: 'live' | 'exercise'): Promise<string> {
  const created = await local.openIncident({ runbookId: 'triage-notify', title, severity: 'SEV2', summary: 'IR plan test check', mode });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  await local.waitForExecution(created.body.executionArn as string);
  const incidentId = created.body.incidentId as string;
  expect((await local.api('POST', `/incidents/${incidentId}/resolve`, { token: 'dev-commander' })).status).toBe(200);
  return incidentId;
}

describe('an exercise is an IR plan test', () => {
  it('is reviewed and signed off like an incident, and exported as an IR plan test, never as an incident', async () => {
    const exerciseId = await open(HOSTILE_TITLE, 'exercise');
    const liveId = await open('Real credential leak', 'live');

    // The exercise waits for its review like an incident, and is listed as unreviewed until signed off.
    const unreviewed = await local.api('GET', `/evidence/unreviewed?${period()}`, { token: 'dev-auditor' });
    expect(unreviewed.body.unreviewed).toContainEqual(expect.objectContaining({ kind: 'incident', id: exerciseId, mode: 'exercise' }));
    // The local review page lists it as awaiting review too, marked as an IR plan test, its title escaped.
    const reviewPage = await (await fetch(`${local.stack.urls.api}/review`)).text();
    expect(reviewPage).toContain(`<tr><td>exercise (IR plan test)</td><td><code>${exerciseId}</code></td><td>=cmd|&#39; /C calc&#39;!A0 &lt;script&gt;`);
    const early = await local.api('POST', `/incidents/${exerciseId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } });
    expect(early.status).toBe(409);
    // An exercise's review decides corrective actions like a live incident's.
    const action = await local.api('POST', `/incidents/${exerciseId}/actions`, { token: 'dev-commander', body: { title: 'Add a secondary on-call', owner: 'carl@example.com', dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
    expect(action.status, JSON.stringify(action.body)).toBe(201);
    const review = await local.api('POST', `/incidents/${exerciseId}/tasks/${REVIEW_TASK_ID}/complete`, { token: 'dev-commander', body: { outcome: 'done', comment: LESSONS } });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    // Separation of duties holds for an exercise too: the commander who resolved it may not sign it off.
    expect((await local.api('POST', `/incidents/${exerciseId}/sign-off`, { token: 'dev-commander', body: { verdict: 'accepted' } })).status).toBe(403);
    const signed = await local.api('POST', `/incidents/${exerciseId}/sign-off`, { token: 'dev-auditor', body: { verdict: 'accepted' } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);

    const response = await fetch(`${local.stack.urls.api}/evidence?${period()}`, { headers: { authorization: `Bearer ${local.stack.devTokens.tokenForName('dev-auditor')}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { files: Array<{ name: string; content: string }> };
    const files = new Map(body.files.map(({ name, content }) => [name, content]));

    const planTests = JSON.parse(files.get('ir-plan-tests.json')!).irPlanTests as Array<Record<string, unknown>>;
    expect(planTests).toEqual([
      expect.objectContaining({ incidentId: exerciseId, title: HOSTILE_TITLE, runbookId: 'triage-notify', lessons: LESSONS, controls: ['SOC2 CC7.4', 'SOC2 CC7.5', 'SOC2 CC9.1', 'ISO27001 A.5.24'], signOff: expect.objectContaining({ verdict: 'accepted' }) }),
    ]);
    expect(planTests[0]!.resolvedAt).toEqual(expect.any(String));

    const csv = files.get('ir-plan-tests.csv')!;
    expect(formulaLinesOutsideQuotes(csv)).toEqual([]);
    const [header, ...rows] = parseRfc4180(csv);
    expect(rows).toHaveLength(1);
    expect(rows[0]![header!.indexOf('title')]).toBe(`'${HOSTILE_TITLE}`);
    expect(rows[0]![header!.indexOf('signOffState')]).toBe('accepted');

    // Counts: the live one is the period's only incident (status, severity, controls); the exercise is in none of them.
    const page = files.get('report.html')!;
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('<tr><th>Live incidents opened in the period</th><td class="num">1</td></tr>');
    expect(page).toContain('<tr><th>Exercises (listed under IR plan tests)</th><td class="num">1</td></tr>');
    expect(page).toContain('<tr><th>By severity</th><td>SEV2 1</td></tr>');
    const planSection = page.slice(page.indexOf('<h2>IR plan tests</h2>'), page.indexOf('<h2>Restore drills</h2>'));
    expect(planSection).toContain(exerciseId);
    expect(planSection).not.toContain(liveId);
    // controls.csv: the live incident under its runbook's controls (triage-notify: CC7.3, A.5.26), the exercise under the IR-plan ones.
    const [controlsHeader, ...controlRows] = parseRfc4180(files.get('controls.csv')!);
    const counts = (column: string) => Object.fromEntries(controlRows.filter((row) => row[controlsHeader!.indexOf(column)] !== '0').map((row) => [row[0], row[controlsHeader!.indexOf(column)]]));
    expect(counts('incidents')).toEqual({ 'SOC2 CC7.3': '1', 'ISO27001 A.5.26': '1' });
    expect(counts('irPlanTests')).toEqual({ 'SOC2 CC7.4': '1', 'SOC2 CC7.5': '1', 'SOC2 CC9.1': '1', 'ISO27001 A.5.24': '1' });
  });
});

import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../functions/domain/evidence/html.js';
import { reportPage } from '../../functions/domain/evidence/report-page.js';
import { summariseControls } from '../../functions/domain/evidence/control-summary.js';
import { summarisePeriod } from '../../functions/domain/evidence/period-summary.js';
import { exportedDrillRun, exportedIncident, storedChain } from './support/evidence-fixtures.js';

const hostile = `<script>alert("x")</script>&'`;

describe('HTML escaping', () => {
  it('escapes the five characters that matter in element bodies and quoted attributes', () => {
    expect(escapeHtml(hostile)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('escapes every interpolated value, but not fragments already built with it', () => {
    const cell = html`<td title="${hostile}">${hostile}</td>`;
    expect(cell.text).toBe(`<td title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</td>`);
    expect(html`<tr>${[cell, cell]}</tr>`.text).toBe(`<tr>${cell.text}${cell.text}</tr>`);
    expect(html`${new SafeHtml('<b>')}`.text).toBe('<b>');
  });
});

describe('the report page', () => {
  const render = (incidents = [exportedIncident()], drillRuns = [exportedDrillRun()]) =>
    reportPage({
      period: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
      tableName: 'irdr-prod',
      generatedAt: '2026-04-02T00:00:00.000Z',
      summary: summarisePeriod(incidents, drillRuns),
      controls: summariseControls(incidents, drillRuns, { runbooks: { 'triage-notify': ['SOC2 CC7.3'] }, plans: {} }),
      incidents,
      drillRuns,
    });

  it('never lets a stored value reach the page raw, wherever it is shown', () => {
    const page = render(
      [exportedIncident({ incidentId: hostile, title: hostile, severity: hostile as 'SEV1', status: hostile as 'open' })],
      [exportedDrillRun({ planId: hostile, runId: hostile })],
    );
    expect(page).not.toContain('<script');
    expect(page).not.toContain(`"x")`);
    expect(page).toContain(escapeHtml(hostile));
  });

  it('is self-contained: no script, no external resource, a policy that forbids loading any', () => {
    const page = render();
    expect(page).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(page.match(/(?:src|href)=/gi)).toBeNull();
    // The only URL is SVG's namespace, which is a name, not a fetch.
    // Eight charts: incidents and drill runs per month, MTTA and MTTR per month, RTO and RPO per plan, and per plan and month.
    expect(page.match(/https?:\/\/[^"]+/g)).toEqual(Array.from({ length: 8 }, () => 'http://www.w3.org/2000/svg'));
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('charts live incidents per month by severity and drill runs per month passed or failed', () => {
    const page = render(
      [exportedIncident({ incidentId: 'a', openedAt: '2026-01-05T00:00:00.000Z', severity: 'SEV1' }), exportedIncident({ incidentId: 'b', openedAt: '2026-02-05T00:00:00.000Z', severity: 'SEV2' }), exportedIncident({ incidentId: 'c', openedAt: '2026-02-06T00:00:00.000Z', severity: 'SEV2', mode: 'exercise' })],
      [exportedDrillRun({ runId: 'r1', startedAt: '2026-01-10T00:00:00.000Z' }), exportedDrillRun({ runId: 'r2', startedAt: '2026-01-17T00:00:00.000Z', status: 'failed' })],
    );
    expect(page).toContain('aria-label="Live incidents per month, by severity"');
    expect(page).toContain('>2026-01</text>');
    expect(page).toMatch(/>2026-01<\/text>.*>1 SEV1<\/text>/s);
    // The exercise is left out of February.
    expect(page).toMatch(/>2026-02<\/text>.*>1 SEV2<\/text>/s);
    expect(page).toContain('1 passed, 1 failed');
    expect(render([], []).match(/No live incidents in the period\.|No finished drill runs in the period\./g)).toHaveLength(2);
  });

  it('charts MTTA and MTTR per month, and every clock of the live incidents by outcome', () => {
    const clockTrail = (outcome: 'met' | 'missed') =>
      [
        { type: 'clock.started', detail: { clockId: 'gdpr', title: 'GDPR Art. 33 notification', kind: 'regulatory' } },
        { type: outcome === 'met' ? 'clock.met' : 'clock.missed', detail: { clockId: 'gdpr', onTime: true } },
      ].map((event, index) => ({ sortKey: `EVT#${index + 1}`, event }));
    const page = render(
      [
        exportedIncident({ incidentId: 'a', openedAt: '2026-01-05T00:00:00.000Z', mttaSeconds: 600, mttrSeconds: 3600 }, clockTrail('met')),
        exportedIncident({ incidentId: 'b', openedAt: '2026-02-05T00:00:00.000Z', mttaSeconds: 1200 }, clockTrail('missed')),
        exportedIncident({ incidentId: 'c', openedAt: '2026-02-06T00:00:00.000Z', mode: 'exercise' }, clockTrail('missed')),
      ],
      [],
    );
    expect(page).toContain('aria-label="Mean time to acknowledge, live incidents, per month"');
    expect(page).toMatch(/>2026-01 \(1\)<\/text>.*>10 min; no target<\/text>/s);
    expect(page).toContain('aria-label="SLA and regulatory clocks of live incidents, by outcome"');
    // The exercise's miss is left out: one on time, one missed.
    expect(page).toMatch(/>GDPR Art\. 33 notification \(regulatory\)<\/text>.*>1 on time, 1 missed<\/text>/s);
    expect(page).toContain('<tr><td>GDPR Art. 33 notification</td><td>regulatory</td><td class="num">1</td><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">0</td></tr>');
    expect(render([], [])).toContain('No clocks ran on live incidents in the period.');
  });

  it('summarises the period and names each problem of a broken chain', () => {
    const broken = storedChain(3);
    broken.splice(1, 1);
    const page = render([exportedIncident(), exportedIncident({ incidentId: 'inc-2', mode: 'exercise', mttaSeconds: 9999 }, broken)]);
    expect(page).toContain('1 of 3 trails are BROKEN');
    expect(page).toContain('<code>EVT#0000000003</code> missing: expected <code>seq 2</code>, found <code>seq 3</code>');
    expect(page).toContain('<tr><th>MTTA (live only)</th><td>5 min (mean of 1)</td></tr>');
    expect(page).toContain('<tr><th>Passed / failed / still running</th><td>1 / 0 / 0</td></tr>');
    expect(render()).toContain('All 2 trails verified: every hash chain is intact.');
  });
});

import { barChart, barChartSvg } from './bar-chart.js';
import { countChartSvg, countsByMonth } from './count-chart.js';
import { durationText } from './duration-text.js';
import type { EvidencePeriod, ExportedDrillRun, ExportedIncident, ExportedTrail } from './exported-trail.js';
import { SafeHtml, html } from './html.js';
import { BASE_PAGE_STYLE } from './page-style.js';
import type { MeanMeasure, PeriodSummary, RecoveryMeasure } from './period-summary.js';
import type { ControlRow } from './control-summary.js';
import { CLOCK_OUTCOMES, tallyClocks, type ClockOutcome } from './clock-outcomes.js';
import { recoveryByPlanAndMonth, responseTimesByMonth } from './monthly-trends.js';
import type { EstateCoverage } from './estate-coverage.js';
import { estateCoverageSection } from './estate-coverage-views.js';
import { irPlanTests, type IrPlanTest } from './ir-plan-tests.js';
import { correctiveActionsSection, exportedActions } from '../corrective-action-export.js';

export interface ReportPageInput {
  readonly period: EvidencePeriod;
  readonly tableName: string;
  readonly generatedAt: string;
  readonly summary: PeriodSummary;
  readonly controls: readonly ControlRow[];
  readonly incidents: readonly ExportedIncident[];
  readonly drillRuns: readonly ExportedDrillRun[];
  readonly estateCoverage?: EstateCoverage;
  readonly estateCoverageProblem?: string;
}

// No external scripts, styles, fonts or images: the page must read the same offline, years from now (trusted constant, not escaped).
const STYLE = `${BASE_PAGE_STYLE}
th { background: #f3f3f3; } td.num { text-align: right; } code { font-size: 0.85em; }
.legend span { display: inline-block; margin-right: 1rem; }`;

const mean = (measure: MeanMeasure): string =>
  measure.measured === 0 ? 'n/a (none measured)' : `${durationText(measure.meanSeconds)} (mean of ${measure.measured})`;

const counts = (byKey: Readonly<Record<string, number>>): string =>
  Object.entries(byKey)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key} ${count}`)
    .join(', ') || 'none';

const within = (measure: RecoveryMeasure): string => (measure.judged === 0 ? 'n/a' : `${measure.withinTarget} of ${measure.judged}`);
/** The worst achieved, unless a run achieved nothing: that is the worst there is. */
const worst = (measure: RecoveryMeasure): string =>
  measure.notAchieved > 0 ? `not achieved (${measure.notAchieved} of ${measure.judged})` : durationText(measure.worstSeconds);

function chainVerdict(trail: ExportedTrail): SafeHtml {
  if (trail.intact) return html`intact`;
  return html`<strong>broken</strong><ul>${trail.problems.map(
    (problem) => html`<li><code>${problem.sortKey}</code> ${problem.kind}: expected <code>${problem.expected}</code>, found <code>${problem.found}</code></li>`,
  )}</ul>`;
}

function verdictBanner(summary: PeriodSummary): SafeHtml {
  const { total, broken } = summary.chains;
  return broken === 0
    ? html`<p class="verdict intact">All ${total} trails verified: every hash chain is intact.</p>`
    : html`<p class="verdict broken">${broken} of ${total} trails are BROKEN: an event was edited, inserted, reordered or deleted. They are exported as found; see "Chain verdicts".</p>`;
}

function recoverySection(summary: PeriodSummary): SafeHtml {
  if (summary.plans.length === 0) return html`<p>No drill runs in the period.</p>`;
  const rows = summary.plans.map(
    (plan) => html`<tr><td>${plan.planId}</td><td class="num">${plan.runs}</td><td class="num">${plan.passed}</td><td class="num">${plan.failed}</td>
<td class="num">${worst(plan.rto)}</td><td class="num">${durationText(plan.rto.targetSeconds)}</td><td class="num">${within(plan.rto)}</td>
<td class="num">${worst(plan.rpo)}</td><td class="num">${durationText(plan.rpo.targetSeconds)}</td><td class="num">${within(plan.rpo)}</td></tr>`,
  );
  const bar = (planId: string, measure: RecoveryMeasure) => ({ label: planId, valueSeconds: measure.worstSeconds, targetSeconds: measure.targetSeconds, notAchieved: measure.notAchieved });
  const rto = barChart('Worst achieved RTO per plan against its target', summary.plans.map((plan) => bar(plan.planId, plan.rto)));
  const rpo = barChart('Worst achieved RPO per plan against its target', summary.plans.map((plan) => bar(plan.planId, plan.rpo)));
  return html`<table><thead><tr><th>Plan</th><th>Runs</th><th>Passed</th><th>Failed</th><th>Worst RTO</th><th>RTO target</th><th>Within RTO</th><th>Worst RPO</th><th>RPO target</th><th>Within RPO</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="legend"><span style="color:#2e7d32">&#9632; within target</span><span style="color:#c62828">&#9632; over target</span><span style="color:#7f0000">&#9632; not achieved (a check failed, or the data was never validated)</span><span style="color:#607d8b">&#9632; no target</span><span>&#9482; target</span></p>
<p>RTO and RPO are achieved only by restored data that passed every check: a run whose validation failed, or that never got to it, counts as not achieved, never as within target.</p>
<h3>RTO achieved</h3>${barChartSvg(rto)}
<h3>RPO achieved</h3>${barChartSvg(rpo)}`;
}

function chainTable(input: ReportPageInput): SafeHtml {
  const incidentRows = input.incidents.map(
    ({ incident, trail }) => html`<tr><td>incident</td><td><code>${incident.incidentId}</code><br>${incident.title}</td><td>${incident.mode}, ${incident.status}</td><td>${incident.openedAt}</td><td class="num">${trail.facts.events}</td><td><code>${trail.headHash.slice(0, 16)}</code></td><td>${chainVerdict(trail)}</td></tr>`,
  );
  const runRows = input.drillRuns.map(
    ({ run, trail }) => html`<tr><td>drill run</td><td><code>${run.runId}</code><br>${run.planId}</td><td>${run.status}</td><td>${run.startedAt}</td><td class="num">${trail.facts.events}</td><td><code>${trail.headHash.slice(0, 16)}</code></td><td>${chainVerdict(trail)}</td></tr>`,
  );
  if (incidentRows.length + runRows.length === 0) return html`<p>No trails in the period.</p>`;
  return html`<table><thead><tr><th>Kind</th><th>Record</th><th>Status</th><th>Started</th><th>Events</th><th>Head hash</th><th>Chain</th></tr></thead>
<tbody>${incidentRows}${runRows}</tbody></table>`;
}

const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
const SEVERITY_SERIES = [
  { name: 'SEV1', colour: '#b71c1c' },
  { name: 'SEV2', colour: '#ef6c00' },
  { name: 'SEV3', colour: '#f9a825' },
  { name: 'SEV4', colour: '#78909c' },
];
const DRILL_SERIES = [
  { name: 'passed', colour: '#2e7d32' },
  { name: 'failed', colour: '#c62828' },
];

/** Live incidents per month by severity, and drill runs per month passed or failed: the period at a glance. */
function trendCharts(input: ReportPageInput): SafeHtml {
  const live = input.incidents.filter(({ incident }) => incident.mode !== 'exercise');
  const finished = input.drillRuns.filter(({ run }) => run.status !== 'running');
  const incidentChart =
    live.length === 0
      ? html`<p>No live incidents in the period.</p>`
      : countChartSvg('Live incidents per month, by severity', SEVERITY_SERIES, countsByMonth(live, ({ incident }) => incident.openedAt, ({ incident }) => SEVERITIES.indexOf(incident.severity), SEVERITIES.length));
  const drillChart =
    finished.length === 0
      ? html`<p>No finished drill runs in the period.</p>`
      : countChartSvg('Drill runs per month, passed and failed', DRILL_SERIES, countsByMonth(finished, ({ run }) => run.startedAt, ({ run }) => (run.status === 'passed' ? 0 : 1), 2));
  return html`<h3>Incidents per month</h3>${incidentChart}<h3>Drill runs per month</h3>${drillChart}`;
}

/** MTTA and MTTR of live incidents, month by month (by the month each opened). */
function responseTrend(input: ReportPageInput): SafeHtml {
  const months = responseTimesByMonth(input.incidents.filter(({ incident }) => incident.mode !== 'exercise').map(({ incident }) => incident));
  if (months.length === 0) return html``;
  const mtta = barChart('Mean time to acknowledge, live incidents, per month', months.map((month) => ({ label: `${month.month} (${month.incidents})`, valueSeconds: month.mttaSeconds })));
  const mttr = barChart('Mean time to resolve, live incidents, per month', months.map((month) => ({ label: `${month.month} (${month.incidents})`, valueSeconds: month.mttrSeconds })));
  return html`<h3>MTTA per month</h3>${barChartSvg(mtta)}<h3>MTTR per month</h3>${barChartSvg(mttr)}`;
}

const CLOCK_SERIES: ReadonlyArray<{ name: string; colour: string }> = [
  { name: 'on time', colour: '#2e7d32' },
  { name: 'late', colour: '#ef6c00' },
  { name: 'missed', colour: '#c62828' },
  { name: 'stopped', colour: '#90a4ae' },
  { name: 'running', colour: '#42a5f5' },
];
const CLOCK_LABELS: Readonly<Record<ClockOutcome, string>> = { 'on-time': 'on time', late: 'late', missed: 'missed', stopped: 'stopped', running: 'running' };

/** Every SLA and regulatory clock of the period's live incidents: met on time, late, or missed. */
function clocksSection(input: ReportPageInput): SafeHtml {
  const tallies = tallyClocks(input.incidents.filter(({ incident }) => incident.mode !== 'exercise').map(({ trail }) => trail.facts.clocks));
  if (tallies.length === 0) return html`<p>No clocks ran on live incidents in the period.</p>`;
  const rows = tallies.map((tally) => ({ label: `${tally.title} (${tally.kind})`, counts: CLOCK_OUTCOMES.map((outcome) => tally.counts[outcome]) }));
  const table = tallies.map(
    (tally) => html`<tr><td>${tally.title}</td><td>${tally.kind}</td>${CLOCK_OUTCOMES.map((outcome) => html`<td class="num">${tally.counts[outcome]}</td>`)}</tr>`,
  );
  return html`${countChartSvg('SLA and regulatory clocks of live incidents, by outcome', CLOCK_SERIES, rows, 300)}
<table><thead><tr><th>Clock</th><th>Kind</th>${CLOCK_OUTCOMES.map((outcome) => html`<th>${CLOCK_LABELS[outcome]}</th>`)}</tr></thead><tbody>${table}</tbody></table>
<p>Late: met after its deadline. Missed: not met (yet) and past its deadline. Stopped: the runbook ended it before it was due (e.g. nothing to notify).</p>`;
}

/** Worst RTO and RPO per plan per month against the plan's target: is recovery getting slower? */
function recoveryTrend(input: ReportPageInput): SafeHtml {
  const months = recoveryByPlanAndMonth(input.drillRuns.map(({ run }) => run));
  if (months.length === 0) return html``;
  const label = (month: (typeof months)[number]) => `${month.planId} ${month.month}`;
  const rto = barChart('Worst achieved RTO per plan and month against its target', months.map((month) => ({ label: label(month), valueSeconds: month.worstRtoSeconds, targetSeconds: month.rtoTargetSeconds, notAchieved: month.rtoNotAchieved })));
  const rpo = barChart('Worst achieved RPO per plan and month against its target', months.map((month) => ({ label: label(month), valueSeconds: month.worstRpoSeconds, targetSeconds: month.rpoTargetSeconds, notAchieved: month.rpoNotAchieved })));
  return html`<h3>RTO per plan, month by month</h3>${barChartSvg(rto)}<h3>RPO per plan, month by month</h3>${barChartSvg(rpo)}`;
}

/** Evidence per control: a control with none in the period, or with exceptions or unreviewed records, stands out. */
function controlsTable(rows: readonly ControlRow[]): SafeHtml {
  const body = rows.map((row) => {
    const evidence = row.incidents + row.drillRuns + row.irPlanTests;
    const flag = evidence === 0 ? html` <strong>no evidence in the period</strong>` : html``;
    return html`<tr><td><code>${row.id}</code></td><td>${row.title}${flag}</td><td class="num">${row.incidents}</td><td class="num">${row.drillRuns}</td><td class="num">${row.irPlanTests}</td><td class="num">${row.exceptions}</td><td class="num">${row.unreviewed}</td><td>${row.lastTestedAt ?? '-'}</td></tr>`;
  });
  return html`<table><thead><tr><th>Control</th><th>What it asks</th><th>Incidents (live)</th><th>Drill runs</th><th>IR plan tests</th><th>Exceptions</th><th>Unreviewed</th><th>Last tested</th></tr></thead>
<tbody>${body}</tbody></table>
<p>Exceptions: failed drill runs, broken trails, and sign-offs with exceptions. Unreviewed: finished records nobody has signed off (POST …/sign-off).</p>`;
}

/** Each exercise of the period: what it tested, when, the lessons of its review, and who signed it off. */
function irPlanTestsSection(tests: readonly IrPlanTest[]): SafeHtml {
  if (tests.length === 0) return html`<p>No exercises in the period: nothing here shows the IR plan was tested.</p>`;
  const rows = tests.map(
    (test) => html`<tr><td><code>${test.incidentId}</code><br>${test.title}</td><td>${test.runbookId}</td><td>${test.openedAt}</td><td>${test.resolvedAt ?? 'not yet'}</td><td>${test.lessons ?? '-'}</td>
<td>${test.signOff ? `${test.signOff.verdict} by ${test.signOff.by} at ${test.signOff.at}` : 'not signed off'}</td><td>${test.controls.join(', ')}</td></tr>`,
  );
  return html`<table><thead><tr><th>Exercise</th><th>Runbook</th><th>Opened</th><th>Resolved</th><th>Lessons</th><th>Sign-off</th><th>Controls</th></tr></thead>
<tbody>${rows}</tbody></table>
<p>An exercise runs a runbook in exercise mode: it is evidence the incident response plan was tested, never counted among the incidents above.</p>`;
}

/** The period's evidence as one self-contained page: every value escaped, charts inline. */
export function reportPage(input: ReportPageInput): string {
  const { summary, period } = input;
  const { incidents, drills } = summary;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Continuity evidence ${period.from} .. ${period.to}</title>
<style>${new SafeHtml(STYLE)}</style></head>
<body>
<h1>Continuity evidence: ${period.from} .. ${period.to}</h1>
<p>Table <code>${input.tableName}</code>, generated ${input.generatedAt}. The period includes its start and excludes its end.</p>
${verdictBanner(summary)}
<h2>Incidents</h2>
<table><tbody>
<tr><th>Live incidents opened in the period</th><td class="num">${incidents.live}</td></tr>
<tr><th>Exercises (listed under IR plan tests)</th><td class="num">${incidents.exercises}</td></tr>
<tr><th>By status</th><td>${counts(incidents.byStatus)}</td></tr>
<tr><th>By severity</th><td>${counts(incidents.bySeverity)}</td></tr>
<tr><th>MTTA (live only)</th><td>${mean(incidents.mtta)}</td></tr>
<tr><th>MTTR (live only)</th><td>${mean(incidents.mttr)}</td></tr>
</tbody></table>
<h2>IR plan tests</h2>
${irPlanTestsSection(irPlanTests(input.incidents))}
<h2>Corrective actions</h2>
${correctiveActionsSection(exportedActions(input.incidents, input.generatedAt))}
<h2>Restore drills</h2>
<table><tbody>
<tr><th>Runs started in the period</th><td class="num">${drills.total}</td></tr>
<tr><th>Passed / failed / still running</th><td>${drills.passed} / ${drills.failed} / ${drills.running}</td></tr>
</tbody></table>
<h2>Over the period</h2>
${trendCharts(input)}
${responseTrend(input)}
<h2>Clocks</h2>
${clocksSection(input)}
<h2>Recovery per plan</h2>
${recoverySection(summary)}
${recoveryTrend(input)}
<h2>Coverage of the estate</h2>
${estateCoverageSection(input.estateCoverage, input.estateCoverageProblem)}
<h2>Controls</h2>
${controlsTable(input.controls)}
<h2>Chain verdicts</h2>
${chainTable(input)}
<h2>Checking this export</h2>
<p><code>manifest.json</code> lists every file of this export with its SHA-256 and size and the head of every trail (and an Ed25519 signature, with the signer's public key and its fingerprint, when the export was signed).
<code>irdr evidence check-export &lt;dir&gt;</code> recomputes them. The JSON files hold every event as stored, so each chain can also be recomputed without this tool.</p>
</body></html>
`.text;
}


import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { durationText } from './duration-text.js';
import { html, type SafeHtml } from './html.js';
import { BASE_PAGE_STYLE } from './page-style.js';
import type { ContinuityStatement, StatementPlan } from './continuity-statement-schema.js';

/*
 * The statement as one page: rendered only from the signed JSON, which it carries (inert, type application/json), so
 * `irdr evidence check-statement` can verify the signature and re-render the page to prove the visible figures are the
 * signed ones. Every value is escaped; the CSP allows nothing but this page's own style, by hash.
 */

export const STATEMENT_SCRIPT_ID = 'irdr-continuity-statement';

const STYLE = `${BASE_PAGE_STYLE}
.met { background: #e8f5e9; color: #1b5e20; } .gaps { background: #ffebee; color: #b71c1c; } .none { background: #fff8e1; color: #6d4c00; }
td.n { text-align: right; } footer { margin-top: 2rem; font-size: 0.85rem; color: #555; word-break: break-all; }`;
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');
const CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; img-src 'none'; script-src 'none'`;

export const day = (time: string): string => time.slice(0, 10);
export const minute = (time: string): string => `${time.slice(0, 10)} ${time.slice(11, 16)} UTC`;
export const minutesText = (minutes: number | undefined): string => (minutes === undefined ? 'n/a' : durationText(minutes * 60));

/** RFC 8785 JSON (one text for one statement, whatever its key order) that cannot end its script element, whatever the strings inside hold. */
export const inertJson = (value: unknown): string =>
  (canonicalize(value) ?? 'null').replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

function cadenceCell(plan: StatementPlan): SafeHtml {
  const { cadence } = plan;
  if (!cadence.scheduled) return html`${cadence.promised}`;
  const gaps = cadence.gaps.map((gap) => html`<li>no passing drill ${minute(gap.from)} to ${minute(gap.to)} (${gap.windows} ${gap.windows === 1 ? 'window' : 'windows'})</li>`);
  return html`${cadence.promised}: ${cadence.metWindows} of ${cadence.dueWindows} due windows met${cadence.gaps.length > 0 ? html`<ul>${gaps}</ul>` : ''}`;
}

function objectiveCell(objective: StatementPlan['rto']): SafeHtml {
  if (objective.measured === 0) return html`target ${minutesText(objective.targetMinutes)}; not achieved by any passing drill`;
  return html`target ${minutesText(objective.targetMinutes)}; worst ${durationText(objective.worstSeconds)}, median ${durationText(objective.medianSeconds)} (${objective.withinTarget} of ${objective.measured} within target)`;
}

function planRow(plan: StatementPlan): SafeHtml {
  const last = plan.lastDrill ? html`${day(plan.lastDrill.date)}: ${plan.lastDrill.result}` : 'none in the period';
  return html`<tr><td>${plan.alias}</td><td>${cadenceCell(plan)}</td><td>${last}</td><td class="n">${plan.runs.passed} of ${plan.runs.total}</td><td>${objectiveCell(plan.rto)}</td><td>${objectiveCell(plan.rpo)}</td></tr>`;
}

function coverageSection(coverage: ContinuityStatement['drills']['restoreCoverage']): SafeHtml {
  if ('unavailable' in coverage) return html`<p>Restore coverage: ${coverage.unavailable}.</p>`;
  const rows = coverage.byType.map((type) => html`<tr><td>${type.type}</td><td class="n">${type.resources}</td><td class="n">${type.drilled}</td><td class="n">${type.attempted}</td><td class="n">${type.notDrilled}</td></tr>`);
  return html`<table><tr><th>resource type</th><th>resources</th><th>restored and validated</th><th>attempted, not validated</th><th>not drilled</th></tr>${rows}</table>`;
}

export function statementHtml(statement: ContinuityStatement): string {
  const { drills, incidents, evidenceExport, signature } = statement;
  const verdictClass = drills.verdict === 'met' ? 'met' : drills.verdict === 'gaps' ? 'gaps' : 'none';
  const acknowledge = incidents.sev1And2.medianSecondsToAcknowledge === undefined ? 'n/a (none acknowledged)' : durationText(incidents.sev1And2.medianSecondsToAcknowledge);
  const clocks = incidents.responseClocks.percentMet === undefined ? 'n/a (no response clock ran out or was met)' : `${incidents.responseClocks.percentMet}%`;
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<title>Continuity statement ${day(statement.period.from)} to ${day(statement.period.to)}</title>
<style>${STYLE}</style></head><body>
<h1>Business continuity statement</h1>
<p>Period ${minute(statement.period.from)} to ${minute(statement.period.to)} (${statement.period.label}); made ${minute(statement.generatedAt)}.</p>
<h2>Restore drills</h2>
<p class="verdict ${verdictClass}">${drills.summary}</p>
<table><tr><th>plan</th><th>cadence</th><th>last drill</th><th>passing drills</th><th>recovery time (RTO)</th><th>recovery point (RPO)</th></tr>${drills.plans.map(planRow)}</table>
<p>A drill counts as passing only when the restored data passed every check; a failed or unvalidated drill meets no window.</p>
<h3>Restore coverage by resource type</h3>
${coverageSection(drills.restoreCoverage)}
<h2>Incident response</h2>
<table>
<tr><td>live incidents in the period</td><td class="n">${incidents.live}</td></tr>
<tr><td>SEV1/SEV2 incidents (acknowledged)</td><td class="n">${incidents.sev1And2.total} (${incidents.sev1And2.acknowledged})</td></tr>
<tr><td>median time to acknowledge SEV1/SEV2</td><td class="n">${acknowledge}</td></tr>
<tr><td>response clocks met on time</td><td class="n">${clocks} (${incidents.responseClocks.onTime} on time, ${incidents.responseClocks.late} late, ${incidents.responseClocks.missed} missed)</td></tr>
</table>
<footer>
<p>Signed ${signature ? `Ed25519 by key ${signature.keyFingerprint}` : 'by no one (unsigned)'}. It summarises the full evidence export of the same period (${evidenceExport.format}, made ${evidenceExport.generatedAt}, ${evidenceExport.trails.total} hash-chained trails, ${evidenceExport.trails.broken} broken), whose manifest has SHA-256 ${evidenceExport.manifestSha256}: an auditor given that export can tie the two with irdr evidence check-statement.</p>
</footer>
<script type="application/json" id="${STATEMENT_SCRIPT_ID}">${JSON_PLACEHOLDER}</script>
</body></html>
`;
  // The JSON goes in last and unescaped by the template: inertJson already keeps it from ending the element.
  return page.text.replace(JSON_PLACEHOLDER, () => inertJson(statement));
}

const JSON_PLACEHOLDER = '@@statement-json@@';

/** The signed JSON a statement page carries, or undefined when it has none. */
export function statementJsonOfHtml(page: string): string | undefined {
  const match = new RegExp(`<script type="application/json" id="${STATEMENT_SCRIPT_ID}">([^<]*)</script>`).exec(page);
  return match?.[1];
}

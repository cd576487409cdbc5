import { html, SafeHtml } from '../../functions/domain/evidence/html.js';
import { BASE_PAGE_STYLE } from '../../functions/domain/evidence/page-style.js';

/*
 * The local stack's read-only review page: what an auditor or owner looks at before signing records off. It is
 * rendered from the API's own answers (GET /evidence/verify, /evidence/unreviewed, /incidents) as the dev auditor.
 */

export interface ReviewPageInput {
  readonly period: { readonly from: string; readonly to: string };
  readonly reviewer: string;
  readonly verification: {
    readonly intact: boolean;
    readonly events: number;
    readonly trails: { readonly incidents: number; readonly drillRuns: number; readonly broken: number };
    readonly problems: ReadonlyArray<{ readonly partitionKey: string; readonly sortKey: string; readonly kind: string; readonly expected: string; readonly found: string }>;
    readonly digests?: { readonly checked: number; readonly newest?: { readonly writtenAt: string }; readonly problems: readonly unknown[] };
  };
  readonly unreviewed: ReadonlyArray<{ readonly kind: string; readonly id: string; readonly title: string; readonly status: string; readonly openedAt: string; readonly severity?: string; readonly planId?: string; readonly mode?: string }>;
  readonly incidents: ReadonlyArray<{ readonly incidentId: string; readonly title: string; readonly severity: string; readonly status: string; readonly mode: string; readonly openedAt: string }>;
  /** Where the period's HTML evidence report is served. */
  readonly reportHref: string;
}

const STYLE = `${BASE_PAGE_STYLE}
th { background: #f3f3f3; } code { font-size: 0.85em; } .note { color: #555; }`;

function verificationBanner({ verification }: ReviewPageInput): SafeHtml {
  const { trails, events, digests } = verification;
  const total = trails.incidents + trails.drillRuns;
  const digestNote = digests
    ? html` Held to ${digests.checked} write-once digests${digests.newest ? html` (newest ${digests.newest.writtenAt})` : html``}.`
    : html``;
  if (verification.intact) {
    return html`<p class="verdict intact">All ${total} trails (${events} events) verified: every hash chain intact.${digestNote}</p>`;
  }
  const problems = verification.problems.map(
    (problem) => html`<li><code>${problem.partitionKey} ${problem.sortKey}</code> ${problem.kind}: expected <code>${problem.expected}</code>, found <code>${problem.found}</code></li>`,
  );
  return html`<p class="verdict broken">${trails.broken} of ${total} trails are BROKEN${digests && digests.problems.length > 0 ? html`, and ${digests.problems.length} digests disagree` : html``}.${digestNote}</p><ul>${problems}</ul>`;
}

function unreviewedTable({ unreviewed }: ReviewPageInput): SafeHtml {
  if (unreviewed.length === 0) return html`<p>Nothing awaits a sign-off: every finished record of the period (exercises too) has been reviewed.</p>`;
  const rows = unreviewed.map(
    (record) =>
      html`<tr><td>${record.mode === 'exercise' ? 'exercise (IR plan test)' : record.kind}</td><td><code>${record.id}</code></td><td>${record.title}</td><td>${record.severity ?? record.planId ?? ''}</td><td>${record.status}</td><td>${record.openedAt}</td></tr>`,
  );
  return html`<table><thead><tr><th>Kind</th><th>Id</th><th>Title</th><th>Severity / plan</th><th>Status</th><th>Opened / started</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">Sign off through the API as a commander or auditor: <code>POST /incidents/{id}/sign-off</code> or <code>POST /drill-runs/{runId}/sign-off</code> with <code>{"verdict": "accepted" | "exceptions", "comment": "…"}</code>. This page changes nothing.</p>`;
}

function incidentTable({ incidents }: ReviewPageInput): SafeHtml {
  if (incidents.length === 0) return html`<p>No incidents opened in the period.</p>`;
  const rows = incidents.map(
    (incident) => html`<tr><td><code>${incident.incidentId}</code></td><td>${incident.title}</td><td>${incident.severity}</td><td>${incident.status}</td><td>${incident.mode}</td><td>${incident.openedAt}</td></tr>`,
  );
  return html`<table><thead><tr><th>Id</th><th>Title</th><th>Severity</th><th>Status</th><th>Mode</th><th>Opened</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The page: self-contained, no script, every value escaped. */
export function reviewPage(input: ReviewPageInput): string {
  const { period } = input;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>irdr review ${period.from} .. ${period.to}</title>
<style>${new SafeHtml(STYLE)}</style></head>
<body>
<h1>Evidence review: ${period.from} .. ${period.to}</h1>
<p class="note">Read-only, served by the local stack as ${input.reviewer}. Another period: <code>?from=2026-01-01&amp;to=2026-04-01</code> (at most 366 days).</p>
${verificationBanner(input)}
<p><a href="${input.reportHref}">The evidence report for this period</a> (what <code>GET /evidence</code> answers with <code>Accept: text/html</code>).</p>
<h2>Awaiting sign-off</h2>
${unreviewedTable(input)}
<h2>Incidents opened in the period</h2>
${incidentTable(input)}
</body></html>
`.text;
}

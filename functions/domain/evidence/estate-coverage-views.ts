import { printable } from '../plain-text.js';
import { toCsv } from './csv-rows.js';
import type { EstateCoverage } from './estate-coverage.js';
import { SafeHtml, html } from './html.js';

/** How much of a name or ARN a page or terminal line shows: AWS allows names far longer than a line can carry. */
const SHOWN_CHARACTERS = 256;

/** A name from AWS as one printable line: controls shown escaped (\u001b), clipped with the length it had. */
export function shownName(text: string): string {
  const line = printable(text);
  return line.length <= SHOWN_CHARACTERS ? line : `${line.slice(0, SHOWN_CHARACTERS)}… (${text.length} characters)`;
}

export const ESTATE_COVERAGE_CSV_COLUMNS = ['type', 'name', 'arn', 'status', 'foundIn', 'lastBackupTime', 'lastDrilledAt', 'drilledBy', 'attemptedBy', 'why'] as const;

/** One row per resource, names as found (the CSV quotes line breaks and disarms formulas, as every CSV of the export). */
export const estateCoverageCsv = (coverage: EstateCoverage): string =>
  toCsv(
    ESTATE_COVERAGE_CSV_COLUMNS,
    coverage.rows.map((row) => ({
      type: row.type,
      name: row.name,
      arn: row.arn,
      status: row.status,
      foundIn: row.foundIn.join(' '),
      lastBackupTime: row.lastBackupTime,
      lastDrilledAt: row.lastDrilledAt,
      drilledBy: row.drilledBy.join(' '),
      attemptedBy: row.attemptedBy.join(' '),
      why: row.why,
    })),
  );

const STATUS_TEXT = { 'not-drilled': 'not drilled', attempted: 'attempted', drilled: 'drilled' } as const;

/** The report's coverage section: per type, then every resource not drilled, attempted, drilled. */
export function estateCoverageSection(coverage: EstateCoverage | undefined, problem?: string): SafeHtml {
  if (problem !== undefined) return html`<p class="verdict broken">Coverage of the estate could not be collected for this export: ${shownName(problem)}</p>`;
  if (!coverage) return html`<p>Coverage of the estate was not collected for this export.</p>`;
  if (coverage.rows.length === 0) return html`<p>No resource protected by AWS Backup and no DynamoDB table was found.</p>`;
  const types = coverage.byType.map(
    (type) => html`<tr><td>${type.type}</td><td class="num">${type.resources}</td><td class="num">${type.drilled}</td><td class="num">${type.attempted}</td><td class="num">${type.notDrilled}</td></tr>`,
  );
  const rows = coverage.rows.map(
    (row) => html`<tr><td>${row.type}</td><td>${shownName(row.name)}<br><code>${shownName(row.arn)}</code></td><td>${row.status === 'drilled' ? STATUS_TEXT[row.status] : html`<strong>${STATUS_TEXT[row.status]}</strong>`}</td>
<td>${row.foundIn.join(', ')}</td><td>${row.lastBackupTime ?? '-'}</td><td>${row.lastDrilledAt ?? '-'}</td><td>${[...row.drilledBy, ...row.attemptedBy].map((runId) => html`<code>${runId}</code> `)}${row.why ?? ''}</td></tr>`,
  );
  const unattributed = coverage.unattributedRuns.length === 0 ? html`` : html`<p>${coverage.unattributedRuns.length} runs named no source (they stopped before finding it) and cover nothing.</p>`;
  return html`<table><thead><tr><th>Type</th><th>Resources</th><th>Drilled</th><th>Attempted</th><th>Not drilled</th></tr></thead><tbody>${types}</tbody></table>
<p>Every resource AWS Backup protects (ListProtectedResources) and every DynamoDB table, merged by ARN. Drilled: a run in the period passed with every check passed. Attempted: runs in the period, none of which did (failed, stopped or never validated).</p>
<table><thead><tr><th>Type</th><th>Resource</th><th>Status</th><th>Found in</th><th>Last backup</th><th>Last drilled</th><th>Runs</th></tr></thead><tbody>${rows}</tbody></table>
${unattributed}`;
}

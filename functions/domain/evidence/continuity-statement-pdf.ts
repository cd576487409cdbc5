import canonicalize from 'canonicalize';
import { renderTextPdf, type PdfLine } from '../pdf/text-pdf.js';
import { durationText } from './duration-text.js';
import { day, minute, minutesText } from './continuity-statement-html.js';
import type { ContinuityStatement, StatementPlan } from './continuity-statement-schema.js';

/*
 * The statement as a one-page PDF, drawn only from the signed JSON (like the HTML page) and deterministically (dated
 * by the statement, uncompressed), so `irdr evidence check-statement --pdf` re-draws it from the verified JSON and
 * holds the file to those bytes: a PDF whose figures were edited is not the signed statement's.
 */

const objectiveText = (name: string, objective: StatementPlan['rto']): string =>
  objective.measured === 0
    ? `${name}: target ${minutesText(objective.targetMinutes)}; not achieved by any passing drill`
    : `${name}: target ${minutesText(objective.targetMinutes)}; worst ${durationText(objective.worstSeconds)}, median ${durationText(objective.medianSeconds)} (${objective.withinTarget} of ${objective.measured} within target)`;

function planLines(plan: StatementPlan): PdfLine[] {
  const { cadence } = plan;
  const kept = cadence.scheduled ? `${cadence.promised}: ${cadence.metWindows} of ${cadence.dueWindows} due windows met` : cadence.promised;
  const last = plan.lastDrill ? `${day(plan.lastDrill.date)}: ${plan.lastDrill.result}` : 'none in the period';
  return [
    `${plan.alias}. Cadence ${kept}. Last drill ${last}; ${plan.runs.passed} of ${plan.runs.total} drills passed.`,
    ...cadence.gaps.map((gap) => `    gap: no passing drill ${minute(gap.from)} to ${minute(gap.to)} (${gap.windows} ${gap.windows === 1 ? 'window' : 'windows'})`),
    `    ${objectiveText('Recovery time (RTO)', plan.rto)}. ${objectiveText('Recovery point (RPO)', plan.rpo)}.`,
  ];
}

export function statementPdfLines(statement: ContinuityStatement): PdfLine[] {
  const { drills, incidents, evidenceExport, signature } = statement;
  const coverage = drills.restoreCoverage;
  const acknowledge = incidents.sev1And2.medianSecondsToAcknowledge === undefined ? 'n/a (none acknowledged)' : durationText(incidents.sev1And2.medianSecondsToAcknowledge);
  const clocks = incidents.responseClocks.percentMet === undefined ? 'n/a (no response clock ran out or was met)' : `${incidents.responseClocks.percentMet}%`;
  return [
    { heading: 'Business continuity statement' },
    `Period ${minute(statement.period.from)} to ${minute(statement.period.to)} (${statement.period.label}); made ${minute(statement.generatedAt)}.`,
    '',
    { heading: 'Restore drills' },
    drills.summary,
    ...drills.plans.flatMap(planLines),
    'A drill counts as passing only when the restored data passed every check; a failed or unvalidated drill meets no window.',
    '',
    { heading: 'Restore coverage by resource type' },
    ...('unavailable' in coverage
      ? [`Restore coverage: ${coverage.unavailable}.`]
      : coverage.byType.map((type) => `${type.type}: ${type.resources} resources; ${type.drilled} restored and validated, ${type.attempted} attempted but not validated, ${type.notDrilled} not drilled.`)),
    '',
    { heading: 'Incident response' },
    `Live incidents in the period: ${incidents.live}. SEV1/SEV2: ${incidents.sev1And2.total} (${incidents.sev1And2.acknowledged} acknowledged).`,
    `Median time to acknowledge SEV1/SEV2: ${acknowledge}.`,
    `Response clocks met on time: ${clocks} (${incidents.responseClocks.onTime} on time, ${incidents.responseClocks.late} late, ${incidents.responseClocks.missed} missed).`,
    '',
    `Signed ${signature ? `Ed25519 by key ${signature.keyFingerprint}` : 'by no one (unsigned)'}; this page is drawn from the signed continuity-statement.json beside it (irdr evidence check-statement --pdf checks it is).`,
    `It summarises the full evidence export of the same period (${evidenceExport.format}, made ${evidenceExport.generatedAt}, ${evidenceExport.trails.total} hash-chained trails, ${evidenceExport.trails.broken} broken), whose manifest has SHA-256 ${evidenceExport.manifestSha256}.`,
  ];
}

/** The name of the signed statement the PDF carries inside it: a PDF from GET /evidence/statement is checked by it alone. */
export const STATEMENT_PDF_ATTACHMENT = 'continuity-statement.json';

/** The one page, carrying the signed statement it was drawn from (RFC 8785 canonical JSON: the same bytes however the JSON was read). */
export function statementPdf(statement: ContinuityStatement): Promise<Uint8Array> {
  const signedJson = canonicalize(statement);
  if (signedJson === undefined) throw new TypeError('statement cannot be canonicalized');
  return renderTextPdf(statementPdfLines(statement), {
    title: `Continuity statement ${day(statement.period.from)} to ${day(statement.period.to)}`,
    createdAt: new Date(statement.generatedAt),
    fontSize: 8,
    attachments: [{ name: STATEMENT_PDF_ATTACHMENT, mediaType: 'application/json', description: 'The signed continuity statement this page is drawn from', bytes: new TextEncoder().encode(signedJson) }],
  });
}

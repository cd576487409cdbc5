import { createHash } from 'node:crypto';
import { objectiveLine } from '../drill/report-email.js';
import { rpoOutcome, rtoOutcome } from '../drill/objectives.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import type { Incident } from '../incident.js';
import type { SignOff } from '../evidence/sign-off.js';
import { renderTextPdf } from '../pdf/text-pdf.js';

/** A record signed off, as pushed: the sign-off event's hash covers its whole trail (hash chain), so it is the evidence hash. */
export interface SignedOffRecord {
  readonly kind: 'drill-run' | 'incident';
  readonly id: string;
  readonly title: string;
  readonly signOff: SignOff;
  readonly signOffEvent: { readonly seq: number; readonly hash: string };
  /** What the record says, a line each (drillRunFacts, incidentFacts). */
  readonly facts: readonly string[];
}

export interface EvidenceDocument {
  readonly fileName: string;
  readonly contentType: 'application/pdf' | 'application/zip';
  readonly bytes: Uint8Array;
  /** SHA-256 of the bytes: what the platform holds can be checked against it. */
  readonly sha256: string;
  /** One line for the platform's description field, naming the trail hash an auditor verifies with `irdr evidence verify`. */
  readonly description: string;
}

export function drillRunFacts(run: DrillRunRecord): string[] {
  return [
    `Drill plan: ${run.planId}${run.planTitle ? ` (${run.planTitle})` : ''}`,
    `Verdict: ${run.status}`,
    `Started ${run.startedAt}, ended ${run.endedAt ?? 'not yet'}`,
    `${objectiveLine('RTO', rtoOutcome(run))} (target ${run.targets ? `${run.targets.rtoMinutes} min` : 'unknown'})`,
    `${objectiveLine('RPO', rpoOutcome(run))} (target ${run.targets ? `${run.targets.rpoMinutes} min` : 'unknown'})`,
    ...(run.checks ?? []).map((check) => `Check [${check.passed ? 'PASS' : 'FAIL'}] ${check.id} (${check.type})`),
    ...(run.reasons ?? []).map((reason) => `Why it failed: ${reason}`),
    ...(run.controls && run.controls.length > 0 ? [`Controls: ${run.controls.join(', ')}`] : []),
  ];
}

export function incidentFacts(incident: Incident): string[] {
  return [
    `Severity: ${incident.severity}; status: ${incident.status}; runbook: ${incident.runbookId}${incident.mode === 'exercise' ? ' (exercise: an IR plan test)' : ''}`,
    `Opened ${incident.openedAt}${incident.acknowledgedAt ? `, acknowledged ${incident.acknowledgedAt}` : ''}${incident.resolvedAt ? `, resolved ${incident.resolvedAt}` : ''}`,
    ...(incident.mttaSeconds !== undefined ? [`Time to acknowledge: ${incident.mttaSeconds} s`] : []),
    ...(incident.mttrSeconds !== undefined ? [`Time to resolve: ${incident.mttrSeconds} s`] : []),
  ];
}

/** The signed report of one record as a PDF: what it says, who signed it off, and the trail hash that pins it. */
export async function evidenceDocument(record: SignedOffRecord): Promise<EvidenceDocument> {
  const heading = `irdr continuity evidence: ${record.kind === 'drill-run' ? 'restore drill run' : 'incident'} ${record.id}`;
  const lines = [
    { heading },
    record.title,
    '',
    ...record.facts,
    '',
    `Signed off: ${record.signOff.verdict} by ${record.signOff.by} (${record.signOff.roles.join(', ')}) at ${record.signOff.at}`,
    ...(record.signOff.comment ? [`Comment: ${record.signOff.comment}`] : []),
    `Trail event ${record.signOffEvent.seq} (the sign-off), SHA-256 chain hash:`,
    record.signOffEvent.hash,
    'Verify: irdr evidence verify re-computes the hash chain of this record; the hash above must be the one it finds.',
  ];
  // Dated by the sign-off, not the clock: the same record renders the same bytes.
  const bytes = await renderTextPdf(lines, { title: heading, createdAt: new Date(record.signOff.at) });
  return {
    fileName: `irdr-${record.kind}-${record.id}-${record.signOffEvent.hash.slice(0, 12)}.pdf`,
    contentType: 'application/pdf',
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    description: `irdr ${record.kind} ${record.id} signed off ${record.signOff.verdict} at ${record.signOff.at}; trail hash ${record.signOffEvent.hash}`,
  };
}

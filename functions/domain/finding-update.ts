import { subjectFor, textToHtml, htmlDocument, type RenderedEmail } from './email-content.js';
import type { ClosedFindingStatus } from './finding-decision.js';
import type { Incident, Severity } from './incident.js';

/** What a later delivery of a finding that already opened an incident changes: its severity, its closing. Pure. */

const SEVERITY_ORDER: readonly Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

/** Whether `candidate` is more severe than `current` (SEV1 is the most severe). */
export const isMoreSevere = (candidate: Severity, current: Severity): boolean => SEVERITY_ORDER.indexOf(candidate) < SEVERITY_ORDER.indexOf(current);

/** The severities less severe than `severity`: the ones an automatic raise to it may replace (never the other way). */
export const severitiesBelow = (severity: Severity): Severity[] => SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(severity) + 1);

/**
 * Who is told when a finding raises its incident's severity: the responders and commanders always, and security
 * leadership (approver) from SEV2 up, as the runbooks' severity gates tell them of a SEV1/SEV2 at the start.
 */
export const rolesToTellOfSeverity = (severity: Severity): string[] =>
  isMoreSevere(severity, 'SEV3') ? ['responder', 'commander', 'approver'] : ['responder', 'commander'];

/** Trail event types that record one delivery of a finding (by its EventBridge event id) on its incident. */
export const FINDING_DELIVERY_EVENT_TYPES: readonly string[] = ['finding.repeated', 'finding.closed', 'incident.severity-raised', 'runbook.start-retried'];

type IncidentHeading = Pick<Incident, 'incidentId' | 'title' | 'severity' | 'mode'>;

const email = (subject: string, text: string, mode: unknown): RenderedEmail => {
  const fullSubject = subjectFor(subject, mode);
  return { subject: fullSubject, text, html: htmlDocument(fullSubject, textToHtml(text)) };
};

/** The note to the commanders that a finding behind their incident was closed where it came from. */
export function findingClosedEmail(
  incident: IncidentHeading,
  closed: { readonly findingId: string; readonly status: ClosedFindingStatus; readonly updatedAt: string },
): RenderedEmail {
  const word = closed.status === 'SUPPRESSED' ? 'suppressed' : 'resolved';
  return email(
    `[${incident.severity}] Finding ${word} in Security Hub: ${incident.title}`,
    [
      `The finding behind incident ${incident.incidentId} (${incident.title}) was marked ${closed.status} in Security Hub (updated ${closed.updatedAt}).`,
      `Finding: ${closed.findingId}`,
      'Nothing was changed on the incident: it stays as it is until someone resolves it.',
      `If nothing more is to be done: irdr incidents resolve ${incident.incidentId} --summary "…" (POST /incidents/${incident.incidentId}/resolve).`,
    ].join('\n\n'),
    incident.mode,
  );
}

/** Why a severity was raised: its finding arrived more severe, or a person reclassified the incident. */
export type SeverityRaiseCause =
  | { readonly findingId: string; readonly findingSeverity?: string | undefined }
  | { readonly by: string; readonly reason?: string | undefined };

/** The page that an incident's severity was raised, and what the new severity started. */
export function severityRaisedEmail(
  incident: IncidentHeading,
  raise: { readonly from: Severity; readonly to: Severity; readonly started?: readonly string[] } & SeverityRaiseCause,
): RenderedEmail {
  const why =
    'findingId' in raise
      ? `its finding arrived more severe${raise.findingSeverity === undefined ? '' : ` (its source now reports ${raise.findingSeverity})`}`
      : `reclassified by ${raise.by}${raise.reason === undefined ? '' : ` ("${raise.reason}")`}`;
  return email(
    `[${raise.to}] Severity raised from ${raise.from}: ${incident.title}`,
    [
      `Incident ${incident.incidentId} (${incident.title}) is now ${raise.to}, raised from ${raise.from}: ${why}.`,
      ...('findingId' in raise ? [`Finding: ${raise.findingId}`] : []),
      ...(raise.started !== undefined && raise.started.length > 0 ? [`Started by the new severity:\n${raise.started.map((line) => `- ${line}`).join('\n')}`] : []),
      'A severity is never lowered automatically; a person may change it.',
      `The incident: irdr incidents show ${incident.incidentId} (GET /incidents/${incident.incidentId}).`,
    ].join('\n\n'),
    incident.mode,
  );
}

import { appendEvent, listEvents } from './event-trail.js';
import { raiseIncidentSeverity } from './incident-store.js';
import { roleAddresses, sendAndRecordEmail } from './notifier.js';
import { startWhatTheSeverityStarts } from './severity-raise.js';
import type { ClosedFindingStatus, MappedFinding } from '../domain/finding-decision.js';
import {
  FINDING_DELIVERY_EVENT_TYPES,
  findingClosedEmail,
  isMoreSevere,
  severitiesBelow,
} from '../domain/finding-update.js';
import type { Incident } from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';

/**
 * Whether the incident's trail already records this delivery (the same finding in the same EventBridge event):
 * EventBridge delivers at least once, and a redelivered event must append nothing. Read from the trail itself,
 * so a delivery that recorded its event and then failed is not recorded twice when retried.
 */
export async function deliveryRecorded(tableName: string, incidentId: string, findingId: string, eventId: string): Promise<boolean> {
  return (await listEvents(tableName, incidentPk(incidentId))).some(
    (event) => FINDING_DELIVERY_EVENT_TYPES.includes(event.type) && event.detail?.['findingId'] === findingId && event.detail?.['eventId'] === eventId,
  );
}

/**
 * A finding that opened this incident was closed (suppressed, resolved) where it came from: recorded on the
 * incident's trail and the commanders told. The incident itself is left as it is: people resolve incidents.
 */
export async function noteFindingClosed(
  tableName: string,
  incident: Incident,
  closed: { readonly findingId: string; readonly status: ClosedFindingStatus; readonly reason: string; readonly updatedAt: string },
  actor: string,
  eventId: string,
): Promise<void> {
  await appendEvent(tableName, incidentPk(incident.incidentId), {
    type: 'finding.closed',
    at: new Date().toISOString(),
    actor,
    detail: { findingId: closed.findingId, eventId, workflowStatus: closed.status, findingUpdatedAt: closed.updatedAt, incidentStatus: incident.status, reason: closed.reason },
  });
  await sendAndRecordEmail(
    { tableName, incidentId: incident.incidentId, actor, detail: { purpose: 'finding-closed', findingId: closed.findingId } },
    roleAddresses(['commander']),
    findingClosedEmail(incident, closed),
  );
}

/**
 * The finding arrived more severe than its incident: the incident's severity is raised (never lowered), the raise
 * recorded, and what the new severity starts is started (functions/aws/severity-raise.ts). Returns the raised incident, or undefined when the
 * finding is no more severe (or a concurrent raise went as far already).
 */
export async function raiseSeverityFromFinding(
  tableName: string,
  incident: Incident,
  finding: MappedFinding,
  actor: string,
  eventId: string,
): Promise<Incident | undefined> {
  const to = finding.request.severity;
  if (!isMoreSevere(to, incident.severity)) return undefined;
  const at = new Date().toISOString();
  const raised = await raiseIncidentSeverity(tableName, incident.incidentId, { to, below: severitiesBelow(to), updatedAt: at });
  if (!raised) return undefined;
  const findingSeverity = finding.request.labels?.['findingSeverity'];
  await appendEvent(tableName, incidentPk(incident.incidentId), {
    type: 'incident.severity-raised',
    at,
    actor,
    detail: {
      from: incident.severity,
      to,
      findingId: finding.findingId,
      eventId,
      findingUpdatedAt: finding.updatedAt,
      ...(findingSeverity !== undefined && { findingSeverity }),
      reason: 'the finding arrived more severe; a severity is never lowered automatically',
    },
  });
  await startWhatTheSeverityStarts({ tableName, incident: raised, from: incident.severity, to, at, actor, cause: { findingId: finding.findingId, findingSeverity } });
  return raised;
}

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { irdrConfig } from '../config.js';
import { requireEnvironment } from '../aws/environment.js';
import { appendEvent } from '../aws/event-trail.js';
import { claimFinding, findClaim, markFindingRunStarted, recordClosedFinding, recordSampleFinding } from '../aws/finding-claims.js';
import { deliveryRecorded, noteFindingClosed, raiseSeverityFromFinding } from '../aws/finding-updates.js';
import { openIncident, startIncidentRunbook } from '../aws/incident-opening.js';
import { getIncident, IncidentAlreadyExistsError } from '../aws/incident-store.js';
import { logger } from '../aws/powertools.js';
import { decideFindings, SecurityFindingEvent, type FindingDecision, type MappedFinding } from '../domain/finding-mapping.js';
import { RunbookCatalog, type Severity } from '../domain/incident.js';
import { incidentPk } from '../domain/keys.js';
import { parsePayload } from '../domain/schema-issues.js';

const tableName = requireEnvironment('TABLE_NAME');
const deduplicationTableName = requireEnvironment('DEDUPLICATION_TABLE_NAME');
const runbooks = RunbookCatalog.parse(JSON.parse(requireEnvironment('RUNBOOK_CATALOG')));

export type FindingOutcome =
  | { readonly findingId: string; readonly outcome: 'opened'; readonly incidentId: string; readonly executionArn: string }
  | { readonly findingId: string; readonly outcome: 'repeated'; readonly incidentId: string }
  | { readonly findingId: string; readonly outcome: 'severity-raised'; readonly incidentId: string; readonly severity: Severity }
  /** The same EventBridge event delivered again: nothing appended. */
  | { readonly findingId: string; readonly outcome: 'redelivered'; readonly incidentId: string }
  | { readonly findingId: string; readonly outcome: 'closed-noted'; readonly incidentId: string }
  | { readonly findingId: string; readonly outcome: 'closed-dropped'; readonly reason: string }
  | { readonly findingId: string; readonly outcome: 'started'; readonly incidentId: string; readonly executionArn: string }
  | { readonly findingId: string; readonly outcome: 'ignored'; readonly reason: string }
  | { readonly findingId: string; readonly outcome: 'sample-dropped'; readonly reason: string };

/**
 * EventBridge target of the security-findings rule: each GuardDuty or Security Hub finding at or above
 * the configured severity opens an incident on its mapped runbook, exactly as POST /incidents would,
 * once per finding; a finding seen again (updated) adds `finding.repeated` to its incident, and raises its
 * severity when it arrives more severe (never lowers it); the same EventBridge event delivered again appends nothing.
 * A finding closed in Security Hub (suppressed, resolved) opens nothing: noted on the incident it opened, if any.
 * A sample finding is recorded on its `FINDING#` key and dropped; one from a product that is neither AWS's
 * nor allow-listed opens only a SEV4 triage item (see functions/domain/finding-trust.ts).
 * A malformed event throws, its reason in one line naming each field: EventBridge retries it, then leaves it in the
 * rule's dead-letter queue.
 */
export const handler = async (payload: unknown, context: Context): Promise<{ findings: FindingOutcome[] }> => {
  logger.addContext(context);
  const event = parsePayload(SecurityFindingEvent, payload, 'a GuardDuty or Security Hub finding event');
  // The rule is the caller: there is no IAM principal behind a finding.
  const actor = `events:${event.source}`;
  const findings: FindingOutcome[] = [];
  for (const decision of decideFindings(event, irdrConfig.findings)) {
    if (decision.outcome === 'ignored') {
      findings.push({ findingId: decision.findingId, outcome: 'ignored', reason: decision.reason });
      continue;
    }
    if (decision.outcome === 'sample') {
      const { findingId, dedupKey, reason } = decision;
      await recordSampleFinding(deduplicationTableName, { dedupKey, findingId, reason, droppedAt: new Date().toISOString(), source: actor, eventId: event.id });
      logger.warn('sample finding recorded and dropped: no incident', { eventId: event.id, findingId, dedupKey, reason });
      findings.push({ findingId, outcome: 'sample-dropped', reason });
      continue;
    }
    if (decision.outcome === 'closed') {
      findings.push(await noteClosed(decision, actor, event.id));
      continue;
    }
    findings.push(await openOnce(decision.finding, actor, event.id));
  }
  logger.info('findings handled', { eventId: event.id, source: event.source, findings });
  return { findings };
};

async function openOnce(finding: MappedFinding, actor: string, eventId: string): Promise<FindingOutcome> {
  const claim = await claimFinding(
    deduplicationTableName,
    { dedupKey: finding.dedupKey, findingId: finding.findingId, incidentId: randomUUID(), claimedAt: new Date().toISOString(), source: actor, eventId },
    // Claims made before they moved to the deduplication table are still in the evidence table: adopted, never claimed twice.
    tableName,
  );
  // A claim whose incident is missing is a delivery that failed half-way: this one opens it, under the claimed id.
  const incident = claim.outcome === 'claimed' ? undefined : await getIncident(tableName, claim.incidentId);
  if (claim.outcome === 'claimed' || !incident) {
    try {
      const opened = await openIncident({ tableName, runbooks, request: finding.request, actor, incidentId: claim.incidentId, ...(finding.details && { finding: finding.details }) });
      await markFindingRunStarted(deduplicationTableName, finding.dedupKey, opened.executionArn);
      return { findingId: finding.findingId, outcome: 'opened', incidentId: opened.incidentId, executionArn: opened.executionArn };
    } catch (error) {
      // A concurrent delivery opened it first: this one is a repeat.
      if (!(error instanceof IncidentAlreadyExistsError)) throw error;
    }
  } else if (!claim.runStarted) {
    // Opened, but its runbook did not start (StartExecution failed): this delivery starts it; same name, so never twice.
    const started = await startIncidentRunbook({ tableName, runbooks, incident, actor });
    await markFindingRunStarted(deduplicationTableName, finding.dedupKey, started.executionArn);
    await appendEvent(tableName, incidentPk(claim.incidentId), {
      type: 'runbook.start-retried',
      at: new Date().toISOString(),
      actor,
      detail: { findingId: finding.findingId, eventId, executionArn: started.executionArn },
    });
    logger.info('runbook started on a repeated delivery', { incidentId: claim.incidentId, findingId: finding.findingId });
    return { findingId: finding.findingId, outcome: 'started', incidentId: claim.incidentId, executionArn: started.executionArn };
  }
  const redelivered = (claim.outcome === 'already-claimed' && claim.eventId === eventId) || (await deliveryRecorded(tableName, claim.incidentId, finding.findingId, eventId));
  if (redelivered) return { findingId: finding.findingId, outcome: 'redelivered', incidentId: claim.incidentId };
  await appendEvent(tableName, incidentPk(claim.incidentId), {
    type: 'finding.repeated',
    at: new Date().toISOString(),
    actor,
    detail: {
      findingId: finding.findingId,
      eventId,
      findingUpdatedAt: finding.updatedAt,
      severity: finding.request.severity,
      ...(finding.request.labels?.findingSeverity && { findingSeverity: finding.request.labels.findingSeverity }),
      ...(finding.request.labels?.findingCount && { findingCount: finding.request.labels.findingCount }),
    },
  });
  const current = incident ?? (await getIncident(tableName, claim.incidentId));
  const raised = current && (await raiseSeverityFromFinding(tableName, current, finding, actor, eventId));
  if (raised) return { findingId: finding.findingId, outcome: 'severity-raised', incidentId: claim.incidentId, severity: raised.severity };
  return { findingId: finding.findingId, outcome: 'repeated', incidentId: claim.incidentId };
}

/**
 * A finding closed where it came from opens nothing. If it opened an incident before, the closing is noted on
 * that incident (once per delivery) and its commanders told; if not, it is recorded under its key as dropped.
 */
async function noteClosed(closed: Extract<FindingDecision, { outcome: 'closed' }>, actor: string, eventId: string): Promise<FindingOutcome> {
  const claim = await findClaim(deduplicationTableName, closed.dedupKey, tableName);
  const incident = claim && (await getIncident(tableName, claim.incidentId));
  if (!incident) {
    await recordClosedFinding(deduplicationTableName, { ...closed, droppedAt: new Date().toISOString(), source: actor, eventId });
    logger.info('closed finding recorded and dropped: no incident', { eventId, findingId: closed.findingId, status: closed.status });
    return { findingId: closed.findingId, outcome: 'closed-dropped', reason: closed.reason };
  }
  if (await deliveryRecorded(tableName, incident.incidentId, closed.findingId, eventId)) {
    return { findingId: closed.findingId, outcome: 'redelivered', incidentId: incident.incidentId };
  }
  await noteFindingClosed(tableName, incident, closed, actor, eventId);
  return { findingId: closed.findingId, outcome: 'closed-noted', incidentId: incident.incidentId };
}

import { nextLink, type ChainLink } from '../../../functions/domain/hash-chain.js';
import { eventSk } from '../../../functions/domain/keys.js';
import type { StoredTrailEvent } from '../../../functions/domain/chain-verify.js';
import type { DrillRunRecord } from '../../../functions/domain/drill/run-record.js';
import type { Incident } from '../../../functions/domain/incident.js';
import { exportDrillRun, exportIncident, type ExportedDrillRun, type ExportedIncident } from '../../../functions/domain/evidence/exported-trail.js';

/** A well-formed chain of `count` events, as the table stores them. */
export function storedChain(count: number): StoredTrailEvent[] {
  return storedChainOf(Array.from({ length: count }, (_, index) => ({ type: `step.${index}`, at: `2026-03-01T10:0${index}:00.000Z`, actor: 'arn:aws:iam::000000000000:user/alice' })));
}

/** These event bodies as a stored, intact chain. */
export function storedChainOf(bodies: readonly Record<string, unknown>[]): StoredTrailEvent[] {
  const events: StoredTrailEvent[] = [];
  let previous: ChainLink | undefined;
  for (const body of bodies) {
    previous = nextLink(body, previous);
    events.push({ sortKey: eventSk(previous.seq), event: { ...body, ...previous } });
  }
  return events;
}

export function exportedIncident(changes: Partial<Incident> = {}, events = storedChain(3)): ExportedIncident {
  const incident: Incident = {
    incidentId: 'inc-1',
    runbookId: 'triage-notify',
    runbookVersion: 1,
    runbookHash: 'a'.repeat(64),
    title: 'Leaked key',
    severity: 'SEV2',
    summary: 'an access key on a public repository',
    mode: 'live',
    openedAt: '2026-03-01T10:00:00.000Z',
    openedBy: 'arn:aws:iam::000000000000:user/alice',
    status: 'resolved',
    runbookStatus: 'completed',
    updatedAt: '2026-03-01T11:00:00.000Z',
    acknowledgedAt: '2026-03-01T10:05:00.000Z',
    resolvedAt: '2026-03-01T11:00:00.000Z',
    mttaSeconds: 300,
    mttrSeconds: 3600,
    ...changes,
  };
  return exportIncident(incident, `INC#${incident.incidentId}`, events);
}

export function exportedDrillRun(changes: Partial<DrillRunRecord> = {}, events = storedChain(2)): ExportedDrillRun {
  const run: DrillRunRecord = {
    runId: 'run-1',
    planId: 'orders-pitr',
    trigger: 'schedule',
    executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:drill:run-1',
    status: 'passed',
    startedAt: '2026-03-02T02:00:00.000Z',
    endedAt: '2026-03-02T02:20:00.000Z',
    targets: { rtoMinutes: 60, rpoMinutes: 15 },
    checks: [{ id: 'item-count', type: 'item-count', passed: true, expected: '30 items', actual: '30 items' }],
    rtoSeconds: 900,
    rpo: { seconds: 120, method: 'canary' },
    cleanup: { status: 'DELETED', tableName: 'irdr-drill-orders-pitr-run-1', deletedExtras: [] },
    updatedAt: '2026-03-02T02:20:00.000Z',
    ...changes,
  };
  return exportDrillRun(run, `DRILLRUN#${run.runId}`, events);
}

import { drillRunPk, incidentPk } from '../domain/keys.js';
import type { ExportProgressListener } from '../domain/evidence/export-progress.js';
import { exportTrail, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident } from '../domain/evidence/exported-trail.js';
import type { Incident } from '../domain/incident.js';
import { getRun, listRunIdsStartedIn } from './drill/drill-run-store.js';
import { listStoredEvents } from './event-trail.js';
import { listIncidents } from './incident-store.js';

const INCIDENT_PAGE_SIZE = 100;

/**
 * Every incident opened in the period with its whole trail and verdict: the month index (never a Scan), then each
 * partition. The index is read whole first so progress can say how many trails are left.
 */
export async function collectIncidentEvidence(tableName: string, period: EvidencePeriod, onProgress?: ExportProgressListener): Promise<ExportedIncident[]> {
  const incidents: Incident[] = [];
  let position: Parameters<typeof listIncidents>[2];
  do {
    const page = await listIncidents(tableName, { from: period.from, to: period.to }, position, INCIDENT_PAGE_SIZE);
    incidents.push(...page.incidents);
    position = page.next;
  } while (position);
  const exported: ExportedIncident[] = [];
  let events = 0;
  for (const incident of incidents) {
    const partitionKey = incidentPk(incident.incidentId);
    const trail = exportTrail(partitionKey, await listStoredEvents(tableName, partitionKey));
    exported.push({ incident, trail });
    events += trail.events.length;
    onProgress?.({ phase: 'incidents', collected: exported.length, total: incidents.length, events });
  }
  return exported;
}

/** Every drill run started in the period with its record, whole trail and verdict. */
export async function collectDrillRunEvidence(tableName: string, period: EvidencePeriod, onProgress?: ExportProgressListener): Promise<ExportedDrillRun[]> {
  const exported: ExportedDrillRun[] = [];
  const runIds = await listRunIdsStartedIn(tableName, period);
  let events = 0;
  for (const runId of runIds) {
    const run = await getRun(tableName, runId);
    // The index lists runs by their record: one missing here was deleted between the two reads.
    if (!run) throw new Error(`drill run ${runId} is in the month index but its record (${drillRunPk(runId)} META) is gone`);
    const partitionKey = drillRunPk(runId);
    const trail = exportTrail(partitionKey, await listStoredEvents(tableName, partitionKey));
    exported.push({ run, trail });
    events += trail.events.length;
    onProgress?.({ phase: 'drill runs', collected: exported.length, total: runIds.length, events });
  }
  return exported;
}

import { drillRunPk, incidentPk } from '../domain/keys.js';
import { exportTrail, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident } from '../domain/evidence/exported-trail.js';
import { getRun, listRunIdsStartedIn } from './drill/drill-run-store.js';
import { listStoredEvents } from './event-trail.js';
import { listIncidents } from './incident-store.js';

const INCIDENT_PAGE_SIZE = 100;

/** Every incident opened in the period with its whole trail and verdict: the month index (never a Scan), then each partition. */
export async function collectIncidentEvidence(tableName: string, period: EvidencePeriod): Promise<ExportedIncident[]> {
  const exported: ExportedIncident[] = [];
  let position: Parameters<typeof listIncidents>[2];
  do {
    const page = await listIncidents(tableName, { from: period.from, to: period.to }, position, INCIDENT_PAGE_SIZE);
    for (const incident of page.incidents) {
      const partitionKey = incidentPk(incident.incidentId);
      exported.push({ incident, trail: exportTrail(partitionKey, await listStoredEvents(tableName, partitionKey)) });
    }
    position = page.next;
  } while (position);
  return exported;
}

/** Every drill run started in the period with its record, whole trail and verdict. */
export async function collectDrillRunEvidence(tableName: string, period: EvidencePeriod): Promise<ExportedDrillRun[]> {
  const exported: ExportedDrillRun[] = [];
  for (const runId of await listRunIdsStartedIn(tableName, period)) {
    const run = await getRun(tableName, runId);
    // The index lists runs by their record: one missing here was deleted between the two reads.
    if (!run) throw new Error(`drill run ${runId} is in the month index but its record (${drillRunPk(runId)} META) is gone`);
    const partitionKey = drillRunPk(runId);
    exported.push({ run, trail: exportTrail(partitionKey, await listStoredEvents(tableName, partitionKey)) });
  }
  return exported;
}

import { drillRunPk, incidentPk } from '../domain/keys.js';
import type { ExportProgressListener } from '../domain/evidence/export-progress.js';
import { exportDrillRun, exportIncident, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident } from '../domain/evidence/exported-trail.js';
import { getRun, listRunIdsStartedIn } from './drill/drill-run-store.js';
import { readPeriodTrails, TRAIL_READ_CONCURRENCY } from './indexed-trail-reader.js';
import { listIncidentsOpenedIn } from './incident-store.js';

/**
 * Every incident opened in the period with its trail's verdict, facts and listing item (its events rendered, not
 * kept): the month index (never a Scan), then the trails from GSI1's events partitions (a Query of its own for any not
 * found whole there). The index is read whole first so progress can say how many trails are left.
 */
export async function collectIncidentEvidence(tableName: string, period: EvidencePeriod, onProgress?: ExportProgressListener): Promise<ExportedIncident[]> {
  const incidents = await listIncidentsOpenedIn(tableName, period);
  let events = 0;
  const partitionKeys = incidents.map((incident) => incidentPk(incident.incidentId));
  return readPeriodTrails(
    tableName,
    'INCIDENT',
    period,
    partitionKeys,
    TRAIL_READ_CONCURRENCY,
    (partitionKey, stored, index): ExportedIncident => {
      events += stored.length;
      return exportIncident(incidents[index]!, partitionKey, stored);
    },
    (collected) => onProgress?.({ phase: 'incidents', collected, total: incidents.length, events }),
  );
}

/** Every drill run started in the period with its record, whole trail and verdict. */
export async function collectDrillRunEvidence(tableName: string, period: EvidencePeriod, onProgress?: ExportProgressListener): Promise<ExportedDrillRun[]> {
  const runIds = await listRunIdsStartedIn(tableName, period);
  let events = 0;
  return readPeriodTrails(
    tableName,
    'DRILLRUN',
    period,
    runIds.map((runId) => drillRunPk(runId)),
    TRAIL_READ_CONCURRENCY,
    async (partitionKey, stored, index): Promise<ExportedDrillRun> => {
      const runId = runIds[index]!;
      const run = await getRun(tableName, runId);
      // The index lists runs by their record: one missing here was deleted between the two reads.
      if (!run) throw new Error(`drill run ${runId} is in the month index but its record (${partitionKey} META) is gone`);
      events += stored.length;
      return exportDrillRun(run, partitionKey, stored);
    },
    (collected) => onProgress?.({ phase: 'drill runs', collected, total: runIds.length, events }),
  );
}

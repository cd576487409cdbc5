import { drillRunPk, incidentPk } from '../domain/keys.js';
import type { ExportProgressListener } from '../domain/evidence/export-progress.js';
import { exportTrail, type EvidencePeriod, type ExportedDrillRun, type ExportedIncident } from '../domain/evidence/exported-trail.js';
import type { Incident } from '../domain/incident.js';
import { getRun, listRunIdsStartedIn } from './drill/drill-run-store.js';
import { listStoredEvents } from './event-trail.js';
import { listIncidents } from './incident-store.js';

const INCIDENT_PAGE_SIZE = 100;
/**
 * Trails read at once: each is a Query (or a few pages) that mostly waits on DynamoDB, so one at a time left the reader
 * idle (in AWS ~10 ms a Query: a month of 833 incidents took 8 s alone); 16 keeps well inside on-demand's limits.
 */
export const TRAIL_READ_CONCURRENCY = 16;

/**
 * `read` of every item, at most `concurrency` at once, results in the items' order; `onEach` after each one ends (in
 * the order they end). A throw from either stops what has not started and rejects with it.
 */
export async function readInOrder<Item, Result>(items: readonly Item[], concurrency: number, read: (item: Item) => Promise<Result>, onEach: (done: number) => void): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await read(items[index]!);
        done += 1;
        onEach(done);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

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
  let events = 0;
  return readInOrder(
    incidents,
    TRAIL_READ_CONCURRENCY,
    async (incident): Promise<ExportedIncident> => {
      const partitionKey = incidentPk(incident.incidentId);
      const trail = exportTrail(partitionKey, await listStoredEvents(tableName, partitionKey));
      events += trail.events.length;
      return { incident, trail };
    },
    (collected) => onProgress?.({ phase: 'incidents', collected, total: incidents.length, events }),
  );
}

/** Every drill run started in the period with its record, whole trail and verdict. */
export async function collectDrillRunEvidence(tableName: string, period: EvidencePeriod, onProgress?: ExportProgressListener): Promise<ExportedDrillRun[]> {
  const runIds = await listRunIdsStartedIn(tableName, period);
  let events = 0;
  return readInOrder(
    runIds,
    TRAIL_READ_CONCURRENCY,
    async (runId): Promise<ExportedDrillRun> => {
      const run = await getRun(tableName, runId);
      // The index lists runs by their record: one missing here was deleted between the two reads.
      if (!run) throw new Error(`drill run ${runId} is in the month index but its record (${drillRunPk(runId)} META) is gone`);
      const partitionKey = drillRunPk(runId);
      const trail = exportTrail(partitionKey, await listStoredEvents(tableName, partitionKey));
      events += trail.events.length;
      return { run, trail };
    },
    (collected) => onProgress?.({ phase: 'drill runs', collected, total: runIds.length, events }),
  );
}

import { verifyChain, type ChainProblem, type StoredTrailEvent } from '../chain-verify.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import type { Incident } from '../incident.js';
import { listedItem } from './listing-json.js';
import { trailFacts, type TrailFacts } from './trail-facts.js';

/** An evidence period: from inclusive, to exclusive (ISO times). */
export interface EvidencePeriod {
  readonly from: string;
  readonly to: string;
}

/** One trail's verdict as exported (its events are written into the listing, and what the views need is in `facts`). */
export interface ExportedTrail {
  /** The trail's partition key, e.g. INC#<id>: with an event's sort key it names the item. */
  readonly partitionKey: string;
  readonly intact: boolean;
  readonly length: number;
  readonly headHash: string;
  readonly problems: readonly ChainProblem[];
  readonly facts: TrailFacts;
}

/** A trail as its listing writes it: the verdict and every stored event (unchanged, with seq/prevHash/hash). */
export interface ListedTrail extends Omit<ExportedTrail, 'facts'> {
  readonly events: readonly StoredTrailEvent[];
}

export interface ExportedIncident {
  readonly incident: Incident;
  readonly trail: ExportedTrail;
  /** The item as incidents.json lists it, `{incident, trail}` with every event: rendered when read, so no event is kept. */
  readonly listed: Buffer;
}

export interface ExportedDrillRun {
  readonly run: DrillRunRecord;
  readonly trail: ExportedTrail;
  /** The item as drill-runs.json lists it, `{run, trail}` with every event. */
  readonly listed: Buffer;
}

/** How an auditor can recompute every hash without this tool (written into the JSON files). */
export const HASH_RULE =
  'hash = hex SHA-256 of the RFC 8785 canonical JSON of the event without its hash field (seq and prevHash included); ' +
  'the first event has seq 1 and prevHash 64 zeros, each next one has seq + 1 and prevHash = the previous hash';

/** Verifies a trail's chain and keeps its events beside the verdict, as its listing writes it. */
export function listedTrail(partitionKey: string, events: readonly StoredTrailEvent[]): ListedTrail {
  const verdict = verifyChain(events);
  return { partitionKey, intact: verdict.problems.length === 0, ...verdict, events };
}

const exportedOf = ({ events, ...verdict }: ListedTrail): ExportedTrail => ({ ...verdict, facts: trailFacts(events) });

/** An incident with its trail as listed (verified, or as a part holds it): its listing item and facts, the events let go. */
export function exportedIncidentOf(incident: Incident, trail: ListedTrail): ExportedIncident {
  return { incident, trail: exportedOf(trail), listed: listedItem({ incident, trail }) };
}

/** A drill run with its trail as listed: its listing item and facts, the events let go. */
export function exportedDrillRunOf(run: DrillRunRecord, trail: ListedTrail): ExportedDrillRun {
  return { run, trail: exportedOf(trail), listed: listedItem({ run, trail }) };
}

/** An incident and its stored trail, verified. */
export const exportIncident = (incident: Incident, partitionKey: string, events: readonly StoredTrailEvent[]): ExportedIncident => exportedIncidentOf(incident, listedTrail(partitionKey, events));

/** A drill run and its stored trail, verified. */
export const exportDrillRun = (run: DrillRunRecord, partitionKey: string, events: readonly StoredTrailEvent[]): ExportedDrillRun => exportedDrillRunOf(run, listedTrail(partitionKey, events));

/** Every chain problem of the exported trails, one line each (the keys of the item at fault, expected vs found). */
export function describeProblems(trails: readonly Pick<ExportedTrail, 'partitionKey' | 'problems'>[]): string[] {
  return trails.flatMap((trail) =>
    trail.problems.map((problem) => `${trail.partitionKey} ${problem.sortKey}: ${problem.kind}; expected ${problem.expected}, found ${problem.found}`),
  );
}

import { verifyChain, type ChainProblem, type StoredTrailEvent } from '../chain-verify.js';
import type { DrillRunRecord } from '../drill/run-record.js';
import type { Incident } from '../incident.js';

/** An evidence period: from inclusive, to exclusive (ISO times). */
export interface EvidencePeriod {
  readonly from: string;
  readonly to: string;
}

/** One trail as exported: every stored event (unchanged, with seq/prevHash/hash) and the chain's verdict. */
export interface ExportedTrail {
  /** The trail's partition key, e.g. INC#<id>: with an event's sort key it names the item. */
  readonly partitionKey: string;
  readonly intact: boolean;
  readonly length: number;
  readonly headHash: string;
  readonly problems: readonly ChainProblem[];
  readonly events: readonly StoredTrailEvent[];
}

export interface ExportedIncident {
  readonly incident: Incident;
  readonly trail: ExportedTrail;
}

export interface ExportedDrillRun {
  readonly run: DrillRunRecord;
  readonly trail: ExportedTrail;
}

/** How an auditor can recompute every hash without this tool (written into the JSON files). */
export const HASH_RULE =
  'hash = hex SHA-256 of the RFC 8785 canonical JSON of the event without its hash field (seq and prevHash included); ' +
  'the first event has seq 1 and prevHash 64 zeros, each next one has seq + 1 and prevHash = the previous hash';

/** Verifies a trail's chain and keeps its events beside the verdict. */
export function exportTrail(partitionKey: string, events: readonly StoredTrailEvent[]): ExportedTrail {
  const verdict = verifyChain(events);
  return { partitionKey, intact: verdict.problems.length === 0, ...verdict, events };
}

/** Every chain problem of the exported trails, one line each (the keys of the item at fault, expected vs found). */
export function describeProblems(trails: readonly ExportedTrail[]): string[] {
  return trails.flatMap((trail) =>
    trail.problems.map((problem) => `${trail.partitionKey} ${problem.sortKey}: ${problem.kind}; expected ${problem.expected}, found ${problem.found}`),
  );
}

import type { ChosenRecoveryPoint, AvailableRecoveryPoints, RestoreHandle, RestoreProgress, RestoredCleanupResult, SourceFacts } from '../../domain/drill/restore.js';

/*
 * The restore driver interface, on its own: implementations import it, and restore-drivers.ts (the table of drivers)
 * imports them, so no driver imports the table back.
 */

export interface RestoreRequest {
  readonly source: SourceFacts;
  readonly recoveryPoint: ChosenRecoveryPoint;
  /** The run's restored resource name (drill-prefixed, see restoredResourceName). */
  readonly restoredName: string;
  /** The run, for drivers that tag the restored resource in the restore call itself (RDS: cleanup can always prove it). */
  readonly claim?: RunClaim;
}

/** Who a restored resource belongs to: the tags irdr puts on it, and what the cleanup guard checks. */
export interface RunClaim {
  readonly runId: string;
  readonly planId: string;
}

/** One restore service for one resource type, as a drill uses it: check the source, restore, follow, claim, undo. */
export interface RestoreDriver {
  /**
   * How the drill learns a started restore ended: `end-event`, the service puts its own end event on the bus (AWS
   * Backup's Restore Job State Change; RDS's instance and cluster events) naming what the handle's `awaited` names,
   * and the drill waits for it with a task token, looking only as a safety net; `poll`, the drill looks after each
   * (adaptive) wait.
   */
  readonly completionSignal: 'end-event' | 'poll';
  /** The source and what it can be restored from; DrillPreflightError if it cannot be. Creates nothing. */
  preflight(): Promise<{ source: SourceFacts; points: AvailableRecoveryPoints }>;
  /** Starts the restore into a new resource named restoredName; DrillRestoreError if the service refuses. */
  startRestore(request: RestoreRequest): Promise<RestoreHandle>;
  /**
   * Where the restore is, up to the restored resource being available; the handle returned replaces the one given.
   * `claim`: the run, for a driver that must tag what the restore made before it finishes it (an Aurora cluster AWS
   * Backup restored gets its instance only once tagged as the run's).
   */
  describeRestore(handle: RestoreHandle, claim?: RunClaim): Promise<RestoreProgress>;
  /** Tags the restored resource as this run's after proving it is the one this restore made (DrillClaimRefused if not). */
  claimRestored(handle: RestoreHandle, claim: RunClaim): Promise<void>;
  /** Deletes what the restore made, in the type's order, each part only if the cleanup guard allows it. */
  cleanUp(handle: RestoreHandle, claim: RunClaim): Promise<RestoredCleanupResult>;
}

/** The restored resource is not provably the one this restore made: it is left untagged, so cleanup will not delete it. */
export class DrillClaimRefused extends Error {
  override name = 'DrillClaimRefused';
}

import type { SimulatedDuration } from './front-context.js';

/** How long the local DynamoDB's backups and restores take, and how far PITR trails the clock, in simulated time. */
export interface RecoveryTiming {
  /** How long a restored table stays CREATING: baseMs plus perItemMs per restored item. */
  readonly restoreDuration: SimulatedDuration;
  /** How long a new backup stays CREATING before it is AVAILABLE (its items are copied at once). */
  readonly backupDuration: SimulatedDuration;
  /** How far LatestRestorableDateTime trails the clock. AWS documents it as "typically 5 minutes before the current time". */
  readonly latestRestorableLagMs: number;
}

/** The front's timing unless told otherwise: quick restores and backups, and PITR's lag as in AWS. */
export const DEFAULT_RECOVERY_TIMING: RecoveryTiming = {
  restoreDuration: { baseMs: 5_000, perItemMs: 1 },
  backupDuration: { baseMs: 1_000, perItemMs: 0 },
  latestRestorableLagMs: 300_000,
};

/**
 * The timing a stack running `timeScale` times faster gives its front: each part as given (else the default), divided
 * by timeScale like every other wait, so `--time-scale 60` turns PITR's 5-minute lag into 5 seconds too.
 */
export function scaledRecoveryTiming(given: Partial<RecoveryTiming> | undefined, timeScale: number): RecoveryTiming {
  const timing = { ...DEFAULT_RECOVERY_TIMING, ...given };
  const scaled = (duration: SimulatedDuration): SimulatedDuration => ({ baseMs: duration.baseMs / timeScale, perItemMs: duration.perItemMs / timeScale });
  return {
    restoreDuration: scaled(timing.restoreDuration),
    backupDuration: scaled(timing.backupDuration),
    latestRestorableLagMs: timing.latestRestorableLagMs / timeScale,
  };
}

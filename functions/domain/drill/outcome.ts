import { recoveryPointReason } from './recovery-point-note.js';
import { caughtErrorMessage, type CleanupStatus, type DrillExecutionState } from './run.js';

/** Cleanup results that leave nothing of the drill behind (a restore testing job's resource is AWS Backup's to delete). */
export const CLEAN_STATUSES: readonly CleanupStatus[] = ['DELETED', 'NOT_FOUND', 'NOTHING_CREATED', 'LEFT_TO_AWS_BACKUP'];

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

export interface DrillVerdict {
  readonly passed: boolean;
  /** Why it failed, one line each; empty when it passed. */
  readonly reasons: string[];
}

/**
 * A drill passes only if it ran to the end, every check passed, achieved RTO and RPO are within the plan's targets,
 * and cleanup left nothing behind. Each shortfall is a reason of its own.
 */
export function judgeDrill(state: DrillExecutionState): DrillVerdict {
  const reasons: string[] = [];
  if (state.failure) reasons.push(`the drill stopped: ${caughtErrorMessage(state.failure)}`);
  const targets = state.run?.targets;
  if (state.checks) {
    for (const check of state.checks.results) {
      if (!check.passed) reasons.push(`check ${check.id} failed: expected ${check.expected}, found ${check.actual}`);
    }
    const tooEarly = recoveryPointReason(state.restore?.handle.recoveryPoint ?? state.run?.recoveryPoint, state.run?.restorableWindow, state.checks.results);
    if (tooEarly) reasons.push(tooEarly);
    const { rtoSeconds, rpo } = state.checks;
    if (targets && rtoSeconds !== undefined && rtoSeconds > targets.rtoMinutes * 60) {
      reasons.push(`RTO ${minutes(rtoSeconds)} exceeds the ${targets.rtoMinutes} min target`);
    }
    if (targets && rpo !== undefined && rpo.seconds > targets.rpoMinutes * 60) {
      reasons.push(`RPO ${minutes(rpo.seconds)} (${rpo.method}) exceeds the ${targets.rpoMinutes} min target`);
    }
  } else if (!state.failure) {
    reasons.push('the restored data was never validated');
  }
  if (state.cleanupFailure) reasons.push(`cleanup failed: ${caughtErrorMessage(state.cleanupFailure)}`);
  else if (!state.cleanup) reasons.push('cleanup did not run');
  else if (!CLEAN_STATUSES.includes(state.cleanup.status)) {
    reasons.push(`cleanup ${state.cleanup.status}${state.cleanup.reason ? `: ${state.cleanup.reason}` : ''}`);
  }
  return { passed: reasons.length === 0, reasons };
}

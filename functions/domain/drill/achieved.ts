import type { DrillCheckResult } from './check-result.js';
import type { ChosenRecoveryPoint } from './restore.js';
import type { AchievedRpo } from './run.js';

/** Whole seconds from one ISO instant to another (never negative). */
export const secondsBetween = (fromIso: string, toIso: string): number => Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));

/**
 * Achieved RTO: drill start to the restore's completion (the restore service's own completion time where it gives one),
 * plus how long validation took. How late the drill noticed the completion (an event AWS delivers best-effort, a look)
 * is not part of the recovery; without a recorded completion, drill start to validated.
 */
export function achievedRtoSeconds(times: {
  readonly drillStartedAt: string;
  readonly restoreCompletedAt: string | undefined;
  readonly validationStartedAt: string;
  readonly validationCompletedAt: string;
}): number {
  if (times.restoreCompletedAt === undefined) return secondsBetween(times.drillStartedAt, times.validationCompletedAt);
  const restoreMs = Math.max(0, Date.parse(times.restoreCompletedAt) - Date.parse(times.drillStartedAt));
  const validationMs = Math.max(0, Date.parse(times.validationCompletedAt) - Date.parse(times.validationStartedAt));
  return Math.round((restoreMs + validationMs) / 1000);
}

/**
 * Achieved RPO: measured by the canary when the plan has one (the newest canary in the restored data against the
 * point asked for); otherwise estimated from how far the recovery point restored lies before the point asked for.
 */
export function achievedRpo(results: readonly DrillCheckResult[], recoveryPoint: ChosenRecoveryPoint): AchievedRpo {
  const canary = results.find((result) => (result.type === 'canary' || result.type === 'canary-object' || result.type === 'sql-canary') && result.measuredRpoSeconds !== undefined);
  if (canary?.measuredRpoSeconds !== undefined) return { seconds: canary.measuredRpoSeconds, method: 'canary' };
  return { seconds: secondsBetween(recoveryPoint.at, recoveryPoint.requestedAt), method: 'recovery-point' };
}

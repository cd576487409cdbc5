import type { DrillCheckResult } from './check-result.js';
import type { DrillRunRecord } from './run-record.js';
import type { AchievedRpo } from './run.js';

/**
 * A run's recovery objective as evidence: achieved (and measured) only once the restored data was validated, i.e.
 * every check passed. A check that failed, or a run that stopped before its checks, achieved neither RTO nor RPO,
 * whatever time passed meanwhile: evidence never counts a failed check as met.
 */
export type ObjectiveOutcome =
  /** The run is still going and has not failed a check yet. */
  | { readonly state: 'pending' }
  | { readonly state: 'achieved'; readonly seconds: number; readonly targetSeconds?: number }
  | { readonly state: 'not-achieved'; readonly why: string; readonly targetSeconds?: number };

export type RpoOutcome = ObjectiveOutcome & { readonly method?: AchievedRpo['method'] };

/** Restored data is validated only when there were checks and every one passed. */
export const validationPassed = (results: readonly DrillCheckResult[] | undefined): boolean =>
  results !== undefined && results.length > 0 && results.every((result) => result.passed);

const minutesToSeconds = (minutes: number | undefined): number | undefined => (minutes === undefined ? undefined : minutes * 60);

/** Why a run has no achieved objective, or undefined while it may still get one. */
function notAchievedBecause(run: DrillRunRecord): string | undefined {
  const checks = run.checks ?? [];
  const failed = checks.filter((check) => !check.passed).length;
  if (failed > 0) return `the restored data failed validation (${failed} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failed)`;
  if (run.status === 'running') return undefined;
  if (checks.length === 0) return 'the restored data was never validated (the drill stopped before its checks)';
  return undefined;
}

function outcomeOf(run: DrillRunRecord, seconds: number | undefined, targetMinutes: number | undefined): ObjectiveOutcome {
  const targetSeconds = minutesToSeconds(targetMinutes);
  const target = targetSeconds === undefined ? {} : { targetSeconds };
  const why = notAchievedBecause(run);
  if (why !== undefined) return { state: 'not-achieved', why, ...target };
  if (validationPassed(run.checks) && seconds !== undefined) return { state: 'achieved', seconds, ...target };
  if (run.status === 'running') return { state: 'pending' };
  return { state: 'not-achieved', why: 'it was not measured', ...target };
}

/** Drill start → restored data validated; not achieved when it never was. */
export const rtoOutcome = (run: DrillRunRecord): ObjectiveOutcome => outcomeOf(run, run.rtoSeconds, run.targets?.rtoMinutes);

/** Measured by the canary (or estimated from the recovery point) in data that was validated; else not achieved. */
export function rpoOutcome(run: DrillRunRecord): RpoOutcome {
  const outcome = outcomeOf(run, run.rpo?.seconds, run.targets?.rpoMinutes);
  return outcome.state === 'achieved' && run.rpo ? { ...outcome, method: run.rpo.method } : outcome;
}

/** Achieved and within its target (a target-less objective is never "within"). */
export const withinTarget = (outcome: ObjectiveOutcome): boolean =>
  outcome.state === 'achieved' && outcome.targetSeconds !== undefined && outcome.seconds <= outcome.targetSeconds;

/** The seconds achieved, or undefined when not (yet) achieved. */
export const achievedSeconds = (outcome: ObjectiveOutcome): number | undefined => (outcome.state === 'achieved' ? outcome.seconds : undefined);

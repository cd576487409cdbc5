/**
 * How long to wait before looking at a restore again. Adaptive polling starts at FIRST_WAIT_SECONDS and doubles up to
 * a cap of 5% of the RTO target (15 s to 5 min): a 20-minute restore takes about a dozen looks rather than forty, and
 * the measured restore time is never off by more than 5% of the target. Fixed polling waits the plan's interval.
 */
export type PollingPolicy = { readonly strategy: 'adaptive' } | { readonly strategy: 'fixed'; readonly intervalSeconds: number };

export const FIRST_WAIT_SECONDS = 5;
const MIN_CAP_SECONDS = 15;
const MAX_CAP_SECONDS = 300;

export const adaptiveCapSeconds = (rtoMinutes: number): number =>
  Math.min(MAX_CAP_SECONDS, Math.max(MIN_CAP_SECONDS, Math.round(rtoMinutes * 60 * 0.05)));

/** The wait before look number `looksSoFar + 1` (the first wait follows the restore's start). */
export function pollIntervalSeconds(policy: PollingPolicy, rtoMinutes: number, looksSoFar: number): number {
  if (policy.strategy === 'fixed') return policy.intervalSeconds;
  return Math.min(adaptiveCapSeconds(rtoMinutes), FIRST_WAIT_SECONDS * 2 ** Math.min(looksSoFar, 20));
}

export type NextLook = { readonly kind: 'wait'; readonly seconds: number } | { readonly kind: 'timed-out' };

/** The next wait, shortened so the last look falls on the timeout; none once the waits have used the timeout up. */
export function nextLook(policy: PollingPolicy, rtoMinutes: number, looksSoFar: number, waitedSeconds: number, timeoutSeconds: number): NextLook {
  const remaining = timeoutSeconds - waitedSeconds;
  if (remaining <= 0) return { kind: 'timed-out' };
  return { kind: 'wait', seconds: Math.max(1, Math.min(pollIntervalSeconds(policy, rtoMinutes, looksSoFar), remaining)) };
}

/** Waits between looks at a table cleanup is waiting for (still CREATING): 10 s doubling to 5 minutes. */
export const cleanupWaitSeconds = (attempt: number): number => Math.min(MAX_CAP_SECONDS, 10 * 2 ** Math.min(attempt, 10));

/**
 * How long a drill waiting for AWS Backup's restore-ended event sits before it looks anyway (the safety net for an
 * event that never comes; AWS delivers them best-effort): a quarter of the RTO target, 5 minutes to an hour.
 */
export const eventWaitCapSeconds = (rtoMinutes: number): number => Math.min(3600, Math.max(300, Math.round(rtoMinutes * 60 * 0.25)));

/** The next event wait, shortened so the last look falls on the restore timeout; none once that is used up. */
export function nextEventWait(rtoMinutes: number, waitedSeconds: number, timeoutSeconds: number): NextLook {
  const remaining = timeoutSeconds - waitedSeconds;
  if (remaining <= 0) return { kind: 'timed-out' };
  return { kind: 'wait', seconds: Math.max(1, Math.min(eventWaitCapSeconds(rtoMinutes), remaining)) };
}

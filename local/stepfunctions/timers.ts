// setTimeout fires at once (with a warning) beyond 2^31-1 ms; longer delays are chained.
const MAX_TIMER_MS = 2_147_483_647;

/** Milliseconds of real time for `seconds` of workflow time when time runs `timeScale` times faster. */
export function scaledMs(seconds: number, timeScale: number): number {
  return Math.max(0, (seconds * 1000) / timeScale);
}

/** Calls `fire` after `ms` (any length); returns a function that cancels it. */
export function startTimer(ms: number, fire: () => void): () => void {
  let handle: NodeJS.Timeout;
  let remaining = Math.max(0, ms);
  const arm = (): void => {
    const step = Math.min(remaining, MAX_TIMER_MS);
    remaining -= step;
    handle = setTimeout(() => (remaining > 0 ? arm() : fire()), step);
  };
  arm();
  return () => clearTimeout(handle);
}

/** Resolves after `ms`, or rejects with `abortReason()` as soon as `signal` aborts; leaves no timer behind. */
export function abortableSleep(ms: number, signal: AbortSignal, abortReason: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason());
    const onAbort = (): void => {
      cancel();
      reject(abortReason());
    };
    const cancel = startTimer(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

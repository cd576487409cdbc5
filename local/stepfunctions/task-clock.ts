import { startTimer } from './timers.js';

export type TaskExpiry = 'timeout' | 'heartbeat' | 'aborted';

/** Why a task stopped waiting before its work answered. */
export class TaskExpired extends Error {
  constructor(readonly expiry: TaskExpiry) {
    super(`Task ${expiry}`);
    this.name = 'TaskExpired';
  }
}

/**
 * The deadlines of one running task: its TimeoutSeconds, its HeartbeatSeconds (restarted by each
 * heartbeat) and the abort of its branch or execution. `expired` rejects with the first to come.
 */
export class TaskClock {
  readonly expired: Promise<never>;
  private expire: (expiry: TaskExpiry) => void = () => {};
  private cancelTimeout = (): void => {};
  private cancelHeartbeat = (): void => {};
  private disposed = false;
  private readonly onAbort = (): void => this.expire('aborted');

  constructor(
    private readonly signal: AbortSignal,
    timeoutMs: number | undefined,
    private readonly heartbeatMs: number | undefined,
  ) {
    this.expired = new Promise<never>((_, reject) => {
      this.expire = (expiry) => {
        this.dispose();
        reject(new TaskExpired(expiry));
      };
    });
    this.expired.catch(() => {}); // raced by whoever waits; never an unhandled rejection
    if (signal.aborted) {
      this.expire('aborted');
      return;
    }
    signal.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined) this.cancelTimeout = startTimer(timeoutMs, () => this.expire('timeout'));
    this.heartbeat();
  }

  /** Waits for `work`, unless a deadline passes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  heartbeat(): void {
    if (this.disposed) return;
    this.cancelHeartbeat();
    if (this.heartbeatMs !== undefined) this.cancelHeartbeat = startTimer(this.heartbeatMs, () => this.expire('heartbeat'));
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimeout();
    this.cancelHeartbeat();
    this.signal.removeEventListener('abort', this.onAbort);
  }
}

import diagnosticsChannel from 'node:diagnostics_channel';
import { FINISHED_INVOCATIONS_CHANNEL } from '../local/aws-call-recorder.js';

/**
 * Counts the handler invocations the local Lambda runtime finishes in this process (it announces each on a
 * diagnostics channel), so a bench can learn that a run's last task is done without polling while it runs.
 */
export class FinishedInvocations {
  count = 0;
  private waiter: { readonly atLeast: number; readonly resolve: () => void } | undefined;
  private readonly onFinished = (): void => {
    this.count += 1;
    if (this.waiter && this.count >= this.waiter.atLeast) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  };

  constructor() {
    diagnosticsChannel.subscribe(FINISHED_INVOCATIONS_CHANNEL, this.onFinished);
  }

  /** Resolves once `more` invocations beyond those counted so far have finished. */
  next(more: number): Promise<void> {
    const atLeast = this.count + more;
    if (more <= 0) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { atLeast, resolve }));
  }

  stop(): void {
    diagnosticsChannel.unsubscribe(FINISHED_INVOCATIONS_CHANNEL, this.onFinished);
  }
}

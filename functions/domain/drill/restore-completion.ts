import { secondsBetween } from './achieved.js';

/*
 * When a restore completed, as the run records it, and how late the drill may have seen it (resolutionSeconds). The
 * service's own completion time counts only while the drill waited for its end event (AWS Backup's CompletionDate);
 * otherwise the look that saw it is the completion, at most the last wait late — or, when the service's end event
 * woke the drill (RDS says when in the event), at most the time from that announcement to the look.
 */

export interface RestoreCompletionInput {
  /** How the drill was waiting before this look. */
  readonly signal: 'event' | 'poll';
  /** The service's completion time, if it gives one (AWS Backup's CompletionDate). */
  readonly serviceCompletedAt?: string;
  /** What ended the wait (`event`, `look`, `timeout`, `poll`, `wait failed: …`). */
  readonly wokenBy: string;
  /** When the end event says the service announced the end (its own timestamp), if it woke the drill. */
  readonly announcedAt?: string;
  /** The wait before this look, in seconds. */
  readonly lastWaitSeconds: number;
  /** When this look saw the restore complete. */
  readonly seenAt: string;
}

export interface RestoreCompletion {
  readonly completedAt: string;
  readonly completedAtFrom: 'service' | 'look';
  readonly resolutionSeconds: number;
}

export function restoreCompletion(input: RestoreCompletionInput): RestoreCompletion {
  const { signal, serviceCompletedAt, wokenBy, announcedAt, lastWaitSeconds, seenAt } = input;
  if (signal === 'event' && serviceCompletedAt !== undefined) {
    return { completedAt: serviceCompletedAt, completedAtFrom: 'service', resolutionSeconds: secondsBetween(serviceCompletedAt, seenAt) };
  }
  // An announcement after this look, or one that is no time at all, bounds nothing: the last wait does.
  const announced = signal === 'event' && wokenBy === 'event' && announcedAt !== undefined ? Date.parse(announcedAt) : Number.NaN;
  const bounded = Number.isFinite(announced) && announced <= Date.parse(seenAt);
  return { completedAt: seenAt, completedAtFrom: 'look', resolutionSeconds: bounded ? Math.min(lastWaitSeconds, secondsBetween(announcedAt!, seenAt)) : lastWaitSeconds };
}
